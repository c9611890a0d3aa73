"""The hours of one day or a week, with their timed events: click, drag to move, double-click.

Events are laid out when they or the size change (layout.place_day), not on
every paint; painting draws only what the exposed rectangle holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import QWidget

from unibox.store.calendar_range import Occurrence
from unibox.ui.calendar.layout import at_minute, day_start, first_day, place_day
from unibox.ui.calendar.painting import draw_event

HOUR = 48  # pixels per hour
GUTTER = 56  # the hour labels' width
SNAP = 15  # minutes a drag or a double-click snaps to
WORK_HOURS = (8, 18)
_DRAG_PIXELS = 5


class TimeGrid(QWidget):
    """Day columns of 24 hours. Today's column is tinted and shows the time now.

    Signals:
        chosen(object): an Occurrence was clicked.
        moved(object, int): an Occurrence was dragged to start at this UTC second.
        resized(object, int): its bottom edge was dragged: it ends at this UTC second.
        create_requested(int, int): an empty slot was double-clicked (start, end).
    """

    chosen = Signal(object)
    moved = Signal(object, int)
    resized = Signal(object, int)
    create_requested = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TimeGrid")
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.days: list[date] = []
        self.today = date.today()
        self.selected: tuple[int, str] | None = None
        self._occurrences: Sequence[Occurrence] = ()
        self.boxes: list[tuple[QRectF, Occurrence]] = []
        self._press: tuple[QPointF, Occurrence, QRectF] | None = None
        self._drag: tuple[Occurrence, QRectF, int] | None = None  # what, where drawn, new time
        self._resizing = False  # the press was on an event's bottom edge
        self._clock = QTimer(self)
        self._clock.timeout.connect(self.update)
        self._clock.start(60_000)

    def sizeHint(self) -> QSize:
        return QSize(800, 24 * HOUR)

    def minimumSizeHint(self) -> QSize:
        return QSize(GUTTER + 80, 24 * HOUR)

    def show_days(self, days: list[date], occurrences: Sequence[Occurrence], today: date) -> None:
        self.days, self._occurrences, self.today = days, occurrences, today
        self._layout()
        self.update()

    def column_width(self) -> float:
        return (self.width() - GUTTER) / max(1, len(self.days))

    def slot_at(self, pos: QPointF) -> tuple[date, int] | None:
        """The day and the minute (snapped) under a point."""
        if pos.x() < GUTTER or not self.days:
            return None
        index = min(int((pos.x() - GUTTER) // self.column_width()), len(self.days) - 1)
        minutes = max(0, min(24 * 60 - SNAP, int(pos.y() * 60 / HOUR) // SNAP * SNAP))
        return self.days[index], minutes

    def point_of(self, day: date, minutes: int) -> QPointF:
        """Where a day's minute is drawn (for tests and the drag ghost)."""
        index = self.days.index(day)
        return QPointF(GUTTER + (index + 0.5) * self.column_width(), minutes * HOUR / 60 + 1)

    def _layout(self) -> None:
        self.boxes = []
        width = self.column_width()
        for index, day in enumerate(self.days):
            left = GUTTER + index * width
            for placed in place_day(self._occurrences, day):
                lane = (width - 6) / placed.columns
                rect = QRectF(
                    left + 1 + placed.column * lane,
                    placed.top * HOUR / 60 + 1,
                    lane - 1,
                    (placed.bottom - placed.top) * HOUR / 60 - 2,
                )
                self.boxes.append((rect, placed.occurrence))

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._layout()
        super().resizeEvent(event)

    # -- painting ------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        exposed = QRectF(event.rect())
        base = pal.color(QPalette.ColorRole.Base)
        off_hours = pal.color(QPalette.ColorRole.AlternateBase)
        p.fillRect(exposed, base)
        width = self.column_width()
        lo, hi = WORK_HOURS
        p.fillRect(QRectF(GUTTER, 0, self.width(), lo * HOUR), off_hours)
        p.fillRect(QRectF(GUTTER, hi * HOUR, self.width(), (24 - hi) * HOUR), off_hours)
        p.fillRect(QRectF(0, 0, GUTTER, self.height()), pal.color(QPalette.ColorRole.Window))
        if self.today in self.days and len(self.days) > 1:  # the day view is all today
            tint = QColor(pal.color(QPalette.ColorRole.Midlight))
            tint.setAlpha(120)
            x = GUTTER + self.days.index(self.today) * width
            p.fillRect(QRectF(x, 0, width, self.height()), tint)
        line = pal.color(QPalette.ColorRole.Mid)
        half = QColor(line)
        half.setAlpha(110)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        for hour in range(24):
            y = hour * HOUR
            if y > exposed.bottom() + HOUR or y + HOUR < exposed.top() - HOUR:
                continue
            p.setPen(QPen(line, 1))
            p.drawLine(QPointF(GUTTER, y + 0.5), QPointF(self.width(), y + 0.5))
            p.setPen(QPen(half, 1, Qt.PenStyle.DotLine))
            p.drawLine(
                QPointF(GUTTER, y + HOUR / 2 + 0.5), QPointF(self.width(), y + HOUR / 2 + 0.5)
            )
            if hour:
                p.setPen(muted)
                p.drawText(
                    QRectF(0, y - 8, GUTTER - 8, 16),
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                    f"{hour:02d}:00",
                )
        p.setPen(QPen(line, 1))
        for index in range(len(self.days) + 1):
            x = round(GUTTER + index * width) + 0.5
            p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        dragged = self._drag[0] if self._drag else None
        for rect, o in self.boxes:
            if rect.intersects(exposed):
                chosen = self.selected == (o.event_id, o.recurrence)
                draw_event(p, rect, o, pal, selected=chosen, ghost=o is dragged)
        if self._drag is not None:
            o, rect, _start = self._drag
            draw_event(p, rect, o, pal, selected=True)
        self._now_line(p, width)
        p.end()

    def _now_line(self, p: QPainter, width: float) -> None:
        if self.today not in self.days:
            return
        now = datetime.now().astimezone()
        minutes = (now.timestamp() - day_start(self.today)) / 60
        y = minutes * HOUR / 60
        x = GUTTER + self.days.index(self.today) * width
        red = QColor("#e0443e")
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(red, 2))
        p.drawLine(QPointF(x, y), QPointF(x + width, y))
        p.setBrush(red)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(QPointF(x, y), 4, 4)

    # -- mouse ---------------------------------------------------------------------

    def occurrence_at(self, pos: QPointF) -> tuple[QRectF, Occurrence] | None:
        for rect, o in reversed(self.boxes):
            if rect.contains(pos):
                return rect, o
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        hit = self.occurrence_at(event.position())
        self._press = (event.position(), hit[1], hit[0]) if hit else None
        self._resizing = hit is not None and _on_edge(hit[0], event.position())
        if hit:
            self.selected = (hit[1].event_id, hit[1].recurrence)
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            hit = self.occurrence_at(event.position())
            cursor = Qt.CursorShape.PointingHandCursor if hit else Qt.CursorShape.ArrowCursor
            if hit and _on_edge(hit[0], event.position()):
                cursor = Qt.CursorShape.SizeVerCursor
            self.setCursor(cursor)
            return
        origin, o, rect = self._press
        delta = event.position() - origin
        if self._drag is None and abs(delta.x()) + abs(delta.y()) < _DRAG_PIXELS:
            return
        if self._resizing:
            self._resize_to(o, rect, event.position().y())
            return
        slot = self.slot_at(QPointF(event.position().x(), rect.top() + delta.y()))
        if slot is None:
            return
        day, minutes = slot
        start = at_minute(day, minutes)
        index = self.days.index(day)
        width = self.column_width()
        ghost = QRectF(
            GUTTER + index * width + 1, minutes * HOUR / 60 + 1, width - 6, rect.height()
        )
        self._drag = (o, ghost, start)
        self.setCursor(Qt.CursorShape.ClosedHandCursor)
        self.update()

    def _resize_to(self, o: Occurrence, rect: QRectF, y: float) -> None:
        day = first_day(o)
        begin = (o.starts_at - day_start(day)) // 60
        minutes = round(y * 60 / HOUR / SNAP) * SNAP
        minutes = max(begin + SNAP, min(24 * 60, minutes))
        ghost = QRectF(rect.left(), rect.top(), rect.width(), minutes * HOUR / 60 - rect.top())
        self._drag = (o, ghost, at_minute(day, minutes))
        self.setCursor(Qt.CursorShape.SizeVerCursor)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, drag, resizing = self._press, self._drag, self._resizing
        self._press = self._drag = None
        self._resizing = False
        self.setCursor(Qt.CursorShape.ArrowCursor)
        if drag is not None and resizing:
            o, _rect, end = drag
            self.update()
            if end != o.ends_at:
                self.resized.emit(o, end)
        elif drag is not None:
            o, _rect, start = drag
            self.update()
            if start != o.starts_at:
                self.moved.emit(o, start)
        elif press is not None:
            self.chosen.emit(press[1])

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.occurrence_at(event.position()) is not None:
            return
        slot = self.slot_at(event.position())
        if slot is None:
            return
        day, minutes = slot
        start = at_minute(day, minutes // 30 * 30)
        self.create_requested.emit(start, start + 3600)


def _on_edge(rect: QRectF, pos: QPointF) -> bool:
    """On the bottom edge of an event tall enough to have one: dragging it changes the end."""
    return rect.height() >= 18 and rect.bottom() - pos.y() <= 5
