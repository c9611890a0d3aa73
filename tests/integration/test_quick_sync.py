"""The no-change sync: taken when nothing changed, never when something did (real Dovecot)."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.mailgen import simple_message
from tests.helpers.smtp import SMTP_WARNING, smtp_server
from tests.integration.conftest import subprocess_env
from tests.integration.test_mail_actions import Mailroom, mail, run
from unibox.config import store_path
from unibox.services.mail import Outgoing, act, queue_new
from unibox.store.actions import Action, ActionKind
from unibox.store.engine import SCHEMA_HEAD
from unibox.store.sync_state import newest_revision

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings(SMTP_WARNING)]
__all__ = ["mail", "smtp_server"]

QUICK = "nothing changed on the server (quick check)"


def sync(caplog: pytest.LogCaptureFixture) -> bool:
    """Run `unibox sync`; True when the quick check answered for the account."""
    caplog.clear()
    caplog.set_level(logging.INFO, logger="unibox.sync")
    assert run("sync") == 0
    return any(QUICK in r.getMessage() for r in caplog.records)


def count(mail: Mailroom, query: str) -> int:
    return len(mail.out("search", query, "--json", "--limit", "1000"))


@pytest.fixture
def synced(mail: Mailroom, caplog: pytest.LogCaptureFixture) -> Mailroom:
    mail.deliver(simple_message("Quarterly zeppelin plan", "The first plan."))
    mail.deliver(simple_message("Zeppelin budget", "Numbers."), folder="Archive")
    mail.synced()
    assert count(mail, "zeppelin") == 2
    assert sync(caplog)  # nothing changed since: the quick check answers
    return mail


def test_nothing_changed_is_answered_by_the_quick_check(
    synced: Mailroom, caplog: pytest.LogCaptureFixture
) -> None:
    assert sync(caplog)
    assert count(synced, "zeppelin") == 2
    with sqlite3.connect(store_path(synced.profile)) as db:
        [(last, error)] = db.execute("SELECT last_sync_at, last_error FROM account").fetchall()
    assert last and error == ""


def test_a_new_message_is_fetched(synced: Mailroom, caplog: pytest.LogCaptureFixture) -> None:
    synced.deliver(simple_message("Zeppelin landing", "It landed."))
    assert not sync(caplog)
    assert count(synced, "zeppelin") == 3
    assert sync(caplog)


def test_a_flag_set_by_another_client_is_picked_up(
    synced: Mailroom, caplog: pytest.LogCaptureFixture
) -> None:
    assert count(synced, "zeppelin is:flagged") == 0
    client = synced.dovecot.imap(synced.user)
    try:
        client.select_folder("Archive")
        client.add_flags(client.search(["ALL"]), [b"\\Flagged"])
    finally:
        client.logout()
    assert not sync(caplog)
    assert count(synced, "zeppelin is:flagged") == 1


def test_an_expunge_is_picked_up(synced: Mailroom, caplog: pytest.LogCaptureFixture) -> None:
    client = synced.dovecot.imap(synced.user)
    try:
        client.select_folder("Archive")
        client.delete_messages(client.search(["ALL"]))
        client.expunge()
    finally:
        client.logout()
    assert not sync(caplog)
    assert count(synced, "zeppelin") == 1


def test_a_queued_message_is_sent(synced: Mailroom, caplog: pytest.LogCaptureFixture) -> None:
    store, _account = synced.store_and_account()
    try:
        queue_new(
            store,
            "Work",
            Outgoing(to=["ann@example.org"], subject="Zeppelin tickets", body="Two, please."),
            undo_seconds=0,
        )
    finally:
        store.close()
    assert not sync(caplog)
    assert [m.rcpt_tos for m in synced.smtp.messages] == [("ann@example.org",)]
    assert "Zeppelin tickets" in synced.subjects("Sent")


def test_a_pending_operation_is_pushed(synced: Mailroom, caplog: pytest.LogCaptureFixture) -> None:
    [hit] = synced.out("search", "budget", "--json")
    store, _account = synced.store_and_account()
    try:
        act(store, [int(hit["id"])], Action(ActionKind.FLAG))
    finally:
        store.close()
    assert not sync(caplog)
    flags = {str(m["Subject"]): f for _u, f, m in synced.messages("Archive")}
    assert b"\\Flagged" in flags["Zeppelin budget"]


def test_a_new_uidvalidity_refetches_the_folder(
    synced: Mailroom, caplog: pytest.LogCaptureFixture
) -> None:
    old, new = synced.dovecot.reset_uidvalidity(synced.user, "Archive")
    assert old != new
    assert not sync(caplog)
    folders = synced.out("folders", "--json")
    assert count(synced, "zeppelin") == 2
    assert next(f for f in folders if f["name"] == "Archive")["messages"] == 1
    assert sync(caplog)  # and then it is the new state that is compared


def test_a_folder_without_a_stored_modseq_is_never_skipped(
    synced: Mailroom, caplog: pytest.LogCaptureFixture
) -> None:
    # What a server without CONDSTORE leaves: STATUS could not show a flag changed elsewhere.
    with sqlite3.connect(store_path(synced.profile)) as db:
        db.execute("UPDATE folder SET highestmodseq = NULL WHERE name = 'Archive'")
    assert not sync(caplog)


def test_the_schema_revision_is_read_as_alembic_has_it() -> None:
    assert newest_revision() == SCHEMA_HEAD


def test_a_no_change_sync_loads_neither_the_orm_nor_the_engine(
    synced: Mailroom, test_keyring: Path
) -> None:
    code = (
        "import sys\n"
        "from unibox.cli.main import main\n"
        "code = main(['sync'])\n"
        "heavy = ('sqlalchemy', 'alembic', 'unibox.store.schema', 'unibox.sync.runner',\n"
        "    'unibox.sync.mail', 'unibox.store.ingest')\n"
        "print(code, sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = subprocess_env(synced.profile, test_keyring)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.stdout.strip() == "0 []", out.stderr
