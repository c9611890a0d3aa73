"""The window's commands in one registry: menus, context menu, keys and the `?` overlay.

A command is added once (`Commands.add`) and appears in its menu, under its
keys, in the `?` overlay and, for message commands, in the message list's
context menu. Another part of the window adds its own the same way, e.g.

    window.commands.add("message", Command("&Reply", ("R",), reply, "Reply"))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget


@dataclass(frozen=True, slots=True)
class Command:
    """One thing the user can do.

    `keys` are QKeySequence strings ("E", "Shift+I", "G, I"), the first shown in
    menus; `help` is its line in the `?` overlay ("" leaves it out) and `shown`
    how the overlay writes the keys (default: `keys` as written).
    """

    text: str
    keys: tuple[str, ...]
    slot: Callable[[], object]
    help: str = ""
    shown: tuple[str, ...] = ()
    checkable: bool = False


# Keys that are not menu entries: how the overlay lists them (first) and the keys bound.
NAVIGATION = (
    (("j", "↓"), "Next message"),
    (("k", "↑"), "Previous message"),
    (("Shift+J", "Shift+K"), "Add the next or previous message"),
    (("Enter",), "Read the message"),
    (("Space",), "Scroll the message"),
    (("Esc", "u"), "Back to the list"),
)


class Commands:
    """Menus by name ("mail", "message", "go", "view", "help") and the commands in each.

    Attributes:
        menus: each menu bar menu by name.
        context: the message list's context menu (the "message" commands).
    """

    def __init__(self, window: QMainWindow) -> None:
        self._window = window
        self.menus: dict[str, QMenu] = {}
        self.context = QMenu(window)
        self._help: list[tuple[tuple[str, ...], str]] = list(NAVIGATION)
        self.actions: dict[str, QAction] = {}

    def menu(self, name: str, title: str) -> QMenu:
        if name not in self.menus:
            self.menus[name] = self._window.menuBar().addMenu(title)
        return self.menus[name]

    def add(self, menu: str, command: Command) -> QAction:
        """Put a command in a menu (created with `menu` first) and bind its keys."""
        action = self.menus[menu].addAction(command.text)
        if command.keys:
            action.setShortcuts([QKeySequence(k) for k in command.keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setCheckable(command.checkable)
        slot = command.slot
        action.triggered.connect(lambda _checked=False: slot())
        self._window.addAction(action)  # works while the menu bar is hidden too
        if menu == "message":
            self.context.addAction(action)
        if command.help:
            self._help.append((command.shown or command.keys, command.help))
        self.actions[command.text.replace("&", "")] = action
        return action

    def separator(self, menu: str) -> None:
        self.menus[menu].addSeparator()
        if menu == "message":
            self.context.addSeparator()

    def add_help(self, entries: Sequence[tuple[tuple[str, ...], str]]) -> None:
        """Keys bound elsewhere, listed in the `?` overlay too."""
        self._help.extend(entries)

    def shortcuts(self) -> list[tuple[tuple[str, ...], str]]:
        """Every key and what it does, for the `?` overlay, in the order added."""
        return list(self._help)

    def show_context_menu(self, at: QPoint) -> None:
        self.context.popup(at)


def bind(
    owner: QWidget, keys: str, slot: Callable[[], object], context: Qt.ShortcutContext
) -> None:
    """A key without a menu entry."""
    action = QAction(owner)
    action.setShortcut(QKeySequence(keys))
    action.setShortcutContext(context)
    action.triggered.connect(lambda _checked=False: slot())
    owner.addAction(action)
