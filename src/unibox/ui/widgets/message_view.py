"""The reading pane: one message's header above its body, or a hint when none is selected."""

from __future__ import annotations

import urllib.parse

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QImage, QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QStackedLayout, QVBoxLayout, QWidget

from unibox.core.spoofing import sender_warnings
from unibox.store.message_content import MessageContent
from unibox.ui.icons import pixmap
from unibox.ui.widgets.link_target import LinkTarget
from unibox.ui.widgets.mail_browser import MailBrowser
from unibox.ui.widgets.message_header import MessageHeader
from unibox.ui.widgets.remote_notice import RemoteScope


def _muted(widget: QWidget) -> str:
    return widget.palette().color(QPalette.ColorRole.PlaceholderText).name()


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
        invitation_answered(str, str): an event's UID and the answer chosen on its
            invitation card ("accept", "tentative" or "decline").
    """

    link_hovered = Signal(str)
    remote_requested = Signal(str)
    images_wanted = Signal(int, list)
    inline_wanted = Signal(int)
    attachment_requested = Signal(int, int, str)
    plain_text_changed = Signal(bool)
    invitation_answered = Signal(str, str)

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
        self.header = MessageHeader(page)
        self.header.text_toggle.toggled.connect(self.set_plain_text)
        self.header.remote_notice.requested.connect(self.remote_requested)
        self.header.attachments.requested.connect(self.attachment_requested)
        self.header.invitation.answered.connect(self.invitation_answered)
        col.addWidget(self.header)
        self.body = MailBrowser(page)
        col.addWidget(self.body, 1)
        self.link_target = LinkTarget(self.body)
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
        self.header.show_message(content)
        self.link_target.hide()
        self._stack.setCurrentIndex(1)
        toggle = self.header.text_toggle
        toggle.setVisible(bool(content.html))
        toggle.blockSignals(True)
        toggle.setChecked(self.plain_text)
        toggle.blockSignals(False)
        self._render_body()
        self._show_warnings()
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

    def _show_warnings(self) -> None:
        content = self.content
        if content is None:
            return
        warnings = sender_warnings(content.sender.name, content.sender.email)
        if self.showing_html and "href" in content.html:
            for claimed, href in self.body.deceptive_links():
                real = urllib.parse.urlsplit(href).hostname or href
                warnings.append(f"A link in this message says {claimed} but goes to {real}.")
        self.header.spoof_notice.say(" ".join(warnings))

    def set_plain_text(self, on: bool) -> None:
        """Show the text version instead of the HTML (of this and later messages)."""
        if on == self.plain_text:
            return
        self.plain_text = on
        toggle = self.header.text_toggle
        toggle.blockSignals(True)
        toggle.setChecked(on)
        toggle.blockSignals(False)
        if self.content is not None:
            self._render_body()
            self._show_warnings()
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

    def _show_blocked(self, urls: list[str]) -> None:
        shown = self.showing_html and bool(self.body.wanted)
        self.header.remote_notice.show_blocked(urls, self.remote, sender_images_shown=shown)

    def _show_link(self, href: str, claimed: str) -> None:
        self.link_hovered.emit(href)
        self.link_target.show_link(href, claimed)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # the desktop switched light/dark
            self._empty_icon.setPixmap(pixmap("mail", _muted(self), 48))
            self.header.recolour()
            if self.content is not None:
                self.show_message(self.content)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.link_target.isVisible():
            self.link_target.place()
