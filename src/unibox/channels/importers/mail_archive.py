"""Mail archives as an importer: a Maildir (with Maildir++ or nested subfolders), .eml
files and mbox files (.mbox, or a file of "From " lines); one, or a folder or .zip of them.

Each message is an `ArchivedMail` in the folder it was filed in: a maildir's
name, the mbox file's name, or "Imported" for loose .eml files. UIDs are a hash
of the bytes (maildir.uid_of): importing the same archive again adds nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from unibox.channels.imap import folder_role
from unibox.channels.importers import maildir as md
from unibox.channels.importers import mbox
from unibox.channels.importers.base import ArchivedMail, Item, ReadOptions, Skip, Stage
from unibox.channels.importers.source import Source
from unibox.core.items import IncomingMessage

EML_FOLDER = "Imported"


def _mboxes(source: Source) -> list[str]:
    return [
        n
        for n in source.names()
        if n.lower().endswith(".mbox")
        or ("." not in n.rsplit("/", 1)[-1] and source.head(n, 5) == b"From ")
    ]


def _emls(source: Source) -> list[str]:
    return [n for n in source.names() if md.is_eml(n)]


def _folder_name(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    stem = base[: -len(".mbox")] if base.lower().endswith(".mbox") else base
    return "INBOX" if stem.lower() == "inbox" else stem or "Imported"


class MailArchiveImporter:
    name = "mail"
    title = "Mail archive (Maildir, .eml, mbox)"
    channel = "mail"

    def detect(self, source: Source) -> bool:
        return bool(md.maildir_members(source.names()) or _emls(source) or _mboxes(source))

    def read(self, source: Source, options: ReadOptions) -> Iterator[Item]:
        for folder, members in md.maildir_members(source.names()):
            yield Stage(folder, len(members))
            yield from _files(source, folder, [(n, md.flags_of(n, new)) for n, new in members])
        emls = _emls(source)
        if emls:
            yield Stage(EML_FOLDER, len(emls))
            yield from _files(source, EML_FOLDER, [(n, ("\\Seen",)) for n in emls])
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


def _files(source: Source, folder: str, files: list[tuple[str, tuple[str, ...]]]) -> Iterator[Item]:
    """The files' messages in `folder`, a batch at a time; a file that is no mail skipped."""
    batch: list[md.MailFile] = []
    for name, flags in files:
        try:
            with source.open(name) as f:
                raw = f.read(md.MAX_BYTES + 1)
        except OSError as exc:
            yield Skip(source.where(name), "", f"could not be read: {exc.strerror or exc}")
            continue
        reason = md.unreadable(raw)
        if reason:
            yield Skip(source.where(name), "", reason)
            continue
        batch.append(md.MailFile(source.where(name), raw, flags, md.arrived_of(name)))
        if len(batch) >= md.BATCH_SIZE:
            yield from (_mail(folder, m) for m in md.incoming(batch))
            batch = []
    yield from (_mail(folder, m) for m in md.incoming(batch))


def _mail(folder: str, message: IncomingMessage) -> ArchivedMail:
    return ArchivedMail(folder, message, folder_role(folder, (), "/").value)


def _mbox_batch(folder: str, entries: list[mbox.MboxEntry]) -> Iterator[ArchivedMail]:
    if not entries:
        return
    for m in mbox.incoming(entries, 1):
        stable = dataclasses.replace(m, uid=md.uid_of(m.raw or b""))
        yield _mail(folder, stable)


IMPORTER = MailArchiveImporter()
