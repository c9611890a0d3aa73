"""The server took the message, the client never heard the "250": never sent twice alone.

A real aiosmtpd keeps the message and then either cuts the connection before
its reply or kills the sending `unibox` process (kill -9) at that moment.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers.smtp import SMTP_WARNING, smtp_server
from tests.integration.conftest import subprocess_env
from tests.integration.test_mail_actions import Mailroom, mail, run
from unibox.store import outbox
from unibox.sync.account_work import AccountWork
from unibox.sync.send import UNKNOWN_RETRY_SECONDS

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings(SMTP_WARNING)]
__all__ = ["mail", "smtp_server"]


def _work_later(mail: Mailroom, seconds: int) -> None:
    """A sync's outgoing half, as if `seconds` had passed (leases run out)."""
    store, account = mail.store_and_account()
    later = datetime.now(UTC) + timedelta(seconds=seconds)
    AccountWork(store, account, mail.dovecot.password, clock=lambda: later).run()


def test_a_lost_reply_leaves_the_choice_to_the_person(
    mail: Mailroom, capsys: pytest.CaptureFixture[str]
) -> None:
    mail.synced()
    mail.smtp.drop_replies(1)
    mail.stdin("Did it go?\n")
    capsys.readouterr()
    assert run("send", "--account", "Work", "--to", "ann@example.org", "--subject", "Lost") == 1
    err = capsys.readouterr().err
    assert "may have been sent" in err and err.count("\n") == 1
    assert len(mail.smtp.messages) == 1  # the server has it
    for _ in range(2):  # looked for in Sent and the inbox; not found; never sent again alone
        _work_later(mail, UNKNOWN_RETRY_SECONDS + 1)
        assert len(mail.smtp.messages) == 1
    [row] = mail.out("outbox", "--json")
    assert row["state"] == "unconfirmed" and row["may_have_been_sent"] is True
    assert row["last_error"].startswith("May have been sent: the server did not confirm")
    capsys.readouterr()
    assert run("outbox") == 0
    listed = capsys.readouterr().out
    assert "maybe-sent" in listed and "May have been sent" in listed
    assert run("outbox", "--send-again", str(row["id"] + 1)) == 1  # no such message
    assert run("outbox", "--discard", str(row["id"])) == 0  # the person: it went after all
    assert run("outbox", "--discard", str(row["id"])) == 1  # decided already
    assert "not waiting for a decision" in capsys.readouterr().err
    _work_later(mail, 3600)
    assert len(mail.smtp.messages) == 1
    assert mail.out("outbox", "--json") == []


@pytest.mark.parametrize("kept_in", [None, "Sent", "INBOX"])
def test_kill_9_before_the_reply_never_sends_twice_on_its_own(
    mail: Mailroom, test_keyring: Path, tmp_path: Path, kept_in: str | None
) -> None:
    """kept_in: where the server also put the message (Gmail files in Sent; to oneself)."""
    mail.synced()
    body = tmp_path / "body.txt"
    body.write_text("Exactly once, please.\n")
    procs: list[subprocess.Popen[str]] = []

    def kill_the_sender() -> None:
        if kept_in is not None:
            mail.deliver(mail.smtp.messages[-1].data, folder=kept_in)
        os.kill(procs[0].pid, signal.SIGKILL)

    mail.smtp.after_accept(kill_the_sender)
    to = mail.me if kept_in == "INBOX" else "ann@example.org"
    command = ["send", "--account", "Work", "--to", to, "--subject", "Once"]
    procs.append(
        subprocess.Popen(
            [sys.executable, "-m", "unibox.cli", *command, "--body-file", str(body)],
            env=subprocess_env(mail.profile, test_keyring),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
    )
    assert procs[0].wait(60) == -signal.SIGKILL
    mail.smtp.after_accept(None)
    assert len(mail.smtp.messages) == 1
    [row] = mail.out("outbox", "--json")
    assert row["state"] == "unconfirmed"
    _work_later(mail, outbox.SENDING_LEASE_SECONDS + 1)
    assert len(mail.smtp.messages) == 1
    if kept_in is not None:  # found at the server: it went, and it is filed in Sent once
        assert mail.out("outbox", "--json") == []
        assert mail.subjects("Sent") == ["Once"]
        return
    [row] = mail.out("outbox", "--json")
    assert row["may_have_been_sent"] is True and mail.subjects("Sent") == []
    assert run("outbox", "--send-again", str(row["id"])) == 0  # the person says: again
    assert len(mail.smtp.messages) == 2  # the second copy is the person's choice
    assert mail.subjects("Sent") == ["Once"]
