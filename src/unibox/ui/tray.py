"""The system tray: unread count, a menu, and one desktop notification per batch of new mail."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRectF, Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from unibox.config import QUIET_ACCOUNTS
from unibox.core.items import ChangeSet
from unibox.core.notify import NewMail, Notification, notification_for
from unibox.store.new_mail import new_mail
from unibox.store.view_counts import Counts
from unibox.store.views import ViewKind
from unibox.ui.bridge import Bridge
from unibox.ui.icons import app_icon
from unibox.ui.preferences import Preferences
from unibox.ui.reminder_waker import ReminderWaker
from unibox.ui.tray_close import KeepInTray
from unibox.ui.window_state import save_layout

if TYPE_CHECKING:
    from unibox.ui.main_window import MainWindow

NOTIFICATION_MS = 8000


def badged_icon(count: int, size: int = 64) -> QIcon:
    """The app icon with the unread count in a red badge (none at zero)."""
    base = app_icon().pixmap(size, size)
    if count <= 0:
        return QIcon(base)
    pix = QPixmap(base)
    text = f"{count}" if count < 100 else "99+"
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    box = QRectF(size * 0.38, 0, size * 0.62, size * 0.5)
    painter.setBrush(QColor("#d93025"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(box, size * 0.25, size * 0.25)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * (0.34 if len(text) < 3 else 0.26)))
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return QIcon(pix)


class TrayPresenter(QObject):
    """Shows notifications and the unread count; works without a system tray too.

    Everything it would show is also kept (`shown`, `told`, `tooltip`,
    `unread`), so tests and desktops without a tray
    (QSystemTrayIcon.isSystemTrayAvailable() false, or the offscreen platform)
    behave the same but for the drawing. `available` says whether the desktop
    shows a tray (closing the window may then keep unibox running there).

    Signals:
        open_requested(): "Open unibox" (or a click on the icon).
        message_requested(int): a notification was clicked: open this message.
        sync_requested(): "Sync now".
        quit_requested(): "Quit".
    """

    open_requested = Signal()
    message_requested = Signal(int)
    sync_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.shown: list[Notification] = []
        self.told: list[tuple[str, str]] = []  # messages that are not about mail
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.notifier: NewMailNotifier | None = None  # set by attach_tray
        self.reminders: ReminderWaker | None = None  # set by attach_tray
        self.unread = 0
        self.tooltip = "unibox"
        self.menu = QMenu()
        self.open_action = self._item("Open unibox", self.open_requested)
        self.sync_action = self._item("Sync now", self.sync_requested)
        self.menu.addSeparator()
        self.quit_action = self._item("Quit", self.quit_requested)
        self.icon: QSystemTrayIcon | None = None
        if self.available:
            self.icon = QSystemTrayIcon(badged_icon(0), self)
            self.icon.setContextMenu(self.menu)
            self.icon.setToolTip(self.tooltip)
            self.icon.messageClicked.connect(self.clicked)
            self.icon.activated.connect(self._activated)
            self.icon.show()

    def _item(self, text: str, signal: SignalInstance) -> QAction:
        action = self.menu.addAction(text)
        action.triggered.connect(lambda _checked=False: signal.emit())
        return action

    def notify(self, notification: Notification) -> None:
        self.shown.append(notification)
        self._present(notification)

    def _present(self, notification: Notification) -> None:
        if self.icon is not None and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(
                notification.title, notification.body, app_icon(), NOTIFICATION_MS
            )

    def tell(self, title: str, body: str) -> None:
        """A word from unibox itself (not about mail): clicking it opens nothing."""
        self.told.append((title, body))
        if self.icon is not None and QSystemTrayIcon.supportsMessages():
            self.shown.clear()  # a click on this one must not open an older message
            self.icon.showMessage(title, body, app_icon(), NOTIFICATION_MS)

    def clicked(self) -> None:
        """The last notification was clicked (a tray shows one at a time)."""
        if self.shown:
            self.message_requested.emit(self.shown[-1].message_id)

    def set_unread(self, count: int) -> None:
        self.unread = count
        self.tooltip = (
            f"unibox · {count:,} unread in the inbox" if count else "unibox · nothing unread"
        )
        if self.icon is not None:
            self.icon.setToolTip(self.tooltip)
            self.icon.setIcon(badged_icon(count))

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_requested.emit()

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()


class NewMailNotifier(QObject):
    """Turns the ChangeSets of syncs into at most one notification each.

    The store is asked about the added messages on the bridge's side lane,
    never on the GUI thread; core.notify decides what deserves a word.

    Signals:
        decided(object): a batch was looked at: its Notification, or None.
    """

    decided = Signal(object)

    def __init__(
        self,
        bridge: Bridge,
        prefs: Preferences,
        present: Callable[[Notification], None],
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._prefs = prefs
        self._present = present
        self._clock = clock

    def apply_changes(self, changes: ChangeSet) -> None:
        added = set(changes.messages_added)
        if added:
            self._bridge.read(lambda s: new_mail(s, added), self._decide, lane="side")

    def _decide(self, batch: list[NewMail]) -> None:
        quiet: list[str] = self._prefs.get(QUIET_ACCOUNTS)
        found = notification_for(batch, quiet, int(self._clock()))
        if found is not None:
            self._present(found)
        self.decided.emit(found)


def attach_tray(window: MainWindow, presenter: TrayPresenter | None = None) -> TrayPresenter:
    """Wire a tray (or the given presenter) and new-mail notifications to the window."""
    tray = presenter or TrayPresenter(window)
    notifier = tray.notifier = NewMailNotifier(
        window.bridge, window.prefs, tray.notify, parent=tray
    )
    window.bridge.changes.connect(notifier.apply_changes)
    reminders = tray.reminders = ReminderWaker(window.bridge, tray.tell, parent=tray)
    window.bridge.changes.connect(reminders.apply_changes)
    reminders.start()
    window.sidebar_model.counts_changed.connect(
        lambda counts: tray.set_unread(_inbox_unread(counts))
    )
    tray.open_requested.connect(lambda: _raise(window))
    tray.message_requested.connect(lambda mid: _open(window, mid))
    tray.sync_requested.connect(window.accounts.sync_now)
    tray.quit_requested.connect(window.quit)
    # Closing the window may keep unibox in the tray; its place and panes are kept first.
    KeepInTray(window, tray, window.prefs, lambda: save_layout(window, window.panes, window.prefs))
    window.destroyed.connect(lambda _obj=None: tray.hide())
    return tray


def _inbox_unread(counts: Counts) -> int:
    return counts.views.get(ViewKind.INBOX, counts.unread)


def _open(window: MainWindow, message_id: int) -> None:
    _raise(window)
    window.people.open_message(message_id)  # back to Mail if People was showing


def _raise(window: MainWindow) -> None:
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
