"""Mail archives as an importer: a Maildir (with Maildir++ or nested subfolders), .eml
files (one, or a folder or .zip of them) and mbox files (.mbox, or a file of "From " lines).

Each message is an `ArchivedMail` in the folder it was filed in: a maildir's
name, the mbox file's name, or "Imported" for loose .eml files. UIDs are a hash
of the bytes (maildir.uid_of): importing the same archive again adds nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

from unibox.channels.imap import folder_role
from unibox.channels.importers import maildir as md
from unibox.channels.importers import mbox
from unibox.channels.importers.base import ArchivedMail, Item, ReadOptions, Skip, Stage
from unibox.channels.importers.source import Source
from unibox.core.items import IncomingMessage

EML_FOLDER = "Imported"


def _maildirs(source: Source) -> list[tuple[str, Path]]:
    if source.kind != "folder":
        return []
    return md.maildir_folders(source.path)


def _mboxes(source: Source) -> list[str]:
    return [
        n
        for n in source.names()
        if n.lower().endswith(".mbox")
        or ("." not in n.rsplit("/", 1)[-1] and source.head(n, 5) == b"From ")
    ]


def _emls(source: Source) -> list[str]:
    if _maildirs(source):
        return []  # a maildir's files are read as the maildir
    return [n for n in source.names() if n.lower().endswith(md.EML)]


def _folder_name(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    stem = base[: -len(".mbox")] if base.lower().endswith(".mbox") else base
    return "INBOX" if stem.lower() == "inbox" else stem or "Imported"


class MailArchiveImporter:
    name = "mail"
    title = "Mail archive (Maildir, .eml, mbox)"
    channel = "mail"

    def detect(self, source: Source) -> bool:
        return bool(_maildirs(source) or _emls(source) or _mboxes(source))

    def read(self, source: Source, options: ReadOptions) -> Iterator[Item]:
        skipped: list[Skip] = []
        for folder, path in _maildirs(source):
            yield Stage(folder)
            for batch in md.batches(md.maildir_files(path, folder, skipped)):
                yield from skipped
                skipped.clear()
                yield from (_mail(folder, m) for m in batch)
            yield from skipped
            skipped.clear()
        emls = _emls(source)
        if emls:
            yield Stage(EML_FOLDER, len(emls))
            yield from self._emls(source, emls)
        for name in _mboxes(source):
            folder = _folder_name(name)
            yield Stage(folder)
            with source.open(name) as stream:
                pending: list[mbox.MboxEntry] = []
                for entry in mbox.split_mbox(stream):
                    pending.append(entry)
                    if len(pending) >= md.BATCH_SIZE:
                        yield from _mbox_batch(folder, pending)
                        pending = []
                yield from _mbox_batch(folder, pending)

    def _emls(self, source: Source, names: list[str]) -> Iterator[Item]:
        files: list[md.MailFile] = []
        for name in names:
            with source.open(name) as f:
                raw = f.read(md.MAX_BYTES + 1)
            reason = md.unreadable(raw)
            if reason:
                yield Skip(source.where(name), "", reason)
                continue
            files.append(md.MailFile(source.where(name), raw, ("\\Seen",), None))
            if len(files) >= md.BATCH_SIZE:
                yield from (_mail(EML_FOLDER, m) for m in md.incoming(files))
                files = []
        yield from (_mail(EML_FOLDER, m) for m in md.incoming(files))


def _mail(folder: str, message: IncomingMessage) -> ArchivedMail:
    return ArchivedMail(folder, message, folder_role(folder, (), "/").value)


def _mbox_batch(folder: str, entries: list[mbox.MboxEntry]) -> Iterator[ArchivedMail]:
    if not entries:
        return
    for m in mbox.incoming(entries, 1):
        stable = dataclasses.replace(m, uid=md.uid_of(m.raw or b""))
        yield _mail(folder, stable)


IMPORTER = MailArchiveImporter()
