"""Mail | People | Calendar: the switcher at the top of the sidebar."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QToolButton, QWidget

MAIL, PEOPLE, CALENDAR = "mail", "people", "calendar"


class ModeSwitcher(QWidget):
    """Three segments; the window keeps every switcher showing the same page.

    Signals:
        chosen(str): MAIL, PEOPLE or CALENDAR, when the user clicks a segment.
    """

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ModeSwitcher")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        row = QHBoxLayout(self)
        row.setContentsMargins(3, 3, 3, 3)
        row.setSpacing(2)
        self._group = QButtonGroup(self)
        self.buttons: dict[str, QToolButton] = {}
        for mode, text, keys in (
            (MAIL, "Mail", "Ctrl+1"),
            (PEOPLE, "People", "Ctrl+2"),
            (CALENDAR, "Calendar", "Ctrl+3"),
        ):
            b = QToolButton(self)
            b.setObjectName("ModeButton")
            b.setText(text)
            b.setToolTip(f"{text}  ({keys}, or g then {text[0].lower()})")
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            b.setSizePolicy(b.sizePolicy().Policy.Minimum, b.sizePolicy().Policy.Fixed)
            b.clicked.connect(lambda _c=False, m=mode: self.chosen.emit(m))
            self._group.addButton(b)
            row.addWidget(b, 1)
            self.buttons[mode] = b
        self.buttons[MAIL].setChecked(True)

    def show_mode(self, mode: str) -> None:
        self.buttons[mode].setChecked(True)


def switcher_row(parent: QWidget | None = None) -> tuple[QWidget, ModeSwitcher]:
    """The switcher with the sidebar's margins around it."""
    holder = QWidget(parent)
    row = QHBoxLayout(holder)
    row.setContentsMargins(10, 2, 10, 10)
    switcher = ModeSwitcher(holder)
    row.addWidget(switcher)
    return holder, switcher
