"""The agenda: the coming days' events as a list, a heading per day, today's first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from unibox.store.calendar_range import Occurrence
from unibox.ui.calendar.colors import occurrence_color
from unibox.ui.calendar.layout import first_day, last_day
from unibox.ui.calendar.painting import span_text

OCCURRENCE = Qt.ItemDataRole.UserRole + 1
HEADING = Qt.ItemDataRole.UserRole + 2


def day_heading(day: date, today: date) -> str:
    delta = (day - today).days
    name = {0: "Today", 1: "Tomorrow", -1: "Yesterday"}.get(delta, day.strftime("%A"))
    return f"{name} · {day.strftime('%-d %B %Y')}"


def when_text(o: Occurrence, day: date) -> str:
    if o.all_day or first_day(o) != last_day(o):
        if first_day(o) == last_day(o):
            return "all day"
        return f"day {(day - first_day(o)).days + 1} of {(last_day(o) - first_day(o)).days + 1}"
    return span_text(o)


class _Delegate(QStyledItemDelegate):
    """A heading row, or an event row: colour dot, time, title, place."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        heading = index.data(HEADING)
        return QSize(200, 34 if heading else 30)

    def paint(
        self, p: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        pal = option.palette
        rect: QRect = option.rect
        p.save()
        heading = index.data(HEADING)
        if heading:
            font = QFont(option.font)
            font.setWeight(QFont.Weight.DemiBold)
            p.setFont(font)
            today = heading.startswith("Today")
            role = QPalette.ColorRole.Highlight if today else QPalette.ColorRole.Text
            p.setPen(pal.color(role))
            p.drawText(rect.adjusted(16, 10, -8, 0), int(Qt.AlignmentFlag.AlignLeft), heading)
            p.setPen(pal.color(QPalette.ColorRole.Mid))
            p.drawLine(rect.left() + 16, rect.bottom(), rect.right() - 16, rect.bottom())
            p.restore()
            return
        o, day = index.data(OCCURRENCE)
        if option.state & QStyle.StateFlag.State_Selected:
            p.fillRect(rect, pal.color(QPalette.ColorRole.Midlight))
        elif option.state & QStyle.StateFlag.State_MouseOver:
            p.fillRect(rect, pal.color(QPalette.ColorRole.AlternateBase))
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(occurrence_color(o)))
        p.drawEllipse(rect.left() + 22, rect.center().y() - 4, 9, 9)
        p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        centre = int(Qt.AlignmentFlag.AlignVCenter)
        p.drawText(
            rect.adjusted(42, 0, 0, 0).adjusted(0, 0, -(rect.width() - 160), 0),
            centre,
            when_text(o, day),
        )
        p.setPen(pal.color(QPalette.ColorRole.Text))
        title = o.summary or "(no title)"
        if o.location:
            title += f"   ·   {o.location}"
        area = rect.adjusted(170, 0, -12, 0)
        p.drawText(
            area,
            centre,
            p.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, area.width()),
        )
        p.restore()


class AgendaView(QListWidget):
    """Days from `show_days`' first, each with its events; days without any are left out.

    Signals:
        chosen(object): an Occurrence was clicked or Enter pressed on it.
    """

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Agenda")
        self.setItemDelegate(_Delegate(self))
        self.setMouseTracking(True)
        self.setFrameShape(QListWidget.Shape.NoFrame)
        self.itemClicked.connect(self._clicked)
        self.itemActivated.connect(self._clicked)

    def show_days(self, days: list[date], occurrences: Sequence[Occurrence], today: date) -> None:
        self.clear()
        for day in days:
            mine = [o for o in occurrences if first_day(o) <= day <= last_day(o)]
            if not mine:
                continue
            heading = QListWidgetItem(day_heading(day, today))
            heading.setData(HEADING, heading.text())
            heading.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(heading)
            for o in sorted(mine, key=lambda o: (not o.all_day, o.starts_at, o.summary)):
                item = QListWidgetItem(f"{when_text(o, day)}  {o.summary}")
                item.setData(OCCURRENCE, (o, day))
                self.addItem(item)
        if self.count() == 0:
            empty = QListWidgetItem("Nothing in the calendar for these days.")
            empty.setData(HEADING, empty.text())
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(empty)

    def texts(self) -> list[str]:
        """What the list says, row by row (for tests)."""
        return [self.item(i).text() for i in range(self.count())]

    def _clicked(self, item: QListWidgetItem) -> None:
        data = item.data(OCCURRENCE)
        if data:
            self.chosen.emit(data[0])
