"""The People page of the window: a sidebar with the switcher, the list, and a person's record."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from unibox.config import Settings
from unibox.ui.bridge import Bridge
from unibox.ui.people.people_view import PeopleView
from unibox.ui.people.record_loader import RecordLoader
from unibox.ui.people.record_view import PersonRecordView
from unibox.ui.side_pane import SidePane

TIPS = (
    "Type to search everyone.\n"
    "Enter opens a person; Backspace comes back.\n"
    "Ctrl+L logs a call or a note.\n"
    "F2 edits the contact card; Esc cancels.\n"
    "Ctrl+1 Mail · Ctrl+2 People · Ctrl+3 Calendar"
)


class PeoplePage(QWidget):
    """Sidebar | (People list or a person's record).

    Signals:
        message_chosen(int): open this message in the Mail page.
        meeting_chosen(object): show this time (a UTC datetime) in the Calendar page.
        status(str): a sentence for the status bar.
    """

    message_chosen = Signal(int)
    meeting_chosen = Signal(object)
    status = Signal(str)

    def __init__(
        self, bridge: Bridge, settings: Settings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.loader = RecordLoader(bridge, settings, self)
        self.writer = RecordLoader(bridge, settings, self)  # the list's merges
        self.view = PeopleView(bridge, self.writer, self)
        self.record = PersonRecordView(bridge, self.loader, self)
        self.started = False
        tips = QLabel(TIPS)
        tips.setObjectName("Muted")
        tips.setWordWrap(True)
        tips.setContentsMargins(18, 12, 18, 0)
        side = SidePane(tips, stretch=False, parent=self)
        self.switcher = side.switcher
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.record)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setHandleWidth(1)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(side)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([210, 1190])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(splitter)
        self.view.person_opened.connect(self.open_person)
        self.view.status.connect(self.status)
        self.record.back.connect(self.show_list)
        self.record.message_chosen.connect(self.message_chosen)
        self.record.meeting_chosen.connect(self.meeting_chosen)
        self.record.status.connect(self.status)
        self.writer.saved.connect(self.status)
        self.writer.failed.connect(self.status)
        self.writer.saved.connect(lambda _t: self.view.refresh())

    def start(self) -> None:
        if not self.started:
            self.started = True
            self.view.start()

    def open_person(self, person_id: int) -> None:
        self.stack.setCurrentWidget(self.record)
        row = self.view.model.row_of(person_id) if self.started else None
        hint = self.view.model.cached(row) if row is not None else None
        self.record.show_person(person_id, hint)  # asked first: it is what the user waits for
        self.start()
        self.record.timeline_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.view)
        self.view.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus(self) -> None:
        """Where the keyboard goes when the page is shown."""
        if self.stack.currentWidget() is self.view:
            self.view.focus_search()
        else:
            self.record.timeline_view.setFocus(Qt.FocusReason.OtherFocusReason)
