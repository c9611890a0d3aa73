"""A QTextBrowser for mail bodies that never loads anything from outside the message."""

from __future__ import annotations

import base64
import html
import re
import urllib.parse
from typing import Any

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QImage, QMouseEvent, QPalette, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from unibox.core.spoofing import link_mismatch

MAX_DATA_IMAGE = 2 * 1024 * 1024
_URL = re.compile(r"\b(?:https?://|mailto:|www\.)[^\s<>\"'()]+[^\s<>\"'().,;:!?]", re.IGNORECASE)
# Where HTML names a resource to fetch: scanned up front so the notice is right
# before anything is painted (Qt asks for sized images only when it paints them).
_RESOURCE = re.compile(
    r"""\b(?:src|background|poster)\s*=\s*["']?\s*((?:[a-z][a-z0-9+.-]*:|//)[^"'\s>]*)""",
    re.IGNORECASE,
)
# Qt draws a <br> that ends a block as an extra line, where browsers draw nothing
# (and an empty line for a block holding only <br>): webmail HTML is full of both.
_EMPTY_BLOCK = re.compile(r"<(div|p)(\s[^>]*)?>\s*<br\s*/?>\s*</\1>", re.IGNORECASE)
_TRAILING_BR = re.compile(r"<br\s*/?>\s*(?=</(?:div|p|li|td|th|blockquote|h[1-6])>)", re.IGNORECASE)


def qt_friendly(markup: str) -> str:
    """HTML laid out by Qt the way a browser lays it out (line breaks at block ends)."""
    markup = _EMPTY_BLOCK.sub(
        lambda m: f"<{m.group(1)}{m.group(2) or ''}>&nbsp;</{m.group(1)}>", markup
    )
    return _TRAILING_BR.sub("", markup)


def text_to_html(text: str, muted: str, rule: str) -> str:
    """Plain text as HTML: links made clickable, quotes and the signature set apart."""

    def linked(line: str) -> str:
        out, last = [], 0
        for m in _URL.finditer(line):
            url = m.group(0)
            target = url if "://" in url or url.lower().startswith("mailto:") else "https://" + url
            out.append(html.escape(line[last : m.start()]))
            out.append(f'<a href="{html.escape(target)}">{html.escape(url)}</a>')
            last = m.end()
        out.append(html.escape(line[last:]))
        return "".join(out)

    blocks: list[str] = []
    run: list[str] = []
    quoted = False
    signature = False

    def flush() -> None:
        if not run:
            return
        body = "<br>".join(run)
        if quoted:
            blocks.append(
                '<table cellspacing="0" cellpadding="0" style="margin: 6px 0"><tr>'
                f'<td style="border-left: 3px solid {rule}; padding-left: 12px; color: {muted}">'
                f"{body}</td></tr></table>"
            )
        elif signature:
            blocks.append(f'<p style="color: {muted}">{body}</p>')
        else:
            blocks.append(f"<p>{body}</p>")
        run.clear()

    for line in text.replace("\r\n", "\n").split("\n"):
        is_quote = line.startswith(">")
        if line.rstrip() == "--" or line == "-- ":
            flush()
            signature = True
        if is_quote != quoted:
            flush()
            quoted = is_quote
        if is_quote:
            line = line.lstrip(">").removeprefix(" ")
        if not line.strip() and not quoted:
            flush()
            continue
        run.append(linked(line).replace("  ", "&nbsp; "))
    flush()
    return "<html><body>" + "".join(blocks) + "</body></html>"


class MailBrowser(QTextBrowser):
    """Shows sanitized HTML or plain text; remote (and local file) resources are refused.

    Only images inside the message are drawn: data: URLs, and whatever the
    reading pane hands over with set_images (cid: parts of the message, and
    remote images once the person allowed them, fetched elsewhere). This
    widget itself never touches the network. Every refused resource is
    counted, so the reading pane can say what was blocked.

    Attributes:
        remote_allowed: set before show_html; http(s) images are then
            "wanted" (listed for the pane to fetch) instead of blocked.
        wanted: the http(s) URLs of the shown HTML, when remote_allowed.

    Signals:
        remote_blocked(list): the distinct URLs refused so far for this message.
        link_hovered(str, str): the real target under the mouse and the host its
            text claims when that differs ("" and "" when leaving a link).
    """

    remote_blocked = Signal(list)
    link_hovered = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MessageBody")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setReadOnly(True)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.document().setDocumentMargin(24)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() + 1)
        self.setFont(font)
        self.anchorClicked.connect(self._open)
        self.setMouseTracking(True)
        self.blocked: list[str] = []
        self.wanted: list[str] = []
        self.remote_allowed = False
        self._images: dict[str, QImage] = {}
        self._markup = ""
        self._blank: QImage | None = None
        self._hover = ""
        self._announce = QTimer(self)
        self._announce.setSingleShot(True)
        self._announce.setInterval(0)
        self._announce.timeout.connect(lambda: self.remote_blocked.emit(list(self.blocked)))

    # -- content ---------------------------------------------------------------

    def _style(self) -> str:
        p = self.palette()
        text = p.color(QPalette.ColorRole.Text).name()
        link = p.color(QPalette.ColorRole.Link).name()
        return (
            f"body {{ color: {text}; line-height: 135%; }}"
            f"a {{ color: {link}; text-decoration: none; }}"
            "p { margin-top: 0; margin-bottom: 12px; }"
        )

    def show_html(self, markup: str, images: dict[str, QImage] | None = None) -> None:
        """A new body; `images` by URL (cid:…, or allowed http(s) ones) replace earlier ones."""
        found = [
            html.unescape(m.group(1))
            for m in _RESOURCE.finditer(markup)
            if not m.group(1).lower().startswith(("data:", "cid:"))
        ]
        found = list(dict.fromkeys(found))
        remote = [u for u in found if self.remote_allowed and _is_http(u)]
        self.wanted = remote
        self.blocked = [u for u in found if u not in remote]
        self._images = dict(images or {})
        self._markup = markup
        self.document().setDefaultStyleSheet(self._style())
        self.setHtml(qt_friendly(markup))
        self.remote_blocked.emit(list(self.blocked))

    def deceptive_links(self, limit: int = 3) -> list[tuple[str, str]]:
        """(claimed host, real target) of links whose text names another host than
        the one they go to, in document order, at most `limit` distinct ones."""
        found: dict[tuple[str, str], None] = {}
        block = self.document().begin()
        while block.isValid() and len(found) < limit:
            texts: dict[str, list[str]] = {}
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                href = fragment.charFormat().anchorHref()
                if href:
                    texts.setdefault(href, []).append(fragment.text())
                it += 1
            for href, parts in texts.items():
                claimed = link_mismatch(href, "".join(parts))
                if claimed:
                    found[(claimed, href)] = None
            block = block.next()
        return list(found)[:limit]

    def set_images(self, images: dict[str, QImage]) -> None:
        """Images arrived for the shown body (by URL): lay it out again with them."""
        if not images:
            return
        self._images.update(images)
        bar = self.verticalScrollBar()
        position = bar.value()
        self.document().setDefaultStyleSheet(self._style())
        self.setHtml(qt_friendly(self._markup))
        bar.setValue(position)

    def show_text(self, text: str) -> None:
        p = self.palette()
        muted = p.color(QPalette.ColorRole.PlaceholderText).name()
        rule = p.color(QPalette.ColorRole.Mid).name()
        self.show_html(text_to_html(text, muted, rule))

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        """The only way a document gets images or style sheets: nothing from outside."""
        name = QUrl(name)
        scheme = name.scheme().lower()
        image_kind = kind == QTextDocument.ResourceType.ImageResource.value
        url = name.toString()
        if image_kind and url in self._images:
            return self._images[url]
        if scheme == "data" and image_kind:
            return _data_image(url)
        allowed = self.remote_allowed and scheme in ("http", "https") and image_kind
        if allowed and url not in self.wanted:
            self.wanted.append(url)
        # cid: is a part of this message, never remote
        if scheme != "cid" and not allowed and url not in self.blocked:
            self.blocked.append(url)
            self._announce.start()
        if kind == QTextDocument.ResourceType.ImageResource.value:
            return self._placeholder()  # a quiet box where the image would be
        return None

    def _placeholder(self) -> QImage:
        if self._blank is None:  # neutral, so it suits light mail in a dark window too
            self._blank = QImage(1, 1, QImage.Format.Format_ARGB32)
            self._blank.fill(QColor(128, 128, 128, 46))
        return self._blank

    # -- links -----------------------------------------------------------------

    def _open(self, url: QUrl) -> None:
        if url.scheme().lower() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        pos = event.position().toPoint()
        href = self.anchorAt(pos)
        if href == self._hover:
            return
        self._hover = href
        claimed = link_mismatch(href, self._anchor_text(pos, href)) if href else ""
        self.link_hovered.emit(href, claimed)

    def leaveEvent(self, event: Any) -> None:
        super().leaveEvent(event)
        if self._hover:
            self._hover = ""
            self.link_hovered.emit("", "")

    def _anchor_text(self, pos: Any, href: str) -> str:
        block = self.cursorForPosition(pos).block()
        parts = []
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref() == href:
                parts.append(fragment.text())
            it += 1
        return "".join(parts)


def _is_http(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _data_image(url: str) -> QImage | None:
    head, _, payload = url.partition(",")
    if not head.lower().startswith("data:image/") or len(payload) > MAX_DATA_IMAGE * 4 // 3:
        return None
    if "svg" in head.lower():  # an SVG is a document: its <image href> makes Qt read files
        return None
    try:
        data = (
            base64.b64decode(payload)
            if head.lower().endswith(";base64")
            else urllib.parse.unquote_to_bytes(payload)
        )
    except ValueError:
        return None
    image = QImage()
    return image if image.loadFromData(data) else None
