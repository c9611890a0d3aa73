"""The person panel: who the sender is, their addresses, and your recent conversations."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFontMetrics, QIcon, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from unibox.store.person_pending import PendingItem
from unibox.store.sender_card import ConversationEntry, PersonCard
from unibox.ui.format import handle_text, list_time, snooze_time, tooltip_text
from unibox.ui.icons import pixmap
from unibox.ui.widgets.avatar import Avatar
from unibox.ui.widgets.meetings import MeetingEntry


def _since(when: datetime) -> str:
    local = when.astimezone()
    return f"{local:%b} {local.year}"


class _ConversationButton(QPushButton):
    """One recent conversation: subject, then count and date."""

    def __init__(self, entry: ConversationEntry, width: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("PersonConversation")
        self.entry = entry
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(tooltip_text(entry.subject))
        chat = entry.kind in ("chat", "group")
        if chat:  # a chat is marked as one, as in the message list
            self.setIcon(QIcon(pixmap("chat", self.palette().color(QPalette.ColorRole.Text), 14)))
        title = entry.subject or ("(no subject)" if not chat else "Chat")
        subject = QFontMetrics(self.font()).elidedText(
            title, Qt.TextElideMode.ElideRight, width - (20 if chat else 0)
        )
        noun = ("line", "lines") if chat else ("message", "messages")
        count = f"{entry.messages} {noun[1]}" if entry.messages > 1 else f"1 {noun[0]}"
        if chat:
            count = ("Group chat · " if entry.kind == "group" else "Chat · ") + count
        when = list_time(entry.last, datetime.now().astimezone())
        self.setText(f"{subject}\n{count} · {when}")


def _due(when: datetime | None, now: datetime) -> str:
    if when is None:
        return ""
    if when < now:
        return f" · overdue since {list_time(when, now)}"
    return f" · due {snooze_time(when, now)}"


def _pending_button(item: PendingItem, width: int, parent: QWidget) -> QPushButton:
    """A pending task (read only here) or a follow-up (opens its message)."""
    now = datetime.now().astimezone()
    button = QPushButton(parent)
    button.setObjectName("PersonConversation")
    if item.kind == "task":
        who = item.owner or "you"
        head, tail = f"☐ {item.text}", f"{who}{_due(item.due, now)}"
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setToolTip(f"Task: {item.text} (opens their record)")
    else:
        head, tail = f"↻ Follow up: {item.text}", _due(item.due, now).removeprefix(" · ")
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setToolTip(f"Follow up on “{item.text}”: open the message")
    metrics = QFontMetrics(button.font())
    button.setText(f"{metrics.elidedText(head, Qt.TextElideMode.ElideRight, width)}\n{tail}")
    return button


class PersonPanel(QFrame):
    """Shows a PersonCard; knows nothing of the store.

    Signals:
        conversation_chosen(int): a message to read (a conversation's newest, a
            follow-up's, an upcoming meeting's invitation).
        show_all(str): the person's address, to list all mail with them.
        open_person(int): the person's id, to open their record.
    """

    conversation_chosen = Signal(int)
    show_all = Signal(str)
    open_person = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PersonPanel")
        self.card: PersonCard | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        body = QWidget(scroll)
        body.setObjectName("PersonBody")
        scroll.setWidget(body)
        self._col = QVBoxLayout(body)
        self._col.setContentsMargins(18, 20, 18, 18)
        self._col.setSpacing(6)
        self.avatar = Avatar(56, body)
        self.name = QLabel(body)
        self.name.setObjectName("PersonName")
        self.name.setWordWrap(True)
        self.name.setToolTip("Open their record")
        self.name.installEventFilter(self)  # a click on the name opens the person
        self.open_button = QPushButton("Open person ›", body)
        self.open_button.setObjectName("LinkButton")
        self.open_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.open_button.setToolTip("Their record: card, pending, done, numbers, timeline")
        self.open_button.clicked.connect(self._open_person)
        self.summary = QLabel(body)
        self.summary.setObjectName("Muted")
        self.summary.setWordWrap(True)
        self.upcoming_title = self._title("Upcoming", body)
        self._upcoming = QVBoxLayout()
        self._upcoming.setSpacing(2)
        self.pending_title = self._title("Pending", body)
        self._pending = QVBoxLayout()
        self._pending.setSpacing(2)
        self.handles_title = self._title("Addresses", body)
        self.handles = QLabel(body)
        self.handles.setObjectName("PersonHandles")
        self.handles.setWordWrap(True)
        self.handles.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.recent_title = self._title("Recent conversations", body)
        self._recent = QVBoxLayout()
        self._recent.setSpacing(2)
        self.all_button = QPushButton("Show all mail with them", body)
        self.all_button.setObjectName("LinkButton")
        self.all_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.all_button.clicked.connect(self._show_all)
        self.empty = QLabel("Select a message to see who sent it.", body)
        self.empty.setObjectName("Muted")
        self.empty.setWordWrap(True)
        self._col.addWidget(self.avatar)
        self._col.addSpacing(4)
        self._col.addWidget(self.name)
        self._col.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._col.addWidget(self.summary)
        self._col.addWidget(self.upcoming_title)
        self._col.addLayout(self._upcoming)
        self._col.addWidget(self.pending_title)
        self._col.addLayout(self._pending)
        for w in (self.handles_title, self.handles, self.recent_title):
            self._col.addWidget(w)
        self._col.addLayout(self._recent)
        self._col.addWidget(self.all_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._col.addWidget(self.empty)
        self._col.addStretch(1)
        self.buttons: list[QPushButton | MeetingEntry] = []
        self.show_card(None)

    def _title(self, text: str, parent: QWidget) -> QLabel:
        label = QLabel(text.upper(), parent)
        label.setObjectName("PanelTitle")
        return label

    def show_card(self, card: PersonCard | None) -> None:
        self.card = card
        known = card is not None
        for w in (
            self.avatar,
            self.name,
            self.summary,
            self.handles_title,
            self.handles,
            self.recent_title,
            self.all_button,
            self.open_button,
            self.pending_title,
            self.upcoming_title,
        ):
            w.setVisible(known)
        self.empty.setVisible(not known)
        for button in self.buttons:
            button.deleteLater()
        self.buttons = []
        if card is None:
            return
        email = next((v for k, v in card.handles if k == "email"), "")
        self.avatar.set_person(card.name, email)
        self.name.setText(card.name + ("  (you)" if card.is_me else ""))
        parts = [f"{card.messages:,} message{'s' if card.messages != 1 else ''}"]
        if card.first is not None:
            parts.append(f"since {_since(card.first)}")
        self.summary.setText(" · ".join(parts))
        # An address longer than the panel is elided, never pushing the panel wider.
        metrics = self.handles.fontMetrics()
        room = max(120, self.width() - 48)
        values = [handle_text(kind, value) for kind, value in card.handles]
        shown = [metrics.elidedText(v, Qt.TextElideMode.ElideMiddle, room) for v in values]
        self.handles.setText("\n".join(shown))
        self.handles.setToolTip("\n".join(values) if shown != values else "")
        self.recent_title.setVisible(bool(card.conversations))
        width = max(120, self.width() - 60)
        self.upcoming_title.setVisible(bool(card.upcoming))
        for meeting in card.upcoming:
            meeting_entry = MeetingEntry(meeting, self)
            if meeting.message_id is not None:
                meeting_entry.clicked.connect(
                    lambda mid=meeting.message_id: self.conversation_chosen.emit(mid)
                )
            self._upcoming.addWidget(meeting_entry)
            self.buttons.append(meeting_entry)
        self.pending_title.setVisible(bool(card.pending))
        for item in card.pending:
            pending = _pending_button(item, width, self)
            if item.message_id is not None:
                pending.clicked.connect(
                    lambda _c=False, mid=item.message_id: self.conversation_chosen.emit(mid)
                )
            else:
                pending.clicked.connect(self._open_person)
            self._pending.addWidget(pending)
            self.buttons.append(pending)
        for entry in card.conversations:
            button = _ConversationButton(entry, width, self)
            button.clicked.connect(
                lambda _c=False, mid=entry.newest_message_id: self.conversation_chosen.emit(mid)
            )
            self._recent.addWidget(button)
            self.buttons.append(button)
        first = card.name.split()[0] if card.name and "@" not in card.name else "them"
        self.all_button.setText(f"Show all mail with {first}")
        self.all_button.setVisible(bool(email) and not card.is_me)
        self.open_button.setVisible(not card.is_me)  # your own addresses are not a contact
        self.name.setCursor(
            Qt.CursorShape.ArrowCursor if card.is_me else Qt.CursorShape.PointingHandCursor
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        clicked = watched is self.name and event.type() == QEvent.Type.MouseButtonRelease
        if clicked and self.card is not None and not self.card.is_me:
            self._open_person()
            return True
        return super().eventFilter(watched, event)

    def _open_person(self) -> None:
        if self.card is not None:
            self.open_person.emit(self.card.id)

    def _show_all(self) -> None:
        card = self.card
        if card is not None:
            email = next((v for k, v in card.handles if k == "email"), "")
            if email:
                self.show_all.emit(email)
