"""Decode bytes whose charset label may be wrong, missing or unknown."""

from __future__ import annotations

import codecs
import functools

# Labels mail clients write that Python does not know, or knows as something
# narrower than what senders actually use (the WHATWG encoding standard makes
# the same substitutions: latin-1 and ascii labels really mean windows-1252).
_ALIASES = {
    "utf8": "utf-8",
    "x-unknown": "",
    "unknown-8bit": "",
    "x-user-defined": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "x-sjis": "shift_jis",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "iso-8859-8-i": "iso-8859-8",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "unicode-1-1-utf-7": "utf-7",
    "macintosh": "mac_roman",
    "x-mac-roman": "mac_roman",
}

# Text codecs that are not charsets: they interpret escapes or run slow
# algorithms on attacker-controlled input, so a label naming them is ignored.
_REFUSED = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "mbcs", "oem"}
)

# Codecs where a decoding error most likely means "mislabelled", so we try
# other charsets; for anything else (say Shift-JIS with one bad byte) keeping
# the declared charset with replacement characters reads better.
_MISLABEL_PRONE = frozenset({"utf-8", "ascii", "cp1252", "latin-1", "iso8859-1", "iso8859-15"})


@functools.lru_cache(maxsize=256)
def lookup_codec(label: str | None) -> str | None:
    """Python codec name for a MIME charset label, or None if unknown or refused."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    if not name or len(name) > 40:
        return None
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if info.name in _REFUSED or not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def decode_text(data: bytes, declared: str | None = None, *, truncated: bool = False) -> str:
    """Decode `data`: the declared charset, else UTF-8, else windows-1252/latin-1.

    `truncated` says `data` was cut at an arbitrary byte, so an incomplete
    character at its very end is dropped instead of failing the whole decode.
    """
    codec = lookup_codec(declared)
    if codec is not None:
        text = _strict(data, codec, truncated)
        if text is not None:
            return text
    if codec != "utf-8":
        text = _strict(data, "utf-8", truncated)
        if text is not None:
            return text
    if codec is not None and codec not in _MISLABEL_PRONE:
        return _lenient(data, codec)
    text = _strict(data, "cp1252", False)
    # latin-1 maps every byte, so the chain always ends with some text.
    return text if text is not None else data.decode("latin-1")


def decode_header_bytes(data: bytes) -> str:
    """Raw 8-bit header bytes (no charset can be declared for them): UTF-8 where they
    are valid UTF-8, windows-1252 for each byte that is not, so a header mixing both
    (one mailer's "Grüße" beside another's "été") reads right in both places."""
    return data.decode("utf-8", errors=_CP1252_FALLBACK)


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="ignore") or bad.decode("latin-1"), error.end


_CP1252_FALLBACK = "unibox-cp1252-fallback"
codecs.register_error(_CP1252_FALLBACK, _cp1252_bytes)


def _strict(data: bytes, codec: str, truncated: bool) -> str | None:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        # Only an incomplete sequence at the cut is forgiven, nothing earlier.
        if not truncated or exc.start < len(data) - 8 or exc.end != len(data):
            return None
        return _strict(data[: exc.start], codec, False)
    except Exception:  # some codecs raise other errors on malformed input
        return None
    return text[1:] if text.startswith("\ufeff") else text


def _lenient(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec, errors="replace")
    except Exception:
        return data.decode("latin-1")
