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


def test_screenshot_sync_and_conversations(qtbot: Any, todays_demo: MainWindow) -> None:
    """Grouped by conversation, the person panel, and a long sync in the status bar."""
    from unibox.sync.mail import Progress

    window = todays_demo
    with qtbot.waitSignal(window.messages.loaded, timeout=5000):
        window.group_action.trigger()
    _open(qtbot, window, "Re: Homepage v3 ready for review")
    qtbot.waitUntil(lambda: window.person_panel.card is not None)
    status = window.sync_status
    status.watch(["Work"])
    status.on_progress(Progress("Work", "INBOX", "bodies", 12_400, 48_000))
    image = _save(qtbot, window, "main_window_grouped_syncing.png")
    assert _colourful(image) > 40
    assert status.bar.isVisible() and "12,400 of 48,000" in status.sentence
    window.group_action.trigger()  # the demo profile's settings are thrown away anyway


def test_screenshot_first_run_and_add_account(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    store = Store(store_path(tmp_path / "empty"))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=False)
    window = build_window(store, sync=True)
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.welcome)
        _save(qtbot, window, "first_run.png")
        dialog = window.add_account()
        assert dialog is not None
        dialog.display_name.setText("Mira Castell")
        dialog.email.setText("mira@castell-studio.example")
        dialog.imap.set_security("plain")
        dialog.submit()  # refused before anything is sent: plain text to a remote host
        qtbot.wait(200)
        SHOTS.mkdir(parents=True, exist_ok=True)
        assert dialog.grab().toImage().save(str(SHOTS / "add_account.png"))
        assert "Unencrypted IMAP" in dialog.message.text()
        dialog.reject()
    finally:
        assert window.syncs is not None
        window.syncs.stop()
        window.close()
        window.bridge.close()
        store.close()
