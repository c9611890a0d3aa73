"""Reads the occurrences of the days shown, and an event's people, off the GUI thread."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QObject, Signal

from unibox.store.calendar_range import Occurrence, occurrences_in_range
from unibox.store.event_details import event_details
from unibox.ui.bridge import Bridge
from unibox.ui.calendar.layout import range_of


class CalendarLoader(QObject):
    """Answers only the newest question: stepping through weeks quickly shows the last one.

    Signals:
        loaded(list, list): the days asked for, and their occurrences.
        details_loaded(object): an EventDetails.
    """

    loaded = Signal(list, list)
    details_loaded = Signal(object)

    def __init__(self, bridge: Bridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._generation = 0

    def load(self, days: list[date]) -> None:
        self._generation += 1
        generation = self._generation
        start, end = range_of(days)
        self._bridge.read(
            lambda s: occurrences_in_range(s, start, end),
            lambda found: self._done(generation, days, found),
        )

    def _done(self, generation: int, days: list[date], found: list[Occurrence]) -> None:
        if generation == self._generation:
            self.loaded.emit(days, found)

    def load_details(self, event_id: int) -> None:
        self._bridge.read(
            lambda s: event_details(s, event_id),
            lambda details: self.details_loaded.emit(details) if details is not None else None,
            lane="side",
        )
