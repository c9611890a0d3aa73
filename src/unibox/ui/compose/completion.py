"""Address completion: a list model of suggestions and the popup that shows it under a field."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QLineEdit

from unibox.store.address_completion import AddressSuggestion, suggest
from unibox.ui.bridge import Bridge

# Typing pauses shorter than this ask the store once, for the last text.
ASK_DELAY_MS = 60
Index = QModelIndex | QPersistentModelIndex


class SuggestionModel(QAbstractListModel):
    """Suggestions for the text being typed; fetched off the GUI thread through the bridge.

    Signals:
        updated(): new suggestions arrived (possibly none).
    """

    ADDRESS = Qt.ItemDataRole.UserRole + 1
    updated = Signal()

    def __init__(self, bridge: Bridge, parent: Any = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._rows: list[AddressSuggestion] = []
        self._generation = 0
        self.asked = ""

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.name}  ·  {row.email}" if row.name else row.email
        if role == Qt.ItemDataRole.EditRole or role == self.ADDRESS:
            return row.formatted
        if role == Qt.ItemDataRole.ToolTipRole:
            n = row.messages
            return f"{row.email} · {n:,} message{'s' if n != 1 else ''} exchanged"
        return None

    def suggestion(self, row: int) -> AddressSuggestion:
        return self._rows[row]

    def ask(self, text: str, exclude: frozenset[str] = frozenset()) -> None:
        """Look `text` up, leaving out addresses in `exclude`; older answers are dropped."""
        self._generation += 1
        generation = self._generation
        self.asked = text
        if not text.strip():
            self._show([], generation)
            return
        self._bridge.read(
            lambda s: [
                r
                for r in suggest(s, text, limit=8 + len(exclude))
                if r.email.casefold() not in exclude
            ][:8],
            lambda rows: self._show(rows, generation),
            lane="main",  # someone is typing and waits for it: never behind counts or the panel
        )

    def _show(self, rows: list[AddressSuggestion], generation: int) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()
        self.updated.emit()


def current_token(text: str, cursor: int) -> tuple[int, int]:
    """(start, end) of the comma-separated entry around the cursor, spaces trimmed at the start."""
    start = max(text.rfind(",", 0, cursor), text.rfind(";", 0, cursor)) + 1
    ends = [i for i in (text.find(",", cursor), text.find(";", cursor)) if i >= 0]
    end = min(ends) if ends else len(text)
    while start < end and text[start] == " ":
        start += 1
    return start, end


class AddressCompleter(QCompleter):
    """Completes the entry under the cursor of a recipients field (not the whole field)."""

    def __init__(self, field: QLineEdit, model: SuggestionModel) -> None:
        super().__init__(field)
        self.field = field
        self.suggestions = model
        self.setModel(model)
        self.setWidget(field)
        self.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setMaxVisibleItems(8)
        # Addresses shown outside the text (a field's chips): never suggested again.
        self.also_present: Callable[[], Iterable[str]] = lambda: ()
        self._popup().setObjectName("AddressPopup")
        self._popup().setMinimumWidth(360)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(ASK_DELAY_MS)
        self._timer.timeout.connect(self._ask)
        field.textEdited.connect(lambda _t: self._timer.start())
        model.updated.connect(self._updated)
        self.activated[QModelIndex].connect(self._chosen)  # type: ignore[index]

    def _popup(self) -> QAbstractItemView:
        popup = self.popup()
        assert popup is not None  # a QCompleter always has one
        return popup

    def _typed(self) -> str:
        text = self.field.text()
        start, end = current_token(text, self.field.cursorPosition())
        return text[start:end].strip()

    def _ask(self) -> None:
        typed = self._typed()
        if "@" in typed and ">" in typed:  # a complete "Name <address>": nothing to suggest
            typed = ""
        self.suggestions.ask(typed, self._present())

    def _present(self) -> frozenset[str]:
        """Addresses already in the field (not suggested twice)."""
        text = self.field.text()
        start, end = current_token(text, self.field.cursorPosition())
        others = ", ".join([text[:start] + text[end:], *self.also_present()])
        return frozenset(m.casefold() for m in re.findall(r"[^\s<>,;\"]+@[^\s<>,;\"]+", others))

    def _updated(self) -> None:
        # Typed in this field: its window's focus is here, whether or not that window is
        # active at the moment the answer arrives.
        typing_here = self.field.window().focusWidget() is self.field
        if self.suggestions.rowCount() == 0 or not typing_here:
            self._popup().hide()
            return
        rect = self.field.rect()
        rect.setWidth(max(rect.width(), 360))
        self.complete(rect)
        first = self.suggestions.index(0, 0)
        popup = self._popup()
        popup.setCurrentIndex(first)
        selection = popup.selectionModel()
        if selection is not None:
            selection.select(first, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _chosen(self, index: QModelIndex) -> None:
        address = str(index.data(SuggestionModel.ADDRESS) or "")
        if address:
            self.insert(address)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Tab takes the highlighted suggestion, as in most mail programs (then moves on).
        popup = self._popup()
        if (
            watched is popup
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Tab
            and popup.isVisible()
        ):
            index = popup.currentIndex()
            if index.isValid():
                self._chosen(self.suggestions.index(index.row(), 0))
            popup.hide()
            return True
        return super().eventFilter(watched, event)

    def insert(self, address: str) -> None:
        """Put `address` in place of the entry being typed, followed by ", "."""
        text = self.field.text()
        start, end = current_token(text, self.field.cursorPosition())
        rest = text[end:].lstrip(",; ")
        head = text[:start]
        new = head + address + ", " + rest
        self.field.setText(new)
        self.field.setCursorPosition(len(head + address + ", "))
        self._popup().hide()
