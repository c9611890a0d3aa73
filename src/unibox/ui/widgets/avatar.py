"""Initials in a coloured circle: the same person always gets the same colour."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QWidget

from unibox.ui.format import avatar_colour, initials


def paint_avatar(painter: QPainter, rect: QRect, name: str, email: str, font: QFont) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(avatar_colour(email, name)))
    painter.drawEllipse(QRectF(rect))
    letters = QFont(font)
    letters.setPixelSize(max(9, round(rect.height() * 0.38)))
    letters.setWeight(QFont.Weight.DemiBold)
    painter.setFont(letters)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, initials(name, email))
    painter.restore()


class Avatar(QWidget):
    """A round avatar widget for the reading pane's header."""

    def __init__(self, size: int = 40, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(size, size)
        self._name = ""
        self._email = ""

    def set_person(self, name: str, email: str) -> None:
        self._name, self._email = name, email
        self.update()

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        paint_avatar(painter, self.rect(), self._name, self._email, self.font())
        painter.end()
