"""Faults between unibox and a real aiosmtpd: what did not reach the server is sent again.

A connection dropped before the end of the message went out (during MAIL/RCPT,
or in the middle of the DATA body) means the server delivers nothing (RFC 5321
§3.8): the message is not counted as sent, stays queued, and goes exactly once
on the next try. (The case where the end went out but the "250" never came
back is test_send_unconfirmed.py's.)
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers.dovecot import Dovecot
from tests.helpers.proxy import Fault, FaultProxy, fault_proxy
from tests.helpers.smtp import SMTP_WARNING, SmtpServer
from tests.integration.cli_helpers import add_account
from unibox.config import store_path
from unibox.services.mail import Outgoing, queue_new
from unibox.store import outbox
from unibox.store.accounts import get_account
from unibox.store.store import Store
from unibox.sync.account_work import AccountWork
from unibox.sync.send import RETRY_SECONDS

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings(SMTP_WARNING)]
__all__ = ["fault_proxy"]

LARGE = 8 * 1024 * 1024  # more than loopback socket buffers hold
BODY = "A long letter.\n" + "Line of the letter that makes it long enough.\n" * 400


@pytest.fixture
def plain_smtp() -> Iterator[SmtpServer]:
    """Plain text on loopback, so the proxy can find the SMTP commands in the stream."""
    server = SmtpServer("plain", size_limit=4 * LARGE).start()
    try:
        yield server
    finally:
        server.stop()


FAULTS = {
    # In the middle of a large message's body (larger than the socket buffers, so the
    # client is still writing when the connection goes). smtplib's commands are lower case.
    "cut-mid-body": Fault("cut", direction="up", after=b"data\r\n", after_bytes=100_000),
    "reset-mid-body": Fault("reset", direction="up", after=b"data\r\n", after_bytes=100_000),
    # The server hangs up right after inviting the message, while a large one is written.
    "cut-after-354": Fault("cut", after=b"354 End data with <CR><LF>.<CR><LF>\r\n"),
    # Before DATA: the server's answer to RCPT is lost.
    "cut-after-rcpt": Fault("cut", direction="up", after=b"rcpt TO:"),
    # The greeting never comes: the connect timeout, then a later try.
    "stall-at-greeting": Fault("stall"),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_a_message_the_server_did_not_get_whole_is_queued_and_sent_once_later(
    name: str,
    dovecot: Dovecot,
    plain_smtp: SmtpServer,
    mail_user: str,
    profile: Path,
    tmp_path: Path,
    fault_proxy: Callable[..., FaultProxy],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fault = Fault(**{k: v for k, v in vars(FAULTS[name]).items() if k != "fired"})
    proxy = fault_proxy(plain_smtp.port, fault)
    if fault.action == "stall":  # only there: a busy machine may greet slowly
        monkeypatch.setattr("unibox.channels.smtp.CONNECT_TIMEOUT_SECONDS", 2.0)
    smtp = ("--smtp-host", "127.0.0.1", "--smtp-port", str(proxy.port))
    plain_smtp.add_user(mail_user, dovecot.password)
    extra = (*smtp, "--smtp-security", "plain", "--no-check")  # the check would meet the fault
    assert (
        add_account(dovecot, mail_user, security="plain", extra=extra, monkeypatch=monkeypatch) == 0
    )
    store = Store(store_path(profile))
    with store.read() as s:
        account = get_account(s, "Work")
    attachments = []
    if "body" in name or "354" in name:
        big = tmp_path / "big.bin"
        big.write_bytes(random.Random(7).randbytes(LARGE))
        attachments.append(big)
    mail = Outgoing(to=["ann@example.org"], subject="Faulty", body=BODY, attachments=attachments)
    item = queue_new(store, "Work", mail, undo_seconds=0)
    now = datetime.now(UTC)
    first = AccountWork(store, account, dovecot.password, clock=lambda: now).run()
    assert fault.fired == 1, first
    assert first.sent == 0 and len(first.errors) == 1
    assert "may have been sent" not in first.errors[0]
    assert plain_smtp.messages == []
    with store.read() as s:
        row = outbox.get_item(s, item.id)
    assert row.state == outbox.QUEUED and row.next_attempt_at is not None
    # Not before its time, then exactly once.
    AccountWork(store, account, dovecot.password, clock=lambda: now).run()
    assert plain_smtp.messages == []
    later = now + timedelta(seconds=RETRY_SECONDS[0] + 1)
    again = AccountWork(store, account, dovecot.password, clock=lambda: later).run()
    assert again.sent == 1
    [received] = plain_smtp.messages
    assert b"Subject: Faulty" in received.data and received.data.count(b"Line of the letter") == 400
    with store.read() as s:
        assert outbox.get_item(s, item.id).state == outbox.DONE
    AccountWork(store, account, dovecot.password, clock=lambda: later + timedelta(hours=2)).run()
    assert len(plain_smtp.messages) == 1
