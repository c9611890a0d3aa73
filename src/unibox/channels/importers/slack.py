"""Slack workspace exports (the .zip, or its folder): users.json, channels.json, and one
JSON array of messages per channel and day (``general/2024-01-31.json``).

Private channels (groups.json), group DMs (mpims.json, folders by their name)
and DMs (dms.json, folders by their id) come when the export has them. A
message is ``{type, user, text, ts, thread_ts, edited, subtype, files,
user_profile}``; ``ts`` is unique in its channel, so ``slack:<channel>:<ts>``
is the message's id in every export. A reply in a thread answers the
thread's first message (``thread_ts``). Users become people with their
e-mail addresses when the export has them (so they join the people who
already have them); bots, apps and Slack's own notices are not people's
messages (slack_text.NOT_MESSAGES says what each is). The owner: `--me`
(a user's name, display name or e-mail address), or the user with one of
the user's own addresses.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from unibox.channels.importers.base import (
    Item,
    Note,
    Notice,
    Owner,
    ReadOptions,
    Skip,
    Stage,
    Tally,
)
from unibox.channels.importers.jsonstream import Broken, items
from unibox.channels.importers.slack_text import MESSAGES, NOT_MESSAGES, plain
from unibox.channels.importers.source import Source
from unibox.core.contacts import CardHandle, ContactCard
from unibox.core.identity import normalize_email
from unibox.core.items import ChatAddress, ChatMessage

CHANNEL = "slack"
_WHOLE_FILE = 32 << 20  # day files up to this size are parsed at once (faster)
_LISTS = (("channels.json", "channel"), ("groups.json", "channel"), ("mpims.json", "mpim"))


@dataclass(slots=True)
class _Conversation:
    id: str
    folder: str
    name: str
    kind: str  # channel, mpim, dm
    members: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Workspace:
    base: str
    names: dict[str, str] = field(default_factory=dict)  # user id -> name shown
    bots: set[str] = field(default_factory=set)
    me: str = ""


class SlackImporter:
    name = "slack"
    title = "Slack workspace export"
    channel = CHANNEL

    def _base(self, source: Source) -> str | None:
        names = set(source.names())
        for name in sorted(names, key=len):
            if name == "users.json" or name.endswith("/users.json"):
                base = name[: -len("users.json")]
                if base + "channels.json" in names:
                    return base
        return None

    def detect(self, source: Source) -> bool:
        return self._base(source) is not None

    def read(self, source: Source, options: ReadOptions) -> Iterator[Item]:
        base = self._base(source)
        if base is None:
            return
        ws = _Workspace(base)
        users = yield from _records(source, base + "users.json")
        yield from _people(users, ws, options)
        conversations = yield from _conversations(source, ws)
        for conv in conversations:
            days = sorted(n for n in source.matching(".json") if n.startswith(conv.folder + "/"))
            if not days:
                continue
            yield Stage(conv.name)
            for day in days:
                for m, path in (yield from _day(source, day)):
                    yield from _message(m, path, conv, ws, source.where(day))


Reading = Generator[Item, None, list[tuple[Any, str]]]


def _records(source: Source, name: str) -> Generator[Item, None, list[dict[str, Any]]]:
    """The elements of one of the export's lists; a list that is missing is empty."""
    if name not in source.names():
        return []
    found = yield from _day(source, name)
    return [m for m, _path in found if isinstance(m, dict)]


def _day(source: Source, name: str) -> Reading:
    """(record, JSON path) of a file's top-level array: at once, or streamed when big."""
    where = source.where(name)
    if source.size(name) <= _WHOLE_FILE:
        try:
            with source.open(name) as f:
                whole = json.load(f)
        except (ValueError, UnicodeDecodeError):
            whole = None  # read again as a stream: what comes before the flaw is kept
        else:
            if not isinstance(whole, list):
                yield Skip(where, "$", "not a list of records")
                return []
            return [(m, f"[{i}]") for i, m in enumerate(whole)]
    found = []
    with source.open(name) as f:
        for rec in items(f):
            if isinstance(rec, Broken):
                yield Skip(where, rec.path, rec.reason)
                break
            found.append((rec.value, rec.path))
    return found


def _people(users: list[dict[str, Any]], ws: _Workspace, options: ReadOptions) -> Iterator[Item]:
    me = options.me.strip().casefold()
    cards = []
    for u in users:
        uid = str(u.get("id") or "")
        profile = u.get("profile") if isinstance(u.get("profile"), dict) else {}
        assert isinstance(profile, dict)
        real = str(u.get("real_name") or profile.get("real_name") or "")
        shown = str(profile.get("display_name") or "")
        handle = str(u.get("name") or "")
        ws.names[uid] = real or shown or handle or uid
        if u.get("is_bot") or u.get("is_app_user") or uid == "USLACKBOT":
            ws.bots.add(uid)
            continue
        email = normalize_email(str(profile.get("email") or ""))
        said = {real.casefold(), shown.casefold(), handle.casefold(), email}
        if not ws.me and ((me and me in said) or (not me and email and email in options.mine)):
            ws.me = uid
            mine = [ChatAddress(CHANNEL, uid, ws.names[uid])]
            mine += [ChatAddress("email", email, ws.names[uid])] if email else []
            yield Owner(tuple(mine))
            continue
        handles = [CardHandle(CHANNEL, uid)] + ([CardHandle("email", email)] if email else [])
        title = str(profile.get("title") or "")
        cards.append(
            ContactCard(
                full_name=real or handle, nickname=shown, title=title, handles=tuple(handles)
            )
        )
    if not ws.me:
        yield Note(
            "who exported this workspace is not known (say --me NAME): "
            "every message is taken as someone else's"
        )
    yield from cards


def _conversations(source: Source, ws: _Workspace) -> Generator[Item, None, list[_Conversation]]:
    found: list[_Conversation] = []
    for list_name, kind in _LISTS:
        for c in (yield from _records(source, ws.base + list_name)):
            name = str(c.get("name") or c.get("id") or "")
            members = [str(m) for m in c.get("members") or []]
            if kind == "mpim":
                shown = ", ".join(ws.names.get(m, m) for m in members if m != ws.me)
            else:
                shown = "#" + name
            found.append(
                _Conversation(str(c.get("id") or name), ws.base + name, shown, kind, members)
            )
    for c in (yield from _records(source, ws.base + "dms.json")):
        members = [str(m) for m in c.get("members") or []]
        dm = _Conversation(
            str(c.get("id") or ""), ws.base + str(c.get("id") or ""), "", "dm", members
        )
        others = [m for m in members if m != ws.me] or members[:1]
        dm.name = ", ".join(ws.names.get(m, m) for m in others)
        found.append(dm)
    listed = {c.folder for c in found}
    folders = {
        n.rsplit("/", 1)[0] for n in source.matching(".json") if n.count("/") > ws.base.count("/")
    }
    for folder in sorted(folders - listed):  # a channel's folder that channels.json left out
        name = folder[len(ws.base) :]
        found.append(_Conversation(name, folder, "#" + name, "channel"))
    return found


def _message(m: Any, path: str, conv: _Conversation, ws: _Workspace, where: str) -> Iterator[Item]:
    if not isinstance(m, dict):
        yield Skip(where, path, "not a message (no object)")
        return
    subtype = str(m.get("subtype") or "")
    user = str(m.get("user") or "")
    if subtype in NOT_MESSAGES or (m.get("bot_id") and not user) or user in ws.bots:
        yield Notice(NOT_MESSAGES.get(subtype, "messages of bots and apps"))
        return
    if subtype not in MESSAGES:
        yield Notice(subtype.replace("_", " "))
        return
    ts = str(m.get("ts") or "")
    try:
        when = datetime.fromtimestamp(float(ts), UTC)
    except (ValueError, OverflowError, OSError):
        yield Skip(where, path, "no time stamp (ts) that can be read")
        return
    if not user:
        yield Skip(where, path, "no sender (user)")
        return
    text = str(m.get("text") or "")
    if "<" in text or "&" in text:  # markup to read (most messages have none)
        text = plain(text, ws.names)
    text = text.strip()
    files = [f for f in m.get("files") or [] if isinstance(f, dict)]
    if files:
        yield Tally("with files")
        shown = "\n".join(f"[file: {f.get('name') or f.get('title') or 'a file'}]" for f in files)
        text = f"{text}\n{shown}".strip()
    if not text:
        yield Skip(where, path, "no text and nothing attached")
        return
    if m.get("edited"):
        yield Tally("edited (the last text is kept)")
    yield _chat_message(m, ts, when, text, user, conv, ws)


def _chat_message(
    m: dict[str, Any],
    ts: str,
    when: datetime,
    text: str,
    user: str,
    conv: _Conversation,
    ws: _Workspace,
) -> ChatMessage:
    outgoing = bool(ws.me) and user == ws.me
    profile = m.get("user_profile") if isinstance(m.get("user_profile"), dict) else {}
    assert isinstance(profile, dict)
    name = ws.names.get(user) or str(profile.get("real_name") or user)
    one_to_one = conv.kind == "dm" and bool(ws.me) and ws.me in conv.members
    peer = next((p for p in conv.members if p != ws.me), "") if one_to_one else ""
    mine = ChatAddress(CHANNEL, ws.me, ws.names.get(ws.me, ""))
    if one_to_one and peer:
        participants: tuple[ChatAddress, ...] = (
            (ChatAddress(CHANNEL, peer, ws.names.get(peer, peer)),) if outgoing else (mine,)
        )
    else:
        participants = ()
    thread = str(m.get("thread_ts") or "")
    return ChatMessage(
        channel=CHANNEL,
        remote_id=f"slack:{conv.id}:{ts}",
        conversation=peer if one_to_one and peer else conv.id,
        sender=mine if outgoing else ChatAddress(CHANNEL, user, name),
        sent_at=when,
        text=text,
        direction="out" if outgoing else "in",
        conversation_name=conv.name,
        is_group=not (one_to_one and peer),
        participants=participants,
        reply_to=f"slack:{conv.id}:{thread}" if thread and thread != ts else "",
        is_history=True,
    )


IMPORTER = SlackImporter()
