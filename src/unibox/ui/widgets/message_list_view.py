"""The message list: three-line rows with avatar, sender, time, subject, snippet and marks."""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QTreeView,
    QWidget,
)

from unibox.ui.models.message_list import Role
from unibox.ui.widgets.message_delegate import MessageDelegate

_Index = QModelIndex | QPersistentModelIndex


class MessageListView(QTreeView):
    """Shows a MessageListModel; j/k-style moves keep the row in view.

    Extended selection: Shift/Ctrl-click, and `extend` (Shift+J/K) from the anchor.

    Signals:
        current_message_changed(object): the id of the message now current, or None.
        menu_requested(QPoint): a right-click on a row (global position), now selected.
    """

    current_message_changed = Signal(object)
    menu_requested = Signal(QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MessageList")
        self.setItemDelegate(MessageDelegate(self))
        # A tree view of one column, not a QListView: with uniform row heights it
        # lays out in constant time, where QListView walks every row (through
        # the Python model) on each dataChanged, 150 ms at 70,000 rows.
        self.setUniformRowHeights(True)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(0)
        self.setItemsExpandable(False)
        self.setExpandsOnDoubleClick(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self._anchor: int | None = None
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.setFrameShape(QTreeView.Shape.NoFrame)
        self.empty_text = "No messages"

    def currentChanged(self, current: _Index, previous: _Index) -> None:
        super().currentChanged(current, previous)
        mid = current.data(Role.MESSAGE_ID) if current.isValid() else None
        self.current_message_changed.emit(mid)

    def keyboardSearch(self, search: str) -> None:
        """Letters are shortcuts here, not a type-ahead through every row of the model."""

    def select_row(self, row: int) -> None:
        """Make this row current and the only one selected."""
        model = self.model()
        if model is None or not 0 <= row < model.rowCount():
            return
        index = model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.selectionModel().setCurrentIndex(index, flags)
        self._anchor = row
        self.scrollTo(index)

    def extend(self, delta: int) -> None:
        """Move by one row and select everything from the anchor to it (Shift+J/K)."""
        model = self.model()
        current = self.currentIndex()
        if model is None or not current.isValid():
            self.step(delta)
            return
        anchor = self._anchor if self._anchor is not None else current.row()
        row = max(0, min(current.row() + delta, model.rowCount() - 1))
        top, bottom = sorted((anchor, row))
        selection = QItemSelection(model.index(top, 0), model.index(bottom, 0))
        selection_model = self.selectionModel()
        selection_model.select(
            selection,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        selection_model.setCurrentIndex(
            model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate
        )
        self._anchor = anchor
        self.scrollTo(model.index(row, 0))

    def selected_ids(self) -> list[int]:
        """The selected messages top to bottom; the current one when none is selected."""
        rows = sorted(i.row() for i in self.selectionModel().selectedRows())
        if not rows and self.currentIndex().isValid():
            rows = [self.currentIndex().row()]
        model = self.model()
        ids = [model.index(r, 0).data(Role.MESSAGE_ID) for r in rows] if model else []
        return [mid for mid in ids if isinstance(mid, int)]

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._anchor = index.row()

    def _menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if not index.isValid():
            return
        if not self.selectionModel().isSelected(index):
            self.select_row(index.row())
        self.menu_requested.emit(self.viewport().mapToGlobal(pos))

    def step(self, delta: int) -> None:
        """Next (+1) or previous (-1) message; the first one when nothing is current."""
        current = self.currentIndex()
        row = current.row() + delta if current.isValid() else 0
        model = self.model()
        if model is not None:
            self.select_row(max(0, min(row, model.rowCount() - 1)))

    def focusInEvent(self, event: object) -> None:  # repaint the selection colour
        super().focusInEvent(event)  # type: ignore[arg-type]
        self.viewport().update()

    def focusOutEvent(self, event: object) -> None:
        super().focusOutEvent(event)  # type: ignore[arg-type]
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.viewport().rect().adjusted(20, 0, -20, 0),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )
            painter.end()
