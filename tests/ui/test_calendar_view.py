"""The Calendar page: Ctrl+3, its four views, the event panel, dragging and creating."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QPoint, Qt
from sqlalchemy import select

from unibox.core.items import Address, Attendee, CalendarEvent
from unibox.demo import DEMO_EMAIL
from unibox.store.event_files import import_events
from unibox.store.schema_events import Event

TOMAS = Address("tomas@cafeteriasol.example", "Tomás García")


def _at(day: date, hour: int, minute: int = 0) -> int:
    return int(datetime.combine(day, time(hour, minute)).astimezone().timestamp())


def _today_events(store) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    earlier = today - timedelta(weeks=3)
    me = Address(DEMO_EMAIL, "Mira Castell")
    people = (
        Attendee(me, "chair", "accepted", organizer=True),
        Attendee(TOMAS, "req-participant", "tentative"),
    )
    import_events(
        store,
        [
            CalendarEvent(
                uid="menu@test", summary="Menu tasting", starts_at=_at(today, 10),
                ends_at=_at(today, 11), organizer=me, attendees=people, location="Sol",
            ),
            CalendarEvent(
                uid="weekly@test", summary="Weekly sync", starts_at=_at(earlier, 14),
                ends_at=_at(earlier, 15), rrule="FREQ=WEEKLY",
            ),
        ],
    )  # fmt: skip


def _calendar(qtbot, window):  # type: ignore[no-untyped-def]
    _today_events(window.bridge.store)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = window.calendar.page
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page)
    qtbot.waitUntil(lambda: any(o.summary == "Menu tasting" for o in page.occurrences))
    return page


def _box(page, summary):  # type: ignore[no-untyped-def]
    grid = page.week_view.grid
    return next(r for r, o in grid.boxes if o.summary == summary)


def test_ctrl_3_shows_the_week_with_todays_events_and_the_keys_switch_views(
    qtbot,
    window,  # type: ignore[no-untyped-def]
) -> None:
    page = _calendar(qtbot, window)
    shown = {text: keys for keys, text in window.commands.shortcuts()}
    assert "Ctrl+3" in shown["Calendar"] and "Ctrl+1" in shown["Mail"]  # the ? overlay
    assert page.switcher.buttons["calendar"].isChecked()
    assert page.mode == "week" and date.today() in page.days
    assert page.week_view.grid.today == date.today()
    assert {o.summary for o in page.occurrences} >= {"Menu tasting", "Weekly sync"}
    assert _box(page, "Menu tasting").isValid()
    qtbot.keyClick(page.week_view.grid, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.month_view)
    assert len(page.days) == 42
    assert any(o.summary == "Menu tasting" for _r, o in page.month_view.boxes)
    qtbot.keyClick(page.month_view, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.agenda)
    qtbot.waitUntil(lambda: any("Menu tasting" in t for t in page.agenda.texts()))
    assert page.agenda.texts()[0].startswith("Today")
    qtbot.keyClick(page.agenda, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: page.mode == "day" and page.days == [date.today()])
    qtbot.keyClick(page.week_view.grid, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: page.days == [date.today() + timedelta(days=1)])
    qtbot.keyClick(page.week_view.grid, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: page.days == [date.today()])
    qtbot.keyClick(page.week_view.grid, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.panes)


def test_an_event_opens_with_its_people_and_a_click_opens_their_record(
    qtbot,
    window,  # type: ignore[no-untyped-def]
) -> None:
    page = _calendar(qtbot, window)
    grid = page.week_view.grid
    qtbot.mouseClick(
        grid, Qt.MouseButton.LeftButton, pos=_box(page, "Menu tasting").center().toPoint()
    )
    panel = page.panel
    qtbot.waitUntil(lambda: len(panel.person_buttons) == 2)
    texts = [b.text() for b in panel.person_buttons]
    assert "You" in texts[0] and "organizer" in texts[0]
    assert "Tomás García" in texts[1] and "maybe" in texts[1]
    assert panel.message_buttons, "recent messages with Tomás are related conversations"
    panel.person_buttons[1].click()
    qtbot.waitUntil(lambda: window.people.mode == "people")
    record = window.people.page.record
    qtbot.waitUntil(lambda: "Tomás" in record.name.text())


def test_dragging_an_occurrence_moves_it_and_marks_it_for_the_sync(
    qtbot,
    window,  # type: ignore[no-untyped-def]
) -> None:
    page = _calendar(qtbot, window)
    grid = page.week_view.grid
    start = _box(page, "Menu tasting").center().toPoint()
    target = grid.point_of(date.today(), 15 * 60).toPoint() + QPoint(
        0, start.y() - int(_box(page, "Menu tasting").top())
    )
    qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(grid, start + (target - start) * step / 5)
    qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=target)
    store = window.bridge.store

    def moved() -> bool:
        with store.read() as s:
            row = s.scalar(select(Event).where(Event.uid == "menu@test"))
            return row is not None and row.starts_at == _at(date.today(), 15)

    qtbot.waitUntil(moved)
    with store.read() as s:
        row = s.scalar(select(Event).where(Event.uid == "menu@test"))
        assert row is not None and row.local_state == "changed"
    qtbot.waitUntil(
        lambda: any(
            o.summary == "Menu tasting" and o.starts_at == _at(date.today(), 15)
            for o in page.occurrences
        )
    )
    # One occurrence of a series: an exception of its own, the series unchanged.
    weekly = next(o for o in page.occurrences if o.summary == "Weekly sync")
    page.move_requested.emit(weekly, weekly.starts_at + 3600)

    def excepted() -> bool:
        with store.read() as s:
            rows = s.scalars(select(Event).where(Event.uid == "weekly@test")).all()
            return len(rows) == 2

    qtbot.waitUntil(excepted)
    with store.read() as s:
        series, single = sorted(
            s.scalars(select(Event).where(Event.uid == "weekly@test")),
            key=lambda e: e.recurrence_id,
        )
    assert series.rrule and single.recurrence_id == weekly.recurrence
    assert single.starts_at == weekly.starts_at + 3600 and single.local_state == "changed"


def test_double_clicking_a_free_slot_opens_the_dialog_and_creating_adds_the_event(
    qtbot,
    window,  # type: ignore[no-untyped-def]
) -> None:
    page = _calendar(qtbot, window)
    grid = page.week_view.grid
    spot = grid.point_of(date.today(), 20 * 60).toPoint()
    qtbot.mouseDClick(grid, Qt.MouseButton.LeftButton, pos=spot)
    qtbot.waitUntil(
        lambda: window.calendar.dialog is not None and window.calendar.dialog.isVisible()
    )
    dialog = window.calendar.dialog
    assert dialog.starts.dateTime().toSecsSinceEpoch() == _at(date.today(), 20)
    qtbot.keyClicks(dialog.summary, "Call the printer")
    dialog.create_button.click()
    qtbot.waitUntil(lambda: any(o.summary == "Call the printer" for o in page.occurrences))
    made = next(o for o in page.occurrences if o.summary == "Call the printer")
    assert made.starts_at == _at(date.today(), 20) and made.ends_at == _at(date.today(), 21)


def test_the_panel_answers_an_invitation_and_deletes_an_event(
    qtbot,
    window,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from tests.ui.test_invitation_answers import _mail_account
    from unibox.store.schema_actions import OutboxMessage

    store = window.bridge.store
    _mail_account(store)
    today = date.today()
    me = Address(DEMO_EMAIL, "Mira Castell")
    import_events(
        store,
        [
            CalendarEvent(
                uid="tastings@sol", summary="Tasting at Sol", starts_at=_at(today, 16),
                ends_at=_at(today, 17), organizer=TOMAS,
                attendees=(
                    Attendee(TOMAS, "chair", "accepted", organizer=True),
                    Attendee(me, "req-participant", "needs-action"),
                ),
            )
        ],
    )  # fmt: skip
    page = _calendar(qtbot, window)
    tasting = next(o for o in page.occurrences if o.summary == "Tasting at Sol")
    page.open_occurrence(tasting)
    accept = page.panel.answer_buttons["accept"]
    qtbot.waitUntil(lambda: accept.isVisibleTo(page.panel))
    assert not accept.isChecked()
    accept.click()

    def replied() -> bool:
        with store.read() as s:
            return bool(list(s.scalars(select(OutboxMessage.id))))

    qtbot.waitUntil(replied)
    qtbot.waitUntil(lambda: "accepted" in page.panel.person_buttons[-1].text())
    # Ours, alone: Delete (after the question) takes it off the calendar.
    mine = next(o for o in page.occurrences if o.summary == "Menu tasting")
    page.open_occurrence(mine)
    qtbot.waitUntil(lambda: not accept.isVisibleTo(page.panel))
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    page.panel.delete_button.click()
    qtbot.waitUntil(lambda: not any(o.summary == "Menu tasting" for o in page.occurrences))
    assert not page.panel.isVisible()


def test_dragging_the_bottom_edge_changes_when_it_ends(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    page = _calendar(qtbot, window)
    grid = page.week_view.grid
    box = _box(page, "Menu tasting")
    edge = QPoint(int(box.center().x()), int(box.bottom()) - 2)
    target = QPoint(edge.x(), int(grid.point_of(date.today(), 12 * 60).y()))
    qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=edge)
    for step in range(1, 6):
        qtbot.mouseMove(grid, edge + (target - edge) * step / 5)
    qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=target)
    qtbot.waitUntil(
        lambda: any(
            o.summary == "Menu tasting" and o.ends_at == _at(date.today(), 12)
            for o in page.occurrences
        )
    )
    tasting = next(o for o in page.occurrences if o.summary == "Menu tasting")
    assert tasting.starts_at == _at(date.today(), 10)


def test_a_meeting_made_with_people_is_sent_at_once_not_at_the_next_sync(
    qtbot,
    window,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from tests.ui.test_invitation_answers import _mail_account
    from unibox.store.schema_actions import OutboxMessage

    class Syncs:
        def __init__(self) -> None:
            self.asked: list[str | None] = []

        def sync_now(self, name: str | None = None) -> list[str]:
            self.asked.append(name)
            return []

    syncs = Syncs()
    monkeypatch.setattr(window, "syncs", syncs)
    store = window.bridge.store
    _mail_account(store)
    page = _calendar(qtbot, window)
    grid = page.week_view.grid
    qtbot.mouseDClick(
        grid, Qt.MouseButton.LeftButton, pos=grid.point_of(date.today(), 19 * 60).toPoint()
    )
    qtbot.waitUntil(
        lambda: window.calendar.dialog is not None and window.calendar.dialog.isVisible()
    )
    dialog = window.calendar.dialog
    qtbot.keyClicks(dialog.summary, "Plan the menu")
    qtbot.keyClicks(dialog.people, TOMAS.email)
    dialog.create_button.click()

    def queued() -> bool:
        with store.read() as s:
            return bool(list(s.scalars(select(OutboxMessage.id))))

    qtbot.waitUntil(queued)
    qtbot.waitUntil(lambda: syncs.asked == [None], timeout=10_000)  # the sync sends it now
