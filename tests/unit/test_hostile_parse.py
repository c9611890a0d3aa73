"""What the parser hands on from hostile mail: nothing invisible, nothing dropped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.helpers.hostile_mail import hostile_messages
from tests.helpers.items import add_account, add_folders, new_store
from unibox.core.items import IncomingMessage, ParseState
from unibox.core.mime import parse_message
from unibox.core.visible_text import visible_body, visible_line
from unibox.store import queries
from unibox.store.ingest import Ingestor

HEAD = b"From: a@example.net\r\nTo: b@example.net\r\nMIME-Version: 1.0\r\n"


def test_control_and_bidi_characters_never_reach_a_subject_or_a_name() -> None:
    raw = (
        b"From: =?utf-8?q?Pay=00Pal=1B[31m_=E2=80=AEmoc?= <x@example.net>\r\n"
        b"Subject: =?utf-8?q?Hi=00_there=0D=0ABcc:_v@example.org_=E2=80=AEgnp.exe?=\r\n\r\nx\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.subject == "Hi there Bcc: v@example.org gnp.exe"
    assert parsed.from_[0].name == "PayPal[31m moc"


def test_nul_and_controls_leave_the_text_but_tabs_and_lines_stay() -> None:
    raw = (
        HEAD
        + b"Content-Type: text/plain; charset=utf-8\r\n\r\na\x00b\x1b[2Jc\td\r\ne\xe2\x80\xaef\r\n"
    )
    assert parse_message(raw).text == "ab[2Jc\td\nef"
    assert (
        visible_body("\u2067\u05e9\u05dc\u05d5\u05dd\u2069")
        == "\u2067\u05e9\u05dc\u05d5\u05dd\u2069"
    )
    assert visible_line("a\u2067b\u2069\tc") == "ab c"


def test_8bit_header_mixing_utf8_and_latin1_reads_right_in_both_places() -> None:
    raw = (
        b"From: Jos\xe9 M\xc3\xbcller <j@example.net>\r\n"
        b"Subject: Gr\xc3\xbc\xc3\x9fe, \xe9t\xe9\r\n\r\nx"
    )
    parsed = parse_message(raw)
    assert parsed.subject == "Grüße, été"
    assert parsed.from_[0].name == "José Müller"


def test_plain_parts_beside_an_html_part_are_in_the_html_version_too() -> None:
    raw = (
        HEAD + b'Content-Type: multipart/mixed; boundary="m"\r\n\r\n'
        b"--m\r\nContent-Type: text/plain\r\n\r\nMy note <first>\r\n"
        b"--m\r\nContent-Type: text/html\r\n\r\n<p>The newsletter</p>\r\n--m--\r\n"
    )
    parsed = parse_message(raw)
    assert "My note &lt;first&gt;" in parsed.html and "The newsletter" in parsed.html
    assert parsed.html.index("My note") < parsed.html.index("The newsletter")
    assert parsed.text == "My note <first>\n\nThe newsletter"


def test_an_alternative_still_shows_only_its_html_rendering() -> None:
    raw = (
        HEAD + b'Content-Type: multipart/alternative; boundary="m"\r\n\r\n'
        b"--m\r\nContent-Type: text/plain\r\n\r\nplain rendering\r\n"
        b"--m\r\nContent-Type: text/html\r\n\r\n<p>html rendering</p>\r\n--m--\r\n"
    )
    parsed = parse_message(raw)
    assert "html rendering" in parsed.html and "plain rendering" not in parsed.html


def test_svg_data_images_are_dropped_raster_ones_kept() -> None:
    from unibox.core.html import sanitize_html

    svg = sanitize_html('<img src="data:image/svg+xml;base64,PHN2Zz4=">')
    png = sanitize_html('<img src="data:image/png;base64,iVBORw0KGgo=">')
    assert "svg" not in svg and "data:image/png" in png


_HIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202d\u202e]")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_messages())
def test_generated_hostile_messages_parse_to_visible_text(raw: bytes) -> None:
    parsed = parse_message(raw)
    assert parsed.state in (ParseState.COMPLETE, ParseState.PARTIAL)
    assert parsed.state == ParseState.COMPLETE or parsed.parse_error.endswith(".")
    for text in (parsed.subject, parsed.text, *(a.name for a in parsed.from_)):
        assert not _HIDDEN.search(text)
    for attachment in parsed.attachments:
        name = attachment.filename
        assert name and "/" not in name and "\\" not in name and not _HIDDEN.search(name)


@pytest.mark.timeout(120)
def test_generated_hostile_messages_are_stored_raw(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    account = add_account(store)
    folder = add_folders(store, account, "INBOX")["INBOX"]
    uids = iter(range(1, 10_000))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(hostile_messages())
    def check(raw: bytes) -> None:
        item = IncomingMessage(
            uid=next(uids), flags=(), size=len(raw), internal_date=None,
            parsed=parse_message(raw), raw=raw,
        )  # fmt: skip
        with store.write() as s:
            (mid,) = Ingestor(account, folder, ["me@example.com"]).ingest(s, [item]).messages_added
        with store.read() as s:
            assert queries.raw_source(s, mid) == raw

    try:
        check()
    finally:
        store.close()
