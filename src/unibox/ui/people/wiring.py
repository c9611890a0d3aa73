"""Puts the People page into the main window: the switchers, shortcuts, links both ways."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from unibox.core.items import ChangeSet
from unibox.ui.people.page import PeoplePage, switcher_row
from unibox.ui.people.switcher import MAIL, PEOPLE, ModeSwitcher

if TYPE_CHECKING:
    from unibox.ui.main_window import MainWindow

__all__ = ["PEOPLE_SHORTCUTS", "PeopleSide", "switcher_row"]

PEOPLE_SHORTCUTS = (
    (("Ctrl+1", "g m"), "Mail"),
    (("Ctrl+2", "g p"), "People"),
    (("Ctrl+L",), "Log a call or note (person)"),
)
# The Mail page's single-key shortcuts; off while People is shown, where these keys
# mean something else (Esc cancels an edit, / searches people).
MAIL_ONLY_KEYS = {"J", "K", "U", "Esc", "/"}
# ... and the triage keys of the Message and Go menus (ui/window_menus.py).
MAIL_ONLY_KEYS |= {"E", "#", "!", "S", "B", "H", "Z", "Shift+I", "Shift+U", "Shift+J", "Shift+K"}
MAIL_ONLY_KEYS |= {"G, I", "G, N", "G, F", "G, S", "G, Z"}


class PeopleSide(QObject):
    """Owns the People page and switches the window between Mail and People."""

    def __init__(self, window: MainWindow, mail_switcher: ModeSwitcher) -> None:
        super().__init__(window)
        self.window = window
        self.page = PeoplePage(window.bridge, window.settings, window)
        window.pages.addWidget(self.page)
        self.switchers = (mail_switcher, self.page.switcher)
        self.mode = MAIL
        for s in self.switchers:
            s.chosen.connect(self.show)
        menu = window.commands.menus.get("go") or window.menuBar().addMenu("&Go")
        menu.addSeparator()
        for text, keys, slot in (
            ("&Mail", ("Ctrl+1", "G, M"), lambda: self.show(MAIL)),
            ("&People", ("Ctrl+2", "G, P"), lambda: self.show(PEOPLE)),
        ):
            action = menu.addAction(text)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _c=False, f=slot: f())
            window.addAction(action)
        self.page.message_chosen.connect(self.open_message)
        self.page.status.connect(lambda text: window.statusBar().showMessage(text, 8000))
        window.bridge.changes.connect(self.apply_changes)
        window.person_panel.open_person.connect(self.open_person)

    def _mail_actions(self) -> list[QAction]:
        return [
            a
            for a in self.window.findChildren(QAction)
            if a.shortcut().toString() in MAIL_ONLY_KEYS
        ]

    def show(self, mode: str) -> None:
        """Mail or People; the keyboard goes to the page shown."""
        self.mode = mode
        for s in self.switchers:
            s.show_mode(mode)
        for action in self._mail_actions():
            action.setEnabled(mode == MAIL)
        if mode == PEOPLE:
            self.page.start()
            self.window.pages.setCurrentWidget(self.page)
            self.page.focus()
        else:
            self.window.pages.setCurrentWidget(self.window.panes)
            self.window.message_list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def open_person(self, person_id: int) -> None:
        self.show(PEOPLE)
        self.page.open_person(person_id)

    def open_message(self, message_id: int) -> None:
        self.show(MAIL)
        self.window.open_message(message_id)

    def apply_changes(self, changes: ChangeSet) -> None:
        if self.page.started:
            self.page.view.model.apply_changes(changes)
            self.page.loader.apply_changes(changes)
