"""Hostile HTML makes no request and runs no script: in the reading pane, in reply and forward.

Every vector of tests/ui/hostile_html.py at once, against a loopback listener
that counts what it is asked for. The reading pane is tested through the store
(sanitizer and viewer) and the viewer alone with HTML that skipped the
sanitizer; replies and forwards are opened from the pane with the keys a
person uses, and the forward is sent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from sqlalchemy import update

from tests.ui.hostile import counting_server, ingest_raw
from tests.ui.hostile_html import hostile_page, vectors
from tests.ui.test_compose import items, opened, raw, send_with_keys, show_message
from unibox.store.message_content import MessageContent
from unibox.store.schema import Account
from unibox.store.store import Store
from unibox.store.view_rows import Contact
from unibox.ui.main_window import MainWindow
from unibox.ui.widgets.message_view import MessageView


def _settle(qtbot: Any, widget: Any) -> None:
    """Lay out and paint, twice, and give any request time to arrive."""
    for _ in range(2):
        widget.grab()
        qtbot.wait(200)


def _mail(page: str) -> bytes:
    return (
        b"From: Billing <billing@hostwell.example>\r\nTo: mira@castell-studio.example\r\n"
        b"Subject: Every trick in one invoice\r\nMessage-ID: <tricks@hostwell.example>\r\n"
        b"Date: Fri, 14 Mar 2025 09:26:00 +0000\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n" + page.encode()
    )


def test_there_are_many_vectors() -> None:
    with counting_server() as server:
        assert len(vectors(server)) >= 45


def test_every_vector_in_the_reading_pane_makes_no_request(qtbot: Any, window: MainWindow) -> None:
    with counting_server() as server:
        (mid,) = ingest_raw(window, _mail(hostile_page(server)), uid=930).messages_added
        show_message(qtbot, window, mid)
        view = window.message_view
        assert view.showing_html
        _settle(qtbot, window)
        assert "readableword" in view.body.toPlainText()
        # The plain-text version, too, is made from the same hostile body.
        view.set_plain_text(True)
        _settle(qtbot, window)
        view.set_plain_text(False)
        _settle(qtbot, window)
        assert server.requests == []
    assert view.header.remote_notice.isVisible()


def test_every_vector_unsanitized_in_the_viewer_makes_no_request(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The viewer's own refusal, for HTML that somehow skipped the sanitizer."""
    opened_urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened_urls.append(url.toString()))
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    with counting_server() as server:
        content = MessageContent(
            id=1,
            subject="Unsanitized",
            sender=Contact("Billing", "billing@hostwell.example"),
            to=(Contact("Mira Castell", "mira@castell-studio.example"),),
            cc=(),
            date=datetime(2025, 3, 14, 9, 0, tzinfo=UTC),
            text="readableword",
            html=hostile_page(server),
            attachments=(),
            parse_state="complete",
            parse_error="",
            is_flagged=False,
        )
        view.show_message(content)
        _settle(qtbot, view)
        # A javascript: or data: link clicked opens nothing; a web link goes to the browser.
        for href in ("javascript:new Image().src='/x'", "data:text/html,<script>", "file:///etc"):
            view.body.anchorClicked.emit(QUrl(href))
        view.body.anchorClicked.emit(QUrl("https://example.org/"))
        _settle(qtbot, view)
        assert opened_urls == ["https://example.org/"]
        assert server.requests == []
        assert server.url("/img") in view.body.blocked


@pytest.fixture
def sending(window: MainWindow, demo_store: Store) -> list[str]:
    """The demo account made a sending one (the engine's delivery is recorded, not run)."""
    with demo_store.write() as s:
        s.execute(update(Account).values(kind="imap"))
    calls: list[str] = []
    window.composer.deliverer = lambda: calls.append
    return calls


@pytest.mark.parametrize("key", ["r", "a", "f"])
def test_reply_and_forward_of_hostile_html_make_no_request(
    qtbot: Any, window: MainWindow, demo_store: Store, sending: list[str], key: str
) -> None:
    with counting_server() as server:
        (mid,) = ingest_raw(window, _mail(hostile_page(server)), uid=931).messages_added
        show_message(qtbot, window, mid)
        compose = opened(qtbot, window.composer, lambda: qtbot.keyClick(window.message_list, key))
        _settle(qtbot, compose)
        body = compose.body.toPlainText()
        assert "readableword" in body  # the text is quoted or forwarded …
        assert "<script" not in body and "new Image()" not in body  # … never the code
        assert "127.0.0.1" not in body
        if not compose.fields.to.text():
            compose.fields.to.setText("ann@example.org")
        before = len(items(demo_store))
        item = send_with_keys(qtbot, compose, demo_store)
        _settle(qtbot, window)
        assert server.requests == []
    assert len(items(demo_store)) == before + 1
    sent = raw(demo_store, item.id)
    text = sent.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "readableword" in text and "<script" not in text and "new Image()" not in text
    assert sent.get_body(("html",)) is None or "script" not in str(sent.get_body(("html",)))
