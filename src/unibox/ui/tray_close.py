"""Closing the window while unibox keeps running in the system tray; quitting for good."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from unibox.config import KEEP_IN_TRAY, TRAY_HINT_SHOWN, SettingError
from unibox.ui.preferences import Preferences

if TYPE_CHECKING:
    from unibox.ui.tray import TrayPresenter

STILL_RUNNING = (
    "unibox is still running",
    "Mail keeps syncing and new mail is announced here. Open unibox from this icon; "
    "File › Quit or the icon's Quit ends it.",
)


def _quit_application() -> None:
    QApplication.quit()


class KeepInTray(QObject):
    """Hides the window instead of closing it, while the setting is on and a tray shows.

    An event filter on the window: a close (its title bar's button, Alt+F4)
    hides it, so its bridge, syncs and notifications go on; the first time
    ever, the tray says unibox is still running. `quit_unibox` ends it for
    good (File › Quit, the tray's Quit, SIGTERM).

    Attributes:
        quitting: set by quit_unibox; the next close is a real one.
        quit_app: ends the event loop when the window was already hidden (tests replace it).
    """

    def __init__(
        self,
        window: QWidget,
        tray: TrayPresenter,
        prefs: Preferences,
        on_hide: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(window)
        self.setObjectName("KeepInTray")
        self.window = window
        self.tray = tray
        self.prefs = prefs
        self.quitting = False
        self.on_hide = on_hide  # what a real close would keep (the window's place, panes)
        self.quit_app: Callable[[], None] = _quit_application
        window.installEventFilter(self)

    @property
    def active(self) -> bool:
        """Whether closing the window now keeps unibox running in the tray."""
        return self.tray.available and self.prefs.get(KEEP_IN_TRAY) and not self.quitting

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.window:
            return False
        if event.type() == QEvent.Type.Close and self.active:
            event.ignore()
            self._hide()
            return True
        if event.type() == QEvent.Type.Show:
            _set_quit_on_last_window(True)
        return False

    def _hide(self) -> None:
        # While hidden, a compose window closing must not end unibox with it.
        _set_quit_on_last_window(False)
        self.on_hide()  # a logout while hidden ends unibox without a close
        self.window.hide()
        if self.prefs.get(TRAY_HINT_SHOWN):
            return
        self.tray.tell(*STILL_RUNNING)
        with contextlib.suppress(SettingError, OSError):  # unwritable: said again next time
            self.prefs.set(TRAY_HINT_SHOWN, True)


def _set_quit_on_last_window(on: bool) -> None:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.setQuitOnLastWindowClosed(on)


def quit_unibox(window: QWidget) -> None:
    """End unibox: the window closes for real (its closeEvent closes the bridge); the
    composition root then stops the syncs. Works whether the window shows or hides in the tray."""
    keeper = window.findChild(KeepInTray, "KeepInTray")
    hidden = not window.isVisible()
    if keeper is not None:
        keeper.quitting = True
    window.close()
    if keeper is not None and hidden:
        _set_quit_on_last_window(True)
        keeper.quit_app()  # closing a hidden window does not end the event loop by itself
