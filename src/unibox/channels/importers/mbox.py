"""Read mbox files (as mutt, Thunderbird, Apple Mail and Google Takeout write them)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from unibox.core.items import IncomingMessage
from unibox.core.mime import parse_many

BATCH_SIZE = 200

# "From sender@example.org Fri Mar 14 08:47:00 2025", optionally with a zone
# before the year (Google Takeout writes "+0000").
_ENVELOPE_DATE = re.compile(
    rb"(?P<mon>[A-Za-z]{3}) +(?P<day>\d{1,2}) +(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?"
    rb" +(?:[+-]\d{4} +)?(?P<year>\d{4})\s*$"
)
_MONTHS = {
    m: i for i, m in enumerate(b"Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)
}
_QUOTED_FROM = re.compile(rb">+From ")
# Thunderbird's X-Mozilla-Status bits.
_MOZ_READ, _MOZ_REPLIED, _MOZ_FLAGGED, _MOZ_EXPUNGED = 0x1, 0x2, 0x4, 0x8


@dataclass(frozen=True, slots=True)
class MboxEntry:
    """One message cut out of an mbox: its From_ line and its source, unquoted."""

    envelope: bytes  # the From_ line without "From " and the line end; b"" if missing
    raw: bytes


def split_mbox(stream: IO[bytes]) -> Iterator[MboxEntry]:
    """The messages of an mbox stream, in file order, read line by line.

    A line starting with "From " opens a message when it follows a blank line
    (or starts the file) or carries an envelope date: so a careless writer's
    unquoted "From " in a body does not cut a message in two. Quoting is
    undone the mboxrd way: ">From " loses one ">" (exact for mboxrd, and
    what mboxo writers meant).
    """
    envelope: bytes | None = None
    lines: list[bytes] = []
    previous_blank = True
    for line in stream:
        if line.startswith(b"From ") and (previous_blank or _ENVELOPE_DATE.search(line)):
            if envelope is not None or _has_content(lines):
                yield _entry(envelope, lines)
            envelope = line[5:].rstrip(b"\r\n")
            lines = []
            previous_blank = False
            continue
        if _QUOTED_FROM.match(line):
            line = line[1:]
        lines.append(line)
        previous_blank = line in (b"\n", b"\r\n")
    if envelope is not None or _has_content(lines):
        yield _entry(envelope, lines)


def _has_content(lines: list[bytes]) -> bool:
    return any(line.strip() for line in lines)


def _entry(envelope: bytes | None, lines: list[bytes]) -> MboxEntry:
    # The blank line before the next From_ belongs to the mbox, not the message.
    if lines and lines[-1] in (b"\n", b"\r\n"):
        lines = lines[:-1]
    return MboxEntry(envelope or b"", b"".join(lines))


def envelope_date(envelope: bytes) -> datetime | None:
    """When the message was delivered, from the From_ line (UTC by convention)."""
    match = _ENVELOPE_DATE.search(envelope)
    if match is None or match["mon"].capitalize() not in _MONTHS:
        return None
    try:
        return datetime(
            int(match["year"]),
            _MONTHS[match["mon"].capitalize()],
            int(match["day"]),
            int(match["h"]),
            int(match["m"]),
            int(match["s"] or 0),
            tzinfo=UTC,
        )
    except ValueError:
        return None


def mbox_flags(raw: bytes) -> tuple[str, ...]:
    """IMAP flags from the Status/X-Status (mutt), X-Mozilla-Status or X-Gmail-Labels headers."""
    flags: set[str] = set()
    for name, value in _status_headers(raw):
        if name == b"status":
            if b"R" in value:
                flags.add("\\Seen")
        elif name == b"x-status":
            flags.update(f for letter, f in _X_STATUS.items() if letter in value)
        elif name == b"x-mozilla-status":
            try:
                bits = int(value.strip() or b"0", 16)
            except ValueError:
                continue
            for bit, flag in _MOZ_BITS:
                if bits & bit:
                    flags.add(flag)
        elif name == b"x-gmail-labels":
            labels = {label.strip().lower() for label in value.split(b",")}
            if b"unread" not in labels:
                flags.add("\\Seen")
            if b"starred" in labels:
                flags.add("\\Flagged")
    return tuple(sorted(flags))


_X_STATUS = {ord("A"): "\\Answered", ord("F"): "\\Flagged", ord("T"): "\\Draft"}
_MOZ_BITS = ((_MOZ_READ, "\\Seen"), (_MOZ_REPLIED, "\\Answered"), (_MOZ_FLAGGED, "\\Flagged"))
_STATUS_NAMES = (b"status", b"x-status", b"x-mozilla-status", b"x-gmail-labels")


def _status_headers(raw: bytes) -> Iterator[tuple[bytes, bytes]]:
    for line in raw.split(b"\n", 400):
        if line in (b"", b"\r"):
            return  # end of the header block
        name, sep, value = line.partition(b":")
        if sep and name.strip().lower() in _STATUS_NAMES:
            yield name.strip().lower(), value.strip()


def incoming(entries: Iterable[MboxEntry], first_uid: int) -> list[IncomingMessage]:
    """Parse a batch of mbox entries into messages numbered from first_uid."""
    batch = list(entries)
    parsed = parse_many([e.raw for e in batch])
    return [
        IncomingMessage(
            uid=first_uid + n,
            flags=mbox_flags(entry.raw),
            size=len(entry.raw),
            internal_date=envelope_date(entry.envelope),
            parsed=p,
            raw=entry.raw,
        )
        for n, (entry, p) in enumerate(zip(batch, parsed, strict=True))
    ]


def read_mbox(
    path: Path, *, first_uid: int = 1, batch_size: int = BATCH_SIZE
) -> Iterator[list[IncomingMessage]]:
    """Messages of an mbox file in batches, UIDs counting up from first_uid in file order.

    Streams: memory holds one batch, whatever the size of the file.
    """
    uid = first_uid
    pending: list[MboxEntry] = []
    with path.open("rb") as stream:
        for entry in split_mbox(stream):
            pending.append(entry)
            if len(pending) >= batch_size:
                yield incoming(pending, uid)
                uid += len(pending)
                pending = []
    if pending:
        yield incoming(pending, uid)
