"""The compose window's footer: Send, Send later ▾, Attach…, and which keys do what."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QToolButton, QWidget

from unibox.ui.compose.schedule import PRESETS
from unibox.ui.icons import icon


class ComposeFooter(QWidget):
    """The buttons under the body; the window decides what they do.

    Signals:
        send(): Send was clicked.
        send_at(datetime): a preset under Send later was chosen (local time).
        pick_time(): "Pick date and time…" was chosen.
        attach(): Attach… was clicked.
    """

    send = Signal()
    send_at = Signal(object)
    pick_time = Signal()
    attach = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ComposeFooter")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.send_button = QPushButton("Send")
        self.send_button.setObjectName("PrimaryButton")
        self.send_button.setDefault(False)
        self.send_button.setToolTip("Send (Ctrl+Enter)")
        self.later_button = QToolButton()
        self.later_button.setText("Send later  ▾")
        self.later_button.setToolTip("Send later (Ctrl+Shift+Enter)")
        self.later_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.later_menu = QMenu(self.later_button)
        for text, when in PRESETS:
            action = self.later_menu.addAction(text)
            action.triggered.connect(lambda _c=False, w=when: self.send_at.emit(w(datetime.now())))
        self.later_menu.addSeparator()
        self.later_menu.addAction("Pick date and time…").triggered.connect(self.pick_time)
        self.later_button.setMenu(self.later_menu)
        self.attach_button = QToolButton()
        self.attach_button.setText("Attach…")
        self.attach_button.setIcon(icon("paperclip", self.palette().color(QPalette.ColorRole.Text)))
        self.attach_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for button in (self.later_button, self.attach_button):
            button.setObjectName("ComposeButton")
        buttons: tuple[QWidget, ...] = (self.send_button, self.later_button, self.attach_button)
        for widget in buttons:
            widget.setFixedHeight(34)
        self.attach_button.setToolTip("Attach files (Ctrl+Shift+A); or drop them on the window")
        hint = QLabel("Ctrl+Enter sends · Esc closes")
        hint.setObjectName("ComposeHint")
        bar = QHBoxLayout(self)
        bar.setContentsMargins(16, 10, 16, 12)
        bar.setSpacing(8)
        bar.addWidget(self.send_button)
        bar.addWidget(self.later_button)
        bar.addWidget(self.attach_button)
        bar.addStretch(1)
        bar.addWidget(hint)
        self.send_button.clicked.connect(lambda _c=False: self.send.emit())
        self.attach_button.clicked.connect(lambda _c=False: self.attach.emit())

    def show_later_menu(self) -> None:
        self.later_menu.popup(self.later_button.mapToGlobal(self.later_button.rect().topLeft()))

    def set_busy(self, busy: bool) -> None:
        """While the message is being queued, Send and Send later wait."""
        for w in (self.send_button, self.later_button):
            w.setEnabled(not busy)
