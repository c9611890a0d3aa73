"""The reading pane: header, notices, attachments and the body of one message."""

from __future__ import annotations

import html
import urllib.parse

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFontMetrics, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from unibox.store.views import Contact, MessageContent
from unibox.ui.format import full_time, size_text
from unibox.ui.icons import pixmap
from unibox.ui.theme import FLAG_COLOUR
from unibox.ui.widgets.avatar import Avatar
from unibox.ui.widgets.flow_layout import FlowLayout
from unibox.ui.widgets.mail_browser import MailBrowser


def _muted(widget: QWidget) -> str:
    return widget.palette().color(QPalette.ColorRole.PlaceholderText).name()


def _people(contacts: tuple[Contact, ...]) -> str:
    return ", ".join(html.escape(c.name or c.email) for c in contacts)


class _Notice(QFrame):
    """A soft bar with an icon and one sentence."""

    def __init__(self, icon_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("NoticeBar")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.setSpacing(8)
        self.icon_name = icon_name
        self.icon = QLabel(self)
        self.recolour()
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.label, 1)
        self.hide()

    def recolour(self) -> None:
        colour = self.palette().color(QPalette.ColorRole.Shadow)
        self.icon.setPixmap(pixmap(self.icon_name, colour, 16))

    def say(self, text: str) -> None:
        self.label.setText(text)
        self.setVisible(bool(text))


def _chip(name: str, content_type: str, size: int, parent: QWidget) -> QFrame:
    chip = QFrame(parent)
    chip.setObjectName("Chip")
    chip.setToolTip(f"{name}\n{content_type}, {size_text(size)}")
    row = QHBoxLayout(chip)
    row.setContentsMargins(8, 5, 10, 5)
    row.setSpacing(6)
    icon = QLabel(chip)
    kind = "image" if content_type.startswith("image/") else "file"
    icon.setPixmap(pixmap(kind, chip.palette().color(QPalette.ColorRole.Highlight), 16))
    label = QLabel(QFontMetrics(chip.font()).elidedText(name, Qt.TextElideMode.ElideMiddle, 240))
    size_label = QLabel(size_text(size), chip)
    size_label.setObjectName("ChipSize")
    for w in (icon, label, size_label):
        row.addWidget(w)
    return chip


class MessageView(QWidget):
    """Shows one MessageContent; knows nothing of the store.

    Signals:
        link_hovered(str): the real target of the link under the mouse, "" when none.
    """

    link_hovered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReadingPane")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self._empty_page())
        self._stack.addWidget(self._message_page())
        self.content: MessageContent | None = None

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
        who = QHBoxLayout()
        who.setSpacing(12)
        self.avatar = Avatar(40, header)
        who.addWidget(self.avatar, 0, Qt.AlignmentFlag.AlignTop)
        names = QVBoxLayout()
        names.setSpacing(2)
        self.sender_label = QLabel(header)
        self.sender_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.recipients = QLabel(header)
        self.recipients.setObjectName("Muted")
        self.recipients.setWordWrap(True)
        self.recipients.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        names.addWidget(self.sender_label)
        names.addWidget(self.recipients)
        who.addLayout(names, 1)
        side = QHBoxLayout()
        side.setSpacing(6)
        self.flag = QLabel(header)
        self.flag.setPixmap(pixmap("flag-filled", FLAG_COLOUR, 16))
        self.flag.setToolTip("Flagged")
        self.date = QLabel(header)
        self.date.setObjectName("DateLabel")
        side.addWidget(self.flag)
        side.addWidget(self.date)
        who.addLayout(side)
        who.setAlignment(side, Qt.AlignmentFlag.AlignTop)
        hcol.addLayout(who)
        self.remote_notice = _Notice("shield", header)
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
        self._stack.setCurrentIndex(0)

    def show_message(self, content: MessageContent) -> None:
        self.content = content
        self.subject.setText(content.subject or "(no subject)")
        s = content.sender
        muted = _muted(self)
        name = html.escape(s.name or s.email)
        address = f' <span style="color:{muted}">&lt;{html.escape(s.email)}&gt;</span>'
        self.sender_label.setText(f"<b>{name}</b>{address if s.name else ''}")
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
        if content.html:
            self.body.show_html(content.html)
        else:
            self.body.show_text(content.text)
        self.body.verticalScrollBar().setValue(0)

    def _set_attachments(self, content: MessageContent) -> None:
        while self._chips.count():
            item = self._chips.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for name, content_type, size in content.attachments:
            self._chips.addWidget(_chip(name, content_type, size, self.attachments))
        self.attachments.setVisible(bool(content.attachments))

    def _show_blocked(self, urls: list[str]) -> None:
        if not urls:
            self.remote_notice.say("")
            return
        hosts = list(dict.fromkeys(urllib.parse.urlsplit(u).hostname or u[:40] for u in urls))
        where = ", ".join(hosts[:2]) + (f" and {len(hosts) - 2} more" if len(hosts) > 2 else "")
        things = "1 remote image was" if len(urls) == 1 else f"{len(urls)} remote images were"
        self.remote_notice.say(
            f"<b>Remote content blocked.</b> {things} not loaded from {html.escape(where)}, "
            "so the sender cannot see that you opened this message."
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
