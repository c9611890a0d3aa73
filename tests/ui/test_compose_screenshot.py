"""Renders a reply being written, with the address completion open, light and dark."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QToolButton
from sqlalchemy import select

from unibox.store.schema import Message
from unibox.store.store import Store
from unibox.ui.compose.window import ComposeWindow
from unibox.ui.main_window import MainWindow
from unibox.ui.theme import apply_theme

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def _with_popup(compose: ComposeWindow) -> QPixmap:
    """The window with its completion popup painted where it floats (a window of its own)."""
    shot = compose.grab()
    popup = compose.fields.cc.completer_.popup()
    if popup.isVisible():
        painter = QPainter(shot)
        offset = popup.mapToGlobal(QPoint(0, 0)) - compose.mapToGlobal(QPoint(0, 0))
        painter.drawPixmap(offset, popup.grab())
        painter.end()
    return shot


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_reply_with_completion_renders(
    qtbot: Any, window: MainWindow, demo_store: Store, dark: bool
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=dark)
    try:
        with demo_store.read() as s:
            mid = s.scalar(select(Message.id).where(Message.subject == "Photos from Lisbon"))
        assert mid is not None
        launcher = window.composer
        launcher.reply(mid)
        qtbot.waitUntil(lambda: launcher.opened is not None, timeout=10_000)
        compose = launcher.opened
        assert compose is not None
        compose.resize(820, 680)
        qtbot.waitExposed(compose)
        compose.activateWindow()
        qtbot.waitActive(compose)
        # The window puts the cursor in the body on its next turn: let it, before moving on.
        qtbot.waitUntil(compose.body.hasFocus, timeout=10_000)
        compose.body.insertPlainText("Lovely pictures, thank you! Adding Aoife.")
        compose.fields.reveal(compose.fields.cc)
        qtbot.waitUntil(compose.fields.cc.hasFocus, timeout=10_000)
        qtbot.keyClicks(compose.fields.cc, "ao")
        popup = compose.fields.cc.completer_.popup()
        qtbot.waitUntil(popup.isVisible, timeout=10_000)
        image = _with_popup(compose).toImage()
        assert image.width() >= 820
        # The body is painted in the scheme's base colour (a dark theme paints it dark).
        body = compose.body.viewport().grab().toImage().pixelColor(5, 5)
        assert (body.lightness() < 100) == dark
        SHOTS.mkdir(parents=True, exist_ok=True)
        image.save(str(SHOTS / f"compose-{'dark' if dark else 'light'}.png"))
        compose.finish()
    finally:
        apply_theme(app, dark=False)


def test_outbox_renders(qtbot: Any, window: MainWindow, demo_store: Store) -> None:
    from tests.ui.test_compose_outbox import schedule
    from unibox.store import outbox
    from unibox.store.intent import intent_write

    schedule(demo_store, "Quote for the Nordlys brochure")
    failed = schedule(demo_store, "Invoice 2025-016", hours=0)
    with intent_write(demo_store) as s:
        outbox.mark_failed(s, failed.id, "The server refused ann@example.org (550 no such user).")
    dialog = window.composer.show_outbox()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    qtbot.waitExposed(dialog)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(SHOTS / "outbox-light.png"))


def test_main_window_with_reply_buttons_and_undo_notice_renders(
    qtbot: Any, window: MainWindow, demo_store: Store
) -> None:
    from sqlalchemy import update

    from unibox.store.schema import Account

    with demo_store.write() as s:
        s.execute(update(Account).values(kind="imap"))
    window.composer.deliverer = lambda: lambda _name: None
    buttons = [b.text() for b in window.message_view.findChildren(QToolButton)]
    assert {"Reply", "Reply to all", "Forward"} <= set(buttons)
    launcher = window.composer
    launcher.new()
    qtbot.waitUntil(lambda: launcher.opened is not None)
    compose = launcher.opened
    assert compose is not None
    compose.fields.to.setText("Aoife O'Brien <aoife@greenleaf.example>")
    compose.fields.subject.setText("Landing page copy")
    compose.send()
    qtbot.waitUntil(launcher.notice.isVisible)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(SHOTS / "main-undo-light.png"))
