"""Opens compose windows (new, reply, reply all, forward, reopened) and queues what they send.

After Send the window closes and the status bar counts down "Sending to
Ann in 9 s — Undo"; Undo cancels the outbox row and reopens the window as
it was. Delivery is the sync engine's: when the undo delay (or the send-later
time) has passed, the account's sync is kicked so the message leaves without
waiting for the next poll.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from unibox.core.address_list import parse_address_list
from unibox.core.errors import UserError
from unibox.store import outbox
from unibox.store.accounts import AccountInfo
from unibox.store.outbox import OutboxItem
from unibox.ui.bridge import Bridge
from unibox.ui.compose.notice import ComposeNotice
from unibox.ui.compose.schedule import when_text
from unibox.ui.compose.sending import (
    prepare_edit,
    prepare_forward,
    prepare_reply,
    queue_composed,
    sending_accounts,
)
from unibox.ui.compose.state import ComposeState, DraftStore

if TYPE_CHECKING:  # the windows load on first use: not before the main window's first paint
    from unibox.ui.compose.outbox_dialog import OutboxDialog
    from unibox.ui.compose.window import ComposeWindow

log = logging.getLogger("unibox.ui")

# The kinds the sync engine sends for (ui/sync_service.SYNCED_KINDS).
SENDING_KINDS = ("imap", "pop3")
KICK_AFTER_MS = 500  # past the due time, so the engine finds the message due
MAX_TIMER_MS = 24 * 3600 * 1000
WATCH_MS = 1500  # how often the outcome of a send is looked at once it is due
WATCH_TRIES = 80  # two minutes; the Outbox window shows what happens after that


def needs_account_sentence(account: AccountInfo | None) -> str:
    name = f"“{account.name}”" if account is not None else "This profile"
    return (
        f"{name} cannot send mail: sending needs a mail account with a server. "
        "The demo profile has none; open your own profile and add one with Mail ▸ Add account…"
    )


def _recipients_text(state: ComposeState) -> str:
    """ "Ann Lee", "Ann Lee and 2 more": as the person wrote them (already validated)."""
    try:
        found = [a for text in (state.to, state.cc, state.bcc) for a in parse_address_list(text)]
    except UserError:
        found = []
    if not found:
        return "your recipients"
    first = found[0].name or found[0].email
    return first + (f" and {len(found) - 1} more" if len(found) > 1 else "")


class ComposeLauncher(QObject):
    """new(), reply(id, all), forward(id), edit_outbox(id); keeps track of open windows.

    `deliverer()` gives the function that asks the sync engine to send an
    account's due mail now, or None while there is no engine (the demo): then
    Send says that sending needs an account instead of queueing in vain.
    `undo_seconds()` reads the current undo-send delay setting.
    """

    def __init__(
        self,
        bridge: Bridge,
        notice: ComposeNotice,
        *,
        drafts: DraftStore | None,
        undo_seconds: Callable[[], int],
        deliverer: Callable[[], Callable[[str], object] | None],
        say: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.notice = notice
        self.drafts = drafts
        self.undo_seconds = undo_seconds
        self.deliverer = deliverer
        self.say = say
        self.windows: list[ComposeWindow] = []
        self._accounts: list[AccountInfo] = []
        self.actions: dict[str, QAction] = {}  # menu entries by their text (wiring.py)
        self.opened: ComposeWindow | None = None  # the last window opened (tests wait for it)
        self.outbox_dialog: OutboxDialog | None = None
        self._notice_for: int | None = None  # the outbox id the countdown is about

    # -- opening ---------------------------------------------------------------

    def new(self) -> None:
        self._open_when_ready(lambda: ComposeState())

    def reply(self, message_id: int, reply_all: bool = False) -> None:
        self._open_when_ready(
            lambda: prepare_reply(self.bridge.store, message_id, reply_all=reply_all)
        )

    def forward(self, message_id: int) -> None:
        self._open_when_ready(lambda: prepare_forward(self.bridge.store, message_id))

    def edit_outbox(self, outbox_id: int) -> None:
        store = self.bridge.store
        self._open_when_ready(lambda: prepare_edit(store, outbox_id), pristine=False)

    def open_state(self, state: ComposeState) -> None:
        """Unsent work back in a window (after Undo, a kept draft)."""
        self._open_when_ready(lambda: state, pristine=False)

    def _open_when_ready(
        self, prepare: Callable[[], ComposeState], *, pristine: bool = True
    ) -> None:
        store = self.bridge.store

        def work() -> tuple[list[AccountInfo], ComposeState]:
            return sending_accounts(store), prepare()

        self.bridge.run(
            work, lambda found: self._show(*found, pristine=pristine), self._failed_to_open
        )

    def _failed_to_open(self, exc: Exception) -> None:
        log.error("preparing a message failed", exc_info=exc)
        self.say(str(exc) if isinstance(exc, UserError) else "The message could not be prepared.")

    def _show(self, accounts: list[AccountInfo], state: ComposeState, *, pristine: bool) -> None:
        self.opened = self._open(accounts, state, pristine)

    def _open(
        self, accounts: list[AccountInfo], state: ComposeState, pristine: bool
    ) -> ComposeWindow:
        self._accounts = accounts
        if state.account_id is None and accounts:
            sending = [a for a in accounts if a.kind in SENDING_KINDS]
            state.account_id = (sending or accounts)[0].id
        from unibox.ui.compose.window import ComposeWindow

        window = ComposeWindow(self.bridge, accounts, state, self.drafts, pristine=pristine)
        window.send_requested.connect(lambda s, when, w=window: self._send(w, s, when))
        window.destroyed.connect(lambda _o=None, w=window: self._forget(w))
        self.windows.append(window)
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def _forget(self, window: ComposeWindow) -> None:
        if self.opened is window:
            self.opened = None
        if window in self.windows:
            self.windows.remove(window)

    # -- sending ---------------------------------------------------------------

    def _account(self, account_id: int | None) -> AccountInfo | None:
        return next((a for a in self._accounts if a.id == account_id), None)

    def _send(self, window: ComposeWindow, state: ComposeState, when: datetime | None) -> None:
        account = self._account(state.account_id)
        if self.deliverer() is None or account is None or account.kind not in SENDING_KINDS:
            window.show_problem(needs_account_sentence(account))
            return
        if when is not None and when.tzinfo is None:
            when = when.astimezone()  # a local wall-clock time picked by the person
        store, undo = self.bridge.store, self.undo_seconds()

        def work() -> tuple[OutboxItem, AccountInfo]:
            return queue_composed(store, state, send_at=when, undo_seconds=undo)

        def failed(exc: Exception) -> None:
            if not isinstance(exc, UserError):
                log.error("queueing a message failed", exc_info=exc)
            text = str(exc) if isinstance(exc, UserError) else "The message could not be queued."
            window.show_problem(text)

        self.bridge.run(work, lambda found: self._queued(window, state, when, *found), failed)

    def _queued(
        self,
        window: ComposeWindow,
        state: ComposeState,
        when: datetime | None,
        item: OutboxItem,
        account: AccountInfo,
    ) -> None:
        window.finish()
        self._kick_when_due(item, account.name)
        who = _recipients_text(state)
        if when is not None:
            local = datetime.fromtimestamp(item.send_at).astimezone()
            self.notice.offer(
                f"Scheduled to {who} for {when_text(local, datetime.now().astimezone())}.",
                "Undo",
                lambda: self.undo(item.id, state),
            )
            return
        delay = max(0.0, item.send_at - datetime.now(UTC).timestamp())
        self._notice_for = item.id
        QTimer.singleShot(int(delay * 1000) + WATCH_MS, self, lambda: self._watch(item.id, who))
        self.notice.countdown(
            lambda n: f"Sending to {who} in {n} s —",
            delay,
            "Undo",
            lambda: self.undo(item.id, state),
            f"Sending to {who}…",
        )

    def _kick_when_due(self, item: OutboxItem, account_name: str) -> None:
        delivery = self.deliverer()
        if delivery is None:
            return
        due_ms = (item.send_at - datetime.now(UTC).timestamp()) * 1000 + KICK_AFTER_MS
        if due_ms > MAX_TIMER_MS:
            return  # far off: the engine's own checks send it; a timer would not outlive the app
        QTimer.singleShot(max(0, int(due_ms)), self, lambda: delivery(account_name))

    def _watch(self, outbox_id: int, who: str, tries: int = 0) -> None:
        """After the undo delay: say in the status bar whether the message left."""

        def seen(item: OutboxItem) -> None:
            if self._notice_for != outbox_id or item.state == outbox.CANCELLED:
                return  # a newer message has the notice, or this one was undone
            if item.state in (outbox.ACCEPTED, outbox.DONE):
                self.notice.say(f"Sent to {who}.")
            elif item.state == outbox.FAILED:
                self.notice.offer(
                    f"Not sent to {who}: {item.last_error}", "Outbox…", self.show_outbox
                )
            elif item.state == outbox.UNCONFIRMED and item.last_error:
                self.notice.offer(
                    f"Maybe sent to {who}: the server did not confirm. {item.last_error}",
                    "Outbox…",
                    self.show_outbox,
                )
            elif item.state == outbox.QUEUED and item.attempts and item.last_error:
                self.notice.offer(
                    f"Not sent to {who} yet: {item.last_error} It will be tried again.",
                    "Outbox…",
                    self.show_outbox,
                )
            elif tries < WATCH_TRIES:
                QTimer.singleShot(WATCH_MS, self, lambda: self._watch(outbox_id, who, tries + 1))

        self.bridge.read(lambda s: outbox.get_item(s, outbox_id), seen, lane="side")

    def undo(self, outbox_id: int, state: ComposeState) -> None:
        """Cancel while it still waits, then reopen the window with everything as it was."""
        from unibox.services.mail import cancel

        store = self.bridge.store

        def failed(exc: Exception) -> None:
            self.say(str(exc) if isinstance(exc, UserError) else "The message could not be undone.")

        self.bridge.run(
            lambda: cancel(store, outbox_id), lambda _item: self.open_state(state), failed
        )

    # -- drafts ----------------------------------------------------------------

    def offer_kept_drafts(self) -> None:
        """Unsent drafts from before (a crash, or Keep draft): offer to open the newest."""
        if self.drafts is None:
            return
        drafts = self.drafts
        open_ids = {w.draft_id for w in self.windows}

        def found(kept: list[ComposeState]) -> None:
            kept = [k for k in kept if k.draft_id not in open_ids]
            if not kept:
                return
            newest = kept[0]
            subject = newest.subject.strip() or "(no subject)"
            more = f" (and {len(kept) - 1} more)" if len(kept) > 1 else ""
            self.notice.offer(
                f"An unsent message was kept: “{subject}”{more}.",
                "Open",
                lambda: self.restore(kept),
            )

        self.bridge.run(drafts.load_all, found)

    def restore(self, kept: list[ComposeState]) -> None:
        for state in kept:
            self.open_state(state)

    def close_all(self) -> None:
        """The main window closes: every compose window keeps its draft and closes."""
        for window in list(self.windows):
            window.close_keeping_draft()

    def parent_widget(self) -> QWidget | None:
        parent = self.parent()
        return parent if isinstance(parent, QWidget) else None

    def show_outbox(self) -> OutboxDialog:
        """Mail ▸ Outbox…: one dialog, raised when asked again."""
        if self.outbox_dialog is None:
            from unibox.ui.compose.outbox_dialog import OutboxDialog

            self.outbox_dialog = OutboxDialog(
                self.bridge, self.edit_outbox, self.deliverer, self.parent_widget()
            )
        self.outbox_dialog.show()
        self.outbox_dialog.raise_()
        self.outbox_dialog.activateWindow()
        return self.outbox_dialog
