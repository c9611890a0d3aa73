"""The reading pane's invitation card: when, where, who organizes, how many come."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

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


class InvitationCard(QFrame):
    """Shows a MessageInvitation above the body; hidden for a message without one.

    A cancelled event is struck through and says so; an invitation that a
    later one changed says the times shown are the newest.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("InvitationCard")
        self.invitation: MessageInvitation | None = None
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
        row.addLayout(col, 1)
        self.hide()

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
        self.kind.setText(f"{kind} · {repeats}" if repeats else kind)
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
        self.who.setText(" · ".join(p for p in (organizer, people) if p))
        self.note.setText(
            "This invitation was updated by a later one: the time shown is the newest."
            if invitation.outdated and not cancelled
            else ""
        )
        self.note.setVisible(bool(self.note.text()))
        self.recolour()
        self.show()

    def recolour(self) -> None:
        colour = self.palette().color(QPalette.ColorRole.Highlight)
        self.icon.setPixmap(pixmap("calendar", colour, 22))
