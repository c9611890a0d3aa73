"""Reminders of events as desktop notifications, while the window runs (or sits in the tray)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer

from unibox.core.items import ChangeSet
from unibox.core.reminders import Reminder
from unibox.store.reminders import next_reminder_at, take_due_reminders
from unibox.ui.bridge import Bridge

# Re-armed at least this often, so a suspended laptop, a changed clock or an event
# synced in meanwhile is caught up with.
LONGEST_WAIT_MS = 60_000
MAX_SHOWN = 3  # more due at once (after a long sleep) are said as one


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ReminderWaker(QObject):
    """A timer set for the next reminder; when it fires, the due ones are told once.

    Which are due and which were shown is the store's (store.reminders): a
    reminder is marked shown in the write that hands it out, so a restart or
    a second window does not show it again.
    """

    def __init__(
        self,
        bridge: Bridge,
        tell: Callable[[str, str], None],
        clock: Callable[[], datetime] = _utc_now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._tell = tell
        self.clock = clock
        self.due: int | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        """At start: what came due while unibox was closed (within the grace), then wait."""
        self.check()

    def _now(self) -> int:
        return int(self.clock().timestamp())

    def arm(self) -> None:
        after = self._now()
        self._bridge.read(lambda s: next_reminder_at(s, after), self._armed, lane="side")

    def apply_changes(self, changes: ChangeSet) -> None:
        if changes.people or changes.messages_added:  # events came or changed
            self.arm()

    def _tick(self) -> None:
        if self.due is not None and self.due <= self._now():
            self.check()
        else:
            self.arm()

    def check(self) -> None:
        """Show what is due now, then wait for the next one."""
        store, now = self._bridge.store, self._now()
        self._bridge.run(lambda: take_due_reminders(store, now), self._show)

    def _show(self, due: list[Reminder]) -> None:
        now = self._now()
        for reminder in due[:MAX_SHOWN]:
            self._tell(*reminder.text(now))
        if len(due) > MAX_SHOWN:
            rest = len(due) - MAX_SHOWN
            self._tell("Reminders", f"{rest} more meeting{'s' if rest > 1 else ''} soon")
        self.arm()

    def _armed(self, due: int | None) -> None:
        self.due = due
        wait_ms = LONGEST_WAIT_MS if due is None else max(0, (due - self._now()) * 1000)
        self.timer.start(min(wait_ms, LONGEST_WAIT_MS))
