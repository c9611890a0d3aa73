"""The People list and its search field: Enter opens a person, Down steps into the list."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeView, QWidget

from unibox.ui.people.delegates import PersonDelegate


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
