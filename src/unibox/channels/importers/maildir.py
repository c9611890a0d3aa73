"""Mail archives as folders of files: Maildir (and Maildir++) and single or many .eml files.

A Maildir is a folder with ``cur/``, ``new/`` and ``tmp/``: one file a message,
its flags after ``:2,`` in the name (``P`` passed, ``R`` replied, ``S`` seen,
``T`` trashed, ``D`` draft, ``F`` flagged); ``new/`` holds what no client has
seen; ``tmp/`` is being written and is left alone. Maildir++ keeps subfolders
beside them as ``.Sent``, ``.Archive.2024`` (dots separate levels); other tools
nest whole maildirs in plain folders. An .eml file is one message (RFC 5322).

Everything here works on the names of the files (as `source.Source` lists a
folder or a .zip alike), so a zipped Maildir reads as an unpacked one. A
message's UID is a hash of its bytes: importing the same archive twice, or a
copy of it, finds every message already there.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from unibox.core.items import IncomingMessage
from unibox.core.mime import parse_many

BATCH_SIZE = 200
EML = (".eml", ".msg822", ".mime")
MAX_BYTES = 256 * 1024 * 1024  # one message larger than this is not mail but a mistake
_FLAGS = {"R": "\\Answered", "S": "\\Seen", "T": "\\Deleted", "D": "\\Draft", "F": "\\Flagged"}
_STAMP = re.compile(r"^(\d{9,11})\.")


@dataclass(frozen=True, slots=True)
class MailFile:
    """One message file: where it is, its bytes, its flags and when it arrived."""

    where: str
    raw: bytes
    flags: tuple[str, ...]
    arrived: datetime | None


def _label(parts: list[str]) -> str:
    """A maildir's folder name from its path below the archive's top ("" is the INBOX)."""
    if not parts:
        return "INBOX"
    levels: list[str] = []
    for part in parts:
        if part.startswith("."):
            levels.extend(p for p in part[1:].split(".") if p)  # Maildir++: .Archive.2024
        else:
            levels.append(part)
    return "/".join(levels) or "INBOX"


def maildir_members(names: Iterable[str]) -> list[tuple[str, list[tuple[str, bool]]]]:
    """(folder name, [(file name, in new/)]) of every maildir among `names`, INBOX first.

    The archive's top is the common start of every maildir's path: the maildir
    there is the INBOX, the others are named by their path below it.
    """
    roots: dict[tuple[str, ...], list[tuple[str, bool]]] = {}
    for name in names:
        parts = name.split("/")
        if len(parts) >= 2 and parts[-2] in ("cur", "new") and not parts[-1].startswith("."):
            roots.setdefault(tuple(parts[:-2]), []).append((name, parts[-2] == "new"))
    if not roots:
        return []
    keys = list(roots)
    top = 0
    while all(len(k) > top for k in keys) and len({k[top] for k in keys}) == 1:
        top += 1
    if len(keys) == 1:
        top = len(keys[0])  # one maildir: it is the INBOX, whatever its own name
    found = [(_label(list(k[top:])), sorted(roots[k], key=lambda m: (m[1], m[0]))) for k in keys]
    return sorted(found, key=lambda f: (f[0] != "INBOX", f[0].casefold()))


def is_eml(name: str) -> bool:
    """An .eml file that is not a maildir's message."""
    parts = name.split("/")
    return name.lower().endswith(EML) and not (len(parts) >= 2 and parts[-2] in ("cur", "new"))


def uid_of(raw: bytes) -> int:
    """A stable UID from the message's bytes (56 bits: a collision is far out of reach)."""
    return int.from_bytes(hashlib.sha256(raw).digest()[:7], "big")


def flags_of(name: str, new: bool) -> tuple[str, ...]:
    """IMAP flags from a maildir file name (none for a message still in new/)."""
    if new:
        return ()
    base = name.rsplit("/", 1)[-1]
    _stem, sep, info = base.rpartition(":2,")
    if not sep:
        _stem, sep, info = base.rpartition("!2,")  # where ':' cannot be in a file name
    return tuple(sorted({_FLAGS[c] for c in info if c in _FLAGS})) if sep else ()


def arrived_of(name: str) -> datetime | None:
    """When a maildir file arrived, from the time its name starts with."""
    m = _STAMP.match(name.rsplit("/", 1)[-1])
    try:
        return datetime.fromtimestamp(int(m[1]), UTC) if m else None
    except (ValueError, OverflowError, OSError):
        return None


def unreadable(raw: bytes) -> str:
    """Why these bytes are no message to import; "" when they are one."""
    if len(raw) > MAX_BYTES:
        return "larger than 256 MB: not read"
    if not raw.strip():
        return "an empty file"
    if b":" not in raw[:4096]:
        return "not a mail message (no header line)"
    return ""


def incoming(files: list[MailFile]) -> list[IncomingMessage]:
    """A batch of files parsed into messages with stable UIDs."""
    parsed = parse_many([f.raw for f in files])
    return [
        IncomingMessage(
            uid=uid_of(f.raw),
            flags=f.flags,
            size=len(f.raw),
            internal_date=f.arrived,
            parsed=p,
            raw=f.raw,
        )
        for f, p in zip(files, parsed, strict=True)
    ]


def batches(files: Iterable[MailFile], size: int = BATCH_SIZE) -> Iterator[list[IncomingMessage]]:
    """Files parsed a batch at a time: memory holds one batch, whatever the archive's size."""
    pending: list[MailFile] = []
    for f in files:
        pending.append(f)
        if len(pending) >= size:
            yield incoming(pending)
            pending = []
    if pending:
        yield incoming(pending)
