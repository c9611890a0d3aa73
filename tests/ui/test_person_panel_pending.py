"""The person panel beside a message says what is pending with the sender."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select

from unibox.services import mail as mail_service
from unibox.store.actions import Action, ActionKind
from unibox.store.intent import intent_write
from unibox.store.person_edit import add_task, find_person
from unibox.store.schema import Message
from unibox.store.store import Store
from unibox.ui.main_window import MainWindow

ZOE = "zoe.mueller@brightwave.example"


def _texts(window: MainWindow) -> list[str]:
    panel = window.person_panel
    return [b.text() for b in panel.buttons if b.parent() is not None and b.isVisibleTo(panel)]


def test_panel_lists_open_tasks_and_follow_ups_and_opens_them(
    qtbot: Any, window: MainWindow, demo_store: Store
) -> None:
    panel = window.person_panel
    with demo_store.read() as s:
        from_zoe = s.scalar(
            select(Message.id)
            .where(Message.subject == "Copy for the pricing page", Message.direction == "in")
            .limit(1)
        )
    assert from_zoe is not None
    window.open_message(from_zoe)
    qtbot.waitUntil(
        lambda: panel.card is not None and panel.card.name == "Zoë Müller", timeout=10_000
    )
    assert not panel.pending_title.isVisibleTo(panel)  # nothing pending yet
    now = datetime.now().astimezone()
    with demo_store.read() as s:
        invoice = s.scalar(
            select(Message.id).where(Message.subject == "Invoice 2025-009 - Brightwave GmbH")
        )
    assert invoice is not None
    with intent_write(demo_store) as s:
        zoe = find_person(s, ZOE)
        assert zoe is not None
        add_task(s, zoe, "Send the revised hero image", due=now + timedelta(days=2))
    when = int((now + timedelta(days=3)).timestamp())
    changes = mail_service.act(demo_store, [invoice], Action(ActionKind.FOLLOWUP, when))
    changes.people.add(zoe)
    window.bridge.post_changes(changes)

    # Both, not the first card that says something is pending: opening the message
    # marked it read, and that change may refresh the panel between the two writes.
    def follow_ups() -> list[Any]:
        return [
            b for b in panel.buttons if b.toolTip().startswith("Follow up on “Invoice 2025-009")
        ]

    due = (now + timedelta(days=2)).strftime("%a %H:%M")

    def task_shown() -> bool:
        # The panel's new buttons are shown by their layout on the next turn of the
        # event loop (a queued show), so wait for them to be visible, not only made.
        return any(
            t.startswith("☐ Send the revised") and t.endswith(f"you · due {due}")
            for t in _texts(window)
        )

    qtbot.waitUntil(lambda: len(follow_ups()) == 1 and task_shown(), timeout=10_000)
    assert panel.pending_title.isVisibleTo(panel)
    shots = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(shots / "person_panel_pending.png"))
    follow = follow_ups()
    with qtbot.waitSignal(window.reader.loaded, timeout=10_000):
        qtbot.mouseClick(follow[0], Qt.MouseButton.LeftButton)
    assert window.message_view.content is not None
    assert window.message_view.content.subject == "Invoice 2025-009 - Brightwave GmbH"
