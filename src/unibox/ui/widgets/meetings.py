"""Meetings in words, and the person panel's "Upcoming" entries."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from unibox.services.meeting_format import meeting_line, meeting_when, repeats_text
from unibox.store.events import Meeting


class MeetingEntry(QFrame):
    """One upcoming meeting: when and what (wrapped), then where; a click opens its invitation.

    Signals:
        clicked(): the entry was clicked, or Enter or Space pressed on it.
    """

    clicked = Signal()

    def __init__(self, meeting: Meeting, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("MeetingEntry")
        self.meeting = meeting
        col = QVBoxLayout(self)
        col.setContentsMargins(8, 6, 8, 6)
        col.setSpacing(1)
        self.line = QLabel(meeting_line(meeting), self)
        self.line.setWordWrap(True)
        details = [meeting.location, repeats_text(meeting.repeats)]
        if meeting.status == "tentative":
            details.append("tentative")
        self.details = QLabel(" · ".join(d for d in details if d), self)
        self.details.setObjectName("Muted")
        self.details.setWordWrap(True)
        self.details.setVisible(bool(self.details.text()))
        for label in (self.line, self.details):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            col.addWidget(label)
        where = f"\n{meeting.location}" if meeting.location else ""
        who = f"\nOrganized by {meeting.organizer}" if meeting.organizer else ""
        hint = ""
        if meeting.message_id is not None:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            hint = "\nClick to open the invitation"
        self.setToolTip(f"{meeting.summary}\n{meeting_when(meeting)}{where}{who}{hint}")

    def text(self) -> str:
        """What the entry says, line by line."""
        return "\n".join(w.text() for w in (self.line, self.details) if w.text())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        inside = self.rect().contains(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and inside:
            self.clicked.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)
