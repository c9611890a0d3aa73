"""Draining the outbox: each message sent at most once unless the person says again.

The order of durable steps (each an intent_write commit, synchronous=FULL):
1. claim: queued -> sending, before any network call;
2. just before the end-of-data mark goes to the server: -> unconfirmed;
3. SMTP accepts -> accepted, at once;
4. the copy is in Sent (searched by Message-ID first, then APPENDed) ->
   done, and the message is ingested so it shows in its conversation.
After a crash: an "accepted" row is only filed in Sent, never sent again. A
"sending" row (the process died before the end of the message left, so the
server delivered nothing) is sent again once its lease ends, with the same
Message-ID, after a look in Sent. An "unconfirmed" row (the end left, the
reply was never committed: the connection or the process died) is looked
for by Message-ID in Sent and the inbox; found, it is done; not found, it
waits in the outbox as "may have been sent" until the person sends it again
or discards it. It is never sent twice on unibox's own decision.

TEST_KILL_ENV is for the test suite only: it makes the process SIGKILL
itself right after step 2, to prove a restart does not send twice.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from unibox.channels import smtp
from unibox.channels.imap import ImapSession
from unibox.channels.imap_write import ImapWriter
from unibox.channels.sasl import Credential
from unibox.core.errors import AuthError, ChannelError, ConnectionLost, SecurityError
from unibox.core.items import ChangeSet, FetchedMail
from unibox.core.triage import Clock
from unibox.store import outbox
from unibox.store.accounts import AccountInfo
from unibox.store.actions import queue_flags
from unibox.store.ingest import Ingestor
from unibox.store.intent import intent_write
from unibox.store.outbox import OutboxItem
from unibox.store.store import Store
from unibox.sync.endpoints import smtp_endpoint as smtp_endpoint_of
from unibox.sync.pipeline import to_incoming

log = logging.getLogger("unibox.sync.send")

TEST_KILL_ENV = "UNIBOX_TEST_KILL_AFTER_SMTP_ACCEPT"
RETRY_SECONDS = (60, 300, 900, 3600)
UNKNOWN_RETRY_SECONDS = 120  # after a connection lost during DATA: look in Sent, then resend


class SendFn(Protocol):
    """channels.smtp.send's shape (tests pass their own)."""

    def __call__(
        self,
        ep: smtp.SmtpEndpoint,
        password: Credential,
        sender: str,
        rcpts: tuple[str, ...],
        raw: bytes,
        *,
        before_end: Callable[[], None] | None = None,
    ) -> smtp.SendResult: ...


@dataclass(slots=True)
class SendReport:
    sent: int = 0
    filed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    changes: ChangeSet = field(default_factory=ChangeSet)


def smtp_endpoint(account: AccountInfo) -> smtp.SmtpEndpoint:
    s = account.settings
    if s.smtp is None:
        raise ChannelError(
            f"The account “{account.name}” has no outgoing (SMTP) server; add one to send.",
            retryable=False,
        )
    return smtp_endpoint_of(s, s.smtp)


def smtp_send(
    ep: smtp.SmtpEndpoint,
    password: Credential,
    sender: str,
    rcpts: tuple[str, ...],
    raw: bytes,
    *,
    before_end: Callable[[], None] | None = None,
) -> smtp.SendResult:
    return smtp.send(ep, password, sender, rcpts, raw, before_end=before_end)


class OutboxSender:
    """Sends one account's due outbox rows and files them in Sent."""

    def __init__(
        self,
        store: Store,
        account: AccountInfo,
        password: Credential,
        *,
        clock: Clock,
        send: SendFn = smtp_send,
    ) -> None:
        self.store = store
        self.account = account
        self._password = password
        self.clock = clock
        self.send_fn = send
        self.report = SendReport()

    def now(self) -> int:
        return int(self.clock().timestamp())

    def due(self) -> list[OutboxItem]:
        with self.store.read() as s:
            return outbox.due_items(s, self.account.id, self.now())

    def drain(self, imap: ImapSession | None) -> SendReport:
        """Send what is due. Without IMAP (unreachable), mail still goes out; only
        the copy in Sent and the check of an interrupted send wait for it."""
        for item in self.due():
            if item.state == outbox.ACCEPTED:
                if imap is not None:
                    self._file(imap, item)
                continue
            if item.state == outbox.UNCONFIRMED:
                if imap is not None:
                    self._confirm(imap, item)
                continue  # without IMAP nobody can tell: wait
            if item.state == outbox.SENDING and imap is None:
                continue  # must look in Sent before sending again
            with intent_write(self.store) as s:
                claimed = outbox.claim(s, item.id, self.now())
            if not claimed:
                continue  # cancelled (undo) or taken by another process meanwhile
            if (
                item.state == outbox.SENDING
                and imap is not None
                and self._already_in_sent(imap, item)
            ):
                log.info("outbox %d was sent before a crash; not sending again", item.id)
                with intent_write(self.store) as s:
                    outbox.mark_accepted(s, item.id, self.now(), {})
                    outbox.mark_done(s, item.id, self.now())
                continue
            if self._deliver(item) and imap is not None:
                self._file(imap, item)
        return self.report

    def _deliver(self, item: OutboxItem) -> bool:
        """SMTP; True once the server accepted (and that is committed)."""
        with self.store.read() as s:
            raw = outbox.raw_of(s, item.id)

        def entering_the_unknown() -> None:
            with intent_write(self.store) as s:
                outbox.mark_unconfirmed(s, item.id, self.now())

        try:
            result = self.send_fn(
                smtp_endpoint(self.account),
                self._password,
                item.sender,
                item.recipients,
                raw,
                before_end=entering_the_unknown,
            )
        except smtp.DeliveryUnknown as exc:
            # Maybe sent: after a short wait (a server may file it late), Sent is searched.
            with intent_write(self.store) as s:
                outbox.mark_unconfirmed(s, item.id, self.now())
                outbox.mark_error(s, item.id, str(exc), self.now() + UNKNOWN_RETRY_SECONDS)
            self.report.errors.append(str(exc))
            return False
        except ChannelError as exc:
            self._not_sent(item, exc)
            return False
        with intent_write(self.store) as s:
            outbox.mark_accepted(s, item.id, self.now(), result.refused)
        if os.environ.get(TEST_KILL_ENV):  # test suite only: see the module docstring
            os.kill(os.getpid(), signal.SIGKILL)
        self.report.sent += 1
        return True

    def _not_sent(self, item: OutboxItem, exc: ChannelError) -> None:
        error = str(exc)
        self.report.errors.append(error)
        with intent_write(self.store) as s:
            if exc.retryable or isinstance(exc, AuthError | SecurityError | ConnectionLost):
                # Waiting (or a fixed password / certificate setting) may help: keep it queued.
                delay = RETRY_SECONDS[min(item.attempts, len(RETRY_SECONDS) - 1)]
                outbox.mark_retry(s, item.id, error, self.now() + delay)
            else:
                outbox.mark_failed(s, item.id, error)
                self.report.failed += 1

    # -- Sent ---------------------------------------------------------------------------

    def _sent_folder(self) -> tuple[int, str] | None:
        with self.store.read() as s:
            return outbox.sent_folder(s, self.account.id)

    def _confirm(self, imap: ImapSession, item: OutboxItem) -> None:
        """Maybe sent: found in Sent or the inbox, it was; otherwise the person decides."""
        with intent_write(self.store) as s:
            if not outbox.take_unconfirmed(s, item.id, self.now()):
                return  # another process is on it
        folders = [f for f in (self._sent_folder(), (0, "INBOX")) if f is not None]
        writer = ImapWriter(imap)
        try:
            found = any(writer.find(name, item.message_id) for _id, name in folders)
        except ChannelError as exc:
            self.report.errors.append(str(exc))
            return  # the lease runs out and the search is tried again
        finally:
            writer.done()
        if not found:
            log.info("outbox %d may have been sent; asking the person", item.id)
            with intent_write(self.store) as s:
                outbox.await_decision(s, item.id)
            return
        log.info("outbox %d was taken by the server before a crash; not sending again", item.id)
        with intent_write(self.store) as s:
            outbox.mark_accepted(s, item.id, self.now(), {})
        self._file(imap, item)

    def _already_in_sent(self, imap: ImapSession, item: OutboxItem) -> bool:
        sent = self._sent_folder()
        if sent is None:
            return False
        writer = ImapWriter(imap)
        try:
            return bool(writer.find(sent[1], item.message_id))
        finally:
            writer.done()

    def _file(self, imap: ImapSession, item: OutboxItem) -> None:
        """Put the copy in Sent (unless the server already did) and show it at once."""
        with self.store.read() as s:
            item = outbox.get_item(s, item.id)  # with the accepted time and refusals
        sent = self._sent_folder()
        note = "" if sent else "Sent, but the account has no Sent folder for a copy."
        if sent is not None:
            writer = ImapWriter(imap)
            try:
                found = writer.find(sent[1], item.message_id)
                with self.store.read() as s:
                    raw = outbox.raw_of(s, item.id)
                when = datetime.fromtimestamp(item.accepted_at or self.now(), UTC)
                uid = found[0] if found else writer.append(sent[1], raw, ["\\Seen"], when)
                if uid is None:
                    found = writer.find(sent[1], item.message_id)
                    uid = found[0] if found else None
                validity, _ = writer.select(sent[1])
            except ChannelError as exc:
                with intent_write(self.store) as s:
                    outbox.mark_error(s, item.id, f"Sent, but not yet copied to Sent: {exc}")
                self.report.errors.append(str(exc))
                return
            finally:
                writer.done()
            if uid is not None:
                self._show(sent[0], validity, uid, raw, when)
        with intent_write(self.store) as s:
            refused = f"Not delivered to: {item.refused}." if item.refused else ""
            outbox.mark_done(s, item.id, self.now(), refused or note)
            if item.reply_to_message_id is not None:
                queue_flags(s, item.reply_to_message_id, {"\\Answered"}, self.now())
        self.report.filed += 1

    def _show(self, folder_id: int, validity: int, uid: int, raw: bytes, when: datetime) -> None:
        """Ingest the sent copy now, so it is in its conversation before the next sync."""
        with self.store.read() as s:
            known_validity = outbox.folder_uidvalidity(s, folder_id)
        if known_validity is not None and known_validity != validity:
            return  # the sync will renumber the folder and find it there
        mail = FetchedMail(uid=uid, flags=("\\Seen",), size=len(raw), internal_date=when, raw=raw)
        items = to_incoming([mail], compress=False)
        with self.store.write() as s:
            changes = Ingestor(self.account.id, folder_id, [self.account.email]).ingest(s, items)
        self.report.changes.merge(changes)
