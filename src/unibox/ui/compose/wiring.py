"""Hooks the compose launcher into the main window: keys, Mail menu, status bar, closing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from unibox.config import UNDO_SEND_SECONDS
from unibox.ui.compose.launcher import ComposeLauncher
from unibox.ui.compose.notice import ComposeNotice
from unibox.ui.compose.state import DraftStore

if TYPE_CHECKING:
    from unibox.ui.main_window import MainWindow

# For the "?" overlay.
SHORTCUTS = (
    (("c",), "Write a new message"),
    (("r",), "Reply"),
    (("a",), "Reply to all"),
    (("f",), "Forward"),
    (("Ctrl+Enter",), "Send (in a message being written)"),
)


class _CloseWatcher(QObject):
    """Compose windows keep their drafts and close with the main window."""

    def __init__(self, launcher: ComposeLauncher, window: MainWindow) -> None:
        super().__init__(window)
        self._launcher = launcher
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self._launcher.close_all()
        return False


def install_compose(window: MainWindow) -> ComposeLauncher:
    """The launcher for this window, its notice in the status bar and its actions in Mail."""
    notice = ComposeNotice()
    window.statusBar().addPermanentWidget(notice)
    settings = window.settings
    drafts = DraftStore(settings.path.parent / "drafts") if settings is not None else None

    def undo_seconds() -> int:
        return int(settings.get(UNDO_SEND_SECONDS)) if settings is not None else 10

    def deliverer() -> Callable[[str], object] | None:
        syncs = window.syncs
        return None if syncs is None else syncs.sync_now

    launcher = ComposeLauncher(
        window.bridge,
        notice,
        drafts=drafts,
        undo_seconds=undo_seconds,
        deliverer=deliverer,
        say=lambda text: window.statusBar().showMessage(text, 8000),
        parent=window,
    )
    _CloseWatcher(launcher, window)

    def current() -> int | None:
        content = window.message_view.content
        return content.id if content is not None else None

    def on_current(act: Callable[[int], None]) -> Callable[[], None]:
        def run() -> None:
            message_id = current()
            if message_id is None:
                window.statusBar().showMessage("Choose a message first.", 4000)
            else:
                act(message_id)

        return run

    entries = (
        ("&New message", "C", launcher.new),
        ("&Reply", "R", on_current(launcher.reply)),
        ("Reply to &all", "A", on_current(lambda i: launcher.reply(i, reply_all=True))),
        ("&Forward", "F", on_current(launcher.forward)),
        ("Out&box…", "Ctrl+Shift+O", launcher.show_outbox),
    )
    menu = _mail_menu(window)
    first = menu.actions()[0] if menu.actions() else None
    actions = []
    for text, keys, slot in entries:
        action = QAction(text, window)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _c=False, s=slot: s())
        window.addAction(action)
        actions.append(action)
    menu.insertActions(first, actions)  # type: ignore[arg-type]
    menu.insertSeparator(first)  # type: ignore[arg-type]
    launcher.actions = {a.text().replace("&", ""): a for a in actions}
    launcher.offer_kept_drafts()
    return launcher


def _mail_menu(window: MainWindow) -> QMenu:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "") == "Mail":
            return menu
    return window.menuBar().addMenu("&Mail")
