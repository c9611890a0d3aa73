"""Renders the demo window, light and dark, to artifacts/screenshots for people to look at."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from unibox.app import build_window
from unibox.config import store_path
from unibox.demo import build_demo_profile
from unibox.store.store import Store
from unibox.ui.main_window import MainWindow
from unibox.ui.theme import apply_theme

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
SIZE = (1400, 860)


@pytest.fixture
def todays_demo(qtbot: Any, tmp_path: Path) -> Iterator[MainWindow]:
    """The demo as `unibox --demo` shows it: dates moved so the newest mail is today."""
    store = Store(store_path(tmp_path))
    build_demo_profile(store)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=False)
    window = build_window(store, demo=True)
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(lambda: window.message_view.content is not None, timeout=10_000)
    yield window
    window.close()
    window.bridge.close()
    apply_theme(app, dark=False)
    store.close()


def _open(qtbot: Any, window: MainWindow, subject_start: str) -> None:
    model = window.messages
    for n in range(model.rowCount()):
        model.index(n).data()
    qtbot.waitUntil(lambda: all(model.cached_row(n) for n in range(model.rowCount())))
    row = next(
        n
        for n in range(model.rowCount())
        if (r := model.cached_row(n)) is not None and r.subject.startswith(subject_start)
    )
    window.message_list.select_row(row)
    window.message_list.setFocus()
    qtbot.waitUntil(
        lambda: (
            window.message_view.content is not None
            and window.message_view.content.subject.startswith(subject_start)
        )
    )


def _save(qtbot: Any, window: MainWindow, name: str) -> QImage:
    qtbot.wait(200)
    SHOTS.mkdir(parents=True, exist_ok=True)
    image = window.grab().toImage()
    assert image.save(str(SHOTS / name))
    return image


def _colourful(image: QImage) -> int:
    step = 23
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
    )


def test_screenshot_light_and_dark(qtbot: Any, todays_demo: MainWindow) -> None:
    window = todays_demo
    _open(qtbot, window, "Re: Homepage v3 ready for review")
    light = _save(qtbot, window, "main_window.png")
    assert (light.width(), light.height()) == SIZE
    assert _colourful(light) > 40  # a populated window, not a blank one

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=True)
    _open(qtbot, window, "Pixel Weekly")
    dark = _save(qtbot, window, "main_window_dark.png")
    assert _colourful(dark) > 40
    assert window.message_view.remote_notice.isVisible()

    if os.environ.get("QT_QPA_PLATFORM") == "xcb" and shutil.which("import"):
        apply_theme(app, dark=False)
        _open(qtbot, window, "Re: Homepage v3 ready for review")
        qtbot.wait(300)
        target = SHOTS / "main_window_xvfb.png"
        subprocess.run(["import", "-window", "root", str(target)], check=True, timeout=30)
        assert target.stat().st_size > 10_000
