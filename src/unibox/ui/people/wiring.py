"""Puts the People page into the main window: the switchers, shortcuts, links both ways."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from unibox.core.items import ChangeSet
from unibox.ui.people.contacts_io import ContactsIO
from unibox.ui.people.switcher import MAIL, PEOPLE, ModeSwitcher
from unibox.ui.window_actions import Command

if TYPE_CHECKING:
    from unibox.ui.main_window import MainWindow
    from unibox.ui.people.page import PeoplePage

__all__ = ["PEOPLE_SHORTCUTS", "PeopleSide"]

# Keys of the People page bound by its own widgets, for the `?` overlay.
PEOPLE_SHORTCUTS = (
    (("Ctrl+L",), "Log a call or note (person record)"),
    (("F2",), "Edit the contact card (person record)"),
)
_MODIFIERS = ("Ctrl+", "Alt+", "Meta+")
_FUNCTION_KEY = re.compile(r"^F\d+$")  # F5 syncs wherever you are


def _plain_key(action: QAction) -> bool:
    """Whether an action fires on a key without Ctrl/Alt ("e", "#", "Shift+I", "Esc", "/").

    Those act on the mail shown in the Mail page; on the People page they
    would act on mail the user cannot see, and the page's lists need the keys.
    """
    keys = [k.toString() for k in action.shortcuts()]
    if not keys or action.shortcutContext() != Qt.ShortcutContext.WindowShortcut:
        return False
    return all(
        k and "," not in k and not k.startswith(_MODIFIERS) and not _FUNCTION_KEY.match(k)
        and k != "?"
        for k in keys
    )  # fmt: skip


class PeopleSide(QObject):
    """Owns the People page and switches the window between Mail, People and the others.

    The page is built the first time it is asked for (shown, or a person
    opened): its modules and widgets cost the window's first paint ~0.1 s.
    """

    def __init__(self, window: MainWindow, mail_switcher: ModeSwitcher) -> None:
        super().__init__(window)
        self.window = window
        self._page: PeoplePage | None = None
        self.switchers: tuple[ModeSwitcher, ...] = (mail_switcher,)
        self.mode = MAIL
        # Pages other than Mail and People (the calendar): mode -> (build it, start and show it).
        self.other_pages: dict[str, Callable[[bool], QWidget]] = {}
        self._parked: list[QAction] = []  # mail keys turned off while People is shown
        self._stale = False  # the store changed while Mail was shown
        mail_switcher.chosen.connect(self.show)
        commands = window.commands
        go = commands.menus["go"]
        first = go.actions()[0] if go.actions() else None
        # "g i" and the other mail views come back to Mail from People too.
        mail_views = [a for a in go.actions() if "," in a.shortcut().toString()]
        for action in mail_views:
            action.triggered.connect(lambda _c=False: self.show(MAIL, focus=False))
        commands.add(
            "go",
            Command(
                "&Mail", ("Ctrl+1", "G, M"), lambda: self.show(MAIL), "Mail", ("Ctrl+1", "g m")
            ),
        )
        commands.add(
            "go",
            Command(
                "&People", ("Ctrl+2", "G, P"), lambda: self.show(PEOPLE), "People",
                ("Ctrl+2", "g p"),
            ),
        )  # fmt: skip
        if first is not None:  # Mail and People lead the menu
            added = go.actions()[-2:]
            for action in added:
                go.insertAction(first, action)
            go.insertSeparator(first)
        window.bridge.changes.connect(self.apply_changes)
        window.person_panel.open_person.connect(self.open_person)
        self.contacts = ContactsIO(window, self)

    @property
    def page(self) -> PeoplePage:
        """The People page, built on first use."""
        if self._page is None:
            from unibox.ui.people.page import PeoplePage

            window = self.window
            page = self._page = PeoplePage(window.bridge, window.settings, window)
            window.pages.addWidget(page)
            self.switchers = (*self.switchers, page.switcher)
            page.switcher.show_mode(self.mode)
            page.switcher.chosen.connect(self.show)
            page.message_chosen.connect(self.open_message)
            page.meeting_chosen.connect(lambda when: window.calendar.show_time(when))
            page.status.connect(lambda text: window.statusBar().showMessage(text, 8000))
            self.contacts.attach(page)
        return self._page

    def _mail_keys(self) -> list[QAction]:
        """The window's plain-key actions (see _plain_key)."""
        return [a for a in self.window.findChildren(QAction) if _plain_key(a)]

    def show(self, mode: str, *, focus: bool = True) -> None:
        """Mail or People; the keyboard goes to the page shown."""
        self.mode = mode
        for s in self.switchers:
            s.show_mode(mode)
        if mode != MAIL:
            parked = [a for a in self._mail_keys() if a.isEnabled()]
            self._parked = self._parked or parked
            for action in parked:
                action.setEnabled(False)
        else:
            for action in self._parked:
                action.setEnabled(True)
            self._parked = []
        if mode == PEOPLE:
            if self._stale and self.page.started:
                self._stale = False
                self.page.view.refresh()
                self.page.loader.reload()
            self.page.start()
            self.window.pages.setCurrentWidget(self.page)
            if focus:
                self.page.focus()
        elif mode in self.other_pages:
            self.window.pages.setCurrentWidget(self.other_pages[mode](focus))
        elif self.window.pages.currentWidget() not in (self.window.panes, self.window.welcome):
            self.window.pages.setCurrentWidget(self.window.panes)
            if focus:
                self.window.message_list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def open_person(self, person_id: int) -> None:
        self.show(PEOPLE, focus=False)
        self.page.open_person(person_id)

    def open_message(self, message_id: int) -> None:
        self.show(MAIL, focus=False)
        self.window.open_message(message_id)
        self.window.message_list.setFocus(Qt.FocusReason.OtherFocusReason)

    def apply_changes(self, changes: ChangeSet) -> None:
        """Refresh what People shows; while hidden, once when shown again (a sync is busy)."""
        page = self._page
        if page is None or not page.started or not (changes.people or changes.messages_added):
            return
        if self.mode == PEOPLE:
            self.page.view.model.apply_changes(changes)
            self.page.loader.apply_changes(changes)
        else:
            self._stale = True
