"""The triage window rendered for people to look at: the snooze picker, Snoozed, the `?` list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication

from unibox.app import build_window
from unibox.config import store_path
from unibox.demo import build_demo_profile
from unibox.store.store import Store
from unibox.store.views import View, ViewKind
from unibox.ui.main_window import MainWindow
from unibox.ui.theme import apply_theme

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(params=["light", "dark"])
def demo_window(request: pytest.FixtureRequest, qtbot: Any, tmp_path: Path) -> Iterator[MainWindow]:
    store = Store(store_path(tmp_path))
    build_demo_profile(store)  # today's demo, as `unibox --demo` shows it
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=request.param == "dark")
    window = build_window(store, demo=True)
    window.setObjectName(request.param)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(lambda: window.message_view.content is not None, timeout=10_000)
    window.message_list.setFocus()
    yield window
    window.close()
    window.bridge.close()
    apply_theme(app, dark=False)
    store.close()


def _save(qtbot: Any, window: MainWindow, name: str) -> None:
    qtbot.wait(200)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(SHOTS / f"{name}_{window.objectName()}.png"))


def test_snooze_picker_snoozed_view_and_shortcuts(qtbot: Any, demo_window: MainWindow) -> None:
    window = demo_window
    qtbot.keyClick(window.message_list, Qt.Key.Key_J)
    qtbot.keyClick(window.message_list, Qt.Key.Key_B)
    picker = window.snooze_picker
    assert picker.isVisible()
    assert window.rect().contains(QRect(picker.pos(), picker.size()))  # nothing cut off
    _save(qtbot, window, "triage_snooze_picker")
    qtbot.keyClick(picker.presets, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: window.triage.last is not None, timeout=10_000)
    qtbot.keyClick(window.message_list, Qt.Key.Key_G)
    qtbot.keyClick(window.message_list, Qt.Key.Key_Z)
    qtbot.waitUntil(lambda: window.messages.view == View(ViewKind.SNOOZED))
    qtbot.waitUntil(lambda: window.messages.rowCount() == 1)
    _save(qtbot, window, "triage_snoozed")
    window.overlay.toggle()
    card = window.overlay._card()
    assert window.overlay.rect().contains(card)  # every shortcut fits on the card
    _save(qtbot, window, "triage_shortcuts")
