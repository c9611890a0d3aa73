"""The attachment strip of the compose window: name and size per file, remove, drop to add."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from unibox.ui.compose.sending import attachment_problem
from unibox.ui.compose.state import AttachmentRef
from unibox.ui.format import size_text
from unibox.ui.icons import icon


class AttachmentList(QListWidget):
    """Files going with the message, shown as "name · size" chips in a wrapping row.

    Signals:
        changed(): a file was added or removed.
        problem(str): a sentence about a file that could not be added.
    """

    changed = Signal()
    problem = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ComposeAttachments")
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setSpacing(4)
        self.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setIconSize(QSize(14, 14))
        self.setFixedHeight(50)  # one row of chips; more rows scroll
        self.setToolTip("Delete removes the selected attachments")
        self._refs: list[AttachmentRef] = []
        self.setVisible(False)

    @property
    def refs(self) -> list[AttachmentRef]:
        return list(self._refs)

    def total(self) -> int:
        return sum(a.size for a in self._refs)

    def set_refs(self, refs: list[AttachmentRef]) -> None:
        self._refs = []
        self.clear()
        for ref in refs:
            self._append(ref)
        self.changed.emit()

    def add_paths(self, paths: list[Path]) -> int:
        """Add files; a sentence for each that cannot be added. Returns how many were added."""
        added = 0
        for path in paths:
            why = attachment_problem(path, self.total())
            if why:
                self.problem.emit(why)
                continue
            self._append(AttachmentRef(path.name, path.stat().st_size, path=str(path)))
            added += 1
        if added:
            self.changed.emit()
        return added

    def _append(self, ref: AttachmentRef) -> None:
        self._refs.append(ref)
        item = QListWidgetItem(f"{ref.name}  ·  {size_text(ref.size)}")
        item.setIcon(icon("paperclip", self.palette().color(QPalette.ColorRole.PlaceholderText)))
        item.setToolTip(ref.path or ref.name)
        item.setSizeHint(QSize(self.fontMetrics().horizontalAdvance(item.text()) + 64, 28))
        self.addItem(item)
        self.setVisible(True)

    def remove_selected(self) -> None:
        rows = sorted((self.row(i) for i in self.selectedItems()), reverse=True)
        for row in rows:
            self.takeItem(row)
            del self._refs[row]
        self.setVisible(bool(self._refs))
        if rows:
            self.changed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Backspace:
            self.remove_selected()
            return
        super().keyPressEvent(event)
