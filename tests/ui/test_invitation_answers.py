"""Accept / Tentative / Decline on the invitation card: a REPLY in the outbox, the answer shown."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path
from typing import Any

from icalendar import Calendar
from PySide6.QtCore import Qt
from sqlalchemy import select

from tests.ui.test_meetings import _invite, _open
from unibox.store import accounts, outbox
from unibox.store.schema_actions import OutboxMessage
from unibox.store.store import Store
from unibox.ui.main_window import MainWindow

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def _replies(store: Store) -> list[tuple[str, str]]:
    """(outbox state, our PARTSTAT) of each iTIP REPLY in the outbox, oldest first."""
    with store.read() as s:
        rows = s.execute(
            select(OutboxMessage.state, OutboxMessage.raw).order_by(OutboxMessage.id)
        ).all()
    found = []
    for state, raw in rows:
        mail = email.message_from_bytes(bytes(raw), policy=email.policy.default)
        for part in mail.walk():
            if part.get_content_type() == "text/calendar" and part.get_param("method") == "REPLY":
                cal = Calendar.from_ical(part.get_payload(decode=True))
                (event,) = cal.walk("VEVENT")
                assert str(event["UID"]) == "review@brightwave.example"
                found.append((state, str(event["ATTENDEE"].params["PARTSTAT"])))
    return found


def _mail_account(store: Store) -> None:
    """A mail account for the demo's person (the demo's own one sends nothing)."""
    with store.write() as s:
        accounts.add_account(
            s,
            name="Work mail",
            kind="imap",
            email="mira@castell-studio.example",
            display_name="Mira Castell",
            settings=accounts.MailSettings(
                imap=accounts.MailServer("127.0.0.1", 1, "plain"),
                smtp=accounts.MailServer("127.0.0.1", 1, "plain"),
                username="mira",
            ),
            secret_ref="",
        )


def test_an_answer_from_the_keyboard_queues_a_reply_and_a_changed_mind_replaces_it(
    qtbot: Any, window: MainWindow, demo_store: Store
) -> None:
    _mail_account(demo_store)
    invite = _invite(window, 9001)
    _open(qtbot, window, invite)
    card = window.message_view.header.invitation
    assert card.answer_row.isVisibleTo(card)
    accept = card.buttons["accept"]
    assert accept.focusPolicy() == Qt.FocusPolicy.StrongFocus
    accept.setFocus()
    qtbot.keyClick(accept, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(_replies(demo_store)) == 1, timeout=10_000)
    # The undo delay: it has not left yet.
    assert _replies(demo_store) == [(outbox.QUEUED, "ACCEPTED")]
    qtbot.waitUntil(lambda: "organizer is told" in window.statusBar().currentMessage())
    assert accept.isChecked()
    assert card.kind.text() == "Invitation · You accepted"

    qtbot.mouseClick(card.buttons["decline"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(_replies(demo_store)) == 2, timeout=10_000)
    # Withdrawn before it left: the organizer gets one answer, the last.
    assert _replies(demo_store) == [(outbox.CANCELLED, "ACCEPTED"), (outbox.QUEUED, "DECLINED")]
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Declined"))
    assert not accept.isChecked()

    # Opened again, the card shows the answer the store keeps.
    window.open_message(invite)
    with qtbot.waitSignal(window.reader.loaded, timeout=10_000):
        window.reader.load(invite)
    assert card.buttons["decline"].isChecked()
    assert card.kind.text() == "Invitation · You declined"
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "invitation_answers.png"))


def test_a_cancelled_invitation_offers_no_answer(
    qtbot: Any, window: MainWindow, demo_store: Store
) -> None:
    _invite(window, 9001)
    cancel = _invite(window, 9002, method="CANCEL", sequence=1)
    _open(qtbot, window, cancel)
    card = window.message_view.header.invitation
    assert card.isVisibleTo(window.message_view)
    assert not card.answer_row.isVisibleTo(card)
