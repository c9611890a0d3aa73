"""The `?` overlay: every keyboard shortcut on a card above a dimmed window."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import QWidget

ROW, PAD, KEY_GAP = 30, 28, 6


class ShortcutsOverlay(QWidget):
    """Covers its parent while shown; any key or click closes it."""

    def __init__(self, shortcuts: Sequence[tuple[tuple[str, ...], str]], parent: QWidget) -> None:
        super().__init__(parent)
        self._host = parent
        self.setObjectName("ShortcutsOverlay")
        self.shortcuts = list(shortcuts)  # (keys that do the same, what they do)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.hide()
        parent.installEventFilter(self)

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
        width, height = 440, PAD * 2 + 40 + ROW * len(self.shortcuts)
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
        km = QFontMetrics(key_font)
        y = card.top() + PAD + 44
        for keys, what in self.shortcuts:
            x = card.left() + PAD
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
            label = QRect(card.left() + PAD + 150, y, card.width() - 2 * PAD - 150, ROW - 6)
            p.drawText(label, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, what)
            y += ROW
        p.end()
