"""`unibox import` of chat exports: WhatsApp .txt and .zip files (or a folder of them).

Each chat is read twice, streaming: once to learn its date order and senders,
once to store its messages in batches. The export's owner (given, or the one
sender of every chat, or the one who is not the chat's title) is the user.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from unibox.store.chat import ChatIngestor

from unibox.channels.importers import whatsapp as wa
from unibox.core.errors import UserError
from unibox.core.items import ChatAddress, ChatMessage
from unibox.store.store import Store

_BATCH = 2000
_PROBE_LINES = 30


@dataclass(slots=True)
class ChatSource:
    """One chat of an export: its title and how to open its text again."""

    where: str  # the file (and member) as shown in the report
    title: str
    open: Callable[[], TextIO]


@dataclass(slots=True)
class ImportReport:
    conversations: int = 0
    messages: int = 0
    already: int = 0
    media: int = 0
    people_created: int = 0
    people_matched: int = 0
    me: str = ""
    skipped: list[tuple[str, wa.Skipped]] = field(default_factory=list)  # the first ones
    skipped_count: int = 0
    notes: list[str] = field(default_factory=list)


class _FirstSkips(list[wa.Skipped]):
    """Counts every skipped line, keeps the first few: a garbage file stays small."""

    def __init__(self, keep: int = 1000) -> None:
        super().__init__()
        self.keep = keep
        self.seen = 0

    def append(self, skip: wa.Skipped) -> None:
        self.seen += 1
        if len(self) < self.keep:
            super().append(skip)


Progress = Callable[[str, int, int], None]  # chat, messages read, messages in it


def _text(raw: Callable[[], IO[bytes]]) -> Callable[[], TextIO]:
    def opener() -> TextIO:
        return io.TextIOWrapper(raw(), encoding="utf-8-sig", errors="replace", newline="")

    return opener


def _looks_like_export(opener: Callable[[], TextIO]) -> bool:
    with opener() as f:
        for _n, line in zip(range(_PROBE_LINES), f, strict=False):
            if wa.starts_message(line):
                return True
    return False


def _zip_sources(path: Path) -> list[ChatSource]:
    try:
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if n.lower().endswith(".txt")]
    except (OSError, zipfile.BadZipFile):
        return []
    found = []
    for name in names:

        def raw(name: str = name) -> IO[bytes]:
            return zipfile.ZipFile(path).open(name)

        title = wa.chat_title(name) or wa.chat_title(path.name)
        found.append(ChatSource(f"{path.name}:{name}", title, _text(raw)))
    return found


def _open_binary(path: Path) -> IO[bytes]:
    return path.open("rb")


def export_sources(path: Path) -> list[ChatSource]:
    """The WhatsApp chats at `path` (a .txt, a .zip, or a folder of them); [] if none."""
    candidates: list[ChatSource] = []
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    for f in files:
        suffix = f.suffix.lower()
        if suffix == ".zip":
            candidates.extend(_zip_sources(f))
        elif suffix == ".txt" and f.is_file():
            title = wa.chat_title(f.name) or (f.parent.name if f.name == "_chat.txt" else "")
            candidates.append(ChatSource(f.name, title or f.stem, _text(partial(_open_binary, f))))
    try:
        return [c for c in candidates if _looks_like_export(c.open)]
    except OSError as exc:
        raise UserError(f"“{path}” could not be read: {exc.strerror or exc}.") from None


def find_owner(scans: list[tuple[ChatSource, wa.Scan]], me: str) -> str:
    """The export's owner: given, or the sender of every chat, or the one not the title."""
    if me:
        return me
    if len(scans) > 1:
        common = set.intersection(*(set(s.senders) for _src, s in scans))
        if len(common) == 1:
            return common.pop()
    for src, s in scans:
        others = set(s.senders) - {src.title}
        if src.title in s.senders and len(others) == 1:
            return others.pop()
    names = ", ".join(sorted({n for _src, s in scans for n in s.senders})[:8])
    raise UserError(f"Who exported this chat is not clear; say it with --me NAME ({names}).")


def import_whatsapp(
    store: Store, path: Path, region: str, me: str = "", progress: Progress | None = None
) -> ImportReport:
    from unibox.store.chat import ChatIngestor
    from unibox.store.import_accounts import import_account

    sources = export_sources(path)
    if not sources:
        raise UserError(f"“{path}” holds no WhatsApp chat export.")
    scans = []
    for src in sources:
        with src.open() as f:
            scans.append((src, wa.scan(f)))
    report = ImportReport(me=find_owner(scans, me))
    if not any(report.me in s.senders for _src, s in scans):
        report.notes.append(
            f"“{report.me}” wrote nothing in this export: every message is taken as received"
        )
    with store.write() as s:
        account_id = import_account(s, wa.CHANNEL)
    ingestor = ChatIngestor(account_id, [report.me])
    ingestor.handles.add_mine([(wa.CHANNEL, report.me)])
    people: set[int] = set()
    before = _people_count(store)
    for src, found in scans:
        total = sum(found.senders.values())
        done = 0
        batch: list[ChatMessage] = []
        for item in _messages(src, found, report, region):
            batch.append(item)
            if len(batch) >= _BATCH:
                done += len(batch)
                _store(store, ingestor, batch, report, people)
                if progress:
                    progress(src.title, done, total)
        done += len(batch)
        _store(store, ingestor, batch, report, people)
        if progress:
            progress(src.title, done, total)
        report.conversations += 1
    report.people_created = _people_count(store) - before
    report.people_matched = max(0, len(people) - report.people_created)
    return report


def _people_count(store: Store) -> int:
    from sqlalchemy import func, select

    from unibox.store.schema import Person

    with store.read() as s:
        return int(s.scalar(select(func.count(Person.id)).where(Person.is_me.is_(False))) or 0)


def _store(
    store: Store,
    ingestor: ChatIngestor,
    batch: list[ChatMessage],
    report: ImportReport,
    people: set[int],
) -> None:
    if not batch:
        return
    with store.write() as s:
        changes = ingestor.ingest(s, batch)
    added = len(changes.messages_added)
    report.messages += added
    report.already += len(batch) - added
    people |= changes.people
    batch.clear()


def _messages(
    src: ChatSource, found: wa.Scan, report: ImportReport, region: str
) -> Iterator[ChatMessage]:
    me = report.me
    others = set(found.senders) - {me}
    is_group = len(others) > 1 or (bool(others) and src.title not in others)
    peer_kind, peer_value = wa.sender_handle(src.title, region)
    peer = ChatAddress(peer_kind, peer_value, src.title)
    conversation = f"group:{src.title}" if is_group else peer_value
    mine = ChatAddress(wa.CHANNEL, me, me)
    ordinals = wa.Ordinals()
    skipped = _FirstSkips()
    with src.open() as f:
        for line in wa.parse(f, found, skipped):
            if line.media:
                report.media += 1
            outgoing = line.sender == me
            kind, value = wa.sender_handle(line.sender, region)
            sender = mine if outgoing else ChatAddress(kind, value, line.sender)
            if is_group:
                participants: tuple[ChatAddress, ...] = ()
            else:
                participants = (peer,) if outgoing else (mine,)
            yield ChatMessage(
                channel=wa.CHANNEL,
                remote_id=wa.remote_id(src.title, line, ordinals.next(line)),
                conversation=conversation,
                sender=sender,
                sent_at=line.when.astimezone(),  # the phone's wall clock, read as local time
                text=line.text,
                direction="out" if outgoing else "in",
                conversation_name=src.title,
                is_group=is_group,
                participants=participants,
                is_history=True,
            )
    report.skipped.extend((src.where, s) for s in skipped)
    report.skipped_count += skipped.seen
