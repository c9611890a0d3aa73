"""Draining the outbox: each message sent exactly once, then filed in Sent.

The order of durable steps (each an intent_write commit, synchronous=FULL):
1. claim: queued -> sending, before any network call;
2. SMTP accepts -> accepted, at once (the only moment a crash could lose
   that knowledge is between the server's "250" and this commit);
3. the copy is in Sent (searched by Message-ID first, then APPENDed) ->
   done, and the message is ingested so it shows in its conversation.
After a crash: an "accepted" row is only filed in Sent, never sent again; a
"sending" row (the process died during SMTP) is looked up in Sent by its
Message-ID once its lease ends, and only sent again if it is not there,
with the same Message-ID so receiving systems can tell it is the same.

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

from unibox.channels import smtp
from unibox.channels.imap import ImapSession
from unibox.channels.imap_write import ImapWriter
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
SendFn = Callable[[smtp.SmtpEndpoint, str, str, tuple[str, ...], bytes], smtp.SendResult]


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
    ep: smtp.SmtpEndpoint, password: str, sender: str, rcpts: tuple[str, ...], raw: bytes
) -> smtp.SendResult:
    return smtp.send(ep, password, sender, rcpts, raw)


class OutboxSender:
    """Sends one account's due outbox rows and files them in Sent."""

    def __init__(
        self,
        store: Store,
        account: AccountInfo,
        password: str,
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
        try:
            result = self.send_fn(
                smtp_endpoint(self.account), self._password, item.sender, item.recipients, raw
            )
        except smtp.DeliveryUnknown as exc:
            # Maybe sent: keep "sending"; after a short lease, Sent is checked before any resend.
            with intent_write(self.store) as s:
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
