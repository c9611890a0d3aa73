"""Bad input and bad conditions: clear words, nothing lost, the store consistent."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import generate_mailbox, simple_message
from tests.integration.cli_helpers import add_account
from unibox import cli
from unibox.config import store_path
from unibox.store import accounts
from unibox.store import store as store_module
from unibox.store.store import Store, StoreError
from unibox.sync.mail import MailAccountSync

pytestmark = pytest.mark.integration


def _add(dovecot: Dovecot, user: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert add_account(dovecot, user, security="plain", monkeypatch=monkeypatch) == 0


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    capsys.readouterr()
    assert cli.main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


BROKEN = [
    # A base64 part that is not base64.
    b"From: Bad Base <bad@example.org>\r\nTo: me@example.com\r\nSubject: Broken base64\r\n"
    b"Message-ID: <b64@x>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n!!!! not base64 at all ####\r\n",
    # Nested far deeper than any real mail.
    b"From: deep@example.org\r\nSubject: Very deep\r\nMessage-ID: <deep@x>\r\n"
    + b"".join(
        f"Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n".encode()
        for i in range(2000)
    )
    + b"Content-Type: text/plain\r\n\r\nbottom\r\n",
    # Headers only, no body, an undecodable charset and a wrong date.
    b"From: =?x-unknown?q?Wh=FFo?= <who@example.org>\r\nSubject: =?utf-8?b?!!!?=\r\n"
    b"Date: the day after tomorrow\r\nMessage-ID: <nobody@x>\r\n\r\n",
]


def test_malformed_mail_is_kept_and_does_not_stop_the_sync(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for raw in BROKEN:
        dovecot.deliver(mail_user, raw)
    dovecot.deliver(mail_user, simple_message("Fine", "a normal one"))
    _add(dovecot, mail_user, monkeypatch)
    assert cli.main(["sync"]) == 0
    assert _json(capsys, "stats", "--json")["messages"] == 4
    found = {r["subject"]: r for r in _json(capsys, "search", "from:example.org", "--json")}
    assert "Broken base64" in found and "Very deep" in found
    db = sqlite3.connect(store_path(profile))
    states = dict(db.execute("SELECT message_id_header, parse_state FROM message"))
    errors = dict(db.execute("SELECT message_id_header, parse_error FROM message"))
    assert states["deep@x"] == "partial"
    assert "nested" in errors["deep@x"]
    # Raw sources are all kept for re-parsing or export.
    assert db.execute("SELECT count(*) FROM message_raw").fetchone()[0] == 4


def test_a_full_disk_is_reported_in_words_and_the_next_sync_completes(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dovecot.deliver_many(mail_user, generate_mailbox(600, seed=11))
    _add(dovecot, mail_user, monkeypatch)
    path = store_path(profile)
    store = Store(path)
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]

    @event.listens_for(store.engine, "connect")
    def _tiny_disk(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 400}")

    store.engine.dispose()
    with store.read() as s:
        account = accounts.get_account(s, "Work")
    with pytest.raises(StoreError, match="The disk is full"):
        MailAccountSync(store, account, dovecot.password).run()
    store.engine.dispose()
    assert Store(path).check_integrity() == []
    # What was stored is whole: every message has its place, every place its message.
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM message_body").fetchone()[0] < 600  # it stopped
    assert (
        db.execute(
            "SELECT count(*) FROM message m WHERE NOT EXISTS "
            "(SELECT 1 FROM message_location l WHERE l.message_id = m.id)"
        ).fetchone()[0]
        == 0
    )
    db.close()
    # The command says so in one line, naming the account.
    real_open = store_module.open_engine

    def tiny_disk_engine(where: Path) -> Any:
        engine = real_open(where)
        event.listen(engine, "connect", _tiny_disk)
        return engine

    monkeypatch.setattr(store_module, "open_engine", tiny_disk_engine)
    capsys.readouterr()
    assert cli.main(["sync"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("unibox: Work: The disk is full") and err.count("\n") == 1, err
    monkeypatch.setattr(store_module, "open_engine", real_open)
    assert Store(path).check_integrity() == []
    # With room again, the next sync finishes the job without duplicates.
    roomy = Store(path)
    MailAccountSync(roomy, account, dovecot.password).run()
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM message").fetchone()[0] == 600
    assert db.execute("SELECT count(*) FROM message WHERE parse_state='headers'").fetchone()[0] == 0
    assert roomy.check_integrity() == []


def test_folders_can_be_left_out_of_the_sync(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dovecot.deliver(mail_user, simple_message("Keep", "inbox"))
    dovecot.deliver(mail_user, simple_message("Spammy", "junk"), folder="Junk")
    _add(dovecot, mail_user, monkeypatch)
    assert cli.main(["sync"]) == 0
    listed = {f["name"]: f for f in _json(capsys, "folders", "--json")}
    assert listed["INBOX"]["role"] == "inbox" and listed["Junk"]["role"] == "junk"
    assert listed["Junk"]["messages"] == 1
    _json(capsys, "folders", "--account", "Work", "--exclude", "Junk", "--json")
    dovecot.deliver(mail_user, simple_message("More spam", "junk"), folder="Junk")
    assert cli.main(["sync"]) == 0
    listed = {f["name"]: f for f in _json(capsys, "folders", "--json")}
    assert listed["Junk"]["sync"] is False and listed["Junk"]["messages"] == 1
    capsys.readouterr()
    assert cli.main(["folders", "--account", "Work", "--exclude", "Nope"]) == 1
    assert "There is no folder “Nope”" in capsys.readouterr().err


def test_changes_are_announced_only_once_readers_can_see_them(
    dovecot: Dovecot, mail_user: str, profile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unibox.core.items import ChangeSet
    from unibox.store.schema import Message

    dovecot.deliver_many(mail_user, generate_mailbox(50, seed=4))
    _add(dovecot, mail_user, monkeypatch)
    store = Store(store_path(profile))
    with store.read() as s:
        account = accounts.get_account(s, "Work")
    unseen: list[int] = []

    def look_now(changes: ChangeSet) -> None:  # what the window's models do
        if changes.messages_added:
            with store.read() as s:
                found = set(
                    s.scalars(select(Message.id).where(Message.id.in_(changes.messages_added)))
                )
            unseen.extend(changes.messages_added - found)

    MailAccountSync(store, account, dovecot.password, on_changes=look_now).run()
    assert unseen == []
