"""The panel beside the calendar for the event clicked: when, where, who (with answers), talk."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from unibox.services.meeting_format import meeting_when, repeats_text
from unibox.store.calendar_range import Occurrence
from unibox.store.event_details import EventDetails, EventPerson
from unibox.ui.calendar.colors import occurrence_color

ANSWERS = {
    "accepted": ("✓", "#2e9e6b", "accepted"),
    "declined": ("✕", "#d0454c", "declined"),
    "tentative": ("?", "#d9822b", "maybe"),
    "delegated": ("→", "#8a8f98", "delegated"),
}
NO_ANSWER = ("…", "#8a8f98", "no answer yet")


class EventPanel(QFrame):
    """Shows one occurrence and, once read, its people and related conversations.

    Signals:
        person_chosen(int): a person on the event was clicked (open their record).
        message_chosen(int): a related message was clicked (read it in Mail).
        closed(): the close button was clicked.
        answered(str, str): the uid, and "accept", "tentative" or "decline" (we are invited).
        delete_requested(object): Delete was clicked on this Occurrence.
    """

    person_chosen = Signal(int)
    message_chosen = Signal(int)
    closed = Signal()
    answered = Signal(str, str)
    delete_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EventPanel")
        self.occurrence: Occurrence | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        body = QWidget()
        body.setObjectName("EventPanelBody")
        scroll.setWidget(body)
        self.col = QVBoxLayout(body)
        self.col.setContentsMargins(18, 14, 18, 18)
        self.col.setSpacing(6)
        close = QToolButton(body)
        close.setObjectName("HelpButton")
        close.setText("✕")
        close.setToolTip("Close (Esc)")
        close.clicked.connect(self.closed)
        self.col.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.title = self._label("EventTitle")
        self.when = self._label()
        self.where = self._label("Muted")
        self.repeats = self._label("Muted")
        self.calendar = self._label("Muted")
        actions = QHBoxLayout()
        actions.setSpacing(6)
        self.answer_buttons: dict[str, QPushButton] = {}
        for answer, text in (("accept", "Accept"), ("tentative", "Maybe"), ("decline", "Decline")):
            b = QPushButton(text, self)
            b.setObjectName("CalendarNav")
            b.setCheckable(True)
            b.clicked.connect(lambda _c=False, a=answer: self._answer(a))
            actions.addWidget(b)
            self.answer_buttons[answer] = b
        actions.addStretch(1)
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.setObjectName("CalendarNav")
        self.delete_button.clicked.connect(
            lambda: self.delete_requested.emit(self.occurrence) if self.occurrence else None
        )
        actions.addWidget(self.delete_button)
        self.col.addLayout(actions)
        self.people_heading = self._label("SectionTitle")
        self.people_heading.setText("People")
        self.people_box = QVBoxLayout()
        self.people_box.setSpacing(2)
        self.col.addLayout(self.people_box)
        self.talk_heading = self._label("SectionTitle")
        self.talk_heading.setText("Conversations")
        self.talk_box = QVBoxLayout()
        self.talk_box.setSpacing(2)
        self.col.addLayout(self.talk_box)
        self.col.addStretch(1)
        self.person_buttons: list[QPushButton] = []
        self.message_buttons: list[QPushButton] = []

    def _label(self, name: str = "") -> QLabel:
        label = QLabel(self)
        if name:
            label.setObjectName(name)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.col.addWidget(label)
        return label

    def show_occurrence(self, o: Occurrence) -> None:
        self.occurrence = o
        colour = occurrence_color(o).name()
        self.title.setText(o.summary or "(no title)")
        self.title.setStyleSheet(f"border-left: 4px solid {colour}; padding-left: 8px;")
        self.when.setText(meeting_when(o))
        self.where.setText(o.location)
        self.where.setVisible(bool(o.location))
        self.repeats.setVisible(False)
        self.calendar.setText(f"Calendar: {o.calendar}")
        self._clear(self.people_box, self.person_buttons)
        self._clear(self.talk_box, self.message_buttons)
        self.people_heading.setVisible(False)
        self.talk_heading.setVisible(False)
        for b in self.answer_buttons.values():
            b.hide()

    def show_details(self, details: EventDetails) -> None:
        if self.occurrence is None or details.event_id != self.occurrence.event_id:
            return
        text = repeats_text(details.rrule)
        self.repeats.setText(text)
        self.repeats.setVisible(bool(text))
        me = next((p for p in details.people if p.is_me), None)
        invited = me is not None and not me.organizer
        mine = {"accepted": "accept", "tentative": "tentative", "declined": "decline"}
        for answer, b in self.answer_buttons.items():
            b.setVisible(invited)
            b.setChecked(invited and me is not None and mine.get(me.partstat) == answer)
        self._clear(self.people_box, self.person_buttons)
        self.people_heading.setVisible(bool(details.people))
        for person in details.people:
            self._person(person)
        self._clear(self.talk_box, self.message_buttons)
        self.talk_heading.setVisible(bool(details.messages))
        for m in details.messages:
            when = datetime.fromtimestamp(m.sent_at).strftime("%-d %b")
            label = f"{'✉ ' if m.invitation else ''}{m.subject or '(no subject)'}  ·  {when}"
            b = self._button(label, self.talk_box, self.message_buttons)
            b.setToolTip("The invitation" if m.invitation else "A recent message with them")
            b.clicked.connect(lambda _c=False, mid=m.message_id: self.message_chosen.emit(mid))

    def _answer(self, answer: str) -> None:
        for name, b in self.answer_buttons.items():
            b.setChecked(name == answer)
        if self.occurrence is not None:
            self.answered.emit(self.occurrence.uid, answer)

    def _person(self, person: EventPerson) -> None:
        mark, colour, words = ANSWERS.get(person.partstat, NO_ANSWER)
        if person.organizer:
            words = "organizer"
        name = "You" if person.is_me else person.name
        b = self._button(f"{mark}  {name}   —  {words}", self.people_box, self.person_buttons)
        b.setStyleSheet(f"QPushButton {{ border-left: 3px solid {colour}; }}")
        b.setToolTip(f"{person.email}\nOpen {person.name}'s record")
        b.clicked.connect(lambda _c=False, pid=person.person_id: self.person_chosen.emit(pid))

    def _button(self, text: str, box: QVBoxLayout, kept: list[QPushButton]) -> QPushButton:
        b = QPushButton(text, self)
        b.setObjectName("LinkRow")
        b.setCursor(Qt.CursorShape.PointingHandCursor)
        b.setFlat(True)
        # Long subjects are cut at the panel's edge rather than widening it.
        b.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        box.addWidget(b)
        kept.append(b)
        return b

    @staticmethod
    def _clear(box: QVBoxLayout, kept: list[QPushButton]) -> None:
        for b in kept:
            box.removeWidget(b)
            b.deleteLater()
        kept.clear()
