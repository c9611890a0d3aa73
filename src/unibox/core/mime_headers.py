"""Read the fields unibox needs from a raw header block, bounded and tolerant."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_tz

from unibox.core.charsets import decode_header_bytes
from unibox.core.encoded_words import decode_words
from unibox.core.items import Address
from unibox.core.mime_addresses import parse_addresses
from unibox.core.mime_limits import MimeLimits, size_text
from unibox.core.visible_text import visible_line

_MBOX_FROM = re.compile(rb"From [^\s:]")
_FIELD_START = re.compile(rb"\n(?![ \t])")
# Only the fields we use are matched, each with its continuation lines; the
# pattern is unambiguous, so it runs in linear time over the whole block.
_WANTED = re.compile(
    rb"^(from|sender|to|cc|bcc|reply-to|subject|date|message-id|in-reply-to|references)"
    rb"[ \t]*:([^\n]*(?:\n[ \t][^\n]*)*)",
    re.IGNORECASE | re.MULTILINE,
)
_ANY_FIELD = re.compile(rb"[!-9;-~]+[ \t]*:")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_MSG_ID = re.compile(r"<([^<>]*)>")
_SPACE = re.compile(r"\s+")
_MAX_ID = 998  # a whole header line; anything longer is junk

ADDRESS_FIELDS = ("from", "sender", "to", "cc", "bcc", "reply-to")
_FIELD_LABELS = {
    "from": "From",
    "sender": "Sender",
    "to": "To",
    "cc": "Cc",
    "bcc": "Bcc",
    "reply-to": "Reply-To",
}


@dataclass(slots=True)
class HeaderFields:
    """The parsed header fields, named as on ParsedMessage, plus what went wrong."""

    message_id: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    subject: str = ""
    addresses: dict[str, tuple[Address, ...]] = field(default_factory=dict)
    date: datetime | None = None
    found_any: bool = False  # the message starts with a header field, of any name
    problems: list[str] = field(default_factory=list)
    # Set when a bound cut the header block short: the block that was read,
    # and where the body starts in the raw message (-1: not found in bounds).
    cut_block: bytes | None = None
    body_start: int = -1

    def body_source(self, raw: bytes) -> bytes | None:
        """What to hand the MIME parser: `raw`, or with its header block cut to
        the bounds (so no parser spends seconds on a million header fields),
        or None when the body could not be found within them."""
        if self.cut_block is None:
            return raw
        if self.body_start < 0:
            return None
        return self.cut_block.rstrip(b"\r\n") + b"\r\n\r\n" + raw[self.body_start :]


def read_headers(raw: bytes, limits: MimeLimits) -> HeaderFields:
    """Parse the header block at the start of `raw` (which may be only headers)."""
    result = HeaderFields()
    block = _header_block(raw, limits, result)
    # Like the stdlib: a first line that is not a header field means no headers.
    result.found_any = _ANY_FIELD.match(block) is not None
    values: dict[str, str] = {}
    for match in _WANTED.finditer(block):
        name = match.group(1).decode("ascii").lower()
        if name not in values:  # the first occurrence wins, as in every client
            value = match.group(2)
            text = value.decode("ascii") if value.isascii() else decode_header_bytes(value)
            values[name] = _FOLD.sub("", text).strip() if "\n" in text else text.strip()
    result.subject = _clean_text(decode_words(values.get("subject", "")))
    result.message_id = first_id(values.get("message-id", ""))
    result.in_reply_to = first_id(values.get("in-reply-to", ""))
    result.references = _references(values.get("references", ""), limits.max_references)
    result.date = parse_date(values.get("date", ""))
    for name in ADDRESS_FIELDS:
        if name in values:
            found, truncated = parse_addresses(values[name], limits.max_addresses)
            result.addresses[name] = found
            if truncated:
                result.problems.append(
                    f"The {_FIELD_LABELS[name]} field lists more than "
                    f"{limits.max_addresses:,} addresses; only the first "
                    f"{limits.max_addresses:,} were read."
                )
    return result


def _header_block(raw: bytes, limits: MimeLimits, result: HeaderFields) -> bytes:
    offset = 0
    if _MBOX_FROM.match(raw):  # an mbox separator line, not a header field
        offset = raw.find(b"\n") + 1 if b"\n" in raw else len(raw)
        raw = raw[offset:]
    if raw.startswith((b"\r\n", b"\n")):
        return b""  # an empty line first: no headers at all
    end, separator = _header_end(raw, limits.max_header_bytes)
    if end >= 0:
        block = raw[:end].rstrip(b"\r")
        result.body_start = offset + end + separator
    elif len(raw) <= limits.max_header_bytes:
        block = raw  # only headers, as from IMAP BODY.PEEK[HEADER]
    else:
        block = raw[: raw.rfind(b"\n", 0, limits.max_header_bytes) + 1]
        result.cut_block = block
        result.problems.append(
            f"The message header is larger than {size_text(limits.max_header_bytes)}; "
            "only its beginning was read."
        )
    # Counting with bytes.count is C speed; continuation lines are not fields.
    fields = block.count(b"\n") + 1 - block.count(b"\n ") - block.count(b"\n\t")
    if fields > limits.max_header_fields:
        starts = _FIELD_START.finditer(block)
        cut = next(itertools.islice(starts, limits.max_header_fields - 1, None), None)
        block = block[: cut.start()] if cut is not None else block
        result.cut_block = block
        result.problems.append(
            f"The message has more than {limits.max_header_fields:,} header fields; "
            f"only the first {limits.max_header_fields:,} were read."
        )
    return block


def _header_end(raw: bytes, limit: int) -> tuple[int, int]:
    """Where the empty line after the header block starts (or -1), and its length."""
    # Plain finds run at memchr speed where a regex for \r?\n\r?\n crawls.
    # Look for the line-ending style the first line uses first, so the
    # search for the other style does not scan the whole body in vain.
    first = raw.find(b"\n", 0, limit)
    if first < 0:
        return -1, 0
    styles = (b"\r\n\r\n", b"\n\n", b"\n\r\n")
    if first == 0 or raw[first - 1] != 0x0D:
        styles = (b"\n\n", b"\n\r\n", b"\r\n\r\n")
    for separator in styles:
        end = raw.find(separator, 0, limit + len(separator))
        if end >= 0:
            return end, len(separator)
    return -1, 0


def _clean_text(text: str) -> str:
    return _SPACE.sub(" ", visible_line(text)).strip()


def _ids(value: str) -> list[str]:
    ids = [_SPACE.sub("", found) for found in _MSG_ID.findall(value)]
    if not ids:  # brackets missing: take the words that look like ids
        words = [word.strip("<>") for word in value.split()]
        ids = [word for word in words if "@" in word] or words[:1]
    return [_CONTROL.sub("", i) for i in ids if 0 < len(i) <= _MAX_ID]


def first_id(value: str) -> str:
    """The first message id in a Message-ID or In-Reply-To value, without brackets."""
    ids = _ids(value)
    return ids[0] if ids else ""


def _references(value: str, limit: int) -> tuple[str, ...]:
    ids = list(dict.fromkeys(_ids(value)))  # drop repeats, keep order
    if len(ids) > limit:
        # The first id is the thread root and the last the parent: keep both ends.
        ids = ids[:1] + ids[len(ids) - limit + 1 :]
    return tuple(ids)


def parse_date(value: str) -> datetime | None:
    """A Date header as an aware datetime (UTC when it names no zone), or None."""
    value = value.strip()
    if not value:
        return None
    try:
        parts = parsedate_tz(value)
    except Exception:  # parsedate_tz has raised on odd input in several versions
        parts = None
    try:
        if parts is not None:
            return datetime(*parts[:6], tzinfo=_zone(parts[9]))
        parsed = datetime.fromisoformat(value)  # some mailers write ISO 8601
    except (ValueError, OverflowError, TypeError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _zone(offset: int | None) -> timezone:
    try:
        return UTC if offset is None else timezone(timedelta(seconds=offset))
    except (ValueError, OverflowError):  # an offset of a day or more is junk
        return UTC
