"""Reply, Reply all and Forward buttons in the reading pane's header, beside Plain text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolButton

from unibox.ui.widgets.message_view import MessageView


def add_header_buttons(view: MessageView, actions: list[QAction]) -> list[QToolButton]:
    """One small button per action, in the row of the Plain text toggle (its keys in tooltips)."""
    buttons = []
    for action in actions:
        button = QToolButton()
        button.setObjectName("HeaderToggle")
        button.setText(action.text().replace("&", ""))
        keys = action.shortcut().toString()
        button.setToolTip(f"{button.text()} ({keys.lower()})" if keys else button.text())
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.clicked.connect(action.trigger)
        view.header.add_action_button(button)
        buttons.append(button)
    return buttons
