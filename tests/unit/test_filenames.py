"""core.filenames: an attachment name can never escape the folder it is saved in."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unibox.core.filenames import MAX_NAME_BYTES, safe_filename

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("Résumé 2024.docx", "Résumé 2024.docx"),
        ("../../etc/passwd", "passwd"),
        ("/etc/shadow", "shadow"),
        ("..\\..\\Windows\\System32\\evil.dll", "evil.dll"),
        ("C:\\Users\\me\\Desktop\\x.txt", "x.txt"),
        ("dir/../../x.txt", "x.txt"),
        ("..", "attachment"),
        ("...pdf", "pdf"),
        (".bashrc", "bashrc"),
        ("report..pdf", "report.pdf"),
        ("name.", "name"),
        ("  spaced   out  .txt", "spaced out .txt"),
        ("a\x00b\x1fc\x7f.txt", "abc.txt"),
        ("line\nbreak\r.txt", "linebreak.txt"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("zero\u200bwidth\ufeff.txt", "zerowidth.txt"),
        ('what?<>:"|*.txt', "what_______.txt"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("e\u0301te\u0301.txt", "été.txt"),  # NFC
    ],
)
def test_names(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/pdf", "attachment.pdf"),
        ("image/jpeg", "attachment.jpg"),
        ("image/png; name=x", "attachment.png"),
        ("TEXT/PLAIN", "attachment.txt"),
        ("message/rfc822", "attachment.eml"),
        ("text/calendar", "attachment.ics"),
        ("application/x-no-such-thing", "attachment"),
        ("", "attachment"),
    ],
)
def test_empty_names_get_a_fallback_from_the_type(content_type: str, expected: str) -> None:
    assert safe_filename("", content_type) == expected
    assert safe_filename(f"../{BIDI}/.", content_type) == expected


def test_long_names_keep_their_extension() -> None:
    name = safe_filename("x" * 1000 + ".pdf")
    assert name.endswith(".pdf")
    assert len(name.encode()) == MAX_NAME_BYTES


def test_long_multibyte_names_are_cut_at_a_character() -> None:
    name = safe_filename("日本語" * 200 + ".txt")
    assert name.endswith(".txt")
    assert len(name.encode()) <= MAX_NAME_BYTES
    stem = name.removesuffix(".txt")
    assert ("日本語" * 200).startswith(stem)  # whole characters only
    assert len(stem.encode()) > MAX_NAME_BYTES - 4 - 3  # and as many as fit


def test_long_name_without_extension() -> None:
    assert safe_filename("a" * 500) == "a" * MAX_NAME_BYTES


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=400), st.sampled_from(["", "application/pdf", "image/png", "x/y"]))
def test_any_name_is_safe(name: str, content_type: str) -> None:
    safe = safe_filename(name, content_type)
    assert safe
    assert "/" not in safe and "\\" not in safe
    assert ".." not in safe
    assert not safe.startswith(".")
    assert not any(ch in safe for ch in BIDI)
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in safe)
    assert len(safe.encode("utf-8")) <= MAX_NAME_BYTES
    assert safe_filename(safe, content_type) == safe  # idempotent
