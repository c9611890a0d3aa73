"""Tolerant RFC 2047 decoding of "=?charset?Q?...?=" words in header text."""

from __future__ import annotations

import base64
import binascii
import re

from unibox.core.charsets import decode_text

# Tolerant on purpose: spaces inside the encoded text (seen from broken
# mailers) are accepted, line breaks are not.
_WORD = re.compile(r"=\?([^?\s]{1,60})\?([bBqQ])\?([^?\r\n]*)\?=")
_BLANK = re.compile(r"[ \t\r\n]*")
_NOT_B64 = re.compile(rb"[^A-Za-z0-9+/]")


def decode_words(text: str) -> str:
    """Decode every encoded-word in `text`; leave anything undecodable as written.

    Adjacent encoded-words separated only by white space are joined (RFC 2047
    6.2), and their bytes are decoded together when they share a charset, so a
    multi-byte character split across two words still comes out whole.
    """
    if "=?" not in text:
        return text
    out: list[str] = []
    pending = b""  # bytes of consecutive words in one charset, not yet decoded
    pending_charset = ""
    after_word = False  # the previous token was a decoded encoded-word
    pos = 0
    for match in _WORD.finditer(text):
        gap = text[pos : match.start()]
        pos = match.end()
        if not (after_word and _BLANK.fullmatch(gap)):
            if pending:
                out.append(decode_text(pending, pending_charset))
                pending = b""
            out.append(gap)
        raw = _decode_payload(match.group(2), match.group(3))
        if raw is None:  # not decodable: keep the word as written
            if pending:
                out.append(decode_text(pending, pending_charset))
                pending = b""
            out.append(match.group(0))
            after_word = False
            continue
        charset = match.group(1).split("*", 1)[0]  # drop an RFC 2231 language tag
        if pending and charset.lower() != pending_charset.lower():
            out.append(decode_text(pending, pending_charset))
            pending = b""
        pending += raw
        pending_charset = charset
        after_word = True
    if pending:
        out.append(decode_text(pending, pending_charset))
    out.append(text[pos:])
    return "".join(out)


def _decode_payload(encoding: str, payload: str) -> bytes | None:
    try:
        data = payload.encode("ascii")
    except UnicodeEncodeError:
        return None
    if encoding in "qQ":
        return binascii.a2b_qp(data, header=True)
    data = _NOT_B64.sub(b"", data)
    data = data[: len(data) - len(data) % 4] if len(data) % 4 == 1 else data
    try:
        return base64.b64decode(data + b"=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        return None
