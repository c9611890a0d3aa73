"""The search field: the shared search language, results while typing after a short pause."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QKeyEvent, QPalette
from PySide6.QtWidgets import QLineEdit, QWidget

from unibox.core.errors import UserError
from unibox.core.query import SearchQuery, parse_query
from unibox.ui.icons import icon

DEBOUNCE_MS = 180


class SearchBar(QLineEdit):
    """Parses what is typed with core.query.parse_query once typing pauses.

    Signals:
        search_changed(object): a SearchQuery, or None when the field is emptied.
        search_error(str): what is wrong with the query ("from:" alone, an open quote).
        problem_changed(str): that sentence while the query is wrong, "" once it is not.
        escape_pressed(): Esc, to hand focus back to the list.
        down_pressed(): the down arrow, to step into the results.
    """

    search_changed = Signal(object)
    search_error = Signal(str)
    problem_changed = Signal(str)
    escape_pressed = Signal()
    down_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SearchField")
        self.setPlaceholderText("Search mail   ( / )")
        self.setClearButtonEnabled(True)
        self.setToolTip(
            "Words match subject, text and people. Also: from:, to:, subject:, in:sent,\n"
            "is:unread, is:flagged, has:attachment, before:2025-03-01, after:…"
        )
        self._icon = self.addAction(self._search_icon(), QLineEdit.ActionPosition.LeadingPosition)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)
        self.textChanged.connect(self._timer.start)
        self._last: SearchQuery | None = None
        self._problem = ""

    def _search_icon(self) -> QIcon:
        return icon("search", self.palette().color(QPalette.ColorRole.PlaceholderText))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._icon.setIcon(self._search_icon())

    @property
    def active(self) -> bool:
        return bool(self.text().strip())

    def clear_search(self) -> None:
        """Empty the field without announcing a search."""
        self.blockSignals(True)
        self.clear()
        self.blockSignals(False)
        self._timer.stop()
        self._last = None
        self._set_invalid(False)

    def flush(self) -> None:
        """Search now instead of after the pause (Enter does this)."""
        self._timer.stop()
        self._emit()

    def _emit(self) -> None:
        text = self.text().strip()
        if not text:
            self._set_invalid(False)
            self._last = None
            self.search_changed.emit(None)
            return
        try:
            query = parse_query(text)
        except UserError as exc:
            self._set_invalid(True, str(exc))
            self.search_error.emit(str(exc))
            return
        self._set_invalid(False)
        self._last = query
        self.search_changed.emit(query)

    def _set_invalid(self, invalid: bool, problem: str = "") -> None:
        if problem != self._problem:
            self._problem = problem
            self.problem_changed.emit(problem)
        if self.property("invalid") != invalid:
            self.setProperty("invalid", invalid)
            self.style().unpolish(self)
            self.style().polish(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.escape_pressed.emit()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.flush()
            self.down_pressed.emit()
            return
        if key == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)
