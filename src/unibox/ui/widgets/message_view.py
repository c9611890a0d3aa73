"""The reading pane: header, notices, attachments and the body of one message."""

from __future__ import annotations

import html
import urllib.parse
from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QFontMetrics, QImage, QMouseEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QStackedLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from unibox.store.message_content import MessageContent
from unibox.store.view_rows import Contact
from unibox.ui.format import full_time, size_text
from unibox.ui.icons import pixmap
from unibox.ui.theme import FLAG_COLOUR
from unibox.ui.widgets.avatar import Avatar
from unibox.ui.widgets.flow_layout import FlowLayout
from unibox.ui.widgets.mail_browser import MailBrowser
from unibox.ui.widgets.sender_line import SenderLine


def _muted(widget: QWidget) -> str:
    return widget.palette().color(QPalette.ColorRole.PlaceholderText).name()


def _people(contacts: tuple[Contact, ...]) -> str:
    return ", ".join(html.escape(c.name or c.email) for c in contacts)


class _Notice(QFrame):
    """A soft bar with an icon, one sentence and optional actions."""

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


class _Chip(QFrame):
    """One attachment: click for Open / Save as…, double-click opens it.

    Signals:
        chosen(str): "open" or "save".
    """

    chosen = Signal(str)

    def __init__(self, name: str, content_type: str, size: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("Chip")
        self.name = name
        self.setToolTip(f"{name}\n{content_type}, {size_text(size)}\nClick to open or save")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 5, 10, 5)
        row.setSpacing(6)
        icon = QLabel(self)
        kind = "image" if content_type.startswith("image/") else "file"
        icon.setPixmap(pixmap(kind, self.palette().color(QPalette.ColorRole.Highlight), 16))
        label = QLabel(
            QFontMetrics(self.font()).elidedText(name, Qt.TextElideMode.ElideMiddle, 240)
        )
        size_label = QLabel(size_text(size), self)
        size_label.setObjectName("ChipSize")
        for w in (icon, label, size_label):
            row.addWidget(w)
        self.menu = QMenu(self)
        self.menu.addAction("Open", lambda: self.chosen.emit("open"))
        self.menu.addAction("Save as…", lambda: self.chosen.emit("save"))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.menu.popup(self.mapToGlobal(QPoint(0, self.height() + 2)))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.menu.hide()
        self.chosen.emit("open")


class RemoteScope:
    """Whether a message's remote images may load, and why."""

    BLOCKED = ""
    MESSAGE = "message"  # this message, once
    SENDER = "sender"  # always for this sender (the allow list in the settings)


class MessageView(QWidget):
    """Shows one MessageContent; knows nothing of the store or the network.

    What it cannot do itself it asks for with signals; the answers come back
    through add_images.

    Signals:
        link_hovered(str): the real target of the link under the mouse, "" when none.
        remote_requested(str): "message" (load this once), "sender" (always for
            this sender) or "stop" (no longer for this sender).
        images_wanted(int, list): the message id and the http(s) image URLs to
            fetch, now that they are allowed.
        inline_wanted(int): the message id whose cid: images (parts of the
            message) are wanted.
        attachment_requested(int, int, str): message id, attachment position,
            "open" or "save".
        plain_text_changed(bool): the plain-text toggle was switched.
    """

    link_hovered = Signal(str)
    remote_requested = Signal(str)
    images_wanted = Signal(int, list)
    inline_wanted = Signal(int)
    attachment_requested = Signal(int, int, str)
    plain_text_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReadingPane")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.content: MessageContent | None = None
        self.remote = RemoteScope.BLOCKED
        self.plain_text = False
        self._images: dict[str, QImage] = {}
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self._empty_page())
        self._stack.addWidget(self._message_page())

    # -- building --------------------------------------------------------------

    def _empty_page(self) -> QWidget:
        page = QWidget(self)
        col = QVBoxLayout(page)
        col.addStretch(1)
        icon = self._empty_icon = QLabel(page)
        icon.setPixmap(pixmap("mail", _muted(self), 48))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("No message selected", page)
        title.setObjectName("EmptyTitle")
        hint = QLabel("j and k move through the list · / searches · ? shows every shortcut", page)
        hint.setObjectName("Muted")
        for w in (icon, title, hint):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            col.addWidget(w)
        col.addStretch(2)
        return page

    def _message_page(self) -> QWidget:
        page = QWidget(self)
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        header = QWidget(page)
        header.setObjectName("MessageHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        hcol = QVBoxLayout(header)
        hcol.setContentsMargins(24, 20, 24, 16)
        hcol.setSpacing(12)
        self.subject = QLabel(header)
        self.subject.setObjectName("Subject")
        self.subject.setWordWrap(True)
        self.subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hcol.addWidget(self.subject)
        # Avatar | name (and address when it fits) | flag and date
        #        | the address alone, under both, when it does not fit
        #        | recipients                      | plain-text toggle
        who = QGridLayout()
        who.setHorizontalSpacing(12)
        who.setVerticalSpacing(2)
        self.avatar = Avatar(40, header)
        who.addWidget(self.avatar, 0, 0, 3, 1, Qt.AlignmentFlag.AlignTop)
        self.sender_label = SenderLine(header)
        who.addWidget(self.sender_label, 0, 1)
        who.addWidget(self.sender_label.address_line, 1, 1, 1, 2)
        self.recipients = QLabel(header)
        self.recipients.setObjectName("Muted")
        self.recipients.setWordWrap(True)
        self.recipients.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Long recipients give way (wrapped) before the date does.
        self.recipients.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.recipients.setMinimumWidth(80)
        who.addWidget(self.recipients, 2, 1, Qt.AlignmentFlag.AlignTop)
        side = QHBoxLayout()
        side.setSpacing(6)
        self.flag = QLabel(header)
        self.flag.setPixmap(pixmap("flag-filled", FLAG_COLOUR, 16))
        self.flag.setToolTip("Flagged")
        self.date = QLabel(header)
        self.date.setObjectName("DateLabel")
        self.date.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        side.addStretch(1)
        side.addWidget(self.flag)
        side.addWidget(self.date)
        who.addLayout(side, 0, 2)
        self.text_toggle = QToolButton(header)
        self.text_toggle.setObjectName("HeaderToggle")
        self.text_toggle.setText("Plain text")
        self.text_toggle.setCheckable(True)
        self.text_toggle.setToolTip("Show the plain-text version of this message (Ctrl+Shift+H)")
        self.text_toggle.toggled.connect(self.set_plain_text)
        who.addWidget(
            self.text_toggle, 2, 2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
        )
        who.setColumnStretch(1, 1)
        hcol.addLayout(who)
        self.remote_notice = _Notice("shield", header)
        self.load_once = self.remote_notice.add_action(
            "message", "Load for this message", lambda: self.remote_requested.emit("message")
        )
        self.load_always = self.remote_notice.add_action(
            "sender", "Always for this sender", lambda: self.remote_requested.emit("sender")
        )
        self.stop_always = self.remote_notice.add_action(
            "stop", "Stop for this sender", lambda: self.remote_requested.emit("stop")
        )
        self.problem_notice = _Notice("warning", header)
        hcol.addWidget(self.remote_notice)
        hcol.addWidget(self.problem_notice)
        self.attachments = QWidget(header)
        self._chips = FlowLayout(self.attachments)
        hcol.addWidget(self.attachments)
        col.addWidget(header)
        self.body = MailBrowser(page)
        col.addWidget(self.body, 1)
        self.link_target = QLabel(self.body)
        self.link_target.setObjectName("LinkTarget")
        self.link_target.hide()
        self.body.remote_blocked.connect(self._show_blocked)
        self.body.link_hovered.connect(self._show_link)
        return page

    # -- showing ---------------------------------------------------------------

    def clear(self) -> None:
        self.content = None
        self._images = {}
        self._stack.setCurrentIndex(0)

    def show_message(self, content: MessageContent, remote: str = RemoteScope.BLOCKED) -> None:
        """Show a message; `remote` says whether its remote images may load (and why)."""
        if self.content is None or self.content.id != content.id:
            self._images = {}
        self.content = content
        self.remote = remote
        self.subject.setText(content.subject or "(no subject)")
        s = content.sender
        self.sender_label.set_sender(s.name, s.email)
        self.avatar.set_person(s.name, s.email)
        lines = []
        if content.to:
            lines.append(f"To {_people(content.to)}")
        if content.cc:
            lines.append(f"Cc {_people(content.cc)}")
        self.recipients.setText(" · ".join(lines))
        self.date.setText(full_time(content.date))
        self.flag.setVisible(content.is_flagged)
        problem = ""
        if content.parse_state == "partial":
            problem = "This message could not be read completely. " + content.parse_error
        elif content.parse_state == "headers":
            problem = "Only the headers of this message have been downloaded so far."
        self.problem_notice.say(problem)
        self._set_attachments(content)
        self.link_target.hide()
        self._stack.setCurrentIndex(1)
        self.text_toggle.setVisible(bool(content.html))
        self.text_toggle.blockSignals(True)
        self.text_toggle.setChecked(self.plain_text)
        self.text_toggle.blockSignals(False)
        self._render_body()
        self.body.verticalScrollBar().setValue(0)
        if self.body.wanted:
            self.images_wanted.emit(content.id, list(self.body.wanted))
        if self.showing_html and "cid:" in content.html:
            self.inline_wanted.emit(content.id)

    @property
    def showing_html(self) -> bool:
        return self.content is not None and bool(self.content.html) and not self.plain_text

    def _render_body(self) -> None:
        content = self.content
        if content is None:
            return
        self.body.remote_allowed = self.remote != RemoteScope.BLOCKED
        if self.showing_html:
            self.body.show_html(content.html, self._images)
        else:
            self.body.show_text(content.text)
            self._show_blocked([])

    def set_plain_text(self, on: bool) -> None:
        """Show the text version instead of the HTML (of this and later messages)."""
        if on == self.plain_text:
            return
        self.plain_text = on
        self.text_toggle.blockSignals(True)
        self.text_toggle.setChecked(on)
        self.text_toggle.blockSignals(False)
        if self.content is not None:
            self._render_body()
            if self.body.wanted:
                self.images_wanted.emit(self.content.id, list(self.body.wanted))
            if self.showing_html and "cid:" in self.content.html:
                self.inline_wanted.emit(self.content.id)
        self.plain_text_changed.emit(on)

    def allow_remote(self, scope: str) -> None:
        """Remote images of the shown message may load now (or no longer, with BLOCKED)."""
        if self.content is None or scope == self.remote:
            return
        self.remote = scope
        position = self.body.verticalScrollBar().value()
        self._render_body()
        self.body.verticalScrollBar().setValue(position)
        if self.body.wanted:
            self.images_wanted.emit(self.content.id, list(self.body.wanted))

    def add_images(self, message_id: int, images: dict[str, QImage]) -> None:
        """Images (by URL) for a message; dropped unless it is still the one shown."""
        if self.content is None or self.content.id != message_id or not images:
            return
        self._images.update(images)
        if self.showing_html:
            self.body.set_images(images)

    def _set_attachments(self, content: MessageContent) -> None:
        while self._chips.count():
            item = self._chips.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.chips: list[_Chip] = []
        for position, (name, content_type, size) in enumerate(content.attachments):
            chip = _Chip(name, content_type, size, self.attachments)
            chip.chosen.connect(
                lambda action, n=position, mid=content.id: self.attachment_requested.emit(
                    mid, n, action
                )
            )
            self.chips.append(chip)
            self._chips.addWidget(chip)
        self.attachments.setVisible(bool(content.attachments))

    def _show_blocked(self, urls: list[str]) -> None:
        remote = [u for u in urls if u.lower().startswith(("http:", "https:", "//"))]
        if self.remote == RemoteScope.SENDER and self.showing_html and self.body.wanted:
            self.remote_notice.say(
                "Remote images are shown because you allowed them for this sender.", ("stop",)
            )
            return
        if not urls:
            self.remote_notice.say("")
            return
        hosts = list(dict.fromkeys(urllib.parse.urlsplit(u).hostname or u[:40] for u in urls))
        if len(hosts) > 2:
            where = f"{hosts[0]}, {hosts[1]} and {len(hosts) - 2} more"
        else:
            where = " and ".join(hosts)
        things = "1 remote image was" if len(urls) == 1 else f"{len(urls)} remote images were"
        can_load = bool(remote) and self.remote == RemoteScope.BLOCKED
        self.remote_notice.say(
            f"<b>Remote content blocked.</b> {things} not loaded from {html.escape(where)}, "
            "so the sender cannot see that you opened this message.",
            ("message", "sender") if can_load else (),
        )

    def _show_link(self, href: str, claimed: str) -> None:
        self.link_hovered.emit(href)
        if not href:
            self.link_target.hide()
            return
        warning = bool(claimed)
        prefix = ""
        if warning:
            real = urllib.parse.urlsplit(href).hostname or href
            prefix = f"⚠ This link goes to {real}, not {claimed}:  "
        self.link_target.setProperty("warning", warning)
        self.link_target.style().unpolish(self.link_target)
        self.link_target.style().polish(self.link_target)
        metrics = QFontMetrics(self.link_target.font())
        room = max(80, self.body.width() - 56 - metrics.horizontalAdvance(prefix))
        url = metrics.elidedText(href, Qt.TextElideMode.ElideMiddle, room)
        self.link_target.setText(prefix + url)
        self._place_link_target()
        self.link_target.show()
        self.link_target.raise_()

    def _place_link_target(self) -> None:
        self.link_target.adjustSize()
        y = self.body.height() - self.link_target.height() - 8
        self.link_target.move(8, max(0, y))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # the desktop switched light/dark
            self._empty_icon.setPixmap(pixmap("mail", _muted(self), 48))
            self.remote_notice.recolour()
            self.problem_notice.recolour()
            if self.content is not None:
                self.show_message(self.content)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.link_target.isVisible():
            self._place_link_target()
