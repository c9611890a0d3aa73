"""The middle pane: the search field, the list's title and size, and the message list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from unibox.ui.models.message_list import MessageListModel
from unibox.ui.widgets.message_list_view import MessageListView
from unibox.ui.widgets.search_bar import SearchBar


class ListPane(QWidget):
    """Search on top, "Unified inbox · 64 messages" under it, the rows below."""

    def __init__(self, model: MessageListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ListPane")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.search = SearchBar()
        self.title = QLabel("Unified inbox")
        self.title.setObjectName("ListTitle")
        self.subtitle = QLabel("")
        self.subtitle.setObjectName("ListSubtitle")
        self.message_list = MessageListView()
        self.message_list.empty_text = ""
        self.message_list.setModel(model)

        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        top = QVBoxLayout()
        top.setContentsMargins(16, 14, 16, 10)
        top.setSpacing(10)
        top.addWidget(self.search)
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addWidget(self.subtitle, 0, Qt.AlignmentFlag.AlignBottom)
        top.addLayout(heading)
        col.addLayout(top)
        col.addWidget(self.message_list, 1)
