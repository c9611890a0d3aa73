"""Reminders of meetings as desktop notifications while the window runs: each told once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.helpers.invitations import calendar, invitation_mail, vevent
from tests.ui.hostile import ingest_raw
from unibox.ui.main_window import MainWindow
from unibox.ui.reminder_waker import ReminderWaker
from unibox.ui.tray import TrayPresenter, attach_tray

START = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)


def _meeting_with_a_reminder(window: MainWindow) -> None:
    alarm = "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Soon\r\nTRIGGER:-PT10M\r\nEND:VALARM"
    ics = calendar(
        vevent(
            "standup@brightwave.example",
            START,
            START + timedelta(minutes=15),
            summary="Stand-up",
            location="Room 4",
            extra=f"RRULE:FREQ=DAILY;COUNT=5\r\n{alarm}",
        )
    )
    ingest_raw(window, invitation_mail(ics, message_id="standup@brightwave.example"), 9301)


def test_a_reminder_is_told_when_due_once_and_not_again_after_a_restart(
    qtbot: Any, window: MainWindow
) -> None:
    _meeting_with_a_reminder(window)
    now = [START - timedelta(hours=1)]
    told: list[tuple[str, str]] = []
    waker = ReminderWaker(window.bridge, lambda t, b: told.append((t, b)), lambda: now[0], window)
    waker.start()
    qtbot.waitUntil(lambda: waker.due is not None, timeout=10_000)
    assert waker.due == int((START - timedelta(minutes=10)).timestamp())
    assert told == []
    now[0] = START - timedelta(minutes=9)
    waker.check()
    qtbot.waitUntil(lambda: len(told) == 1, timeout=10_000)
    assert told == [("Stand-up", "in 9 minutes · Room 4")]
    # The next one is tomorrow's occurrence.
    qtbot.waitUntil(
        lambda: waker.due == int((START + timedelta(days=1, minutes=-10)).timestamp()),
        timeout=10_000,
    )
    # Started again (a restart): what was told is not told twice.
    again = ReminderWaker(window.bridge, lambda t, b: told.append((t, b)), lambda: now[0], window)
    again.start()
    qtbot.waitUntil(lambda: again.due is not None, timeout=10_000)
    assert len(told) == 1


def test_the_tray_tells_reminders(qtbot: Any, window: MainWindow) -> None:
    presenter = TrayPresenter(window)
    tray = attach_tray(window, presenter)
    assert tray.reminders is not None
    _meeting_with_a_reminder(window)
    tray.reminders.clock = lambda: START - timedelta(minutes=5)
    tray.reminders.check()
    said = ("Stand-up", "in 5 minutes · Room 4")
    qtbot.waitUntil(lambda: presenter.told == [said], timeout=10_000)
