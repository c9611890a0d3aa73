"""Initials in a coloured circle: the same person always gets the same colour."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
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


def channel_badge_rect(avatar: QRect) -> QRect:
    """Where the channel badge sits: over the avatar's lower right edge."""
    size = max(14, round(avatar.width() * 0.47))
    return QRect(avatar.right() - size + 4, avatar.bottom() - size + 4, size, size)


def paint_channel_badge(
    painter: QPainter, avatar: QRect, icon: QPixmap, ring: QColor, fill: QColor
) -> None:
    """A small round badge with the channel's icon, ringed in the row's background colour."""
    box = channel_badge_rect(avatar)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(ring)
    painter.drawEllipse(QRectF(box))
    painter.setBrush(fill)
    painter.drawEllipse(QRectF(box).adjusted(1.5, 1.5, -1.5, -1.5))
    side = round(icon.width() / icon.devicePixelRatio())
    painter.drawPixmap(box.center().x() - side // 2 + 1, box.center().y() - side // 2 + 1, icon)
    painter.restore()
