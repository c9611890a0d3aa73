"""A message's attachments in the reading pane: one chip each, to open or save."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QFontMetrics, QMouseEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMenu, QWidget

from unibox.ui.format import size_text
from unibox.ui.icons import pixmap
from unibox.ui.widgets.flow_layout import FlowLayout


class AttachmentChip(QFrame):
    """One attachment: click for Open / Save as…, double-click opens it.

    Signals:
        chosen(str): "open" or "save".
    """

    chosen = Signal(str)

    def __init__(self, name: str, content_type: str, size: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("Chip")
        self.name = name
        self.setToolTip(f"{name}\n{content_type}, {size_text(size)}\nClick to open or save")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 5, 10, 5)
        row.setSpacing(6)
        icon = QLabel(self)
        kind = "image" if content_type.startswith("image/") else "file"
        icon.setPixmap(pixmap(kind, self.palette().color(QPalette.ColorRole.Highlight), 16))
        label = QLabel(
            QFontMetrics(self.font()).elidedText(name, Qt.TextElideMode.ElideMiddle, 240)
        )
        size_label = QLabel(size_text(size), self)
        size_label.setObjectName("ChipSize")
        for w in (icon, label, size_label):
            row.addWidget(w)
        self.menu = QMenu(self)
        self.menu.addAction("Open", lambda: self.chosen.emit("open"))
        self.menu.addAction("Save as…", lambda: self.chosen.emit("save"))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.menu.popup(self.mapToGlobal(QPoint(0, self.height() + 2)))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.menu.hide()
        self.chosen.emit("open")


class AttachmentStrip(QWidget):
    """The chips of one message's attachments, wrapping; hidden when it has none.

    Signals:
        requested(int, int, str): message id, attachment position, "open" or "save".
    """

    requested = Signal(int, int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chips = FlowLayout(self)
        self.chips: list[AttachmentChip] = []

    def show_attachments(
        self, message_id: int, attachments: tuple[tuple[str, str, int], ...]
    ) -> None:
        """Chips for (file name, type, size) of a message, replacing those shown."""
        while self._chips.count():
            item = self._chips.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.chips = []
        for position, (name, content_type, size) in enumerate(attachments):
            chip = AttachmentChip(name, content_type, size, self)
            chip.chosen.connect(
                lambda action, n=position, mid=message_id: self.requested.emit(mid, n, action)
            )
            self.chips.append(chip)
            self._chips.addWidget(chip)
        self.setVisible(bool(attachments))
