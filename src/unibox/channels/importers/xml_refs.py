"""Character references that XML forbids, repaired in a byte stream before a parser sees it.

Android apps (SMS Backup & Restore among them) write a character beyond
U+FFFF as two references, one per UTF-16 half (``&#55357;&#56832;``); no XML
parser accepts a reference to a surrogate. `RepairedXml` rewrites each pair as
one reference (``&#128512;``) as the bytes stream past, and a lone half or a
control character XML forbids (``&#1;``) becomes U+FFFD.
"""

from __future__ import annotations

import re
from typing import IO

_CHUNK = 1 << 16
_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));")
_TRAILING_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));$")


def _xml_char(code: int) -> bool:
    return code in (9, 10, 13) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0x10FFFF


class RepairedXml:
    """A byte stream whose surrogate-pair character references are made one (see above)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._held = b""

    def read(self, size: int = _CHUNK) -> bytes:
        data = self._raw.read(max(size, 64))
        if not data:
            out, self._held = self._held, b""
            return repair_refs(out)
        data = self._held + data
        # A reference, or a pair of them, may be cut by the end of this chunk: keep the tail.
        cut = data.rfind(b"&", max(0, len(data) - 24))
        if cut >= 0:
            before = _TRAILING_REF.search(data, max(0, cut - 12), cut)
            if before and 0xD800 <= _code(before) <= 0xDBFF:
                cut = before.start()  # the high half goes with its low half
            data, self._held = data[:cut], data[cut:]
        else:
            self._held = b""
        return repair_refs(data) if data else self.read(size)


def _code(m: re.Match[bytes]) -> int:
    return int(m[1], 16) if m[1] else int(m[2])


def repair_refs(data: bytes) -> bytes:
    """Surrogate pairs of references joined; lone halves and forbidden characters U+FFFD."""
    if b"&#" not in data:
        return data
    out: list[bytes] = []
    pos = 0
    high: int | None = None  # a high half waiting for its low half
    for m in _REF.finditer(data):
        code = _code(m)
        if m.start() != pos and high is not None:
            out.append(b"&#65533;")
            high = None
        out.append(data[pos : m.start()])
        pos = m.end()
        if 0xD800 <= code <= 0xDBFF:
            if high is not None:
                out.append(b"&#65533;")
            high = code
            continue
        if 0xDC00 <= code <= 0xDFFF:
            if high is None:
                out.append(b"&#65533;")
            else:
                joined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                out.append(b"&#%d;" % joined)
                high = None
            continue
        if high is not None:
            out.append(b"&#65533;")
            high = None
        out.append(m[0] if _xml_char(code) else b"&#65533;")
    if high is not None:
        out.append(b"&#65533;")
    out.append(data[pos:])
    return b"".join(out)
