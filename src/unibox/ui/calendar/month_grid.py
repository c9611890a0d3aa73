"""The month view: six weeks of days, each with its events as lines and bars, "+N more"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QFont, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import QWidget

from unibox.store.calendar_range import Occurrence
from unibox.ui.calendar.colors import occurrence_color
from unibox.ui.calendar.layout import Bar, at_minute, first_day, last_day, local, place_month_row
from unibox.ui.calendar.painting import draw_event, time_text

NAMES = 24  # the weekday names' row
DAY_LABEL = 22
LINE = 19


class MonthGrid(QWidget):
    """42 days from the start of the month's first week; the month's own days are brighter.

    Signals:
        chosen(object): an Occurrence was clicked.
        moved(object, int): an Occurrence was dragged to another day (same time of day).
        create_requested(int, int, bool): a day was double-clicked (09:00–10:00).
        day_opened(object): a day's number or its "+N more" was clicked (a date).
    """

    chosen = Signal(object)
    moved = Signal(object, int)
    create_requested = Signal(int, int, bool)
    day_opened = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MonthGrid")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.days: list[date] = []
        self.month = 0
        self.today = date.today()
        self.selected: tuple[int, str] | None = None
        self._occurrences: Sequence[Occurrence] = ()
        self.boxes: list[tuple[QRectF, Occurrence]] = []
        self.more: list[tuple[QRectF, date, int]] = []
        self._press: tuple[QPointF, Occurrence] | None = None
        self._target: date | None = None

    def show_month(
        self, days: list[date], month: int, occurrences: Sequence[Occurrence], today: date
    ) -> None:
        self.days, self.month, self._occurrences, self.today = days, month, occurrences, today
        self._layout()
        self.update()

    def _cell(self, index: int) -> QRectF:
        w = self.width() / 7
        h = (self.height() - NAMES) / 6
        return QRectF((index % 7) * w, NAMES + (index // 7) * h, w, h)

    def day_at(self, pos: QPointF) -> date | None:
        for i, day in enumerate(self.days):
            if self._cell(i).contains(pos):
                return day
        return None

    def _layout(self) -> None:
        self.boxes, self.more = [], []
        if not self.days:
            return
        room = max(1, int((self._cell(0).height() - DAY_LABEL - 4) // LINE))
        for week in range(6):
            days = self.days[week * 7 : week * 7 + 7]
            first, last = days[0], days[-1]
            mine = [o for o in self._occurrences if first_day(o) <= last and last_day(o) >= first]
            bars = place_month_row(mine, days)
            deepest = [0] * 7  # per day, its deepest lane
            for bar in bars:
                for d in range(bar.first, bar.last + 1):
                    deepest[d] = max(deepest[d], bar.lane)
            hidden: dict[int, int] = {}
            for bar in bars:
                crowded = any(deepest[d] >= room for d in range(bar.first, bar.last + 1))
                if bar.lane >= room or (bar.lane == room - 1 and crowded):
                    for d in range(bar.first, bar.last + 1):
                        hidden[d] = hidden.get(d, 0) + 1
                    continue
                self.boxes.append((self._bar_rect(week, bar), bar.occurrence))
            for d, count in hidden.items():
                cell = self._cell(week * 7 + d)
                rect = QRectF(cell.left() + 6, cell.bottom() - LINE, cell.width() - 8, LINE - 2)
                self.more.append((rect, days[d], count))

    def _bar_rect(self, week: int, bar: Bar) -> QRectF:
        first = self._cell(week * 7 + bar.first)
        last = self._cell(week * 7 + bar.last)
        top = first.top() + DAY_LABEL + bar.lane * LINE
        return QRectF(first.left() + 3, top, last.right() - first.left() - 6, LINE - 2)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._layout()
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        base = pal.color(QPalette.ColorRole.Base)
        other = pal.color(QPalette.ColorRole.AlternateBase)
        line = pal.color(QPalette.ColorRole.Mid)
        text = pal.color(QPalette.ColorRole.Text)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        accent = pal.color(QPalette.ColorRole.Highlight)
        p.fillRect(self.rect(), base)
        for i, day in enumerate(self.days[:7]):
            rect = self._cell(i)
            p.setPen(muted)
            p.drawText(
                QRectF(rect.left() + 8, 0, rect.width(), NAMES),
                int(Qt.AlignmentFlag.AlignVCenter),
                day.strftime("%a").upper(),
            )
        bold = QFont(self.font())
        bold.setWeight(QFont.Weight.DemiBold)
        for i, day in enumerate(self.days):
            cell = self._cell(i)
            if day.month != self.month:
                p.fillRect(cell, other)
            if day == self._target:
                p.fillRect(cell, pal.color(QPalette.ColorRole.Midlight))
            p.setPen(QPen(line, 1))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(cell.adjusted(0.5, 0.5, 0, 0))
            label = QRectF(cell.left() + 4, cell.top() + 3, 24, 18)
            p.setFont(bold if day == self.today else self.font())
            if day == self.today:
                p.setRenderHint(QPainter.RenderHint.Antialiasing)
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(accent)
                p.drawRoundedRect(label, 9, 9)
                p.setPen(pal.color(QPalette.ColorRole.HighlightedText))
            else:
                p.setPen(text if day.month == self.month else muted)
            name = day.strftime("%-d %b") if day.day == 1 and day != self.today else str(day.day)
            if day.day == 1 and day != self.today:
                label.setWidth(60)
            p.drawText(label, int(Qt.AlignmentFlag.AlignCenter), name)
        p.setFont(self.font())
        for rect, o in self.boxes:
            chosen = self.selected == (o.event_id, o.recurrence)
            if o.all_day or rect.width() > self._cell(0).width():
                draw_event(p, rect, o, pal, selected=chosen, detail=False)
            else:
                self._line(p, rect, o, pal, chosen)
        p.setPen(muted)
        for rect, _day, count in self.more:
            p.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter), f"+{count} more")
        p.end()

    def _line(self, p: QPainter, rect: QRectF, o: Occurrence, pal: QPalette, chosen: bool) -> None:
        """A timed event on one day: a dot in its colour, its time and title."""
        if chosen:
            draw_event(p, rect, o, pal, selected=True, detail=False)
            return
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(occurrence_color(o))
        p.drawEllipse(QPointF(rect.left() + 6, rect.center().y()), 3.5, 3.5)
        p.setPen(pal.color(QPalette.ColorRole.Text))
        text = f"{time_text(o.starts_at)}  {o.summary or '(no title)'}"
        area = rect.adjusted(14, 0, -2, 0)
        elided = p.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(area.width()))
        p.drawText(area, int(Qt.AlignmentFlag.AlignVCenter), elided)
        p.restore()

    def occurrence_at(self, pos: QPointF) -> Occurrence | None:
        for rect, o in self.boxes:
            if rect.contains(pos):
                return o
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        o = self.occurrence_at(event.position())
        self._press = (event.position(), o) if o is not None else None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None:
            moved = event.position() - self._press[0]
            if abs(moved.x()) + abs(moved.y()) >= 5:
                self._target = self.day_at(event.position())
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
                self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, target = self._press, self._target
        self._press = self._target = None
        self.setCursor(Qt.CursorShape.ArrowCursor)
        self.update()
        if press is None:
            for rect, day, _count in self.more:
                if rect.contains(event.position()):
                    self.day_opened.emit(day)
            return
        o = press[1]
        days = (target - first_day(o)).days if target is not None else 0
        if not days:
            self.chosen.emit(o)
        elif o.all_day:
            self.moved.emit(o, o.starts_at + days * 86400)
        else:
            start = local(o.starts_at)
            self.moved.emit(o, at_minute(target or start.date(), start.hour * 60 + start.minute))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.occurrence_at(event.position()) is not None:
            return
        day = self.day_at(event.position())
        if day is not None:
            self.create_requested.emit(at_minute(day, 9 * 60), at_minute(day, 10 * 60), False)
