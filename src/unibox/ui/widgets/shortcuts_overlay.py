"""The `?` overlay: every keyboard shortcut on a card above a dimmed window."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import QWidget

ROW, PAD, KEY_GAP, KEYS_W, COLUMN_W, COLUMN_GAP = 30, 28, 6, 180, 420, 32
Shortcuts = Sequence[tuple[tuple[str, ...], str]]


class ShortcutsOverlay(QWidget):
    """Covers its parent while shown; any key or click closes it.

    `shortcuts` is a list, or a function giving the current list (commands
    added to the window later show up too). Long lists take two columns.
    """

    def __init__(self, shortcuts: Shortcuts | Callable[[], Shortcuts], parent: QWidget) -> None:
        super().__init__(parent)
        self._host = parent
        self.setObjectName("ShortcutsOverlay")
        self._source = shortcuts
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.hide()
        parent.installEventFilter(self)

    @property
    def shortcuts(self) -> list[tuple[tuple[str, ...], str]]:
        """(keys that do the same, what they do)."""
        found = self._source() if callable(self._source) else self._source
        return list(found)

    def _columns(self) -> list[list[tuple[tuple[str, ...], str]]]:
        entries = self.shortcuts
        if len(entries) <= 12:
            return [entries]
        half = (len(entries) + 1) // 2
        return [entries[:half], entries[half:]]

    def toggle(self) -> None:
        if self.isVisible():
            self.hide()
        else:
            self.setGeometry(self._host.rect())
            self.show()
            self.raise_()
            self.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._host and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._host.rect())
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.hide()
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.hide()

    def _card(self) -> QRect:
        columns = self._columns()
        width = PAD * 2 + COLUMN_W * len(columns) + COLUMN_GAP * (len(columns) - 1)
        height = PAD * 2 + 40 + ROW * max(len(c) for c in columns)
        return QRect(
            (self.width() - width) // 2, (self.height() - height) // 2, width, height
        ).intersected(self.rect())

    def paintEvent(self, event: object) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        p.fillRect(self.rect(), QColor(0, 0, 0, 110))
        card = self._card()
        p.setPen(QColor(pal.color(QPalette.ColorRole.Mid)))
        p.setBrush(pal.color(QPalette.ColorRole.Base))
        p.drawRoundedRect(QRectF(card), 12, 12)
        title = QFont(self.font())
        title.setPointSizeF(self.font().pointSizeF() + 3)
        title.setWeight(QFont.Weight.DemiBold)
        p.setFont(title)
        p.setPen(pal.color(QPalette.ColorRole.Text))
        p.drawText(
            card.adjusted(PAD, PAD, -PAD, 0), Qt.AlignmentFlag.AlignLeft, "Keyboard shortcuts"
        )
        key_font = QFont(self.font())
        key_font.setWeight(QFont.Weight.DemiBold)
        for n, column in enumerate(self._columns()):
            left = card.left() + PAD + n * (COLUMN_W + COLUMN_GAP)
            self._paint_column(p, column, left, card.top() + PAD + 44, key_font)
        p.end()

    def _paint_column(
        self,
        p: QPainter,
        column: list[tuple[tuple[str, ...], str]],
        left: int,
        top: int,
        key_font: QFont,
    ) -> None:
        pal = self.palette()
        km = QFontMetrics(key_font)
        y = top
        for keys, what in column:
            x = left
            for n, key in enumerate(keys):
                if n:
                    p.setFont(self.font())
                    p.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
                    p.drawText(QRect(x, y, 16, ROW - 6), Qt.AlignmentFlag.AlignCenter, "or")
                    x += 16 + KEY_GAP
                cap = QRect(x, y, max(26, km.horizontalAdvance(key) + 14), ROW - 6)
                p.setPen(pal.color(QPalette.ColorRole.Mid))
                p.setBrush(pal.color(QPalette.ColorRole.Window))
                p.drawRoundedRect(QRectF(cap), 5, 5)
                p.setFont(key_font)
                p.setPen(pal.color(QPalette.ColorRole.Text))
                p.drawText(cap, Qt.AlignmentFlag.AlignCenter, key)
                x = cap.right() + KEY_GAP
            p.setFont(self.font())
            p.setPen(pal.color(QPalette.ColorRole.Text))
            label = QRect(left + KEYS_W, y, COLUMN_W - KEYS_W, ROW - 6)
            fm = QFontMetrics(self.font())
            text = fm.elidedText(what, Qt.TextElideMode.ElideRight, label.width())
            p.drawText(label, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            y += ROW
