"""Impostor senders and lying links are named; ordinary names and links are not."""

from __future__ import annotations

import pytest

from unibox.core.spoofing import confusable, link_mismatch, sender_warnings


@pytest.mark.parametrize(
    ("name", "email", "said"),
    [
        ("paypal@paypal.com", "evil@x.ru", "shows the address paypal@paypal.com"),
        (
            "PayPal Service <service@paypal.com>",
            "evil@x.ru",
            "but the message comes from evil@x.ru",
        ),
        ("Pаypal Support", "support@pp-help.example", "mixes Latin and Cyrillic"),  # Cyrillic а
        ("Support", "help@раура.com", "Cyrillic letters that look Latin"),  # all Cyrillic
        ("Support", "help@xn--pypal-4ve.com", "mixes Latin and Cyrillic"),  # punycode of pаypal
        ("Ｐａｙｐａｌ", "x@example.net", "look-alike letters"),  # fullwidth
    ],
)
def test_impostor_senders_are_named(name: str, email: str, said: str) -> None:
    warnings = sender_warnings(name, email)
    assert any(said in w for w in warnings), warnings


@pytest.mark.parametrize(
    ("name", "email"),
    [
        ("Felix Brandt", "felix@brightwave.example"),
        ("felix@brightwave.example", "Felix@Brightwave.example"),  # the same address
        ("José Müller", "jose@müller.de"),
        ("Ελένη Παπαδοπούλου", "eleni@example.gr"),
        ("Дмитрий Иванов", "dima@пример.рф"),
        ("王小明", "xiaoming@example.cn"),
        ("", "a@example.org"),
    ],
)
def test_ordinary_senders_are_not(name: str, email: str) -> None:
    assert sender_warnings(name, email) == []


@pytest.mark.parametrize(
    ("href", "text", "claimed"),
    [
        ("https://paypal.com.evil.ru/login", "paypal.com", "paypal.com"),
        ("https://evil.ru/", "https://www.paypal.com/account", "paypal.com"),
        ("https://paypal.com@evil.ru/", "paypal.com", "paypal.com"),
        ("https://xn--pypal-4ve.com/", "paypal.com", "paypal.com"),
        ("https://xn--pypal-4ve.com/", "pаypal.com", "pаypal.com"),  # reads as paypal.com
        ("http://192.168.0.9/", "mybank.example", "mybank.example"),
    ],
)
def test_lying_links_are_flagged(href: str, text: str, claimed: str) -> None:
    assert link_mismatch(href, text) == claimed


@pytest.mark.parametrize(
    ("href", "text"),
    [
        ("https://www.paypal.com/x", "paypal.com"),
        ("https://mail.paypal.com/x", "paypal.com"),
        ("https://evil.ru/", "Click here to log in"),
        ("https://münchen.de/", "münchen.de"),
        ("https://xn--mnchen-3ya.de/", "münchen.de"),
        ("mailto:a@example.org", "a@example.org"),
    ],
)
def test_honest_links_are_not(href: str, text: str) -> None:
    assert link_mismatch(href, text) == ""


def test_confusable_words() -> None:
    assert confusable("Pаypal")  # Cyrillic а among Latin letters
    assert not confusable("Paypal")
    assert not confusable("Grüße")
