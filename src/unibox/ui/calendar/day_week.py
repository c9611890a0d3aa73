"""The day and week views: day names and all-day bars on top, the hours below, scrolling."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from unibox.store.calendar_range import Occurrence
from unibox.ui.calendar.layout import Bar, day_start, place_bars
from unibox.ui.calendar.painting import draw_event
from unibox.ui.calendar.time_grid import GUTTER, HOUR, TimeGrid

NAMES_HEIGHT = 44
BAR = 22


class DayHeader(QWidget):
    """Each day's name and date (today's in the accent colour), then the all-day lanes.

    Signals:
        chosen(object): an all-day Occurrence was clicked.
        create_requested(int, int): the all-day strip of a day was double-clicked.
    """

    chosen = Signal(object)
    create_requested = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days: list[date] = []
        self.today = date.today()
        self.bars: list[Bar] = []
        self.selected: tuple[int, str] | None = None
        self.right_margin = 0  # the grid's scroll bar, so the columns line up

    def show_days(self, days: list[date], occurrences: Sequence[Occurrence], today: date) -> None:
        self.days, self.today = days, today
        self.bars = place_bars(occurrences, days)
        lanes = max((b.lane for b in self.bars), default=-1) + 1
        self.setFixedHeight(NAMES_HEIGHT + max(1, lanes) * (BAR + 2) + 6)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(800, self.height())

    def _width(self) -> float:
        return (self.width() - GUTTER - self.right_margin) / max(1, len(self.days))

    def bar_rect(self, bar: Bar) -> QRectF:
        w = self._width()
        return QRectF(
            GUTTER + bar.first * w + 2,
            NAMES_HEIGHT + bar.lane * (BAR + 2),
            (bar.last - bar.first + 1) * w - 5,
            BAR,
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        w = self._width()
        line = pal.color(QPalette.ColorRole.Mid)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        accent = pal.color(QPalette.ColorRole.Highlight)
        bold = QFont(self.font())
        bold.setWeight(QFont.Weight.DemiBold)
        big = QFont(bold)
        big.setPointSizeF(bold.pointSizeF() * 1.35)
        for i, day in enumerate(self.days):
            x = GUTTER + i * w
            today = day == self.today
            if today and len(self.days) > 1:
                tint = pal.color(QPalette.ColorRole.Midlight)
                p.fillRect(QRectF(x, 0, w, self.height()), tint)
            p.setFont(self.font())
            p.setPen(accent if today else muted)
            p.drawText(
                QRectF(x + 8, 4, w - 8, 16),
                int(Qt.AlignmentFlag.AlignLeft),
                day.strftime("%a").upper(),
            )
            p.setFont(big)
            p.setPen(accent if today else pal.color(QPalette.ColorRole.Text))
            label = str(day.day) if len(self.days) > 1 else day.strftime("%-d %B")
            p.drawText(QRectF(x + 8, 18, w - 8, 24), int(Qt.AlignmentFlag.AlignLeft), label)
            p.setPen(QPen(line, 1))
            p.drawLine(QPointF(round(x) + 0.5, 0), QPointF(round(x) + 0.5, self.height()))
        p.setFont(self.font())
        p.setPen(muted)
        p.drawText(
            QRectF(0, NAMES_HEIGHT, GUTTER - 8, BAR),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            "all-day",
        )
        for bar in self.bars:
            o = bar.occurrence
            chosen = self.selected == (o.event_id, o.recurrence)
            draw_event(p, self.bar_rect(bar), o, pal, selected=chosen, detail=False)
        p.setPen(QPen(line, 1))
        p.drawLine(QPointF(0, self.height() - 0.5), QPointF(self.width(), self.height() - 0.5))
        p.end()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        for bar in self.bars:
            if self.bar_rect(bar).contains(event.position()):
                self.chosen.emit(bar.occurrence)
                return

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        x = event.position().x() - GUTTER
        if (
            x < 0
            or not self.days
            or any(self.bar_rect(b).contains(event.position()) for b in self.bars)
        ):
            return
        day = self.days[min(int(x // self._width()), len(self.days) - 1)]
        self.create_requested.emit(day_start(day), day_start(day + timedelta(days=1)))


class DayWeekView(QWidget):
    """One day or seven, by `show_days`; the hours scroll, the header stays.

    Signals:
        chosen(object), moved(object, int), resized(object, int),
        create_requested(int, int, bool): the grid's and header's, the last with whether
        it is an all-day slot.
    """

    chosen = Signal(object)
    moved = Signal(object, int)
    resized = Signal(object, int)
    create_requested = Signal(int, int, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = DayHeader(self)
        self.grid = TimeGrid()
        self.hours = QScrollArea(self)
        self.hours.setFrameShape(QFrame.Shape.NoFrame)
        self.hours.setWidgetResizable(True)
        self.hours.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.hours.setWidget(self.grid)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self.header)
        col.addWidget(self.hours, 1)
        self.grid.chosen.connect(self.chosen)
        self.header.chosen.connect(self.chosen)
        self.grid.moved.connect(self.moved)
        self.grid.resized.connect(self.resized)
        self.grid.create_requested.connect(lambda a, b: self.create_requested.emit(a, b, False))
        self.header.create_requested.connect(lambda a, b: self.create_requested.emit(a, b, True))
        self._scrolled = False

    def show_days(self, days: list[date], occurrences: Sequence[Occurrence], today: date) -> None:
        self.header.right_margin = self.hours.verticalScrollBar().sizeHint().width()
        self.header.show_days(days, occurrences, today)
        self.grid.show_days(days, occurrences, today)
        if not self._scrolled:  # the working day in sight, as a calendar opens
            self._scrolled = True
            QTimer.singleShot(0, self.scroll_to_morning)

    def scroll_to_morning(self) -> None:
        hour = max(0, min(datetime.now().hour - 2, 7))
        self.hours.verticalScrollBar().setValue(hour * HOUR)

    def select(self, key: tuple[int, str] | None) -> None:
        self.grid.selected = self.header.selected = key
        self.grid.update()
        self.header.update()
