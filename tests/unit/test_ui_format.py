"""How handles read in the person panel and the record's header."""

from __future__ import annotations

from unibox.ui.format import handle_text


def test_an_address_reads_as_itself() -> None:
    assert handle_text("email", "aoife@greenleaf.example") == "aoife@greenleaf.example"
    assert handle_text("phone", "+35312345678") == "+35312345678"
    assert handle_text("matrix", "@aoife:matrix.example") == "@aoife:matrix.example"


def test_a_network_id_says_its_network() -> None:
    # A bare "user5120447731" told the reader nothing about where it came from.
    assert handle_text("telegram", "user5120447731") == "Telegram: user5120447731"
    assert handle_text("whatsapp", "+4915112345678") == "WhatsApp: +4915112345678"
    assert handle_text("signal", "5b2c…") == "Signal: 5b2c…"
