"""Outgoing header validation done by unibox itself, not left to the email package.

Python's email package has let CR/LF through header folding (CVE-2024-6923:
a subject could add a hidden Bcc), so every text that becomes part of an
outgoing header is checked here first and refused with a sentence. Refused
too: line breaks hidden in RFC 2047 encoded words ("=?utf-8?q?=0D=0A?=") or
percent-encoded ("%0D%0A"), and every character some mail software treats as
a line end (NUL, VT, FF, NEL, U+2028/U+2029 and the other controls).
"""

from __future__ import annotations

import re
import unicodedata

from unibox.core.encoded_words import decode_words
from unibox.core.errors import UserError

# Longest text accepted in one header (a subject, a display name, a file name).
MAX_HEADER_TEXT = 998
_PERCENT_BREAK = re.compile(r"%0[0-9a-f]|%1[0-9a-f]|%7f|%c2%85|%e2%80%a[89]", re.IGNORECASE)
_ADDR_SPEC = re.compile(r"[^\s@<>,;:\"()\[\]\\]+@[^\s@<>,;:\"()\[\]\\]+")


class UnsafeHeaderError(UserError):
    """A header value unibox refuses to send; str(error) says which and why."""


def _bad_character(text: str) -> str | None:
    """The first character that could end a header line or hide something, if any."""
    for ch in text:
        if ch == "\t":
            continue
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in "\x85\u2028\u2029":
            return ch
    return None


def _describe(ch: str) -> str:
    if ch in "\r\n":
        return "a line break"
    if ch in "\x85\u2028\u2029\x0b\x0c\x1c\x1d\x1e":
        return "a character that some mail programs read as a line break"
    return f"an invisible control character (U+{ord(ch):04X})"


def check_text(label: str, value: str) -> str:
    """Return `value` if it is safe in an outgoing header, else raise UnsafeHeaderError.

    `label` names the field for the sentence ("The subject", "Ann's name").
    """
    if len(value) > MAX_HEADER_TEXT:
        raise UnsafeHeaderError(f"{label} is longer than {MAX_HEADER_TEXT} characters.")
    bad = _bad_character(value)
    if bad is not None:
        raise UnsafeHeaderError(
            f"{label} contains {_describe(bad)}, which could be used to add hidden "
            "recipients or headers; unibox did not send it."
        )
    if "=?" in value:
        decoded = decode_words(value)
        if decoded != value and _bad_character(decoded) is not None:
            raise UnsafeHeaderError(
                f"{label} contains an encoded line break (=?…?=), which could be used to "
                "add hidden recipients or headers; unibox did not send it."
            )
    return value


def check_filename(name: str) -> str:
    """Validate an attachment's file name as it will be written into the message."""
    label = f"The attachment name “{_printable(name)}”"
    check_text(label, name)
    if _PERCENT_BREAK.search(name):
        raise UnsafeHeaderError(
            f"{label} contains a percent-encoded control character or line break; "
            "unibox did not send it."
        )
    return name


def check_addr_spec(label: str, address: str) -> str:
    """An address as user@domain, nothing else: no spaces, brackets, quotes or commas."""
    check_text(label, address)
    if not _ADDR_SPEC.fullmatch(address):
        raise UnsafeHeaderError(f"{label} “{_printable(address)}” is not a valid e-mail address.")
    return address


def _printable(text: str) -> str:
    """The text with control characters shown as escapes, for an error sentence."""
    shown = "".join(ch if _bad_character(ch) is None else f"\\u{ord(ch):04x}" for ch in text[:80])
    return shown + ("…" if len(text) > 80 else "")
