"""The "pick date and time" dialog of Send later."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from unibox.ui.compose.schedule import tomorrow_morning


def _qt(when: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(when.timestamp()))


class SendTimeDialog(QDialog):
    """A date-time picker (calendar popup) that accepts only times in the future."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Send later")
        self.edit = QDateTimeEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        now = datetime.now()
        self.edit.setMinimumDateTime(_qt(now + timedelta(minutes=1)))
        self.edit.setDateTime(_qt(tomorrow_morning(now)))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Schedule")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        col = QVBoxLayout(self)
        col.addWidget(QLabel("Send this message at:"))
        col.addWidget(self.edit)
        col.addWidget(buttons)

    def when(self) -> datetime:
        seconds = self.edit.dateTime().toSecsSinceEpoch()
        return datetime.fromtimestamp(seconds).replace(second=0, microsecond=0)


def pick_send_time(parent: QWidget, chosen: Callable[[datetime], None]) -> SendTimeDialog:
    """Open the picker (not blocking); `chosen` gets the local time picked."""
    dialog = SendTimeDialog(parent)
    dialog.accepted.connect(lambda: chosen(dialog.when()))
    dialog.open()
    return dialog
