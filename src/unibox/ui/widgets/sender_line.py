"""The sender in the reading pane's header: name and address, never clipped mid-letter."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from unibox.ui.format import tooltip_text


class ElidedLabel(QLabel):
    """One line of plain text that fits any width, with "…" in the middle when it must."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.full_text = ""

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(tooltip_text(text))
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = max(1, self.contentsRect().width())
        shown = self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideMiddle, room)
        if shown != self.text():
            self.setText(shown)


class SenderLine(QLabel):
    """The sender's name in bold, with "<address>" beside it when both fit on the line.

    When they do not, the address goes to `address_line` (placed by the header
    under the name and the date, so it has the whole width) and the name alone
    stays here; whatever still does not fit is elided with "…", never cut
    mid-letter. The tooltip holds the whole of it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Any width: the layout gives the date its room first, this label fits what is left.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(80)
        self.address_line = ElidedLabel(parent)
        self.address_line.setObjectName("Muted")
        self.address_line.hide()
        self.name = ""
        self.email = ""

    def set_sender(self, name: str, email: str) -> None:
        self.name, self.email = name, email
        self.setToolTip(tooltip_text(f"{name} <{email}>" if name and email else name or email))
        self.address_line.set_full_text(email if name else "")
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._fit()

    def _fit(self) -> None:
        room = max(1, self.contentsRect().width() - 2)
        bold = QFont(self.font())
        bold.setBold(True)
        strong, plain = QFontMetrics(bold), QFontMetrics(self.font())
        name = self.name or self.email
        address = f"<{self.email}>" if self.name and self.email else ""
        fits = strong.horizontalAdvance(name) + plain.horizontalAdvance(f" {address}") <= room
        text = f"<b>{html.escape(strong.elidedText(name, Qt.TextElideMode.ElideRight, room))}</b>"
        if address and fits:
            muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
            text += f' <span style="color:{muted}">{html.escape(address)}</span>'
        self.address_line.setVisible(bool(address) and not fits)
        if text != self.text():
            self.setText(text)
