"""Puts the Calendar page into the main window: Ctrl+3, the switchers, moving and creating."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QDialog, QWidget

from unibox.core.errors import UserError
from unibox.core.items import ChangeSet
from unibox.store.calendar_range import Occurrence
from unibox.ui.invitation_answers import KICK_AFTER_MS
from unibox.ui.people.switcher import CALENDAR
from unibox.ui.window_actions import Command

if TYPE_CHECKING:
    from unibox.services.event_actions import Deleted
    from unibox.ui.calendar.page import CalendarPage
    from unibox.ui.main_window import MainWindow
    from unibox.ui.people.wiring import PeopleSide

# Keys of the Calendar page bound by the page itself, for the `?` overlay.
CALENDAR_SHORTCUTS = (
    (("t",), "Calendar: today"),
    (("n", "p", "→", "←"), "Calendar: next, previous"),
    (("d", "w", "m", "a"), "Calendar: day, week, month, agenda"),
)


class CalendarSide(QObject):
    """Owns the Calendar page (built when first shown) and what its gestures write."""

    def __init__(self, window: MainWindow, people: PeopleSide) -> None:
        super().__init__(window)
        self.window = window
        self.people = people
        self._page: CalendarPage | None = None
        self.dialog: QDialog | None = None
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(300)
        self._refresh.timeout.connect(self._refresh_now)
        self._stale = False
        people.other_pages[CALENDAR] = self._shown
        go = window.commands.menus["go"]
        command = Command(
            "&Calendar", ("Ctrl+3", "G, C"), lambda: people.show(CALENDAR), "Calendar",
            ("Ctrl+3", "g c"),
        )  # fmt: skip
        action = window.commands.add("go", command)
        actions = go.actions()
        people_index = next((i for i, a in enumerate(actions) if "People" in a.text()), None)
        if people_index is not None and people_index + 1 < len(actions):
            go.insertAction(actions[people_index + 1], action)
        window.commands.add_help(CALENDAR_SHORTCUTS)
        window.bridge.changes.connect(self.apply_changes)

    @property
    def page(self) -> CalendarPage:
        if self._page is None:
            from unibox.ui.calendar.page import CalendarPage

            w = self.window
            page = self._page = CalendarPage(w.bridge, w)
            w.pages.addWidget(page)
            self.people.switchers = (*self.people.switchers, page.switcher)
            page.switcher.show_mode(self.people.mode)
            page.switcher.chosen.connect(self.people.show)
            page.person_chosen.connect(self.people.open_person)
            page.message_chosen.connect(self.people.open_message)
            page.move_requested.connect(self.move)
            page.resize_requested.connect(lambda o, end: self.move(o, o.starts_at, end))
            page.create_requested.connect(self.create)
            page.answered.connect(self.answer)
            page.delete_requested.connect(self.delete)
        return self._page

    def _shown(self, focus: bool) -> QWidget:
        page = self.page
        if self._stale or not page.days:
            self._stale = False
            page.start()
        if focus:
            page.focus()
        return page

    def show_time(self, when: datetime) -> None:
        """The Calendar page on the day of `when`, in the day view."""
        self.people.show(CALENDAR)
        self.page.go_to(when.astimezone().date())
        self.page.set_mode("day")

    def apply_changes(self, changes: ChangeSet) -> None:
        if self._page is None or not (changes.people or changes.messages_added):
            return
        if self.window.pages.currentWidget() is self._page:
            self._refresh.start()
        else:
            self._stale = True

    def _refresh_now(self) -> None:
        if self._page is not None:
            self._page.refresh()

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)

    def _failed(self, exc: Exception) -> None:
        self._say(str(exc) if isinstance(exc, UserError) else f"Not saved: {exc}")
        self._refresh_now()

    def _send_soon(self, after_seconds: float = 0) -> None:
        """Mail queued for the people on an event (after the undo delay): the syncs send it."""

        def kick() -> None:
            syncs = self.window.syncs
            if syncs is not None:
                syncs.sync_now()

        QTimer.singleShot(int(after_seconds * 1000) + KICK_AFTER_MS, self, kick)

    def move(self, o: Occurrence, start: int, end: int | None = None) -> None:
        from unibox.services.event_move import Moved, move_occurrence

        store = self.window.bridge.store

        def done(moved: Moved) -> None:
            self.window.bridge.post_changes(moved.changes)
            self._refresh_now()
            if moved.told:
                self._send_soon()
                people = "person" if moved.told == 1 else "people"
                self._say(f"“{o.summary}” moved; the {moved.told} {people} on it are told by mail.")
            elif moved.untold:
                self._say(f"“{o.summary}” moved. The others were not told: {moved.untold}")
            else:
                self._say(f"“{o.summary}” moved.")

        self.window.bridge.run(
            lambda: move_occurrence(store, o.event_id, o.recurrence, start, end=end),
            done,
            self._failed,
        )

    def answer(self, uid: str, answer: str) -> None:
        """Accept, Maybe or Decline in the panel: the reading pane's answer, the same REPLY."""
        self.window.answers.answer(uid, answer)
        QTimer.singleShot(600, self._after_answer)

    def _after_answer(self) -> None:
        if self._page is not None:
            self._page.reload_details()
            self._page.refresh()

    def delete(self, o: Occurrence) -> None:
        from PySide6.QtWidgets import QMessageBox

        from unibox.config import UNDO_SEND_SECONDS
        from unibox.services.event_actions import delete

        whole = " and every other time it repeats" if o.repeats else ""
        asked = QMessageBox.question(
            self.window,
            "Delete event",
            f"Delete “{o.summary or '(no title)'}”{whole}? If you organize it, the people on "
            "it are told it is cancelled.",
        )
        if asked != QMessageBox.StandardButton.Yes:
            return
        store, undo = self.window.bridge.store, int(self.window.prefs.get(UNDO_SEND_SECONDS))

        def done(deleted: Deleted) -> None:
            if deleted.item is not None:
                self._send_soon(undo)
            if self._page is not None:
                self._page.close_panel()
            self._refresh_now()
            self._say(f"“{o.summary}” deleted.")

        self.window.bridge.run(lambda: delete(store, o.uid, undo_seconds=undo), done, self._failed)

    def create(self, start: int, end: int, all_day: bool) -> None:
        """The New event dialog, once the calendars one can add to are read."""
        from unibox.services.event_new import calendar_names

        store = self.window.bridge.store
        self.window.bridge.run(
            lambda: calendar_names(store),
            lambda names: self._open_dialog(start, end, all_day, names),
        )

    def _open_dialog(self, start: int, end: int, all_day: bool, calendars: list[str]) -> None:
        from unibox.services.event_new import add_event
        from unibox.ui.calendar.new_event_dialog import NewEventDialog

        store = self.window.bridge.store
        dialog = NewEventDialog(start, end, all_day, calendars, self.window)
        self.dialog = dialog

        def accepted() -> None:
            new = dialog.new_event()

            def done(result: tuple[int, ChangeSet]) -> None:
                self.window.bridge.post_changes(result[1])
                self._refresh_now()
                self._say(f"“{new.summary.strip()}” added.")
                if new.attendees:
                    self._send_soon()

            self.window.bridge.run(lambda: add_event(store, new), done, self._failed)

        dialog.accepted.connect(accepted)
        dialog.open()
