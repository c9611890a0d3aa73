"""The outgoing half of a sync: wake snoozes, push pending operations, send due mail.

Runs before an account's sync (so the server has the user's changes before
its state is read back) and opens a connection only when there is work.
After the sync, triage keywords another unibox set are taken back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from unibox.channels.imap import ImapSession
from unibox.channels.sasl import Credential
from unibox.core.errors import ConnectionLost
from unibox.core.items import ChangeSet
from unibox.core.triage import Clock, utc_now
from unibox.store import outbox, pending_ops
from unibox.store.accounts import AccountInfo
from unibox.store.intent import intent_write
from unibox.store.store import Store
from unibox.store.triage import reconcile_from_keywords
from unibox.store.triage_views import next_snooze_end, snooze_ended_ids
from unibox.sync.mail import SyncReport, endpoint_for

if TYPE_CHECKING:
    from unibox.sync.send import SendFn

log = logging.getLogger("unibox.sync")


@dataclass(slots=True)
class WorkReport:
    pushed: int = 0
    sent: int = 0
    errors: list[str] = field(default_factory=list)
    changes: ChangeSet = field(default_factory=ChangeSet)


def work_due(store: Store, account: AccountInfo, now: int) -> bool:
    """Is there anything to push, send or wake for this account right now? (cheap)"""
    with store.read() as s:
        return (
            pending_ops.has_pending(s, account.id)
            or bool(outbox.due_items(s, account.id, now))
            or bool(snooze_ended_ids(s, now, account.id))
        )


def next_work_at(store: Store, account: AccountInfo, now: int) -> int | None:
    """When scheduled work (a send-later message, a snooze ending) comes due next."""
    with store.read() as s:
        times = [t for t in (outbox.next_due(s, account.id), next_snooze_end(s, now)) if t]
    return min(times) if times else None


class AccountWork:
    """What the user asked of one account that the server does not know yet."""

    def __init__(
        self,
        store: Store,
        account: AccountInfo,
        password: Credential,
        *,
        clock: Clock = utc_now,
        send: SendFn | None = None,
    ) -> None:
        self.store = store
        self.account = account
        self._password = password
        self.clock = clock
        self.send = send

    def now(self) -> int:
        return int(self.clock().timestamp())

    def run(self) -> WorkReport:
        """Wake snoozes, then push and send over one connection (none if idle)."""
        report = WorkReport()
        with self.store.read() as s:
            waking = bool(snooze_ended_ids(s, self.now(), self.account.id))
        if waking:
            from unibox.store.actions import wake_snoozed

            with intent_write(self.store) as s:
                report.changes.merge(wake_snoozed(s, self.account.id, self.now()))
        if not work_due(self.store, self.account, self.now()):
            return report
        # Only now: a sync with nothing to send never imports SMTP and the email package.
        from unibox.sync.push import OpPusher
        from unibox.sync.send import OutboxSender, smtp_send

        sender = OutboxSender(
            self.store, self.account, self._password, clock=self.clock, send=self.send or smtp_send
        )
        try:
            imap = ImapSession(endpoint_for(self.account), self._password)
        except ConnectionLost as exc:
            # The IMAP server is out of reach: mail may still leave over SMTP.
            sent = sender.drain(None)
            report.sent = sent.sent
            report.errors = [*sent.errors, str(exc)]
            report.changes.merge(sent.changes)
            raise
        with imap:
            pushed = OpPusher(self.store, self.account.id).push(imap)
            sent = sender.drain(imap)
            # A reply sent just now marks its original \Answered: push that too.
            pushed_after = OpPusher(self.store, self.account.id).push(imap)
        report.pushed = pushed.pushed + pushed_after.pushed
        report.sent = sent.sent
        report.errors = pushed.errors + sent.errors + pushed_after.errors
        for part in (pushed.changes, sent.changes, pushed_after.changes):
            report.changes.merge(part)
        return report

    def after_sync(self, sync: SyncReport) -> ChangeSet:
        """Take back triage keywords that another unibox set or cleared."""
        touched = sync.changes.messages_added | sync.changes.messages_changed
        if not touched:
            return ChangeSet()
        with self.store.write() as s:
            return reconcile_from_keywords(s, touched, self.now())
