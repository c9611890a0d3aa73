"""The left pane of both pages: the unibox mark, the Mail | People switcher, then the page's own."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from unibox.ui.icons import app_icon
from unibox.ui.people.switcher import switcher_row


class SidePane(QWidget):
    """Mark and switcher on top; `body` (the sidebar's views, People's tips) below.

    `stretch` gives the body the rest of the height; otherwise it keeps its own and
    the space goes below it.
    """

    def __init__(self, body: QWidget, *, stretch: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("Panel")
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        brand = QHBoxLayout()
        brand.setContentsMargins(18, 16, 18, 8)
        brand.setSpacing(8)
        logo = QLabel(self)
        logo.setPixmap(app_icon().pixmap(22, 22))
        name = QLabel("unibox", self)
        name.setObjectName("Brand")
        brand.addWidget(logo)
        brand.addWidget(name, 1)
        col.addLayout(brand)
        holder, self.switcher = switcher_row(self)
        col.addWidget(holder)
        col.addWidget(body, 1 if stretch else 0)
        if not stretch:
            col.addStretch(1)
        # No fixed minimum: the switcher's three labels set it, so none is elided.
