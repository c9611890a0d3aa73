"""Meetings in words, and the person panel's "Upcoming" entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from unibox.store.events import Meeting

_EVERY = {"DAILY": ("day", "days"), "WEEKLY": ("week", "weeks"), "MONTHLY": ("month", "months")}
_EVERY["YEARLY"] = ("year", "years")


def _day(when: datetime) -> str:
    return f"{when:%a} {when.day} {when:%b}"


def meeting_when(meeting: Meeting, now: datetime | None = None) -> str:
    """ "Mon 23 Nov, 10:00 – 10:45" in local time; all-day events by their days."""
    if meeting.all_day:
        first = meeting.starts.astimezone(UTC).date()
        last = (meeting.ends - timedelta(seconds=1)).astimezone(UTC).date()
        head = _day(datetime(first.year, first.month, first.day))
        if last > first:
            return f"{head} – {_day(datetime(last.year, last.month, last.day))}, all day"
        return f"{head}, all day"
    start = meeting.starts.astimezone()
    end = meeting.ends.astimezone()
    now = now or datetime.now().astimezone()
    day = _day(start) if start.year == now.year else f"{_day(start)} {start.year}"
    if end <= start:
        return f"{day}, {start:%H:%M}"
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{_day(end)}, {end:%H:%M}"
    return f"{day}, {start:%H:%M} – {until}"


def repeats_text(rrule: str) -> str:
    """ "Every week", "Every 2 months"… for an RRULE; "" when it does not repeat."""
    if not rrule:
        return ""
    fields = dict(p.partition("=")[::2] for p in rrule.upper().split(";"))
    unit = _EVERY.get(fields.get("FREQ", ""))
    if unit is None:
        return "Repeats"
    interval = fields.get("INTERVAL", "1")
    if interval.isdigit() and int(interval) > 1:
        return f"Every {int(interval)} {unit[1]}"
    return f"Every {unit[0]}"


def meeting_line(meeting: Meeting) -> str:
    """The panel's first line: "Mon 23 Nov, 10:00 – Brightwave review call"."""
    when = meeting_when(meeting)
    if not meeting.all_day:
        when = when.split(" – ")[0]  # the start is enough beside the title
    return f"{when} – {meeting.summary or '(no title)'}"


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
