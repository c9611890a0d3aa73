"""Showing hostile mail fetches nothing; links show where they really go."""

from __future__ import annotations

import urllib.request
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QTextCursor
from PySide6.QtWidgets import QApplication

from tests.ui.hostile import CountingServer, counting_server, ingest_raw
from unibox.store.message_content import MessageContent
from unibox.store.view_rows import Contact
from unibox.ui.main_window import MainWindow
from unibox.ui.models.message_list import Role
from unibox.ui.widgets.message_view import MessageView


def _hostile_html(server: CountingServer) -> str:
    u = server.url
    return f"""<html><head>
<link rel="stylesheet" href="{u("/style.css")}">
<style>@import url("{u("/import.css")}"); body {{ background: url({u("/bg.png")}) }}</style>
</head><body background="{u("/body-bg.png")}">
<p>Hello Mira, your invoice is ready.</p>
<img src="{u("/pixel")}" width="1" height="1">
<img src="//127.0.0.1:{server.port}/protocol-relative.png">
<img src="file:///etc/hostname">
<table background="{u("/table-bg.png")}"><tr><td background="{u("/td.png")}">cell</td></tr></table>
<img srcset="{u("/srcset.png")} 2x" src="{u("/with-srcset.png")}">
<input type="image" src="{u("/input.png")}">
<video poster="{u("/poster.png")}"></video>
<a href="{u("/click")}">a link is not a request until clicked</a>
</body></html>"""


def _settle(qtbot: Any, widget: Any) -> None:
    """Lay out and paint, twice, and give any request time to arrive."""
    for _ in range(2):
        widget.grab()
        qtbot.wait(150)


def test_the_counting_server_counts() -> None:
    with counting_server() as server:
        with urllib.request.urlopen(server.url("/control"), timeout=5) as reply:
            reply.read()
        assert server.requests == ["/control"]


def test_hostile_mail_through_the_store_makes_no_request(qtbot: Any, window: MainWindow) -> None:
    with counting_server() as server:
        body = _hostile_html(server).encode()
        raw = (
            b"From: Tracker <news@tracker.example>\r\nTo: mira@castell-studio.example\r\n"
            b"Subject: Your invoice is ready\r\nMessage-ID: <hostile@tracker.example>\r\n"
            b"Date: Fri, 14 Mar 2025 09:25:00 +0000\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: text/html; charset=utf-8\r\n\r\n" + body
        )
        changes = ingest_raw(window, raw, uid=901)
        (mid,) = changes.messages_added
        qtbot.waitUntil(lambda: window.messages.row_of(mid) is not None, timeout=15_000)
        row = window.messages.row_of(mid)
        assert row is not None
        window.message_list.select_row(row)
        qtbot.waitUntil(
            lambda: (
                window.message_view.content is not None and window.message_view.content.id == mid
            ),
            timeout=15_000,
        )
        assert window.message_list.currentIndex().data(Role.MESSAGE_ID) == mid
        _settle(qtbot, window)
        assert server.requests == []
        notice = window.message_view.header.remote_notice
        assert notice.isVisible()
        assert "Remote content blocked" in notice.label.text()
        assert "127.0.0.1" in notice.label.text()


def test_the_viewer_alone_refuses_unsanitized_html(qtbot: Any) -> None:
    """The second line of defence: even HTML that skipped the sanitizer fetches nothing."""
    view = MessageView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    with counting_server() as server:
        content = MessageContent(
            id=1,
            subject="Unsanitized",
            sender=Contact("Tracker", "news@tracker.example"),
            to=(Contact("Mira Castell", "mira@castell-studio.example"),),
            cc=(),
            date=datetime(2025, 3, 14, 9, 0, tzinfo=UTC),
            text="",
            html=_hostile_html(server),
            attachments=(("invoice.pdf", "application/pdf", 48_213),),
            parse_state="complete",
            parse_error="",
            is_flagged=True,
        )
        view.show_message(content)
        _settle(qtbot, view)
        blocked = view.body.blocked
        assert server.requests == []
    assert server.url("/pixel") in blocked
    assert "file:///etc/hostname" in blocked
    assert view.header.remote_notice.isVisible()
    assert view.header.attachments.isVisible()
    assert view.header.flag.isVisible()


def _anchor_point(view: MessageView, needle: str) -> QPointF:
    doc = view.body.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if needle in fragment.charFormat().anchorHref():
                cursor = QTextCursor(doc)
                cursor.setPosition(fragment.position() + 1)
                return QPointF(view.body.cursorRect(cursor).center())
            it += 1
        block = block.next()
    raise AssertionError(f"no link to {needle}")


def test_hovering_a_deceptive_link_shows_where_it_really_goes(
    qtbot: Any, window: MainWindow
) -> None:
    with qtbot.waitSignal(window.messages.loaded, timeout=15_000):
        window.search.setText("mailbox is 98% full")
    qtbot.waitUntil(
        lambda: (
            window.message_view.content is not None
            and "98% full" in window.message_view.content.subject
        ),
        timeout=15_000,
    )
    view = window.message_view
    point = _anchor_point(view, "hostwell-account-verify.test")
    with qtbot.waitSignal(view.link_hovered, timeout=2000) as hovered:
        move = QMouseEvent(
            QEvent.Type.MouseMove,
            point,
            view.body.viewport().mapToGlobal(point),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(view.body.viewport(), move)
    assert hovered.args == ["http://hostwell-account-verify.test/login.php?u=mira"]
    label = view.link_target
    assert label.isVisible()
    assert label.property("warning") is True
    assert "hostwell-account-verify.test" in label.text()
    assert "my.hostwell.example" in label.text()


def _show_new(qtbot: Any, window: MainWindow, raw: bytes, uid: int) -> int:
    changes = ingest_raw(window, raw, uid=uid)
    (mid,) = changes.messages_added
    qtbot.waitUntil(lambda: window.messages.row_of(mid) is not None, timeout=15_000)
    row = window.messages.row_of(mid)
    assert row is not None
    window.message_list.select_row(row)
    qtbot.waitUntil(
        lambda: window.message_view.content is not None and window.message_view.content.id == mid,
        timeout=15_000,
    )
    return mid


def _tracker_mail(server: CountingServer, n: int, sender: str = "news@tracker.example") -> bytes:
    body = _hostile_html(server).replace("/pixel", f"/pixel-{n}").encode()
    return (
        f"From: Tracker <{sender}>\r\nTo: mira@castell-studio.example\r\n"
        f"Subject: Offer {n}\r\nMessage-ID: <offer-{n}-{sender}>\r\n"
        "Date: Fri, 14 Mar 2025 09:25:00 +0000\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/html; charset=utf-8\r\n\r\n"
    ).encode() + body


def test_remote_images_load_only_after_the_click(qtbot: Any, window: MainWindow) -> None:
    view = window.message_view
    with counting_server() as server:
        _show_new(qtbot, window, _tracker_mail(server, 1), uid=910)
        _settle(qtbot, window)
        assert server.requests == []
        assert (
            view.header.remote_notice.load_once.isVisible()
            and view.header.remote_notice.load_always.isVisible()
        )

        qtbot.mouseClick(view.header.remote_notice.load_once, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "/pixel-1" in server.requests, timeout=10_000)
        _settle(qtbot, window)
        # Only the message's own images, from the local listener; nothing else, no file: URL.
        assert set(server.requests) <= {"/pixel-1", "/with-srcset.png"}
        assert (
            not view.header.remote_notice.isVisible()
            or not view.header.remote_notice.load_once.isVisible()
        )
        assert window.prefs.remote_allowed_for("news@tracker.example") is False

        # The next message of that sender is blocked again: the click was for one message.
        before = len(server.requests)
        _show_new(qtbot, window, _tracker_mail(server, 2), uid=911)
        _settle(qtbot, window)
        assert len(server.requests) == before
        assert view.header.remote_notice.load_once.isVisible()


def test_always_for_this_sender_is_remembered_and_can_be_stopped(
    qtbot: Any, window: MainWindow
) -> None:
    view = window.message_view
    with counting_server() as server:
        _show_new(qtbot, window, _tracker_mail(server, 3), uid=920)
        _settle(qtbot, window)
        assert server.requests == []
        qtbot.mouseClick(view.header.remote_notice.load_always, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "/pixel-3" in server.requests, timeout=10_000)
        assert window.prefs.remote_allowed_for("NEWS@tracker.example")
        assert window.settings is not None
        assert "news@tracker.example" in window.settings.path.read_text("utf-8")

        # Another message from the same sender loads by itself, and says why.
        _show_new(qtbot, window, _tracker_mail(server, 4), uid=921)
        qtbot.waitUntil(lambda: "/pixel-4" in server.requests, timeout=10_000)
        assert "allowed them for this sender" in view.header.remote_notice.label.text()
        assert view.header.remote_notice.stop_always.isVisible()

        # Another sender stays blocked.
        _settle(qtbot, window)  # the last message's images have all arrived
        count = len(server.requests)
        _show_new(qtbot, window, _tracker_mail(server, 5, "promo@other.example"), uid=922)
        _settle(qtbot, window)
        assert len(server.requests) == count

        # Stop: the first sender is blocked again from the next message on.
        _show_new(qtbot, window, _tracker_mail(server, 6), uid=923)
        qtbot.waitUntil(lambda: "/pixel-6" in server.requests, timeout=10_000)
        qtbot.mouseClick(view.header.remote_notice.stop_always, Qt.MouseButton.LeftButton)
        assert not window.prefs.remote_allowed_for("news@tracker.example")
        _settle(qtbot, window)
        count = len(server.requests)
        _show_new(qtbot, window, _tracker_mail(server, 7), uid=924)
        _settle(qtbot, window)
        assert len(server.requests) == count
