"""The SVG icons in resources/icons, drawn in whatever colour the palette asks for."""

from __future__ import annotations

import functools

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from unibox.bundle import resources_dir as resources_dir  # theme.py imports it from here


@functools.cache
def _svg(name: str) -> str:
    path = resources_dir() / "icons" / f"{name}.svg"
    return path.read_text("utf-8")


@functools.lru_cache(maxsize=512)
def _image(name: str, colour: str, opacity: float, size: int, ratio: float) -> QImage:
    svg = _svg(name).replace("currentColor", colour)
    if opacity < 1:
        svg = svg.replace("<svg ", f'<svg opacity="{opacity:.2f}" ', 1)
    renderer = QSvgRenderer(QByteArray(svg.encode()))
    side = round(size * ratio)
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, side, side))
    painter.end()
    image.setDevicePixelRatio(ratio)
    return image


def pixmap(name: str, colour: QColor | str, size: int = 16, ratio: float = 2.0) -> QPixmap:
    """The icon as a pixmap of size x size logical pixels."""
    c = QColor(colour)
    return QPixmap.fromImage(_image(name, c.name(), round(c.alphaF(), 2), size, ratio))


def icon(name: str, colour: QColor | str, size: int = 16) -> QIcon:
    return QIcon(pixmap(name, colour, size))


def icon_path(name: str) -> str:
    return str(resources_dir() / "icons" / f"{name}.svg")


def app_icon() -> QIcon:
    return QIcon(icon_path("unibox"))
