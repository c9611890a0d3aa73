"""WhatsApp exports as an importer: a chat's .txt, the .zip with media, or a folder of them.

Each chat is read twice, streaming (whatsapp.py): once to learn its date order
and senders, once for its messages. The export's owner (`--me`, or the one
sender of every chat, or the one who is not the chat's title) is the user.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from unibox.channels.importers import whatsapp as wa
from unibox.channels.importers.base import (
    Item,
    Note,
    Owner,
    ReadOptions,
    Skip,
    Stage,
    Tally,
)
from unibox.channels.importers.source import Source
from unibox.core.errors import UserError
from unibox.core.items import ChatAddress, ChatMessage

_PROBE_LINES = 30


@dataclass(slots=True)
class Chat:
    """One chat of an export: its title and how to open its text again."""

    where: str  # the file (and member) as shown in the report
    title: str
    open: Callable[[], IO[str]]


def _member(path: Path, name: str) -> Callable[[], IO[str]]:
    def opener() -> IO[str]:
        return Source(path).text(name)  # the archive closes with the member

    return opener


def _zip_chats(path: Path, label: str) -> list[Chat]:
    try:
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if n.lower().endswith(".txt")]
    except (OSError, zipfile.BadZipFile):
        return []
    return [
        Chat(f"{label}:{n}", wa.chat_title(n) or wa.chat_title(label), _member(path, n))
        for n in names
    ]


def _text_chat(source: Source, name: str, folder: str) -> Chat:
    base = name.rsplit("/", 1)[-1]
    title = wa.chat_title(base) or (folder if base == "_chat.txt" else "")
    return Chat(source.where(name), title or base.rsplit(".", 1)[0], lambda: source.text(name))


def chats(source: Source) -> list[Chat]:
    """The WhatsApp chats in `source`; [] if none."""
    found: list[Chat] = []
    if source.kind == "zip":
        found = _zip_chats(source.path, source.label)
    elif source.kind == "file":
        if source.label.lower().endswith(".txt"):
            found = [_text_chat(source, source.label, source.path.parent.name)]
    else:
        for name in source.names():
            if "/" in name:
                continue
            if name.lower().endswith(".zip"):
                found.extend(_zip_chats(source.local(name), name))
            elif name.lower().endswith(".txt"):
                found.append(_text_chat(source, name, source.label))
    try:
        return [c for c in found if _looks_like_export(c.open)]
    except OSError as exc:
        raise UserError(f"“{source.path}” could not be read: {exc.strerror or exc}.") from None


def _looks_like_export(opener: Callable[[], IO[str]]) -> bool:
    with opener() as f:
        for _n, line in zip(range(_PROBE_LINES), f, strict=False):
            if wa.starts_message(line):
                return True
    return False


def find_owner(scans: list[tuple[Chat, wa.Scan]], me: str) -> str:
    """The export's owner: given, or the sender of every chat, or the one not the title."""
    if me:
        return me
    if len(scans) > 1:
        common = set.intersection(*(set(s.senders) for _chat, s in scans))
        if len(common) == 1:
            return common.pop()
    for chat, s in scans:
        others = set(s.senders) - {chat.title}
        if chat.title in s.senders and len(others) == 1:
            return others.pop()
    names = ", ".join(sorted({n for _chat, s in scans for n in s.senders})[:8])
    raise UserError(f"Who exported this chat is not clear; say it with --me NAME ({names}).")


class WhatsAppImporter:
    name = "whatsapp"
    title = "WhatsApp chat export"
    channel = wa.CHANNEL

    def detect(self, source: Source) -> bool:
        return bool(chats(source))

    def read(self, source: Source, options: ReadOptions) -> Iterator[Item]:
        scans = []
        for chat in chats(source):
            with chat.open() as f:
                scans.append((chat, wa.scan(f)))
        me = find_owner(scans, options.me)
        yield Owner((ChatAddress(wa.CHANNEL, me, me),))
        if not any(me in s.senders for _chat, s in scans):
            yield Note(f"“{me}” wrote nothing in this export: every message is taken as received")
        for chat, found in scans:
            yield Stage(chat.title, sum(found.senders.values()))
            yield from _messages(chat, found, me, options.region)


def _messages(chat: Chat, found: wa.Scan, me: str, region: str) -> Iterator[Item]:
    others = set(found.senders) - {me}
    is_group = len(others) > 1 or (bool(others) and chat.title not in others)
    peer_kind, peer_value = wa.sender_handle(chat.title, region)
    peer = ChatAddress(peer_kind, peer_value, chat.title)
    conversation = f"group:{chat.title}" if is_group else peer_value
    mine = ChatAddress(wa.CHANNEL, me, me)
    ordinals = wa.Ordinals()
    skipped: list[wa.Skipped] = []
    with chat.open() as f:
        for line in wa.parse(f, found, skipped):
            for skip in skipped:
                yield Skip(chat.where, f"line {skip.line}", skip.reason)
            skipped.clear()
            if line.media:
                yield Tally("with media")
            outgoing = line.sender == me
            kind, value = wa.sender_handle(line.sender, region)
            sender = mine if outgoing else ChatAddress(kind, value, line.sender)
            if is_group:
                participants: tuple[ChatAddress, ...] = ()
            else:
                participants = (peer,) if outgoing else (mine,)
            yield ChatMessage(
                channel=wa.CHANNEL,
                remote_id=wa.remote_id(chat.title, line, ordinals.next(line)),
                conversation=conversation,
                sender=sender,
                sent_at=line.when.astimezone(),  # the phone's wall clock, read as local time
                text=line.text,
                direction="out" if outgoing else "in",
                conversation_name=chat.title,
                is_group=is_group,
                participants=participants,
                is_history=True,
            )
    for skip in skipped:
        yield Skip(chat.where, f"line {skip.line}", skip.reason)


IMPORTER = WhatsAppImporter()
