"""Hooks the compose launcher into the main window: keys, Mail menu, status bar, closing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from unibox.config import UNDO_SEND_SECONDS
from unibox.ui.compose.header_buttons import add_header_buttons
from unibox.ui.compose.launcher import ComposeLauncher
from unibox.ui.compose.notice import ComposeNotice
from unibox.ui.compose.state import DraftStore
from unibox.ui.window_actions import Command

if TYPE_CHECKING:
    from unibox.ui.main_window import MainWindow

# For the "?" overlay: the keys of the compose window itself (the menu commands list theirs).
SHORTCUTS = ((("Ctrl+Enter",), "Send (in a message being written)"),)


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
    window.statusBar().addWidget(notice)  # after the stretching sync status: left of the badges
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

    def on_current(act: Callable[[int], None], *, in_chat: bool = True) -> Callable[[], None]:
        def run() -> None:
            # The message shown, or being opened (a right click selects, then loads).
            message_id = window.reader.current
            if window.reading_pane.currentWidget() is window.chat_view:
                if in_chat:  # a chat is answered in its own reply box, not by mail
                    window.chat_view.input.setFocus(Qt.FocusReason.ShortcutFocusReason)
                else:
                    window.statusBar().showMessage("Chat lines cannot be forwarded.", 4000)
            elif message_id is None:
                window.statusBar().showMessage("Choose a message first.", 4000)
            else:
                act(message_id)

        return run

    commands = window.commands
    mail = (
        Command("&New message", ("C",), launcher.new, "Write a new message", ("c",)),
        Command("Out&box…", ("Ctrl+Shift+O",), launcher.show_outbox, "Outbox"),
    )
    message = (
        Command("&Reply", ("R",), on_current(launcher.reply), "Reply", ("r",)),
        Command(
            "Reply to &all",
            ("A",),
            on_current(lambda i: launcher.reply(i, reply_all=True)),
            "Reply to all",
            ("a",),
        ),
        Command("&Forward", ("F",), on_current(launcher.forward, in_chat=False), "Forward", ("f",)),
    )
    for menu_name, entries in (("mail", mail), ("message", message)):
        menu = commands.menus[menu_name]
        first = menu.actions()[0] if menu.actions() else None
        added = [commands.add(menu_name, command) for command in entries]
        _move_to_top(menu, added, first)
        if menu_name == "message":
            context = commands.context
            _move_to_top(context, added, context.actions()[0] if context.actions() else None)
        launcher.actions.update({a.text().replace("&", ""): a for a in added})
    add_header_buttons(
        window.message_view, [launcher.actions[n] for n in ("Reply", "Reply to all", "Forward")]
    )
    launcher.offer_kept_drafts()
    return launcher


def _move_to_top(menu: QMenu, actions: list[QAction], before: QAction | None) -> None:
    """The compose commands first, then a separator, then what the menu had."""
    if before is None or before in actions:
        return
    for action in actions:
        menu.removeAction(action)
    menu.insertActions(before, actions)
    menu.insertSeparator(before)
