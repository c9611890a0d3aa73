"""Maildir and Maildir++ folders written the way Dovecot, mutt and offlineimap write them
(cur/new/tmp, ``:2,FLAGS`` in file names, ``.Sub.Folder`` beside them). Never a real archive."""

from __future__ import annotations

from pathlib import Path


def make_maildir(path: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    return path


def deliver(maildir: Path, n: int, raw: bytes, flags: str = "", new: bool = False) -> Path:
    """Put one message in the maildir: new/ (unseen) or cur/ with its flags."""
    stamp = 1733000000 + n
    name = f"{stamp}.M{n}P4242.host"
    target = maildir / ("new" if new else "cur") / (name if new else f"{name}:2,{flags}")
    target.write_bytes(raw)
    return target
