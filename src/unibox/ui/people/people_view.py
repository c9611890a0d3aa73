"""The People view: search everyone as you type, sort, going cold, suggested merges."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from unibox.ui.bridge import Bridge
from unibox.ui.people.card_proposals import chip_text
from unibox.ui.people.list_model import SORTS, Column, PeopleListModel
from unibox.ui.people.people_list import PeopleList, SearchField
from unibox.ui.people.record_loader import RecordLoader
from unibox.ui.people.suggestion_pane import MergeUndoBar, SuggestionPane

SEARCH_DEBOUNCE_MS = 120
WIDTHS = {Column.NAME: 300, Column.COMPANY: 180, Column.LAST_TOUCH: 120, Column.OPEN: 60,
          Column.CHANNELS: 110}  # fmt: skip


class PeopleView(QWidget):
    """Everyone, going cold, or the suggested merges; knows the store only through the bridge.

    Signals:
        person_opened(int): open this person's record.
        status(str): a sentence for the status bar.
    """

    person_opened = Signal(int)
    status = Signal(str)

    def __init__(self, bridge: Bridge, writer: RecordLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ListPane")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.writer = writer
        self.model = PeopleListModel(bridge, self)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        top = QVBoxLayout()
        top.setContentsMargins(16, 14, 16, 10)
        top.setSpacing(10)
        self.search = SearchField(self)
        self.search.setObjectName("SearchField")
        self.search.setPlaceholderText("Search people: name, address, company, tag   ( / )")
        self.search.setClearButtonEnabled(True)
        top.addWidget(self.search)
        heading = self.heading = QHBoxLayout()  # others add their buttons at its end
        self.title = QLabel("People", self)
        self.title.setObjectName("ListTitle")
        self.subtitle = QLabel("", self)
        self.subtitle.setObjectName("ListSubtitle")
        heading.addWidget(self.title)
        heading.addSpacing(14)
        heading.addLayout(self._filters())
        heading.addStretch(1)
        heading.addWidget(self.subtitle, 0, Qt.AlignmentFlag.AlignBottom)
        top.addLayout(heading)
        col.addLayout(top)
        self.notice = MergeUndoBar(writer, self)
        col.addWidget(self.notice)
        self.stack = QStackedWidget(self)
        self.list = PeopleList(self.stack)
        self.list.setModel(self.model)
        for column, width in WIDTHS.items():
            self.list.setColumnWidth(column, width)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.COMPANY, QHeaderView.ResizeMode.Stretch)
        self.list.setColumnWidth(Column.MESSAGES, 96)
        self.list.setColumnWidth(Column.NEXT_MEETING, 150)
        self.list.header().setSortIndicator(Column.LAST_TOUCH, Qt.SortOrder.DescendingOrder)
        self.empty = QLabel("", self.stack)
        self.stack.addWidget(self.list)
        self.suggestion_pane = SuggestionPane(bridge, writer, self.stack)
        self.suggestion_pane.status.connect(self.status)
        self.suggestion_pane.loaded.connect(self._suggestions_loaded)
        self.suggestion_pane.proposals.counted.connect(lambda _n: self._count_chip())
        self.stack.addWidget(self.suggestion_pane)
        col.addWidget(self.stack, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._timer.timeout.connect(self._search)
        self.search.textChanged.connect(self._timer.start)
        self.search.down_pressed.connect(self.focus_list)
        self.search.returnPressed.connect(self._open_first)
        self.list.person_opened.connect(self.person_opened)
        self.list.header().sortIndicatorChanged.connect(self._sort)
        self.model.loaded.connect(self._loaded)
        QShortcut(QKeySequence("/"), self, self.focus_search,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip

    # -- building -------------------------------------------------------------------

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(6)
        self.filters = QButtonGroup(self)
        self.everyone = self._chip("Everyone")
        self.cold = self._chip("Going cold")
        self.cold.setToolTip("Important people you have not been in touch with for this many days")
        self.cold_days = QSpinBox(self)
        self.cold_days.setObjectName("ColdDays")
        self.cold_days.setRange(1, 3650)
        self.cold_days.setValue(30)
        self.cold_days.setSuffix(" days")
        self.cold_days.setFixedWidth(92)
        self.merges = self._chip("Suggested merges")
        for w in (self.everyone, self.cold, self.cold_days, self.merges):
            row.addWidget(w)
        self.everyone.setChecked(True)
        self.everyone.clicked.connect(self.show_everyone)
        self.cold.clicked.connect(self.show_cold)
        self.cold_days.valueChanged.connect(self._cold_days_changed)
        self.merges.clicked.connect(self.show_suggestions)
        return row

    def _cold_days_changed(self, _days: int) -> None:
        if self.cold.isChecked():
            self.show_cold()

    def _chip(self, text: str) -> QToolButton:
        chip = QToolButton(self)
        chip.setObjectName("FilterChip")
        chip.setText(text)
        chip.setCheckable(True)
        chip.setCursor(Qt.CursorShape.PointingHandCursor)
        self.filters.addButton(chip)
        return chip

    # -- what is shown ---------------------------------------------------------------

    def start(self) -> None:
        """First showing: everyone, and how many merges are suggested."""
        self.model.start()
        self.load_suggestions()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def focus_list(self) -> None:
        self.list.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.list.currentIndex().isValid() and self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0, 0))

    def _open_first(self) -> None:
        if self.model.rowCount():
            self.focus_list()
            self.list.setCurrentIndex(self.model.index(0, 0))
            pid = self.model.person_id(0)
            if pid is not None:
                self.person_opened.emit(pid)

    def show_everyone(self) -> None:
        self.everyone.setChecked(True)
        self.stack.setCurrentWidget(self.list)
        self.model.cold_days = None
        self.model.reload()

    def show_cold(self) -> None:
        self.cold.setChecked(True)
        self.stack.setCurrentWidget(self.list)
        self.model.set_cold(self.cold_days.value())

    def show_suggestions(self) -> None:
        self.merges.setChecked(True)
        self.stack.setCurrentWidget(self.suggestion_pane)
        self.subtitle.setText("")
        self.load_suggestions()

    def _search(self) -> None:
        if not self.everyone.isChecked():
            self.everyone.setChecked(True)
            self.stack.setCurrentWidget(self.list)
        self.model.set_query(self.search.text())

    def _sort(self, column: int, order: Qt.SortOrder) -> None:
        chosen = SORTS.get(Column(column))
        if chosen is None:  # company and channels are not sortable: keep the indicator honest
            current = next(c for c, (sort, _o) in SORTS.items() if sort == self.model.sort_by)
            self.list.header().blockSignals(True)
            self.list.header().setSortIndicator(current, SORTS[current][1])
            self.list.header().blockSignals(False)
            return
        self.model.sort(column, order)

    def _loaded(self, count: int) -> None:
        if self.model.cold_days is not None:
            self.subtitle.setText(
                f"{count:,} going cold" if count else "Nobody important is going cold."
            )
        elif self.model.query:
            self.subtitle.setText(f"{count:,} found" if count else "Nobody matches this search.")
        else:
            self.subtitle.setText(f"{count:,} people")
        if count and not self.list.currentIndex().isValid():
            self.list.setCurrentIndex(self.model.index(0, 0))

    # -- suggested merges ---------------------------------------------------------------

    def load_suggestions(self) -> None:
        self.suggestion_pane.load()

    def _suggestions_loaded(self, n: int) -> None:
        if self.merges.isChecked():
            self.subtitle.setText(f"{n:,} suggestion{'s' if n != 1 else ''}" if n else "")
        self._count_chip()

    def _count_chip(self) -> None:
        pane = self.suggestion_pane
        text, tip = chip_text(len(pane.suggestions), len(pane.proposals.proposals))
        self.merges.setText(text)
        self.merges.setToolTip(tip)

    def refresh(self) -> None:
        """The store changed: the list and the suggestions again."""
        self.model.reload()
        self.load_suggestions()
