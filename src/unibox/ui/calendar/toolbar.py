"""The Calendar page's bar: Today, previous and next, the range shown, the views, New event."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget


class CalendarToolbar(QWidget):
    """The buttons and the title; the page connects them.

    Signals:
        mode_chosen(str): a view's segment was clicked.
    """

    mode_chosen = Signal(str)

    def __init__(self, modes: tuple[tuple[str, str, str], ...], parent: QWidget | None = None):
        super().__init__(parent)
        bar = self
        bar.setObjectName("CalendarToolbar")
        bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        row = QHBoxLayout(bar)
        row.setContentsMargins(16, 10, 16, 10)
        row.setSpacing(6)
        self.today_button = QPushButton("Today")
        self.today_button.setToolTip("Today (t)")
        self.prev_button = QToolButton()
        self.prev_button.setText("‹")
        self.prev_button.setToolTip("Previous (p or ←)")
        self.next_button = QToolButton()
        self.next_button.setText("›")
        self.next_button.setToolTip("Next (n or →)")
        self.title = QLabel()
        self.title.setObjectName("ListTitle")
        for w in (self.today_button, self.prev_button, self.next_button):
            w.setObjectName("CalendarNav")
            w.setCursor(Qt.CursorShape.PointingHandCursor)
            row.addWidget(w)
        row.addSpacing(10)
        row.addWidget(self.title, 1)
        self.mode_buttons: dict[str, QToolButton] = {}
        group = QButtonGroup(bar)
        segments = QWidget()
        segments.setObjectName("ModeSwitcher")
        segments.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        seg_row = QHBoxLayout(segments)
        seg_row.setContentsMargins(3, 3, 3, 3)
        seg_row.setSpacing(2)
        for mode, text, key in modes:
            b = QToolButton()
            b.setObjectName("ModeButton")
            b.setText(text)
            b.setToolTip(f"{text} ({key.lower()})")
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _c=False, m=mode: self.mode_chosen.emit(m))
            group.addButton(b)
            seg_row.addWidget(b)
            self.mode_buttons[mode] = b
        row.addWidget(segments)
        row.addSpacing(8)
        self.new_button = QPushButton("New event")
        self.new_button.setObjectName("PrimaryButton")
        self.new_button.setToolTip("New event (double-click a free time)")
        row.addWidget(self.new_button)
