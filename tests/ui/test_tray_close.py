"""Closing the window keeps unibox in the tray (a setting); Quit always quits."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QSystemTrayIcon

from tests.ui.test_notify import _deliver
from unibox.config import KEEP_IN_TRAY, TRAY_HINT_SHOWN, WINDOW_GEOMETRY
from unibox.ui.main_window import MainWindow
from unibox.ui.tray import TrayPresenter, attach_tray
from unibox.ui.tray_close import STILL_RUNNING, KeepInTray


def _tray(window: MainWindow, *, available: bool = True) -> tuple[TrayPresenter, list[int]]:
    """A tray that says it is shown (the offscreen platform has none), and what quit the app."""
    presenter = TrayPresenter(window)
    presenter.available = available
    attach_tray(window, presenter)
    keeper = window.findChild(KeepInTray, "KeepInTray")
    assert keeper is not None
    quits: list[int] = []
    keeper.quit_app = lambda: quits.append(1)
    return presenter, quits


def test_closing_hides_to_the_tray_mail_goes_on_and_file_quit_quits(
    qtbot: Any, window: MainWindow
) -> None:
    tray, quits = _tray(window)
    assert window.prefs.get(KEEP_IN_TRAY) is True  # on by default where there is a tray
    window.resize(1234, 777)
    window.close()
    assert not window.isVisible()
    assert tray.told == [STILL_RUNNING]  # the first time, the tray says so
    assert window.prefs.get(TRAY_HINT_SHOWN) is True
    kept = QMainWindow()  # its place and size were kept as a real close keeps them
    kept.restoreGeometry(QByteArray.fromBase64(window.prefs.get(WINDOW_GEOMETRY).encode()))
    assert (kept.width(), kept.height()) == (1234, 777)

    # Hidden, it still hears of new mail and tells it.
    _deliver(window, "While hidden")
    qtbot.waitUntil(lambda: [n.body for n in tray.shown] == ["While hidden"])

    tray.open_action.trigger()  # Open unibox
    assert window.isVisible()
    window.close()
    assert not window.isVisible()
    assert tray.told == [STILL_RUNNING]  # only the first time
    tray.open_action.trigger()

    # File › Quit (Ctrl+Q where the platform binds it; the offscreen one binds nothing)
    (quit_action,) = [a for a in window.findChildren(QAction) if a.text() == "&Quit"]
    quit_action.trigger()
    assert not window.isVisible()
    assert window.bridge._closed  # the window really closed: its reads and tasks ended
    assert quits == []  # it was shown: Qt ends the app as its last window closes


def test_quit_from_the_tray_while_hidden_ends_unibox(qtbot: Any, window: MainWindow) -> None:
    tray, quits = _tray(window)
    window.close()
    assert not window.isVisible() and not window.bridge._closed
    tray.quit_action.trigger()
    assert window.bridge._closed
    assert quits == [1]  # a hidden window's close alone would leave the event loop running


def test_with_the_setting_off_or_no_tray_closing_quits(qtbot: Any, window: MainWindow) -> None:
    dialog = window.open_settings("General")
    box = dialog.general.keep_in_tray
    assert box.isChecked()
    assert box.isEnabled() == QSystemTrayIcon.isSystemTrayAvailable()
    if not box.isEnabled():
        assert "no system tray" in dialog.general.tray_hint.text()
    box.setChecked(False)
    assert window.prefs.get(KEEP_IN_TRAY) is False
    dialog.close()
    tray, _quits = _tray(window)
    window.close()
    assert window.bridge._closed
    assert tray.told == []


def test_without_a_tray_closing_quits(qtbot: Any, window: MainWindow) -> None:
    tray, _quits = _tray(window, available=False)
    window.close()
    assert window.bridge._closed
    assert tray.told == []
