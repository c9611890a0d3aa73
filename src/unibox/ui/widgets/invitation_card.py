"""The reading pane's invitation card: when, where, who organizes, how many come."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from unibox.services.meeting_format import meeting_when, repeats_text
from unibox.store.events import MessageInvitation
from unibox.ui.icons import pixmap

_KIND = {
    "request": "Invitation",
    "publish": "Event",
    "add": "Invitation",
    "counter": "New time proposed",
    "reply": "Reply to an invitation",
    "cancel": "Cancelled",
}


_ANSWER = {
    "accepted": "accepted",
    "declined": "declined",
    "tentative": "may come (tentative)",
    "delegated": "delegated it",
}

# The buttons: what the person says, the PARTSTAT it becomes, the word for "you …".
ANSWERS = (
    ("accept", "Accept", "accepted", "You accepted"),
    ("tentative", "Tentative", "tentative", "You may come (tentative)"),
    ("decline", "Decline", "declined", "You declined"),
)
_COUNTED = {"accepted": "accepted", "tentative": "tentative", "declined": "declined"}


class InvitationCard(QFrame):
    """Shows a MessageInvitation above the body; hidden for a message without one.

    A cancelled event is struck through and says so; an invitation that a
    later one changed says the times shown are the newest. An invitation we
    may answer has Accept / Tentative / Decline (Tab reaches them); the one
    matching our answer is checked.

    Signals:
        answered(str, str): the event's UID and "accept", "tentative" or "decline".
    """

    answered = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("InvitationCard")
        self.invitation: MessageInvitation | None = None
        self._kind_text = ""
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 10, 12, 10)
        row.setSpacing(12)
        self.icon = QLabel(self)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        col = QVBoxLayout()
        col.setSpacing(2)
        self.kind = QLabel(self)
        self.kind.setObjectName("InvitationKind")
        self.title = QLabel(self)
        self.title.setObjectName("InvitationTitle")
        self.title.setWordWrap(True)
        self.when = QLabel(self)
        self.where = QLabel(self)
        self.where.setWordWrap(True)
        self.who = QLabel(self)
        self.who.setObjectName("Muted")
        self.who.setWordWrap(True)
        self.note = QLabel(self)
        self.note.setObjectName("Muted")
        self.note.setWordWrap(True)
        for label in (self.kind, self.title, self.when, self.where, self.who, self.note):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            col.addWidget(label)
        self.answer_row = QWidget(self)
        buttons = QHBoxLayout(self.answer_row)
        buttons.setContentsMargins(0, 6, 0, 0)
        buttons.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, _partstat, _said in ANSWERS:
            button = QPushButton(text, self.answer_row)
            button.setObjectName("InvitationAnswer")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.setAutoDefault(True)  # Enter on a focused button answers too
            button.setToolTip(f"{text} and tell the organizer")
            button.clicked.connect(lambda _on=False, k=key: self._answer(k))
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        col.addWidget(self.answer_row)
        row.addLayout(col, 1)
        self.hide()

    def _answer(self, key: str) -> None:
        invitation = self.invitation
        if invitation is None:
            return
        partstat = next(p for k, _t, p, _s in ANSWERS if k == key)
        self.show_my_status(partstat)  # at once; the store follows
        self.answered.emit(invitation.meeting.uid, key)

    def show_my_status(self, partstat: str) -> None:
        """Check the button of our answer, and say it."""
        for key, _text, status, said in ANSWERS:
            self.buttons[key].setChecked(status == partstat)
            if status == partstat:
                self.kind.setText(f"{self._kind_text} · {said}")

    def show_invitation(self, invitation: MessageInvitation | None) -> None:
        self.invitation = invitation
        if invitation is None:
            self.hide()
            return
        meeting = invitation.meeting
        cancelled = meeting.status == "cancelled"
        kind = "Cancelled" if cancelled else _KIND.get(invitation.method, "Event")
        if invitation.updated and not cancelled:
            kind = "Updated invitation"
        elif invitation.answer and not cancelled:
            who = invitation.answered_by or "They"
            kind = f"{who} {_ANSWER.get(invitation.answer, 'replied')}"
        if meeting.status == "tentative" and not cancelled:
            kind += " · tentative"
        repeats = repeats_text(meeting.repeats)
        self._kind_text = f"{kind} · {repeats}" if repeats else kind
        self.kind.setText(self._kind_text)
        self.kind.setProperty("cancelled", cancelled)
        self.kind.style().unpolish(self.kind)
        self.kind.style().polish(self.kind)
        font = self.title.font()
        font.setStrikeOut(cancelled)
        self.title.setFont(font)
        self.title.setText(meeting.summary or "(no title)")
        when = meeting_when(meeting)
        self.when.setText(f"Next: {when}" if repeats else when)
        self.where.setText(meeting.location)
        self.where.setVisible(bool(meeting.location))
        people = f"{meeting.attendees} people" if meeting.attendees != 1 else "1 person"
        organizer = f"Organized by {meeting.organizer}" if meeting.organizer else ""
        counted = [f"{n} {_COUNTED[p]}" for p, n in invitation.answers if p in _COUNTED]
        self.who.setText(" · ".join(p for p in (organizer, people, ", ".join(counted)) if p))
        self.note.setText(
            "This invitation was updated by a later one: the time shown is the newest."
            if invitation.outdated and not cancelled
            else ""
        )
        self.note.setVisible(bool(self.note.text()))
        self.answer_row.setVisible(invitation.answerable)
        for button in self.buttons.values():
            button.setChecked(False)
        if invitation.answerable and invitation.my_status in _COUNTED:
            self.show_my_status(invitation.my_status)
        self.recolour()
        self.show()

    def recolour(self) -> None:
        colour = self.palette().color(QPalette.ColorRole.Highlight)
        self.icon.setPixmap(pixmap("calendar", colour, 22))
