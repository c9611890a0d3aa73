"""The small "New event" dialog a double-click on a free time opens."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from unibox.services.event_new import NewEvent


def _edit(stamp: int) -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(stamp))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("ddd d MMM yyyy  HH:mm")
    return edit


class NewEventDialog(QDialog):
    """Title, times (or all day), place, people and calendar; Create stores it."""

    def __init__(
        self, start: int, end: int, all_day: bool, calendars: list[str], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New event")
        self.setMinimumWidth(420)
        form = QFormLayout(self)
        self.summary = QLineEdit()
        self.summary.setPlaceholderText("What")
        self.all_day = QCheckBox("All day")
        self.all_day.setChecked(all_day)
        self.starts = _edit(start)
        self.ends = _edit(end)
        self.location = QLineEdit()
        self.location.setPlaceholderText("Where (optional)")
        self.people = QLineEdit()
        self.people.setPlaceholderText("Addresses, separated by commas (optional)")
        self.calendar = QComboBox()
        self.calendar.addItems(calendars or ["Calendar (new)"])
        self._calendars = calendars  # none yet: the default one is made on the first event
        self.problem = QLabel()
        self.problem.setObjectName("Muted")
        self.problem.hide()
        form.addRow("Title", self.summary)
        form.addRow("", self.all_day)
        form.addRow("Starts", self.starts)
        form.addRow("Ends", self.ends)
        form.addRow("Location", self.location)
        form.addRow("People", self.people)
        form.addRow("Calendar", self.calendar)
        form.addRow(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.create_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText("Create")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.all_day.toggled.connect(self._all_day_toggled)
        self._all_day_toggled(all_day)
        self.summary.setFocus()

    def _all_day_toggled(self, on: bool) -> None:
        fmt = "ddd d MMM yyyy" if on else "ddd d MMM yyyy  HH:mm"
        for edit in (self.starts, self.ends):
            edit.setDisplayFormat(fmt)

    def _accept(self) -> None:
        if not self.summary.text().strip():
            self.problem.setText("Give the event a title.")
            self.problem.show()
            return
        if self.ends.dateTime() < self.starts.dateTime():
            self.problem.setText("The event ends before it starts.")
            self.problem.show()
            return
        self.accept()

    def new_event(self) -> NewEvent:
        start = self.starts.dateTime().toSecsSinceEpoch()
        end = self.ends.dateTime().toSecsSinceEpoch()
        if self.all_day.isChecked():  # all-day dates are kept as UTC midnights
            first: date = self.starts.date().toPython()  # type: ignore[assignment]
            ends: date = self.ends.date().toPython()  # type: ignore[assignment]
            last = max(ends, first)
            if self.ends.time().hour() == 0 and self.ends.time().minute() == 0 and last > first:
                last -= timedelta(days=1)
            start = int(datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp())
            end = int(datetime(last.year, last.month, last.day, tzinfo=UTC).timestamp()) + 86400
        people = tuple(p.strip() for p in self.people.text().split(",") if "@" in p)
        return NewEvent(
            summary=self.summary.text(),
            starts_at=start,
            ends_at=end,
            all_day=self.all_day.isChecked(),
            location=self.location.text(),
            attendees=people,
            calendar=self.calendar.currentText() if self._calendars else "",
        )
