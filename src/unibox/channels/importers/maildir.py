"""Mail archives as folders of files: Maildir (and Maildir++) and single or many .eml files.

A Maildir is a folder with ``cur/``, ``new/`` and ``tmp/``: one file a message,
its flags after ``:2,`` in the name (``P`` passed, ``R`` replied, ``S`` seen,
``T`` trashed, ``D`` draft, ``F`` flagged); ``new/`` holds what no client has
seen; ``tmp/`` is being written and is left alone. Maildir++ keeps subfolders
beside them as ``.Sent``, ``.Archive.2024`` (dots separate levels); other tools
nest whole maildirs in plain folders. An .eml file is one message (RFC 5322).

A message's UID is a hash of its bytes, so importing the same archive twice,
or a copy of it, finds every message already there.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from unibox.channels.importers.base import Skip
from unibox.core.items import IncomingMessage
from unibox.core.mime import parse_many

BATCH_SIZE = 200
_FLAGS = {"R": "\\Answered", "S": "\\Seen", "T": "\\Deleted", "D": "\\Draft", "F": "\\Flagged"}
EML = (".eml", ".msg822", ".mime")
_STAMP = re.compile(r"^(\d{9,11})\.")
MAX_BYTES = 256 * 1024 * 1024  # one message larger than this is not mail but a mistake


@dataclass(frozen=True, slots=True)
class MailFile:
    """One message file: where it is, its bytes, its flags and when it arrived."""

    where: str
    raw: bytes
    flags: tuple[str, ...]
    arrived: datetime | None


def is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def maildir_folders(root: Path) -> list[tuple[str, Path]]:
    """(folder name, maildir) of an archive: itself as INBOX, Maildir++ and nested subfolders."""
    found: list[tuple[str, Path]] = []
    if is_maildir(root):
        found.append(("INBOX", root))
    for child in sorted(p for p in root.iterdir() if p.is_dir()):
        if child.name in ("cur", "new", "tmp"):
            continue
        if child.name.startswith(".") and is_maildir(child):
            found.append(("/".join(child.name[1:].split(".")), child))
        elif not child.name.startswith("."):
            found.extend(
                (f"{child.name}/{n}" if n != "INBOX" else child.name, p)
                for n, p in maildir_folders(child)
            )
    return found


def uid_of(raw: bytes) -> int:
    """A stable UID from the message's bytes (56 bits: a collision is far out of reach)."""
    return int.from_bytes(hashlib.sha256(raw).digest()[:7], "big")


def _flags(name: str, new: bool) -> tuple[str, ...]:
    if new:
        return ()
    _base, sep, info = name.rpartition(":2,")
    if not sep:
        _base, sep, info = name.rpartition("!2,")  # where ':' cannot be in a file name
    return tuple(sorted({_FLAGS[c] for c in info if c in _FLAGS})) if sep else ()


def _arrived(path: Path) -> datetime | None:
    m = _STAMP.match(path.name)
    try:
        stamp = int(m[1]) if m else int(path.stat().st_mtime)
        return datetime.fromtimestamp(stamp, UTC)
    except (OSError, ValueError, OverflowError):
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


def _read(path: Path, where: str, skipped: list[Skip]) -> bytes | None:
    try:
        if path.stat().st_size > MAX_BYTES:
            skipped.append(Skip(where, "", "larger than 256 MB: not read"))
            return None
        raw = path.read_bytes()
    except OSError as exc:
        skipped.append(Skip(where, "", f"could not be read: {exc.strerror or exc}"))
        return None
    reason = unreadable(raw)
    if reason:
        skipped.append(Skip(where, "", reason))
        return None
    return raw


def maildir_files(folder: Path, label: str, skipped: list[Skip]) -> Iterator[MailFile]:
    """The messages of one maildir, ``cur`` then ``new``, by file name (arrival order)."""
    for sub in ("cur", "new"):
        try:
            names = sorted(p for p in (folder / sub).iterdir() if p.is_file())
        except OSError:
            continue
        for path in names:
            if path.name.startswith("."):
                continue
            where = f"{label}/{sub}/{path.name}"
            raw = _read(path, where, skipped)
            if raw is not None:
                yield MailFile(where, raw, _flags(path.name, sub == "new"), _arrived(path))


def eml_files(path: Path, skipped: list[Skip]) -> Iterator[MailFile]:
    """One .eml file, or every .eml file under a folder (sorted, in subfolders too)."""
    paths = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for p in paths:
        if p.suffix.lower() not in EML:
            continue
        where = str(p.relative_to(path)) if path.is_dir() else p.name
        raw = _read(p, where, skipped)
        if raw is not None:
            yield MailFile(where, raw, ("\\Seen",), _arrived(p))


def has_eml(path: Path) -> bool:
    if path.is_file():
        return path.suffix.lower() in EML
    return any(p.suffix.lower() in EML for p in path.rglob("*") if p.is_file())


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


def batches(files: Iterator[MailFile], size: int = BATCH_SIZE) -> Iterator[list[IncomingMessage]]:
    """Files parsed a batch at a time: memory holds one batch, whatever the archive's size."""
    pending: list[MailFile] = []
    for f in files:
        pending.append(f)
        if len(pending) >= size:
            yield incoming(pending)
            pending = []
    if pending:
        yield incoming(pending)
