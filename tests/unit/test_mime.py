"""core.mime: what a person sees of a message, however broken or hostile it is."""

from __future__ import annotations

import base64
import multiprocessing
import pickle
import random
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta, timezone

import fast_mail_parser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unibox.core.items import Address, ParsedMessage, ParseState
from unibox.core.mime import MimeLimits, parse_many, parse_message


def mail(*headers: str, body: bytes | str = b"Hello.\r\n") -> bytes:
    """A message from header lines and a body, with CRLF line endings."""
    head = "\r\n".join(headers).encode("utf-8")
    if isinstance(body, str):
        body = body.encode("utf-8")
    return head + b"\r\n\r\n" + body


BASE = (
    "From: Anna Schmidt <anna@example.com>",
    "To: Bob <bob@example.org>",
    "Subject: Lunch",
    "Date: Mon, 4 Mar 2024 10:00:00 +0100",
    "Message-ID: <abc.123@example.com>",
    "MIME-Version: 1.0",
)

PLAIN = mail(
    *BASE,
    "Cc: carol@example.net, Dave <dave@example.net>",
    "Content-Type: text/plain; charset=utf-8",
    body="Shall we meet at noon?\r\nCheers, Anna\r\n",
)

ALTERNATIVE = mail(
    *BASE,
    'Content-Type: multipart/alternative; boundary="alt"',
    body=(
        "--alt\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Plain version\r\n"
        "--alt\r\n"
        "Content-Type: text/html; charset=utf-8\r\n\r\n"
        '<p onclick="steal()">HTML <b>version</b></p><script>alert(1)</script>\r\n'
        "--alt--\r\n"
    ),
)

HTML_ONLY = mail(
    *BASE,
    "Content-Type: text/html; charset=utf-8",
    body=(
        "<html><head><style>p{color:red}</style></head><body>"
        "<h1>News</h1><p>First&nbsp;paragraph &amp; more.</p>"
        "<ul><li>one</li><li>two</li></ul>"
        '<p><a href="https://example.com">Read on</a></p></body></html>'
    ),
)


def with_attachment(disposition: str, content_type: str = "application/pdf") -> bytes:
    return mail(
        *BASE,
        'Content-Type: multipart/mixed; boundary="mix"',
        body=(
            "--mix\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "See attached.\r\n"
            "--mix\r\n"
            f"Content-Type: {content_type}\r\n"
            f"Content-Disposition: {disposition}\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
            f"{base64.b64encode(b'%PDF-1.4 twelve').decode()}\r\n"
            "--mix--\r\n"
        ),
    )


def nested(depth: int) -> bytes:
    """multipart/mixed nested `depth` levels deep with a text part at the bottom."""
    # "b1-" is not a prefix of "b10-": boundaries must not be prefixes of each other.
    parts = [
        f"--b{i}-\r\nContent-Type: multipart/mixed; boundary=b{i + 1}-\r\n\r\n"
        for i in range(depth)
    ]
    return mail(
        *BASE[:3],
        "Content-Type: multipart/mixed; boundary=b0-",
        body="".join(parts) + f"--b{depth}-\r\nContent-Type: text/plain\r\n\r\nbottom text\r\n",
    )


# --- the ordinary cases -------------------------------------------------------


def test_plain_message_fields() -> None:
    parsed = parse_message(PLAIN)
    assert parsed.state is ParseState.COMPLETE
    assert parsed.parse_error == ""
    assert parsed.subject == "Lunch"
    assert parsed.from_ == (Address("anna@example.com", "Anna Schmidt"),)
    assert parsed.to == (Address("bob@example.org", "Bob"),)
    assert parsed.cc == (Address("carol@example.net"), Address("dave@example.net", "Dave"))
    assert parsed.message_id == "abc.123@example.com"
    assert parsed.date == datetime(2024, 3, 4, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    assert parsed.text == "Shall we meet at noon?\nCheers, Anna"
    assert "\r" not in parsed.text
    assert parsed.html == ""
    assert parsed.attachments == ()


def test_alternative_prefers_plain_text_and_sanitizes_html() -> None:
    parsed = parse_message(ALTERNATIVE)
    assert parsed.state is ParseState.COMPLETE
    assert parsed.text == "Plain version"
    assert "<b>version</b>" in parsed.html
    assert "script" not in parsed.html
    assert "onclick" not in parsed.html
    assert parsed.attachments == ()


def test_html_only_message_gets_readable_text() -> None:
    parsed = parse_message(HTML_ONLY)
    assert parsed.text == "News\n\nFirst paragraph & more.\n\n• one\n• two\n\nRead on"
    assert "<h1>News</h1>" in parsed.html
    assert 'rel="noopener noreferrer"' in parsed.html


def test_alternative_html_first_still_gives_plain_text() -> None:
    raw = mail(
        *BASE,
        "Content-Type: multipart/alternative; boundary=a",
        body=(
            "--a\r\nContent-Type: text/html\r\n\r\n<p>rich</p>\r\n"
            "--a\r\nContent-Type: text/plain\r\n\r\nplain\r\n--a--\r\n"
        ),
    )
    parsed = parse_message(raw)
    assert parsed.text == "plain"
    assert parsed.html == "<p>rich</p>"


def test_mixed_with_several_inline_text_parts_keeps_them_all() -> None:
    # Apple Mail style: text, an inline image, more text.
    raw = mail(
        *BASE,
        "Content-Type: multipart/mixed; boundary=m",
        body=(
            "--m\r\nContent-Type: text/plain\r\n\r\nbefore the picture\r\n"
            "--m\r\nContent-Type: image/png\r\nContent-Disposition: inline; filename=p.png\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
            "--m\r\nContent-Type: text/plain\r\n\r\nafter the picture\r\n--m--\r\n"
        ),
    )
    parsed = parse_message(raw)
    assert parsed.text == "before the picture\n\nafter the picture"
    assert [a.filename for a in parsed.attachments] == ["p.png"]
    assert parsed.attachments[0].inline


def test_related_html_with_inline_image() -> None:
    raw = mail(
        *BASE,
        "Content-Type: multipart/alternative; boundary=a",
        body=(
            "--a\r\nContent-Type: text/plain\r\n\r\nsee the logo\r\n"
            '--a\r\nContent-Type: multipart/related; boundary=r; start="<root@x>"\r\n\r\n'
            "--r\r\nContent-Type: text/html\r\nContent-ID: <root@x>\r\n\r\n"
            '<p>logo: <img src="cid:logo@x"></p>\r\n'
            "--r\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r--\r\n--a--\r\n"
        ),
    )
    parsed = parse_message(raw)
    assert parsed.text == "see the logo"
    assert 'src="cid:logo@x"' in parsed.html
    (image,) = parsed.attachments
    assert (image.content_id, image.inline, image.content_type) == ("logo@x", True, "image/png")
    assert image.size == 8
    assert image.filename == "attachment.png"


def test_attached_message_is_an_attachment_not_body() -> None:
    inner = mail("From: x@example.com", "Subject: inner", body="inner text\r\n")
    raw = mail(
        *BASE,
        "Content-Type: multipart/mixed; boundary=m",
        body=(
            b"--m\r\nContent-Type: text/plain\r\n\r\nForwarding this.\r\n"
            b"--m\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--m--\r\n"
        ),
    )
    parsed = parse_message(raw)
    assert parsed.text == "Forwarding this."
    (forwarded,) = parsed.attachments
    assert forwarded.content_type == "message/rfc822"
    assert forwarded.filename.endswith(".eml")
    assert forwarded.size > 0


# --- attachments and their names ----------------------------------------------


def test_attachment_size_type_and_plain_name() -> None:
    parsed = parse_message(with_attachment('attachment; filename="report.pdf"'))
    assert parsed.text == "See attached."
    (attachment,) = parsed.attachments
    assert attachment.filename == "report.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(b"%PDF-1.4 twelve")
    assert not attachment.inline


def test_attachment_name_rfc2231() -> None:
    parsed = parse_message(
        with_attachment("attachment; filename*=utf-8''R%C3%A9sum%C3%A9%202024.pdf")
    )
    assert parsed.attachments[0].filename == "Résumé 2024.pdf"


def test_attachment_name_rfc2231_continuations() -> None:
    disposition = "attachment;\r\n filename*0*=utf-8''Gr%C3%BC%C3%9Fe;\r\n filename*1=.txt"
    parsed = parse_message(with_attachment(disposition, "text/plain"))
    assert [a.filename for a in parsed.attachments] == ["Grüße.txt"]


def test_attachment_name_rfc2047() -> None:
    parsed = parse_message(
        with_attachment(
            'attachment; filename="=?utf-8?q?Z=C3=BCrich_Pl=C3=A4ne.pdf?="',
            'application/pdf; name="=?utf-8?q?Z=C3=BCrich_Pl=C3=A4ne.pdf?="',
        )
    )
    assert parsed.attachments[0].filename == "Zürich Pläne.pdf"


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        ('attachment; filename="../../../etc/passwd"', "passwd"),
        ('attachment; filename="..\\\\..\\\\Startup\\\\evil.bat"', "evil.bat"),
        ("attachment; filename*=utf-8''..%2F..%2F.bashrc", "bashrc"),
        ('attachment; filename=".."', "attachment.pdf"),
        ("attachment; filename*=utf-8''invoice%E2%80%AEfdp.exe", "invoicefdp.exe"),
        ("attachment; filename*=utf-8''a%00b%0Ac.pdf", "abc.pdf"),
        ("attachment", "attachment.pdf"),
    ],
)
def test_attachment_names_are_made_safe(disposition: str, expected: str) -> None:
    parsed = parse_message(with_attachment(disposition))
    assert [a.filename for a in parsed.attachments] == [expected]


def test_broken_base64_attachment_keeps_text_and_lists_it() -> None:
    raw = mail(
        *BASE,
        "Content-Type: multipart/mixed; boundary=m",
        body=(
            "--m\r\nContent-Type: text/plain\r\n\r\nbody text\r\n"
            "--m\r\nContent-Type: application/zip\r\n"
            "Content-Disposition: attachment; filename=a.zip\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n!!!! not base64 @@@@\r\n--m--\r\n"
        ),
    )
    parsed = parse_message(raw)
    assert parsed.text == "body text"
    assert [a.filename for a in parsed.attachments] == ["a.zip"]
    assert parsed.attachments[0].size > 0  # an estimate; the bytes do not decode


# --- charsets --------------------------------------------------------------------


def test_cp1252_bytes_declared_utf8() -> None:
    raw = mail(
        *BASE, "Content-Type: text/plain; charset=utf-8", body=b"caf\xe9 \x93quoted\x94 \x80 5\r\n"
    )
    assert parse_message(raw).text == "café “quoted” € 5"


def test_no_charset_declared_utf8_bytes() -> None:
    raw = mail(*BASE, "Content-Type: text/plain", body="Grüße aus Zürich\r\n")
    assert parse_message(raw).text == "Grüße aus Zürich"


def test_no_content_type_latin1_bytes() -> None:
    raw = mail(*BASE, body=b"na\xefve r\xe9sum\xe9\r\n")
    assert parse_message(raw).text == "naïve résumé"


def test_unknown_charset_name_does_not_crash() -> None:
    raw = mail(*BASE, "Content-Type: text/plain; charset=x-no-such-charset", body="héllo\r\n")
    parsed = parse_message(raw)
    assert parsed.state is ParseState.COMPLETE
    assert parsed.text == "héllo"


@pytest.mark.parametrize("charset", ["unicode_escape", "punycode", "base64", "zlib", "rot13"])
def test_non_text_codecs_are_not_used_as_charsets(charset: str) -> None:
    raw = mail(*BASE, f"Content-Type: text/plain; charset={charset}", body="a\\x41 b\r\n")
    assert parse_message(raw).text == "a\\x41 b"


def test_declared_legacy_charset_is_honoured() -> None:
    raw = mail(*BASE, "Content-Type: text/plain; charset=koi8-r", body="Привет".encode("koi8-r"))
    assert parse_message(raw).text == "Привет"


def test_quoted_printable_and_crlf_become_newlines() -> None:
    raw = mail(
        *BASE,
        "Content-Type: text/plain; charset=iso-8859-1",
        "Content-Transfer-Encoding: quoted-printable",
        body="caf=E9 line one=\r\n continued\r\nline two\r\n",
    )
    assert parse_message(raw).text == "café line one continued\nline two"


# --- headers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe_aus_Z=C3=BCrich?=", "Grüße aus Zürich"),
        ("Subject: =?utf-8?b?4oKs?= =?utf-8?b?IDEw?=", "€ 10"),
        # A character split across two encoded-words is put back together.
        ("Subject: =?utf-8?b?4oI=?= =?utf-8?b?rA==?=", "€"),
        ("Subject: =?iso-8859-1?q?caf=E9?= ok", "café ok"),
        ("Subject: =?utf-8?q?caf=E9?=", "café"),  # wrong charset in the word
        ("Subject: =?x-unknown?q?caf=C3=A9?=", "café"),
        ("Subject: =?utf-8?q?unterminated", "=?utf-8?q?unterminated"),
        ("Subject: Re: [list]\r\n\t=?utf-8?q?f=C3=BCr?= dich", "Re: [list] für dich"),
        ("Subject: Grüße raw UTF-8", "Grüße raw UTF-8"),
        ("Subject: 日本語の件名", "日本語の件名"),
    ],
)
def test_non_ascii_subjects(header: str, expected: str) -> None:
    assert parse_message(mail("From: a@example.com", header)).subject == expected


def test_latin1_raw_header_bytes() -> None:
    raw = b"From: J\xf6rg <j@example.com>\r\nSubject: R\xe9union\r\n\r\nbody\r\n"
    parsed = parse_message(raw)
    assert parsed.subject == "Réunion"
    assert parsed.from_ == (Address("j@example.com", "Jörg"),)


def test_address_lists_are_parsed_tolerantly() -> None:
    raw = mail(
        "From: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <Joerg.Mueller@Example.COM>",
        'To: "Smith, John" <john@example.com>, junk, <bare@example.com>, @@@, '
        "eve@example.org (Eve E.), team: a@example.com, b@example.com;, "
        '"=?utf-8?q?Zo=C3=AB?=" <zoe@example.com>',
        "Cc: undisclosed-recipients:;",
        "Reply-To: <mailto:reply@example.com>",
        "Sender: list-bounces@example.com",
        "Subject: addresses",
    )
    parsed = parse_message(raw)
    assert parsed.from_ == (Address("Joerg.Mueller@Example.COM", "Jörg Müller"),)
    assert parsed.to == (
        Address("john@example.com", "Smith, John"),
        Address("bare@example.com"),
        Address("eve@example.org", "Eve E."),
        Address("a@example.com"),
        Address("b@example.com"),
        Address("zoe@example.com", "Zoë"),
    )
    assert parsed.cc == ()
    assert parsed.reply_to == (Address("reply@example.com"),)
    assert parsed.sender == (Address("list-bounces@example.com"),)


def test_folded_address_header() -> None:
    raw = mail("From: a@example.com", "To: Bob\r\n <bob@example.com>,\r\n\tcarol@example.com")
    assert parse_message(raw).to == (
        Address("bob@example.com", "Bob"),
        Address("carol@example.com"),
    )


def test_message_ids_and_references() -> None:
    raw = mail(
        "From: a@example.com",
        "Message-ID: no-brackets@example.com",
        "In-Reply-To: <parent@example.com> (from Bob's message of Monday)",
        "References: <root@example.com> junk <mid@\r\n example.com>\r\n <parent@example.com>"
        " <root@example.com> <>",
    )
    parsed = parse_message(raw)
    assert parsed.message_id == "no-brackets@example.com"
    assert parsed.in_reply_to == "parent@example.com"
    assert parsed.references == ("root@example.com", "mid@example.com", "parent@example.com")


def test_very_long_references_keep_the_root_and_the_parent() -> None:
    refs = " ".join(f"<r{i}@example.com>" for i in range(300))
    parsed = parse_message(mail("From: a@example.com", f"References: {refs}"))
    assert len(parsed.references) == 100
    assert parsed.references[0] == "r0@example.com"
    assert parsed.references[-1] == "r299@example.com"
    assert parsed.state is ParseState.COMPLETE


def test_references_without_brackets() -> None:
    raw = mail("From: a@example.com", "References: a@example.com b@example.com")
    assert parse_message(raw).references == ("a@example.com", "b@example.com")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 4 Mar 2024 10:00:00 -0500", datetime(2024, 3, 4, 15, 0, tzinfo=UTC)),
        ("Mon, 4 Mar 2024 10:00:00", datetime(2024, 3, 4, 10, 0, tzinfo=UTC)),
        ("4 Mar 24 10:00 GMT", datetime(2024, 3, 4, 10, 0, tzinfo=UTC)),
        ("2024-03-04T10:00:00", datetime(2024, 3, 4, 10, 0, tzinfo=UTC)),
        ("yesterday-ish", None),
        ("Mon, 31 Feb 2024 10:00:00 +0000", None),
        ("Mon, 4 Mar 2024 10:00:00 +9999", datetime(2024, 3, 4, 10, 0, tzinfo=UTC)),
    ],
)
def test_dates(value: str, expected: datetime | None) -> None:
    parsed = parse_message(mail("From: a@example.com", f"Date: {value}"))
    assert parsed.date == expected
    if parsed.date is not None:
        assert parsed.date.tzinfo is not None


def test_headers_only() -> None:
    header_block = PLAIN.split(b"\r\n\r\n", 1)[0] + b"\r\n"
    parsed = parse_message(header_block, headers_only=True)
    full = parse_message(PLAIN)
    assert parsed.state is ParseState.HEADERS
    assert parsed.text == "" and parsed.attachments == ()
    # The same fields as when the whole message arrives later.
    assert (parsed.subject, parsed.from_, parsed.cc, parsed.date, parsed.message_id) == (
        full.subject,
        full.from_,
        full.cc,
        full.date,
        full.message_id,
    )


def test_mbox_from_line_is_skipped() -> None:
    raw = b"From anna@example.com Mon Mar  4 10:00:00 2024\n" + PLAIN
    assert parse_message(raw).subject == "Lunch"


# --- broken and hostile input ------------------------------------------------------


def test_empty_input() -> None:
    for raw in (b"", b"\r\n\r\n", b"   "):
        parsed = parse_message(raw)
        assert parsed.state is ParseState.PARTIAL
        assert parsed.parse_error == "The message is empty."


def test_garbage_bytes() -> None:
    rng = random.Random(7)
    for _ in range(50):
        parsed = parse_message(rng.randbytes(rng.randrange(1, 4000)))
        assert isinstance(parsed, ParsedMessage)
        assert parsed.state is ParseState.PARTIAL
        assert parsed.parse_error


def test_broken_base64_text_falls_back_to_the_stdlib() -> None:
    raw = mail(
        *BASE,
        "Content-Type: multipart/mixed; boundary=m",
        body=(
            "--m\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
            + base64.b64encode("Grüße, the text survives".encode()).decode()
            + "!!\r\n"
            "--m\r\nContent-Type: application/pdf\r\n"
            "Content-Disposition: attachment; filename*=utf-8''..%2FR%C3%A9sum%C3%A9.pdf\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
            + base64.b64encode(b"%PDF-1.4 twelve").decode()
            + "\r\n--m--\r\n"
        ),
    )
    with pytest.raises(fast_mail_parser.ParseError):  # what makes the fallback necessary
        fast_mail_parser.parse_email(raw)
    parsed = parse_message(raw)
    assert parsed.text == "Grüße, the text survives"
    assert parsed.state is ParseState.PARTIAL
    assert parsed.parse_error == (
        "Part of the message text is damaged (its encoding is invalid); it may be incomplete."
    )
    assert parsed.subject == "Lunch"
    (attachment,) = parsed.attachments
    assert (attachment.filename, attachment.size) == ("Résumé.pdf", len(b"%PDF-1.4 twelve"))


def test_missing_boundary_still_shows_text() -> None:
    raw = mail(*BASE, "Content-Type: multipart/mixed", body="just some text\r\n")
    parsed = parse_message(raw)
    assert parsed.text == "just some text"
    assert parsed.state is ParseState.PARTIAL
    assert parsed.parse_error == "The message structure is malformed; unibox read what it could."


@pytest.mark.timeout(60)  # a hang guard, not a speed test (benchmarks/bench_mime.py)
def test_3000_deep_nesting_is_partial_fast() -> None:
    raw = nested(3000)
    parsed = parse_message(raw)
    assert parsed.state is ParseState.PARTIAL
    assert parsed.parse_error == (
        "The message is nested more than 64 levels deep; only its headers were read."
    )
    assert parsed.subject == "Lunch"
    assert parsed.from_ == (Address("anna@example.com", "Anna Schmidt"),)


def test_nesting_limit_is_ours_not_the_fast_parsers() -> None:
    assert parse_message(nested(100)).state is ParseState.PARTIAL  # fast parser allows 256
    shallow = parse_message(nested(60))
    assert shallow.state is ParseState.COMPLETE
    assert shallow.text == "bottom text"


@pytest.mark.timeout(60)  # a hang guard, not a speed test (benchmarks/bench_mime.py)
def test_deep_nesting_in_the_stdlib_fallback_is_bounded() -> None:
    # Broken base64 at the bottom sends the message to the stdlib parser.
    raw = nested(63).replace(
        b"Content-Type: text/plain\r\n\r\nbottom text",
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nYm90dG9t!",
    )
    parsed = parse_message(raw)
    assert parsed.text == "bottom"
    assert parsed.state is ParseState.PARTIAL


def test_huge_header_count() -> None:
    junk = "\r\n".join(f"X-Junk-{i}: {i}" for i in range(50_000))
    raw = mail(*BASE, junk, "Content-Type: text/plain", body="still readable\r\n")
    parsed = parse_message(raw)
    assert parsed.state is ParseState.PARTIAL
    assert "more than 1,000 header fields" in parsed.parse_error
    assert parsed.subject == "Lunch"
    assert parsed.text == "still readable"


@pytest.mark.timeout(60)  # a hang guard, not a speed test (benchmarks/bench_mime.py)
def test_40000_recipients_take_bounded_time() -> None:
    recipients = ",\r\n ".join(f"User {i} <user{i}@example.com>" for i in range(40_000))
    raw = mail("From: a@example.com", f"To: {recipients}", "Subject: all hands")
    parsed = parse_message(raw)
    assert len(parsed.to) == 1000
    assert parsed.to[-1] == Address("user999@example.com", "User 999")
    assert parsed.state is ParseState.PARTIAL
    assert parsed.parse_error == (
        "The To field lists more than 1,000 addresses; only the first 1,000 were read."
    )
    assert parsed.subject == "all hands"


@pytest.mark.timeout(60)  # a hang guard, not a speed test (benchmarks/bench_mime.py)
def test_50_mb_message_is_read_quickly() -> None:
    line = b"QUFB" * 19 + b"\r\n"  # 76 base64 characters: 57 bytes each
    blob = line * (37 * 1024 * 1024 // 57)
    raw = mail(
        *BASE,
        "Content-Type: multipart/mixed; boundary=m",
        body=(
            b"--m\r\nContent-Type: text/plain\r\n\r\nhere is the video\r\n"
            b"--m\r\nContent-Type: video/mp4\r\nContent-Disposition: attachment; filename=v.mp4\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" + blob + b"--m--\r\n"
        ),
    )
    assert len(raw) > 50_000_000
    parsed = parse_message(raw)
    assert parsed.state is ParseState.COMPLETE
    assert parsed.text == "here is the video"
    (video,) = parsed.attachments
    assert abs(video.size - 37 * 1024 * 1024) < 0.02 * 37 * 1024 * 1024  # estimated, not decoded


def test_message_over_the_size_limit_keeps_headers() -> None:
    parsed = parse_message(PLAIN + b"x" * 2000, limits=MimeLimits(max_message_bytes=1000))
    assert parsed.state is ParseState.PARTIAL
    assert parsed.subject == "Lunch"
    assert parsed.text == ""
    assert "only its headers were read" in parsed.parse_error


def test_long_text_is_truncated_with_a_note() -> None:
    raw = mail(*BASE, "Content-Type: text/plain", body="word " * 1000)
    parsed = parse_message(raw, limits=MimeLimits(max_text_chars=100))
    assert parsed.text.startswith("word word")
    assert parsed.text.endswith(
        "[The rest of this message is not shown: it is longer than 100 characters.]"
    )
    assert parsed.state is ParseState.PARTIAL
    assert "longer than 100 characters" in parsed.parse_error


def test_time_budget_gives_partial() -> None:
    parsed = parse_message(ALTERNATIVE, limits=MimeLimits(time_budget=-1.0))
    assert parsed.state is ParseState.PARTIAL
    assert "Reading the message took more than" in parsed.parse_error
    assert parsed.subject == "Lunch"


def test_unexpected_errors_become_partial(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object) -> object:
        raise RecursionError("boom")

    monkeypatch.setattr("unibox.core.mime.read_body", explode)
    parsed = parse_message(PLAIN)
    assert parsed.state is ParseState.PARTIAL
    assert parsed.subject == "Lunch"  # headers still read
    assert "unexpected error (RecursionError)" in parsed.parse_error


# --- batches -----------------------------------------------------------------------


def test_parse_many_keeps_order_and_survives_bad_input() -> None:
    raws = [PLAIN, b"", nested(3000), ALTERNATIVE, b"\xff\xfe garbage"]
    results = parse_many(raws)
    assert [r.state for r in results] == [
        ParseState.COMPLETE,
        ParseState.PARTIAL,
        ParseState.PARTIAL,
        ParseState.COMPLETE,
        ParseState.PARTIAL,
    ]
    assert results[3].text == "Plain version"
    assert results == [parse_message(raw) for raw in raws]


def test_results_pickle_for_worker_processes() -> None:
    results = parse_many([PLAIN, ALTERNATIVE, with_attachment("attachment; filename=a.pdf")])
    assert pickle.loads(pickle.dumps(results)) == results
    assert pickle.loads(pickle.dumps(parse_many)) is parse_many


def test_parse_many_in_a_spawned_worker_process() -> None:
    raws = [PLAIN, HTML_ONLY, nested(3000)]
    context = multiprocessing.get_context("spawn")  # the strictest start method
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        assert pool.submit(parse_many, raws).result(timeout=60) == parse_many(raws)


# --- fuzzing -------------------------------------------------------------------------

SEEDS = [
    PLAIN,
    ALTERNATIVE,
    HTML_ONLY,
    with_attachment("attachment; filename*=utf-8''R%C3%A9sum%C3%A9.pdf"),
    nested(5),
]


def _assert_sane(parsed: ParsedMessage) -> None:
    assert isinstance(parsed, ParsedMessage)
    if parsed.state is ParseState.PARTIAL:
        assert parsed.parse_error
    for attachment in parsed.attachments:
        name = attachment.filename
        assert name and "/" not in name and "\\" not in name and not name.startswith(".")
    if parsed.date is not None:
        assert parsed.date.tzinfo is not None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_fuzz_arbitrary_bytes(raw: bytes) -> None:
    _assert_sane(parse_message(raw))


_FRAGMENTS = [
    b"\r\n",
    b"\r\n\r\n",
    b"--alt\r\n",
    b"--mix--",
    b"Content-Type: multipart/mixed; boundary=x\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"=?utf-8?b?",
    b"?=",
    b'"',
    b"<",
    b"\x00",
    b"\xff\xfe",
    b"\xe2\x80\xae",
    b"filename*=utf-8''..%2F",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SEEDS),
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=1),
            st.integers(min_value=0, max_value=40),
            st.one_of(st.sampled_from(_FRAGMENTS), st.binary(max_size=8)),
        ),
        max_size=8,
    ),
)
def test_fuzz_mutated_real_messages(seed: bytes, edits: list[tuple[float, int, bytes]]) -> None:
    raw = bytearray(seed)
    for where, cut, insert in edits:
        at = int(where * len(raw))
        raw[at : at + cut] = insert  # replace a stretch with a MIME-ish fragment
    _assert_sane(parse_message(bytes(raw)))
