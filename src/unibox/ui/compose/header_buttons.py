"""Reply, Reply all and Forward buttons in the reading pane's header, beside Plain text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLayout, QToolButton, QWidget

from unibox.ui.widgets.message_view import MessageView


def _grid_holding(layout: QLayout | None, widget: QWidget) -> QGridLayout | None:
    if layout is None:
        return None
    if isinstance(layout, QGridLayout) and layout.indexOf(widget) >= 0:
        return layout
    for n in range(layout.count()):
        item = layout.itemAt(n)
        found = _grid_holding(item.layout() if item is not None else None, widget)
        if found is not None:
            return found
    return None


def add_header_buttons(view: MessageView, actions: list[QAction]) -> list[QToolButton]:
    """One small button per action, in the row of the Plain text toggle (its keys in tooltips)."""
    toggle = view.header.text_toggle
    header = toggle.parentWidget()
    grid = _grid_holding(header.layout() if header is not None else None, toggle)
    if grid is None or header is None:
        return []
    index = grid.indexOf(toggle)
    position: tuple[int, int, int, int] = grid.getItemPosition(index)  # type: ignore[assignment]
    row, column = position[0], position[1]
    grid.removeWidget(toggle)
    strip = QWidget(header)
    box = QHBoxLayout(strip)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(6)
    buttons = []
    for action in actions:
        button = QToolButton(strip)
        button.setObjectName("HeaderToggle")
        button.setText(action.text().replace("&", ""))
        keys = action.shortcut().toString()
        button.setToolTip(f"{button.text()} ({keys.lower()})" if keys else button.text())
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.clicked.connect(action.trigger)
        box.addWidget(button)
        buttons.append(button)
    box.addWidget(toggle)
    grid.addWidget(strip, row, column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    return buttons
