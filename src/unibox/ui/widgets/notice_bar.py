"""A soft bar in the reading pane: an icon, one sentence and optional actions."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from unibox.ui.icons import pixmap


class NoticeBar(QFrame):
    """A soft bar with an icon, one sentence and optional actions; hidden while it says nothing."""

    def __init__(self, icon_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NoticeBar")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 8, 6)
        row.setSpacing(8)
        self.icon_name = icon_name
        self.icon = QLabel(self)
        self.recolour()
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(6)
        text.addWidget(self.label)
        self._action_row = QWidget(self)
        self._actions = QHBoxLayout(self._action_row)
        self._actions.setContentsMargins(0, 0, 0, 0)
        self._actions.setSpacing(6)
        self._actions.addStretch(1)
        self._action_row.hide()
        text.addWidget(self._action_row)
        row.addLayout(text, 1)
        self.buttons: dict[str, QToolButton] = {}
        self.hide()

    def recolour(self) -> None:
        colour = self.palette().color(QPalette.ColorRole.Shadow)
        self.icon.setPixmap(pixmap(self.icon_name, colour, 16))

    def add_action(self, key: str, text: str, slot: Callable[[], object]) -> QToolButton:
        button = QToolButton(self._action_row)
        button.setObjectName("NoticeAction")
        button.setText(text)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.clicked.connect(lambda _checked=False: slot())
        button.hide()
        self._actions.insertWidget(self._actions.count() - 1, button)
        self.buttons[key] = button
        return button

    def say(self, text: str, actions: tuple[str, ...] = ()) -> None:
        self.label.setText(text)
        for key, button in self.buttons.items():
            button.setVisible(key in actions)
        self._action_row.setVisible(any(key in self.buttons for key in actions))
        self.setVisible(bool(text))
