"""Brings snoozed messages back when their time comes, while the window stays open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from unibox.core.items import ChangeSet
from unibox.store.triage_views import next_snooze_end
from unibox.ui.bridge import Bridge

# Re-armed at least this often, so a suspended laptop or a changed clock catches up.
LONGEST_WAIT_MS = 60_000


class SnoozeWaker(QObject):
    """A timer set for the next snooze to end; the views refresh when it fires.

    The inbox leaves out messages snoozed into the future by its query, so a
    woken message shows up as soon as the views ask again: nothing is written
    here (the sync clears the ended snooze on the server in its next pass).

    Signals:
        woke(): a snooze ended (by the injected clock); views should refresh.
    """

    woke = Signal()

    def __init__(
        self, bridge: Bridge, clock: Callable[[], datetime], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._clock = clock
        self.due: int | None = None  # Unix seconds of the next wake, if any
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.check)

    def _now(self) -> int:
        return int(self._clock().timestamp())

    def arm(self) -> None:
        """Ask the store when the next snooze ends and set the timer for it."""
        after = self._now()
        self._bridge.read(lambda s: next_snooze_end(s, after), self._armed, lane="side")

    def apply_changes(self, changes: ChangeSet) -> None:
        if changes.messages_changed or changes.messages_added:
            self.arm()

    def check(self) -> None:
        """The timer fired (or the clock moved): wake what is due, then wait for the next."""
        if self.due is not None and self.due <= self._now():
            self.due = None
            self.woke.emit()
        self.arm()

    def _armed(self, due: int | None) -> None:
        self.due = due
        if due is None:
            self.timer.start(LONGEST_WAIT_MS)
            return
        wait_ms = max(0, (due - self._now()) * 1000)
        self.timer.start(min(wait_ms, LONGEST_WAIT_MS))
