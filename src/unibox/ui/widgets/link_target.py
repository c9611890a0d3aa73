"""Where the link under the mouse really goes, shown at the foot of the message body."""

from __future__ import annotations

import urllib.parse

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QWidget


class LinkTarget(QLabel):
    """A label floating over the body's bottom left corner; it warns when a link's text
    names another host than the one it goes to."""

    def __init__(self, body: QWidget) -> None:
        super().__init__(body)
        self._body = body
        self.setObjectName("LinkTarget")
        self.hide()

    def show_link(self, href: str, claimed: str) -> None:
        """Show `href` ("" hides it); `claimed` is the host its text names, when deceptive."""
        if not href:
            self.hide()
            return
        warning = bool(claimed)
        prefix = ""
        if warning:
            real = urllib.parse.urlsplit(href).hostname or href
            prefix = f"⚠ This link goes to {real}, not {claimed}:  "
        self.setProperty("warning", warning)
        self.style().unpolish(self)
        self.style().polish(self)
        metrics = QFontMetrics(self.font())
        room = max(80, self._body.width() - 56 - metrics.horizontalAdvance(prefix))
        url = metrics.elidedText(href, Qt.TextElideMode.ElideMiddle, room)
        self.setText(prefix + url)
        self.place()
        self.show()
        self.raise_()

    def place(self) -> None:
        """At the body's bottom left (again after the body was resized)."""
        self.adjustSize()
        y = self._body.height() - self.height() - 8
        self.move(8, max(0, y))
