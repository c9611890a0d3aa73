"""The reading pane's header warns of an impostor sender and of links that lie."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.hostile import ingest_raw
from tests.ui.test_compose import show_message
from unibox.ui.main_window import MainWindow


def _mail(sender: str, body: str, ctype: str = "text/plain", n: int = 0) -> bytes:
    return (
        f"From: {sender}\r\nTo: mira@castell-studio.example\r\n"
        f"Subject: Your account needs attention\r\nMessage-ID: <spoof-{n}@x.example>\r\n"
        "Date: Fri, 14 Mar 2025 09:27:00 +0000\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: {ctype}; charset=utf-8\r\n\r\n{body}"
    ).encode()


@pytest.mark.parametrize(
    ("sender", "said"),
    [
        ('"paypal@paypal.com" <evil@x.ru>', "shows the address paypal@paypal.com"),
        ("=?utf-8?b?UNCweXBhbA==?= <service@pp-help.example>", "mixes Latin and Cyrillic"),
        ("PayPal <service@xn--pypal-4ve.com>", "mixes Latin and Cyrillic"),
    ],
)
def test_an_impostor_sender_is_named_in_the_header(
    qtbot: Any, window: MainWindow, sender: str, said: str
) -> None:
    (mid,) = ingest_raw(window, _mail(sender, "Log in now."), uid=940).messages_added
    show_message(qtbot, window, mid)
    notice = window.message_view.header.spoof_notice
    qtbot.waitUntil(notice.isVisible)
    assert said in notice.label.text()


def test_a_lying_link_is_named_in_the_header_and_an_honest_mail_has_no_warning(
    qtbot: Any, window: MainWindow
) -> None:
    html = (
        '<p>Confirm at <a href="https://paypal.com.verify-login.example/">paypal.com</a> or '
        '<a href="https://www.paypal.com/help">https://paypal.com/help</a>.</p>'
    )
    sender = "PayPal <service@paypal.com>"
    (mid,) = ingest_raw(window, _mail(sender, html, "text/html"), uid=941).messages_added
    show_message(qtbot, window, mid)
    view = window.message_view
    notice = view.header.spoof_notice
    qtbot.waitUntil(notice.isVisible)
    text = notice.label.text()
    assert "says paypal.com but goes to paypal.com.verify-login.example" in text
    assert "help" not in text  # the honest link is not named
    # The plain-text version has no lying link, so no warning.
    view.set_plain_text(True)
    assert not notice.isVisible()
    view.set_plain_text(False)
    assert notice.isVisible()

    honest = _mail("Felix Brandt <felix@brightwave.example>", "See you.", n=2)
    (mid,) = ingest_raw(window, honest, uid=942).messages_added
    show_message(qtbot, window, mid)
    assert not notice.isVisible()
