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
        # What is wrong with the query ("from:" alone, an open quote), under the field.
        self.search_problem = QLabel("")
        self.search_problem.setObjectName("SearchProblem")
        self.search_problem.setWordWrap(True)
        self.search_problem.hide()
        self.search.problem_changed.connect(self._show_problem)
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
        top.addWidget(self.search_problem)
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addWidget(self.subtitle, 0, Qt.AlignmentFlag.AlignBottom)
        top.addLayout(heading)
        col.addLayout(top)
        col.addWidget(self.message_list, 1)

    def _show_problem(self, sentence: str) -> None:
        self.search_problem.setText(sentence)
        self.search_problem.setVisible(bool(sentence))
