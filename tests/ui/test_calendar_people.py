"""Meetings in the People page: the next one on a person's record, past ones in the
timeline, and the People list sorted by next meeting."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import Qt

from unibox.core.items import Address, Attendee, CalendarEvent
from unibox.demo import DEMO_EMAIL
from unibox.store.event_files import import_events
from unibox.ui.people.list_model import Column
from unibox.ui.people.switcher import CALENDAR

TOMAS = Address("tomas@cafeteriasol.example", "Tomás García")


def _at(day: date, hour: int) -> int:
    return int(datetime.combine(day, time(hour)).astimezone().timestamp())


def _meetings(store) -> None:  # type: ignore[no-untyped-def]
    me = Attendee(Address(DEMO_EMAIL, "Mira Castell"), "chair", "accepted", organizer=True)
    tomas = Attendee(TOMAS, "req-participant", "accepted")
    soon = date.today() + timedelta(days=1)
    earlier = date.today() - timedelta(days=10)
    import_events(
        store,
        [
            CalendarEvent(
                uid="tasting@test", summary="Menu tasting", starts_at=_at(soon, 6),
                ends_at=_at(soon, 7), organizer=me.address, attendees=(me, tomas),
            ),
            CalendarEvent(
                uid="kickoff@test", summary="Photo kickoff", starts_at=_at(earlier, 9),
                ends_at=_at(earlier, 10), organizer=me.address, attendees=(me, tomas),
            ),
        ],
    )  # fmt: skip


def _open_tomas(qtbot, window):  # type: ignore[no-untyped-def]
    _meetings(window.bridge.store)
    with qtbot.waitSignal(window.people.page.view.model.loaded, timeout=15_000):
        qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    view = window.people.page.view
    qtbot.keyClicks(view.search, "Garc")
    model = view.model
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.cached(0) is not None)
    qtbot.keyClick(view.search, Qt.Key.Key_Down)
    qtbot.keyClick(view.list, Qt.Key.Key_Return)
    return window.people.page.record


def test_the_record_shows_the_next_meeting_and_past_ones_in_the_timeline(
    qtbot,
    window,  # type: ignore[no-untyped-def]
) -> None:
    record = _open_tomas(qtbot, window)
    qtbot.waitUntil(lambda: record.next_meeting.isVisible())
    assert "Menu tasting" in record.next_meeting.text()
    assert record.next_meeting.text().startswith("Next meeting: ")

    def meetings() -> list[str]:
        found = []
        for i in range(record.timeline.rowCount()):
            entry = record.timeline.entry(i)
            if entry is not None and entry.kind == "event":
                found.append(entry.title)
        return found

    qtbot.waitUntil(lambda: "Photo kickoff" in meetings())
    assert "Menu tasting" not in meetings()  # not yet happened: it is the next one
    # The Meetings chip shows only the meetings.
    qtbot.waitUntil(lambda: any(b.text() == "Meetings" for b in record.chips.buttons()))
    next(b for b in record.chips.buttons() if b.text() == "Meetings").click()
    qtbot.waitUntil(
        lambda: "Photo kickoff" in meetings() and len(meetings()) == record.timeline.rowCount()
    )
    # A click on the next meeting shows its day in the calendar.
    record.next_meeting.click()
    qtbot.waitUntil(lambda: window.people.mode == CALENDAR)
    page = window.calendar.page
    qtbot.waitUntil(lambda: any(o.summary == "Menu tasting" for o in page.occurrences))
    assert page.mode == "day" and page.days == [date.today() + timedelta(days=1)]


def test_the_people_list_sorts_by_next_meeting(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    _meetings(window.bridge.store)
    with qtbot.waitSignal(window.people.page.view.model.loaded, timeout=15_000):
        qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    view = window.people.page.view
    model = view.model
    header = view.list.header()
    with qtbot.waitSignal(model.loaded, timeout=15_000):
        header.setSortIndicator(Column.NEXT_MEETING, Qt.SortOrder.AscendingOrder)
    for n in range(model.rowCount()):
        model.index(n, 0).data()
    qtbot.waitUntil(lambda: all(model.cached(n) for n in range(model.rowCount())))
    rows = [model.cached(n) for n in range(model.rowCount())]
    times = [r.next_meeting for r in rows if r is not None]
    planned = [t for t in times if t is not None]
    assert planned, "someone has a meeting ahead"
    assert planned == sorted(planned)
    assert times[: len(planned)] == planned  # those without one come last
    tomas = next(
        n for n, r in enumerate(rows) if r is not None and r.display_name.startswith("Tom")
    )
    assert model.index(tomas, Column.NEXT_MEETING).data().startswith(("today", "tomorrow"))
