"""The Calendar page: a month to pick days, the day, week, month or agenda, and the event panel.

Keys (while the page is shown): t today, n / p or → / ← next and previous,
d w m a the four views, Esc closes the event panel.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QLabel,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from unibox.store.calendar_range import Occurrence
from unibox.ui.bridge import Bridge
from unibox.ui.calendar.agenda import AgendaView
from unibox.ui.calendar.colors import occurrence_color
from unibox.ui.calendar.day_week import DayWeekView
from unibox.ui.calendar.event_panel import EventPanel
from unibox.ui.calendar.layout import at_minute, month_days, week_days
from unibox.ui.calendar.loader import CalendarLoader
from unibox.ui.calendar.month_grid import MonthGrid
from unibox.ui.calendar.toolbar import CalendarToolbar
from unibox.ui.side_pane import SidePane

DAY, WEEK, MONTH, AGENDA = "day", "week", "month", "agenda"
MODES = ((DAY, "Day", "D"), (WEEK, "Week", "W"), (MONTH, "Month", "M"), (AGENDA, "Agenda", "A"))
AGENDA_DAYS = 30
TIPS = (
    "t today · n / p next, previous\n"
    "d w m a: day, week, month, agenda\n"
    "Drag an event to move it;\ndouble-click a free time to add one.\n"
    "Ctrl+1 Mail · Ctrl+2 People · Ctrl+3 Calendar"
)


class CalendarPage(QWidget):
    """Shows `mode` around `anchor` (a local date); reads its occurrences off the GUI thread.

    Signals:
        person_chosen(int), message_chosen(int), answered(str, str), delete_requested(object):
            from the event panel.
        move_requested(object, int): an Occurrence dragged to a new start (UTC seconds).
        resize_requested(object, int): its bottom edge dragged to a new end.
        create_requested(int, int, bool): a free slot double-clicked (start, end, all day).
        shown(): the view shows what was last asked for (for tests and benchmarks).
    """

    person_chosen = Signal(int)
    message_chosen = Signal(int)
    answered = Signal(str, str)
    delete_requested = Signal(object)
    move_requested = Signal(object, int)
    resize_requested = Signal(object, int)
    create_requested = Signal(int, int, bool)
    shown = Signal()

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CalendarPage")
        self.mode = WEEK
        self.anchor = date.today()
        self.today = date.today()
        self.days: list[date] = []
        self.occurrences: Sequence[Occurrence] = ()
        self.loader = CalendarLoader(bridge, self)
        self.mini = QCalendarWidget()
        self.mini.setObjectName("MiniMonth")
        self.mini.setGridVisible(False)
        self.mini.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.mini.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.mini.setHorizontalHeaderFormat(
            QCalendarWidget.HorizontalHeaderFormat.SingleLetterDayNames
        )
        self.mini.setFixedHeight(210)
        weekend = QTextCharFormat()  # the theme's text colour, not Qt's red
        weekend.setForeground(self.palette().color(QPalette.ColorRole.Text))
        for day in (Qt.DayOfWeek.Saturday, Qt.DayOfWeek.Sunday):
            self.mini.setWeekdayTextFormat(day, weekend)
        tips = QLabel(TIPS)
        tips.setObjectName("Muted")
        tips.setWordWrap(True)
        side_body = QWidget()
        side_col = QVBoxLayout(side_body)
        side_col.setContentsMargins(10, 4, 10, 0)
        side_col.addWidget(self.mini)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setContentsMargins(8, 10, 8, 6)
        side_col.addWidget(self.legend)
        tips.setContentsMargins(8, 10, 8, 0)
        side_col.addWidget(tips)
        side = SidePane(side_body, stretch=False, parent=self)
        self.switcher = side.switcher
        self.week_view = DayWeekView()
        self.month_view = MonthGrid()
        self.agenda = AgendaView()
        self.stack = QStackedWidget()
        for view in (self.week_view, self.month_view, self.agenda):
            self.stack.addWidget(view)
        self.panel = EventPanel()
        self.panel.setMinimumWidth(260)
        self.panel.hide()
        content = QWidget()
        content.setObjectName("CalendarContent")
        col = QVBoxLayout(content)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        self.toolbar = CalendarToolbar(MODES)
        self.title = self.toolbar.title
        self.mode_buttons = self.toolbar.mode_buttons
        col.addWidget(self.toolbar)
        col.addWidget(self.stack, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setHandleWidth(1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(side)
        self.splitter.addWidget(content)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([250, 1000, 320])
        side.setMinimumWidth(250)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.splitter)
        self._connect()
        self._keys()

    def _connect(self) -> None:
        bar = self.toolbar
        bar.today_button.clicked.connect(self.go_today)
        bar.prev_button.clicked.connect(lambda: self.step(-1))
        bar.next_button.clicked.connect(lambda: self.step(1))
        bar.mode_chosen.connect(self.set_mode)
        self.mini.clicked.connect(lambda d: self.go_to(d.toPython()))
        self.loader.loaded.connect(self._loaded)
        self.loader.details_loaded.connect(self.panel.show_details)
        for view in (self.week_view, self.month_view, self.agenda):
            view.chosen.connect(self.open_occurrence)
        for view in (self.week_view, self.month_view):
            view.moved.connect(self.move_requested)
            view.create_requested.connect(self.create_requested)
        self.week_view.resized.connect(self.resize_requested)
        self.month_view.day_opened.connect(self._open_day)
        self.panel.closed.connect(self.close_panel)
        self.panel.person_chosen.connect(self.person_chosen)
        self.panel.message_chosen.connect(self.message_chosen)
        self.panel.answered.connect(self.answered)
        self.panel.delete_requested.connect(self.delete_requested)
        bar.new_button.clicked.connect(self._new_now)

    def _keys(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            (("T",), self.go_today),
            (("N", "Right"), lambda: self.step(1)),
            (("P", "Left"), lambda: self.step(-1)),
            (("D",), lambda: self.set_mode(DAY)),
            (("W",), lambda: self.set_mode(WEEK)),
            (("M",), lambda: self.set_mode(MONTH)),
            (("A",), lambda: self.set_mode(AGENDA)),
            (("Escape",), self.close_panel),
        ):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(context)
                shortcut.activated.connect(slot)

    # -- what is shown -------------------------------------------------------------

    def start(self) -> None:
        self.today = date.today()
        self.set_mode(self.mode)

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.mode_buttons[mode].setChecked(True)
        self.refresh()

    def _open_day(self, day: date) -> None:
        self.anchor = day
        self.set_mode(DAY)

    def go_today(self) -> None:
        self.go_to(date.today())

    def go_to(self, day: date) -> None:
        self.anchor = day
        self.refresh()

    def step(self, direction: int) -> None:
        if self.mode == MONTH:
            month = self.anchor.month - 1 + direction
            self.anchor = self.anchor.replace(
                year=self.anchor.year + month // 12, month=month % 12 + 1, day=1
            )
        else:
            days = {DAY: 1, WEEK: 7, AGENDA: AGENDA_DAYS}[self.mode]
            self.anchor += timedelta(days=direction * days)
        self.refresh()

    def visible_days(self) -> list[date]:
        if self.mode == DAY:
            return [self.anchor]
        if self.mode == WEEK:
            return week_days(self.anchor)
        if self.mode == MONTH:
            return month_days(self.anchor)
        return [self.anchor + timedelta(days=n) for n in range(AGENDA_DAYS)]

    def refresh(self) -> None:
        """Read the days shown again (after a change in the store, or a step)."""
        self.today = date.today()
        self.days = self.visible_days()
        self.title.setText(self._title())
        self.mini.setSelectedDate(QDate(self.anchor.year, self.anchor.month, self.anchor.day))
        self.loader.load(self.days)

    def _title(self) -> str:
        first, last = self.days[0], self.days[-1]
        if self.mode == DAY:
            return self.anchor.strftime("%A, %-d %B %Y")
        if self.mode == MONTH:
            return self.anchor.strftime("%B %Y")
        if first.month == last.month:
            return f"{first.day} – {last.day} {last:%B %Y}"
        if first.year == last.year:
            return f"{first:%-d %b} – {last:%-d %b %Y}"
        return f"{first:%-d %b %Y} – {last:%-d %b %Y}"

    def _loaded(self, days: list[date], occurrences: Sequence[Occurrence]) -> None:
        if days != self.days:
            return  # an answer for days no longer shown
        self.occurrences = occurrences
        if self.mode in (DAY, WEEK):
            self.stack.setCurrentWidget(self.week_view)
            self.week_view.show_days(days, occurrences, self.today)
        elif self.mode == MONTH:
            self.stack.setCurrentWidget(self.month_view)
            self.month_view.show_month(days, self.anchor.month, occurrences, self.today)
        else:
            self.stack.setCurrentWidget(self.agenda)
            self.agenda.show_days(days, occurrences, self.today)
        self._legend(occurrences)
        self.shown.emit()

    def _legend(self, occurrences: Sequence[Occurrence]) -> None:
        seen: dict[str, str] = {}
        for o in occurrences:
            seen.setdefault(o.calendar, occurrence_color(o).name())
        rows = [f"<span style='color:{c}'>●</span>&nbsp; {n}" for n, c in sorted(seen.items())]
        self.legend.setText("<br>".join(rows))

    # -- events --------------------------------------------------------------------

    def open_occurrence(self, o: Occurrence) -> None:
        self.panel.show_occurrence(o)
        self.panel.show()
        key = (o.event_id, o.recurrence)
        self.week_view.select(key)
        self.month_view.selected = key
        self.month_view.update()
        self.loader.load_details(o.event_id)

    def reload_details(self) -> None:
        """The event panel's people and answers read again (after an answer was stored)."""
        if self.panel.isVisible() and self.panel.occurrence is not None:
            self.loader.load_details(self.panel.occurrence.event_id)

    def close_panel(self) -> None:
        self.panel.hide()
        self.week_view.select(None)
        self.month_view.selected = None
        self.month_view.update()

    def _new_now(self) -> None:
        hour = min(datetime.now().hour + 1, 23)
        start = at_minute(self.anchor, hour * 60)
        self.create_requested.emit(start, start + 3600, False)

    def focus(self) -> None:
        shown = self.stack.currentWidget()
        target = self.week_view.grid if shown is self.week_view else shown
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
