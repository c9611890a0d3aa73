"""The reading pane for a chat: its name, its lines as bubbles, a reply box at the bottom."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from unibox.core.bridges import via_title
from unibox.store.chat_view import ChatThread
from unibox.store.view_rows import CHANNEL_TITLES
from unibox.ui.widgets.avatar import Avatar
from unibox.ui.widgets.chat_bubbles import ChatLines

FILE_CHANNELS = frozenset({"matrix"})  # the chats unibox can send a file into


class ChatInput(QPlainTextEdit):
    """The reply box: Enter (or Ctrl+Enter) sends, Shift+Enter starts a new line.

    Signals:
        submitted(): the user asked to send what they wrote.
    """

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class ChatView(QWidget):
    """Shows one ChatThread; knows nothing of the store: a reply goes out as a signal.

    Signals:
        reply_requested(str): the text the user wants to send into the shown chat.
        older_requested(): the user wants the lines before the first one shown.
        attachment_requested(int, int, str, str): message id, attachment position, file
            name, "open" or "save".
        file_requested(str, str): a file to send (its path) with the text written as its
            caption.
    """

    reply_requested = Signal(str)
    older_requested = Signal()
    attachment_requested = Signal(int, int, str, str)
    file_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ChatPane")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.shown: ChatThread | None = None
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self._header())
        self.scroller = QScrollArea(self)
        self.scroller.setObjectName("ChatScroll")
        self.scroller.setWidgetResizable(True)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lines = ChatLines()
        self.lines.attachment_requested.connect(self.attachment_requested)
        self.older = QPushButton("Show earlier messages", self.lines)
        self.older.setObjectName("LinkButton")
        self.older.clicked.connect(self._ask_older)
        self.lines.set_top(self.older)
        self.scroller.setWidget(self.lines)
        col.addWidget(self.scroller, 1)
        col.addWidget(self._reply_row())
        # A chat opens at its newest line and stays there as lines come, unless the user
        # scrolled up to read back.
        self._stick = True
        bar = self.scroller.verticalScrollBar()
        bar.rangeChanged.connect(self._range_changed)
        bar.valueChanged.connect(lambda v: setattr(self, "_stick", v >= bar.maximum() - 4))

    def _header(self) -> QWidget:
        header = QWidget(self)
        header.setObjectName("ChatHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        row = QHBoxLayout(header)
        row.setContentsMargins(24, 16, 24, 14)
        row.setSpacing(12)
        self.avatar = Avatar(40, header)
        row.addWidget(self.avatar)
        names = QVBoxLayout()
        names.setSpacing(2)
        self.title = QLabel(header)
        self.title.setObjectName("Subject")
        self.subtitle = QLabel(header)
        self.subtitle.setObjectName("Muted")
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        names.addWidget(self.title)
        names.addWidget(self.subtitle)
        row.addLayout(names, 1)
        return header

    def _reply_row(self) -> QWidget:
        box = QWidget(self)
        box.setObjectName("ChatReply")
        box.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        row = QHBoxLayout(box)
        row.setContentsMargins(16, 10, 16, 12)
        row.setSpacing(8)
        self.input = ChatInput(box)
        self.input.setObjectName("ChatInput")
        self.input.setTabChangesFocus(True)
        lines = self.input.fontMetrics().lineSpacing()
        self.input.setFixedHeight(lines * 3 + 14)
        self.input.submitted.connect(self._send)
        self.send_button = QPushButton("Send", box)
        self.send_button.setObjectName("ChatSend")
        self.send_button.setToolTip("Send (Enter; Shift+Enter for a new line)")
        self.send_button.clicked.connect(self._send)
        self.attach_button = QPushButton("Attach…", box)
        self.attach_button.setObjectName("ChatAttach")
        self.attach_button.setToolTip("Send a file; what you wrote goes with it as its caption")
        self.attach_button.clicked.connect(self._choose_file)
        self.imported_note = QLabel(box)
        self.imported_note.setObjectName("Muted")
        self.imported_note.setWordWrap(True)
        self.imported_note.hide()
        row.addWidget(self.input, 1)
        row.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.imported_note, 1)
        return box

    # -- showing -----------------------------------------------------------------

    def show_thread(self, thread: ChatThread, now: datetime) -> None:
        """Show a chat (again, when it changed: the reply box keeps what is being written)."""
        other = self.shown is None or self.shown.conversation_id != thread.conversation_id
        self.shown = thread
        group = thread.kind == "group"
        network = CHANNEL_TITLES.get(thread.channel, thread.channel)
        self.title.setText(thread.title)
        where = f"{network} · via {via_title(thread.via)}" if thread.via else network
        if group:
            self.subtitle.setText(f"Group chat on {where} · {thread.address}")
        else:
            self.subtitle.setText(f"Chat on {where} · {thread.address}")
        self.avatar.set_person(thread.title, thread.address)
        first = thread.title.split()[0] if thread.title and not group else thread.title
        self.input.setPlaceholderText(f"Write to {first or thread.address}… (Enter sends)")
        # Imported history: unibox has no way to send there, so it offers none.
        self.input.setVisible(not thread.imported)
        self.send_button.setVisible(not thread.imported)
        self.attach_button.setVisible(not thread.imported and thread.channel in FILE_CHANNELS)
        self.imported_note.setVisible(thread.imported)
        self.imported_note.setText(
            f"Imported {network} history: answer in {network} itself." if thread.imported else ""
        )
        if other:
            self.input.clear()
            self._stick = True
        self.older.setVisible(thread.has_older)
        self.lines.show_lines(thread.lines, group, now)
        self._fit_bubbles()
        QTimer.singleShot(0, self._to_bottom_if_stuck)

    def _ask_older(self) -> None:
        self._stick = False  # reading back: stay where the user is
        self.older_requested.emit()

    def _send(self) -> None:
        text = self.input.toPlainText().strip()
        if not text or self.shown is None or self.shown.imported:
            return
        self.input.clear()
        self._stick = True
        self.reply_requested.emit(text)

    def _choose_file(self) -> None:
        if self.shown is None or self.shown.imported:
            return
        path, _filter = QFileDialog.getOpenFileName(self, "Send a file")
        if not path:
            return
        caption = self.input.toPlainText().strip()
        self.input.clear()
        self._stick = True
        self.file_requested.emit(caption, path)

    def _range_changed(self, _low: int, _high: int) -> None:
        self._to_bottom_if_stuck()

    def _to_bottom_if_stuck(self) -> None:
        if self._stick:
            bar = self.scroller.verticalScrollBar()
            bar.setValue(bar.maximum())

    def _fit_bubbles(self) -> None:
        self.lines.set_bubble_width(max(160, int(self.scroller.viewport().width() * 0.72)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_bubbles()
