"""Triage from the window: act on the selected messages off the GUI thread, with undo."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from unibox.core.errors import UserError
from unibox.core.triage import Clock
from unibox.services import mail as mail_service
from unibox.store.actions import Action, ActionKind
from unibox.store.triage_targets import before_action, with_conversations_in_inbox
from unibox.store.view_rows import MessageRow
from unibox.store.views import View, ViewKind
from unibox.ui.bridge import Bridge
from unibox.ui.format import full_time
from unibox.ui.models.message_list import MessageListModel
from unibox.ui.triage_undo import Done, Step, sentence, undo_steps
from unibox.ui.widgets.message_list_view import MessageListView

if TYPE_CHECKING:
    from unibox.ui.sync_service import SyncService

log = logging.getLogger("unibox.ui")

FOLLOWUP_AFTER = timedelta(days=3)
NUDGE_DELAY_MS = 800  # several quick actions become one sync
# On a grouped list these act on the whole conversation (what lies in the inbox).
WHOLE_CONVERSATION = frozenset(
    {
        ActionKind.ARCHIVE,
        ActionKind.DELETE,
        ActionKind.JUNK,
        ActionKind.DONE,
        ActionKind.SNOOZE,
        ActionKind.READ,
    }
)


def leaves_view(kind: ActionKind, view: View, searching: bool) -> bool:
    """Whether the action takes the message out of what the list shows (it goes at once)."""
    if searching:
        return kind in (ActionKind.DELETE, ActionKind.JUNK)
    inboxes = (ViewKind.INBOX, ViewKind.NEEDS_REPLY, ViewKind.CHANNEL)
    return {
        ActionKind.ARCHIVE: view.kind is not ViewKind.ARCHIVE,
        ActionKind.DELETE: True,
        ActionKind.JUNK: True,
        ActionKind.DONE: view.kind in (*inboxes, ViewKind.FOLLOWUP),
        ActionKind.SNOOZE: view.kind in (*inboxes, ViewKind.FOLLOWUP),
        ActionKind.UNSNOOZE: view.kind is ViewKind.SNOOZED,
        ActionKind.UNFLAG: view.kind is ViewKind.FLAGGED,
        ActionKind.NO_FOLLOWUP: view.kind is ViewKind.FOLLOWUP,
    }.get(kind, False)


class Triage(QObject):
    """The actions of the Message menu, on the list's selection; `undo` reverses the last.

    Each action is written by mail_service.act on a task thread (never the
    GUI thread); its ChangeSet goes to the bridge so every view refreshes.
    Rows that leave the current view go at once and the selection moves on
    to the next message. The account's sync is nudged so the server follows.

    Signals:
        said(str, bool): a sentence for the status bar, and whether Undo applies.
    """

    said = Signal(str, bool)

    def __init__(
        self,
        bridge: Bridge,
        model: MessageListModel,
        view: MessageListView,
        clock: Callable[[], datetime],
        syncs: Callable[[], SyncService | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._model = model
        self._view = view
        self._clock: Clock = clock
        self._syncs = syncs
        self.last: Done | None = None
        self._nudged: set[str] = set()
        self._nudge_timer = QTimer(self)
        self._nudge_timer.setSingleShot(True)
        self._nudge_timer.setInterval(NUDGE_DELAY_MS)
        self._nudge_timer.timeout.connect(self._nudge)

    # -- what the keys and menus call -------------------------------------------------

    def archive(self) -> None:
        self.apply(Action(ActionKind.ARCHIVE))

    def delete(self) -> None:
        self.apply(Action(ActionKind.DELETE))

    def junk(self) -> None:
        self.apply(Action(ActionKind.JUNK))

    def mark_read(self) -> None:
        self.apply(Action(ActionKind.READ))

    def mark_unread(self) -> None:
        self.apply(Action(ActionKind.UNREAD))

    def toggle_flag(self) -> None:
        row = self._current_row()
        flagged = row is not None and row.is_flagged
        self.apply(Action(ActionKind.UNFLAG if flagged else ActionKind.FLAG))

    def toggle_followup(self) -> None:
        """Follow up in three days unless someone answers; again: no follow-up."""
        row = self._current_row()
        if row is not None and row.followup_due is not None:
            self.apply(Action(ActionKind.NO_FOLLOWUP))
            return
        when = self._clock() + FOLLOWUP_AFTER
        self.apply(Action(ActionKind.FOLLOWUP, when=int(when.timestamp()), if_no_reply=True))

    def snooze(self, when: datetime) -> None:
        self.apply(Action(ActionKind.SNOOZE, when=int(when.timestamp())))

    def mark_seen_quietly(self, message_id: int) -> None:
        """Opening an unread message reads it: no status line, no undo entry."""
        self._run([message_id], Action(ActionKind.READ), quiet=True)

    # -- running them -----------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        return self._view.selected_ids()

    def apply(self, action: Action, ids: Sequence[int] | None = None) -> None:
        targets = list(ids) if ids is not None else self.selected_ids()
        if not targets:
            self.said.emit("Select a message first.", False)
            return
        if leaves_view(action.kind, self._model.view, self._model.search is not None):
            self._take_out(set(targets))
        whole = self._model.grouped and action.kind in WHOLE_CONVERSATION
        self._run(targets, action, whole_conversations=whole)

    def _take_out(self, ids: set[int]) -> None:
        rows = [self._model.row_of(mid) for mid in ids]
        first = min((r for r in rows if r is not None), default=None)
        if first is None:
            return
        self._model.remove_ids(ids)
        count = self._model.rowCount()
        if count:
            self._view.select_row(min(first, count - 1))
        else:
            self._view.clearSelection()

    def _run(
        self,
        shown: list[int],
        action: Action,
        *,
        quiet: bool = False,
        whole_conversations: bool = False,
    ) -> None:
        store, clock = self._bridge.store, self._clock
        when_text = (
            full_time(datetime.fromtimestamp(action.when).astimezone()) if action.when else ""
        )

        def work() -> Done:
            with store.read() as s:
                ids = with_conversations_in_inbox(s, shown) if whole_conversations else shown
                before = before_action(s, ids)
            applied = action
            try:
                changes = mail_service.act(store, ids, action, clock=clock)
            except UserError:
                if action.kind is not ActionKind.ARCHIVE:
                    raise
                # No Archive folder (a channel without one): archiving means done.
                applied = Action(ActionKind.DONE)
                changes = mail_service.act(store, ids, applied, clock=clock)
            self._bridge.post_changes(changes)
            now = int(clock().timestamp())
            return Done(
                applied,
                tuple(ids),
                frozenset(b.account for b in before),
                undo_steps(applied, before, now),
                sentence(applied, len(shown), when_text, grouped=whole_conversations),
            )

        def done(result: Done) -> None:
            self._want_sync(result.accounts)
            if quiet:
                return
            self.last = result if result.undo else None
            self.said.emit(result.sentence, bool(result.undo))

        self._bridge.run(work, done, self._failed)

    def undo(self) -> None:
        last, self.last = self.last, None
        if last is None:
            self.said.emit("There is nothing to undo.", False)
            return
        store, clock, steps = self._bridge.store, self._clock, last.undo

        def work() -> None:
            for ids, action in steps:
                self._bridge.post_changes(mail_service.act(store, ids, action, clock=clock))

        def done(_result: None) -> None:
            self._want_sync(last.accounts)
            self.said.emit(f"Undone: {last.sentence[0].lower()}{last.sentence[1:]}", False)
            self._select_back(steps)

        self._bridge.run(work, done, self._failed)

    def _select_back(self, steps: tuple[Step, ...]) -> None:
        """Once the undone messages are back in the list, the first of them is selected."""
        wanted = {mid for ids, _a in steps for mid in ids}

        def select() -> None:
            rows = [r for mid in wanted if (r := self._model.row_of(mid)) is not None]
            if rows:
                self._model.rows_changed.disconnect(select)
                self._view.select_row(min(rows))

        self._model.rows_changed.connect(select)
        QTimer.singleShot(5000, lambda: _disconnect(self._model.rows_changed, select))

    def _failed(self, exc: Exception) -> None:
        if not isinstance(exc, UserError):
            log.error("a triage action failed", exc_info=exc)
        text = str(exc) if isinstance(exc, UserError) else "The change could not be saved."
        self.said.emit(text, False)
        self._model.refresh()  # rows taken out early come back

    def _current_row(self) -> MessageRow | None:
        index = self._view.currentIndex()
        return self._model.cached_row(index.row()) if index.isValid() else None

    # -- the server follows -----------------------------------------------------------

    def _want_sync(self, accounts: frozenset[str]) -> None:
        if self._syncs() is not None and accounts:
            self._nudged |= accounts
            self._nudge_timer.start()

    def _nudge(self) -> None:
        syncs, names, self._nudged = self._syncs(), self._nudged, set()
        if syncs is not None:
            for name in sorted(names):
                syncs.sync_now(name)


def _disconnect(signal: object, slot: Callable[[], None]) -> None:
    with contextlib.suppress(RuntimeError, TypeError):  # gone: the rows came back in time
        signal.disconnect(slot)  # type: ignore[attr-defined]
