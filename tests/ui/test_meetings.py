"""Meetings where people look: the person panel's Upcoming, the reading pane's invitation card."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from tests.helpers.invitations import calendar, invitation_mail, vevent
from tests.ui.hostile import ingest_raw
from unibox.store.schema import Message
from unibox.store.store import Store
from unibox.ui.main_window import MainWindow
from unibox.ui.theme import apply_theme
from unibox.ui.widgets.meetings import MeetingEntry

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def _soon(days: int, hour: int) -> datetime:
    day = datetime.now().astimezone() + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def _invite(window: MainWindow, uid: int, *, method: str = "REQUEST", sequence: int = 0) -> int:
    start = _soon(2, 10)
    ics = calendar(
        vevent(
            "review@brightwave.example",
            start,
            start + timedelta(minutes=45),
            sequence=sequence,
            attendees=(
                ("Mira Castell", "mira@castell-studio.example"),
                ("Jonas Berg", "jonas@brightwave.example"),
            ),
        ),
        method=method,
    )
    subject = "Cancelled: Brightwave review call" if method == "CANCEL" else None
    raw = invitation_mail(
        ics,
        message_id=f"review-{method}-{sequence}@brightwave.example",
        method=method,
        date=datetime.now().astimezone() - timedelta(minutes=5),
        **({"subject": subject} if subject else {}),
    )
    changes = ingest_raw(window, raw, uid)
    return next(iter(changes.messages_added))


def _open(qtbot: Any, window: MainWindow, message_id: int) -> None:
    with qtbot.waitSignal(window.reader.loaded, timeout=10_000):
        window.open_message(message_id)


def _from_zoe(store: Store) -> int:
    with store.read() as s:
        found = s.scalar(
            select(Message.id)
            .where(Message.subject == "Copy for the pricing page", Message.direction == "in")
            .limit(1)
        )
    assert found is not None
    return found


def test_the_organizers_panel_shows_the_meeting_and_opens_the_invitation(
    qtbot: Any, window: MainWindow, demo_store: Store
) -> None:
    panel = window.person_panel
    invite = _invite(window, 9001)
    _open(qtbot, window, _from_zoe(demo_store))
    qtbot.waitUntil(
        lambda: panel.card is not None and panel.card.name == "Zoë Müller", timeout=10_000
    )
    qtbot.waitUntil(lambda: panel.upcoming_title.isVisibleTo(panel), timeout=10_000)
    start = _soon(2, 10)

    def entries() -> list[MeetingEntry]:  # a widget added to a shown layout shows a moment later
        return [b for b in panel.buttons if isinstance(b, MeetingEntry) and b.isVisibleTo(panel)]

    qtbot.waitUntil(lambda: len(entries()) == 1)
    (entry,) = entries()
    first, second = entry.text().split("\n")
    assert first == f"{start:%a} {start.day} {start:%b}, 10:00 – Brightwave review call"
    assert second == "Google Meet"
    with qtbot.waitSignal(window.reader.loaded, timeout=10_000):
        qtbot.mouseClick(entry, Qt.MouseButton.LeftButton)
    content = window.message_view.content
    assert content is not None and content.id == invite
    # From the keyboard too: Tab reaches the entry, Enter opens the invitation.
    _open(qtbot, window, _from_zoe(demo_store))
    qtbot.waitUntil(lambda: len(entries()) == 1)
    (entry,) = entries()
    assert entry.focusPolicy() == Qt.FocusPolicy.StrongFocus
    entry.setFocus()
    with qtbot.waitSignal(window.reader.loaded, timeout=10_000):
        qtbot.keyClick(entry, Qt.Key.Key_Return)
    content = window.message_view.content
    assert content is not None and content.id == invite


def test_an_attendee_sees_it_too_and_a_cancel_takes_it_away(
    qtbot: Any, window: MainWindow, demo_store: Store
) -> None:
    panel = window.person_panel
    _invite(window, 9001)
    cancel = _invite(window, 9002, method="CANCEL", sequence=1)
    _open(qtbot, window, _from_zoe(demo_store))
    qtbot.waitUntil(
        lambda: panel.card is not None and panel.card.name == "Zoë Müller", timeout=10_000
    )
    assert not panel.upcoming_title.isVisibleTo(panel)  # cancelled: nothing upcoming
    _open(qtbot, window, cancel)
    card = window.message_view.header.invitation
    assert card.isVisibleTo(window.message_view)
    assert card.kind.text() == "Cancelled"
    assert card.title.font().strikeOut()


def test_the_reading_pane_shows_the_invitation_card(
    qtbot: Any, window: MainWindow, demo_store: Store
) -> None:
    invite = _invite(window, 9001)
    _open(qtbot, window, invite)
    view = window.message_view
    card = view.header.invitation
    assert card.isVisibleTo(view)
    start = _soon(2, 10)
    assert card.kind.text() == "Invitation"
    assert card.title.text() == "Brightwave review call"
    assert not card.title.font().strikeOut()
    assert card.when.text() == f"{start:%a} {start.day} {start:%b}, 10:00 – 10:45"
    assert card.where.text() == "Google Meet"
    assert card.who.text() == "Organized by Zoë Müller · 3 people"
    _open(qtbot, window, _from_zoe(demo_store))
    assert not card.isVisibleTo(view)  # a message without an invitation has no card
    SHOTS.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    for dark in (False, True):
        apply_theme(app, dark=dark)
        with qtbot.waitSignal(window.reader.loaded, timeout=10_000):
            window.reader.load(invite)  # the list may have it selected already
        qtbot.waitUntil(lambda: window.person_panel.upcoming_title.isVisibleTo(window))
        name = "dark" if dark else "light"
        window.grab().save(str(SHOTS / f"meetings_{name}.png"))
    apply_theme(app, dark=False)


def test_invitations_stored_before_events_existed_are_read_after_start(
    qtbot: Any, window: MainWindow, demo_store: Store
) -> None:
    import dataclasses

    from unibox.app import read_stored_invitations
    from unibox.core.items import IncomingMessage
    from unibox.core.mime import parse_message
    from unibox.store.folders import list_folders
    from unibox.store.ingest import Ingestor

    start = _soon(3, 15)
    raw = invitation_mail(
        calendar(vevent("old@brightwave.example", start, start + timedelta(hours=1)))
    )
    parsed = dataclasses.replace(parse_message(raw), invitation=None)  # as an older unibox did
    with demo_store.read() as s:
        inbox = {f.name: f for f in list_folders(s, 1)}["INBOX"]
    with demo_store.write() as s:
        Ingestor(inbox.account_id, inbox.id, ["mira@castell-studio.example"]).ingest(
            s, [IncomingMessage(9100, (), len(raw), None, parsed, raw)]
        )
    panel = window.person_panel
    _open(qtbot, window, _from_zoe(demo_store))
    qtbot.waitUntil(
        lambda: panel.card is not None and panel.card.name == "Zoë Müller", timeout=10_000
    )
    assert not panel.upcoming_title.isVisibleTo(panel)
    read_stored_invitations(window)
    qtbot.waitUntil(lambda: panel.upcoming_title.isVisibleTo(panel), timeout=10_000)


def test_an_update_says_so_and_the_old_invitation_shows_the_new_time(
    qtbot: Any, window: MainWindow
) -> None:
    first = _invite(window, 9001)
    update = _invite(window, 9002, sequence=1)
    _open(qtbot, window, update)
    card = window.message_view.header.invitation
    assert card.kind.text() == "Updated invitation"
    assert not card.note.isVisibleTo(card)
    _open(qtbot, window, first)
    assert card.kind.text() == "Invitation"
    assert card.note.isVisibleTo(card)
    assert "updated by a later one" in card.note.text()


def test_a_reply_says_who_answered_what(qtbot: Any, window: MainWindow) -> None:
    _invite(window, 9001)
    start = _soon(2, 10)
    event = vevent(
        "review@brightwave.example",
        start,
        start + timedelta(minutes=45),
        attendees=(("Jonas Berg", "jonas@brightwave.example"),),
    ).replace("PARTSTAT=NEEDS-ACTION", "PARTSTAT=DECLINED")
    raw = invitation_mail(
        calendar(event, method="REPLY"),
        subject="Declined: Brightwave review call",
        sender=("Jonas Berg", "jonas@brightwave.example"),
        to="zoe.mueller@brightwave.example",
        message_id="review-reply@brightwave.example",
        method="REPLY",
    )
    (reply,) = ingest_raw(window, raw, 9003).messages_added
    _open(qtbot, window, reply)
    card = window.message_view.header.invitation
    assert card.kind.text() == "Jonas Berg declined"
    assert card.title.text() == "Brightwave review call"
