"""The lines of a chat as bubbles: the user's on the right, theirs on the left, by day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from unibox.store.chat_view import ChatLine
from unibox.ui.icons import pixmap
from unibox.ui.widgets.chat_media import BubbleMedia, caption

# Lines of one sender this close together share a bubble group (one name above them).
GROUP_GAP = timedelta(minutes=5)


def day_title(day: date, today: date) -> str:
    """Today, Yesterday, a weekday this week, else the date."""
    if day == today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    if today - day < timedelta(days=7):
        return f"{day:%A}"
    return (
        f"{day:%A} {day.day} {day:%B %Y}"
        if day.year != today.year
        else f"{day:%A} {day.day} {day:%B}"
    )


# How an end-to-end encrypted line's sender device stands (ChatLine.e2e), for its lock.
E2E_TIPS = {
    "verified": "End-to-end encrypted, from a verified device.",
    "tofu": "End-to-end encrypted. The sender's device is trusted on first use: it is the one "
    "unibox first saw for them, not verified.",
    "changed": "End-to-end encrypted, but the keys of the sender's device changed since unibox "
    "first saw it: it is not trusted. Check with them another way.",
    "unknown": "End-to-end encrypted, from a device unibox has not seen yet: not trusted.",
    "own": "End-to-end encrypted, sent from this device.",
    "unreadable": "Encrypted in a way unibox cannot read.",
    "undecrypted": "End-to-end encrypted, and not decrypted yet: its key has not arrived. It is "
    "decrypted when the key comes (or import a room-key export in Settings › Accounts).",
}
E2E_WARN = ("changed", "unknown")
WARN_COLOUR = "#d9822b"
MUTED_COLOUR = "#6b7383"  # readable on both bubble colours, light and dark


def delivery_text(line: ChatLine) -> str:
    """Where the user's own line stands: nothing once sent."""
    if line.delivery == "queued":
        return "Sending…"
    if line.delivery == "failed":
        return f"Not sent: {line.error}" if line.error else "Not sent"
    return ""


class Bubble(QFrame):
    """One line of a chat: its text, its time and, for the user's own, how it was delivered.

    Attributes:
        line: the ChatLine shown.
        mine: whether the user wrote it (drawn on the right).
    """

    def __init__(self, line: ChatLine, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = line
        self.mine = line.outgoing
        self.setObjectName("BubbleMine" if self.mine else "Bubble")
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        col = QVBoxLayout(self)
        col.setContentsMargins(12, 7, 12, 6)
        col.setSpacing(2)
        if name:
            sender = QLabel(name, self)
            sender.setObjectName("BubbleSender")
            col.addWidget(sender)
        self.media: BubbleMedia | None = None
        if line.attachments:
            self.media = BubbleMedia(line.attachments, self)
            col.addWidget(self.media)
        self.shown_text = caption(line.text, line.attachments)
        self.text = QLabel(self)
        self.text.setObjectName("BubbleText")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setText(self.shown_text)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setVisible(bool(self.shown_text))
        col.addWidget(self.text)
        local = line.sent_at.astimezone()
        status = delivery_text(line)
        self.when = QLabel(" · ".join(p for p in (f"{local:%H:%M}", status) if p), self)
        self.when.setObjectName("BubbleFailed" if line.delivery == "failed" else "BubbleTime")
        self.when.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.lock: QLabel | None = None
        if line.e2e:
            self.lock = self._lock(line.e2e)
            footer = QHBoxLayout()
            footer.setSpacing(4)
            footer.addStretch(1)
            footer.addWidget(self.lock)
            footer.addWidget(self.when)
            col.addLayout(footer)
        else:
            col.addWidget(self.when)
        self.setToolTip(f"{local:%A %d %B %Y, %H:%M}")

    def _lock(self, state: str) -> QLabel:
        """The small lock of an encrypted line; its tooltip says how far it is trusted."""
        lock = QLabel(self)
        lock.setObjectName("BubbleLock")
        warn = state in E2E_WARN
        colour = QColor(WARN_COLOUR if warn else MUTED_COLOUR)
        lock.setPixmap(pixmap("warning" if warn else "lock", colour, 12))
        tip = E2E_TIPS.get(state, "End-to-end encrypted.")
        lock.setToolTip(tip)
        lock.setAccessibleName(tip)
        return lock

    def fit(self, width: int) -> None:
        """At most `width` wide; a short line keeps to one line, a long one wraps at it."""
        room = max(40, width - 24)
        metrics = self.text.fontMetrics()
        lines = self.shown_text.splitlines()
        widest = max((metrics.horizontalAdvance(t) for t in lines), default=0)
        if self.media is not None:
            widest = max(widest, self.media.widest())
        self.text.setFixedWidth(min(room, widest + 4))
        self.setMaximumWidth(width)


class ChatLines(QWidget):
    """A chat's lines, oldest at the top and newest at the bottom, with a title for each day.

    Signals:
        attachment_requested(int, int, str, str): message id, attachment position, its
            file name, and "open" or "save".
    """

    attachment_requested = Signal(int, int, str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ChatLines")
        self._col = QVBoxLayout(self)
        self._col.setContentsMargins(16, 12, 16, 12)
        self._col.setSpacing(3)
        self._col.addStretch(1)  # a short chat sits at the bottom, above the reply box
        self.bubbles: list[Bubble] = []
        self.days: list[QLabel] = []
        self._rows: list[QWidget] = []
        self.bubble_width = 420

    def set_top(self, widget: QWidget) -> None:
        """A widget above the first line (the way to earlier lines)."""
        self._col.insertWidget(1, widget, 0, Qt.AlignmentFlag.AlignHCenter)

    def show_lines(self, lines: tuple[ChatLine, ...], group: bool, now: datetime) -> None:
        for row in self._rows:
            row.deleteLater()
        self._rows, self.bubbles, self.days = [], [], []
        today = now.astimezone().date()
        previous: ChatLine | None = None
        for line in lines:
            day = line.sent_at.astimezone().date()
            if previous is None or previous.sent_at.astimezone().date() != day:
                title = QLabel(day_title(day, today), self)
                title.setObjectName("ChatDay")
                title.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self._add(title, gap=10)
                self.days.append(title)
                previous = None
            follows = (
                previous is not None
                and previous.outgoing == line.outgoing
                and previous.sender_address == line.sender_address
                and line.sent_at - previous.sent_at < GROUP_GAP
            )
            name = line.sender_name if group and not line.outgoing and not follows else ""
            self._add_bubble(Bubble(line, name, self), gap=0 if follows else 5)
            previous = line

    def _add(self, widget: QWidget, gap: int) -> None:
        widget.setContentsMargins(0, gap, 0, 0)
        self._col.addWidget(widget)
        self._rows.append(widget)

    def _add_bubble(self, bubble: Bubble, gap: int) -> None:
        if bubble.media is not None:
            names = {a.position: a.filename for a in bubble.line.attachments}
            bubble.media.requested.connect(
                lambda pos, action, mid=bubble.line.id: self.attachment_requested.emit(
                    mid, pos, names.get(pos, ""), action
                )
            )
        row = QWidget(self)
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        bubble.fit(self.bubble_width)
        if bubble.mine:
            box.addStretch(1)
        box.addWidget(bubble)
        if not bubble.mine:
            box.addStretch(1)
        self.bubbles.append(bubble)
        self._add(row, gap)

    def set_picture(self, message_id: int, position: int, image: QImage | str) -> None:
        """The picture of a line's image, or why it cannot be shown."""
        for bubble in self.bubbles:
            media = bubble.media
            if bubble.line.id != message_id or media is None or media.picture is None:
                continue
            if media.picture_position != position:
                continue
            if isinstance(image, QImage):
                media.picture.show_image(image)
            else:
                media.picture.show_problem(image)
            bubble.fit(self.bubble_width)

    def set_bubble_width(self, width: int) -> None:
        """Bubbles take at most this much of the line (about 70% of the pane)."""
        self.bubble_width = width
        for bubble in self.bubbles:
            bubble.fit(width)
