"""The People view: search everyone as you type, sort, going cold, suggested merges."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from unibox.store.merge_suggestions import Suggestion, suggestions
from unibox.ui.bridge import Bridge
from unibox.ui.people.card_proposals import CardProposals, chip_text
from unibox.ui.people.delegates import PersonDelegate
from unibox.ui.people.list_model import SORTS, Column, PeopleListModel
from unibox.ui.people.record_loader import RecordLoader

SEARCH_DEBOUNCE_MS = 120
SUGGESTIONS_SHOWN = 25  # cards built at a time; "Show more" builds the next
WIDTHS = {Column.NAME: 300, Column.COMPANY: 180, Column.LAST_TOUCH: 120, Column.OPEN: 60,
          Column.CHANNELS: 110}  # fmt: skip


class PeopleList(QTreeView):
    """The list of people; Enter opens the current person.

    Signals:
        person_opened(int): a person id.
    """

    person_opened = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PeopleList")
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        self.setMouseTracking(True)
        self.setSortingEnabled(True)
        self.setItemDelegate(PersonDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.header().setStretchLastSection(True)
        self.header().setSortIndicatorShown(True)
        self.header().setSectionsClickable(True)
        self.activated.connect(self._open)

    def _open(self, index: QModelIndex) -> None:
        pid = self.model().data(index, Qt.ItemDataRole.UserRole + 2)
        if pid is not None:
            self.person_opened.emit(int(pid))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            return
        super().keyPressEvent(event)


class SearchField(QLineEdit):
    """Down steps into the list; Esc clears the search."""

    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


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
        self._bridge = bridge
        self.writer = writer
        self.model = PeopleListModel(bridge, self)
        self.suggestions: list[Suggestion] = []
        self._last_merge: int | None = None
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
        self.notice = self._notice()
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
        self.list.header().setSortIndicator(Column.LAST_TOUCH, Qt.SortOrder.DescendingOrder)
        self.empty = QLabel("", self.stack)
        self.stack.addWidget(self.list)
        self.stack.addWidget(self._suggestion_pane())
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
        self.writer.merged.connect(self._merged)
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

    def _notice(self) -> QFrame:
        bar = QFrame(self)
        bar.setObjectName("NoticeBar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(16, 6, 16, 6)
        self.notice_text = QLabel("", bar)
        self.undo_button = QToolButton(bar)
        self.undo_button.setObjectName("NoticeAction")
        self.undo_button.setText("Undo")
        self.undo_button.clicked.connect(self._undo)
        row.addWidget(self.notice_text, 1)
        row.addWidget(self.undo_button)
        bar.hide()
        return bar

    def _suggestion_pane(self) -> QScrollArea:
        scroll = QScrollArea(self.stack)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(scroll)
        body.setObjectName("SuggestionBody")
        scroll.setWidget(body)
        self._suggestion_col = QVBoxLayout(body)
        self._suggestion_col.setContentsMargins(16, 8, 16, 16)
        self._suggestion_col.setSpacing(10)
        # Handles proposed for cards, below the merge cards (inserted above it).
        self.proposals = CardProposals(self._bridge, body)
        self.proposals.status.connect(self.status)
        self.proposals.counted.connect(lambda _n: self._count_chip())
        self._suggestion_col.addWidget(self.proposals)
        self._suggestion_col.addStretch(1)
        self.suggestion_cards: list[QWidget] = []
        self.more_button: QPushButton | None = None
        return scroll

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
        self.stack.setCurrentIndex(1)
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
        self._bridge.read(lambda s: suggestions(s), self._show_suggestions, lane="side")
        self.proposals.load()

    def _show_suggestions(self, found: list[Suggestion]) -> None:
        self.suggestions = found
        n = len(found)
        if self.merges.isChecked():
            self.subtitle.setText(f"{n:,} suggestion{'s' if n != 1 else ''}" if n else "")
        self._count_chip()
        for card in self.suggestion_cards:
            card.deleteLater()
        self.suggestion_cards = []
        self.more_button = None
        if not found:
            empty = self._suggestion_empty()
            self._suggestion_col.insertWidget(0, empty)
            self.suggestion_cards.append(empty)
        self._more_suggestions()

    def _count_chip(self) -> None:
        text, tip = chip_text(len(self.suggestions), len(self.proposals.proposals))
        self.merges.setText(text)
        self.merges.setToolTip(tip)

    def _more_suggestions(self) -> None:
        """Cards for the next few suggestions: thousands of widgets would stall the window."""
        shown = [c for c in self.suggestion_cards if c.objectName() == "RecordBox"]
        if self.more_button is not None:
            self.more_button.deleteLater()
            self.suggestion_cards.remove(self.more_button)
            self.more_button = None
        batch = self.suggestions[len(shown) : len(shown) + SUGGESTIONS_SHOWN]
        at = len(self.suggestion_cards)
        for n, s in enumerate(batch):
            card = self._suggestion_card(s)
            self._suggestion_col.insertWidget(at + n, card)
            self.suggestion_cards.append(card)
        left = len(self.suggestions) - len(shown) - len(batch)
        if left > 0:
            more = QPushButton(f"Show more ({left:,} left)")
            more.setObjectName("LinkButton")
            more.clicked.connect(self._more_suggestions)
            self._suggestion_col.insertWidget(len(self.suggestion_cards), more)
            self.suggestion_cards.append(more)
            self.more_button = more

    def _suggestion_empty(self) -> QFrame:
        frame = QFrame()
        row = QVBoxLayout(frame)
        label = QLabel("No merges to suggest: everyone looks like one person each.", frame)
        label.setObjectName("Muted")
        row.addWidget(label)
        return frame

    def _suggestion_card(self, s: Suggestion) -> QFrame:
        card = QFrame()
        card.setObjectName("RecordBox")
        col = QVBoxLayout(card)
        col.setContentsMargins(16, 12, 16, 12)
        names = QLabel(f"{s.person_name}  ·  {s.other_name}", card)
        names.setObjectName("PersonName")
        reason = QLabel(s.detail, card)
        reason.setWordWrap(True)
        reason.setObjectName("Muted")
        buttons = QHBoxLayout()
        merge = QPushButton("Merge", card)
        merge.setObjectName("PrimaryButton")
        apart = QPushButton("Not the same person", card)
        text = f"Merged {s.other_name} and {s.person_name}."
        merge.clicked.connect(lambda _c=False: self.writer.accept_suggestion(s.id, text))
        apart.clicked.connect(lambda _c=False: self.writer.dismiss_suggestion(s.id))
        buttons.addWidget(merge)
        buttons.addWidget(apart)
        buttons.addStretch(1)
        for w in (names, reason):
            col.addWidget(w)
        col.addLayout(buttons)
        return card

    def _merged(self, record_id: int, text: str) -> None:
        self._last_merge = record_id
        self.notice_text.setText(text)
        self.undo_button.show()
        self.notice.show()

    def _undo(self) -> None:
        if self._last_merge is not None:
            self.writer.undo_merge(self._last_merge)
            self._last_merge = None
            self.notice.hide()

    def refresh(self) -> None:
        """The store changed: the list and the suggestions again."""
        self.model.reload()
        self.load_suggestions()
