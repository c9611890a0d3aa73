"""Telegram Desktop exports ("Export Telegram data", machine-readable JSON): result.json.

A whole-account export holds ``personal_information`` (the owner: their
"Saved Messages" are theirs), ``contacts.list`` (names and phone numbers) and
``chats.list`` / ``left_chats.list``, each chat ``{name, type, id, messages}``;
a single chat's export is that chat object alone. A message is
``{id, type: "message", date, date_unixtime, from, from_id: "user123", text,
reply_to_message_id, edited, photo, file, media_type, …}``; ``text`` is a
string or a list of strings and entities (``{type: "bold", text}``); a
``type: "service"`` item is Telegram's own (``action``: joined, pinned, a
call…), not a message from a person. Read a message at a time (jsonstream).
Handles are of kind ``telegram`` by ``from_id``; ids are the export's own
(``tg:<chat>:<id>``), so a later export adds only what is new.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
from unibox.channels.importers.jsonstream import Broken, walk
from unibox.channels.importers.source import Source
from unibox.core.contacts import CardHandle, ContactCard
from unibox.core.identity import normalize_phone
from unibox.core.items import ChatAddress, ChatMessage

CHANNEL = "telegram"
_CHAT_TYPES = (
    "personal_chat|bot_chat|saved_messages|private_group|private_supergroup|"
    "public_supergroup|private_channel|public_channel"
)
_SINGLE_CHAT = re.compile(rb'"type":\s*"(?:' + _CHAT_TYPES.encode() + rb')"')
_CHATS = ("chats.list.item", "left_chats.list.item", "")
_OBJECTS = {"personal_information", "contacts.list.item"} | {
    f"{c}.messages.item".lstrip(".") for c in _CHATS
}
_SCALARS = {f"{c}.{k}".lstrip(".") for c in _CHATS for k in ("name", "type", "id")}
_GROUPS = ("group", "supergroup", "channel")
ACTIONS = {  # Telegram's service actions, as the report says them
    "create_group": "created the group",
    "create_channel": "created the channel",
    "invite_members": "added members",
    "remove_members": "removed members",
    "join_group_by_link": "joined by a link",
    "join_group_by_request": "joined by request",
    "pin_message": "pinned a message",
    "edit_group_title": "renamed the group",
    "edit_group_photo": "changed the group's photo",
    "delete_group_photo": "removed the group's photo",
    "migrate_to_supergroup": "became a supergroup",
    "migrate_from_group": "became a supergroup",
    "phone_call": "calls",
    "group_call": "group calls",
    "clear_history": "cleared the history",
    "set_messages_ttl": "set messages to disappear",
    "joined_telegram": "joined Telegram",
    "contact_signup": "joined Telegram",
    "screenshot_taken": "took a screenshot",
}


@dataclass(slots=True)
class _Chat:
    key: str
    name: str = ""
    type: str = ""
    id: str = ""
    started: bool = False


@dataclass(slots=True)
class _State:
    where: str
    me: str = ""  # the owner's from_id
    me_name: str = ""
    chat: _Chat = field(default_factory=lambda: _Chat("-"))


class TelegramImporter:
    name = "telegram"
    title = "Telegram export (result.json)"
    channel = CHANNEL

    def _files(self, source: Source) -> list[str]:
        found = []
        for name in source.matching(".json"):
            base = name.rsplit("/", 1)[-1]
            if base.startswith("result") and (
                b'"personal_information"' in (head := source.head(name))
                or _SINGLE_CHAT.search(head)
            ):
                found.append(name)
        return found

    def detect(self, source: Source) -> bool:
        return bool(self._files(source))

    def read(self, source: Source, options: ReadOptions) -> Iterator[Item]:
        for name in self._files(source):
            state = _State(source.where(name))
            with source.open(name) as f:
                yield from _read(f, state, options)
            if not state.me:
                yield Note(
                    f"{state.where}: who exported it is not known (no personal information; "
                    "say --me NAME): group messages are all taken as received"
                )


def _read(f: Any, state: _State, options: ReadOptions) -> Iterator[Item]:
    for found in walk(f, _OBJECTS, _SCALARS):
        if isinstance(found, Broken):
            yield Skip(state.where, found.path, found.reason)
            return
        prefix, value, path = found.prefix, found.value, found.path
        if prefix == "personal_information":
            yield from _owner(value, state, options)
        elif prefix == "contacts.list.item":
            card = _contact(value, options.region)
            if card is not None:
                yield card
        elif prefix.endswith("messages.item"):
            key = path.rpartition(".messages")[0] if ".messages" in path else ""
            if key != state.chat.key:
                state.chat = _Chat(key)
            yield from _message(value, path, state, options)
        else:  # a chat's name, type or id: they come before its messages
            key = path.rpartition(".")[0]
            if key != state.chat.key:
                state.chat = _Chat(key)
            setattr(state.chat, prefix.rsplit(".", 1)[-1], "" if value is None else str(value))


def _owner(info: Any, state: _State, options: ReadOptions) -> Iterator[Item]:
    if not isinstance(info, dict) or not info.get("user_id"):
        return
    state.me = f"user{info['user_id']}"
    name = " ".join(str(info.get(k) or "") for k in ("first_name", "last_name")).strip()
    state.me_name = name or state.me
    mine = [ChatAddress(CHANNEL, state.me, state.me_name)]
    phone = normalize_phone(str(info.get("phone_number") or ""), options.region)
    if phone:
        mine.append(ChatAddress("phone", phone, state.me_name))
    yield Owner(tuple(mine))


def _contact(entry: Any, region: str) -> ContactCard | None:
    if not isinstance(entry, dict):
        return None
    handles = []
    if entry.get("user_id"):
        handles.append(CardHandle(CHANNEL, f"user{entry['user_id']}"))
    phone = normalize_phone(str(entry.get("phone_number") or ""), region)
    if phone:
        handles.append(CardHandle("phone", phone, "mobile"))
    first, last = str(entry.get("first_name") or ""), str(entry.get("last_name") or "")
    if not handles or not (first or last):
        return None
    return ContactCard(given_name=first, family_name=last, handles=tuple(handles))


def flatten(text: Any) -> str:
    """A message's text: a string, or a list of strings and entities {type, text, href}."""
    if isinstance(text, str):
        return text
    if not isinstance(text, list):
        return ""
    parts = []
    for part in text:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict):
            shown = str(part.get("text") or "")
            href = str(part.get("href") or "")
            parts.append(f"{shown} ({href})" if href and href != shown else shown)
    return "".join(parts)


def _media(m: dict[str, Any]) -> str:
    if "poll" in m and isinstance(m["poll"], dict):
        return f"poll: {m['poll'].get('question', '')}"
    for key, label in (("photo", "photo"), ("location_information", "location")):
        if key in m:
            return label
    if "contact_information" in m:
        return "contact"
    if m.get("media_type"):
        return str(m["media_type"]).replace("_", " ")
    if "file" in m:
        return str(m.get("file_name") or m["file"]).rsplit("/", 1)[-1]
    return ""


def _when(m: dict[str, Any]) -> datetime:
    if m.get("date_unixtime"):
        return datetime.fromtimestamp(int(m["date_unixtime"]), UTC)
    return datetime.fromisoformat(str(m["date"])).astimezone()  # the exporter's wall clock


def _message(m: Any, path: str, state: _State, options: ReadOptions) -> Iterator[Item]:
    chat = state.chat
    if not isinstance(m, dict):
        yield Skip(state.where, path, "not a message (no object)")
        return
    if m.get("type") == "service":
        action = str(m.get("action") or "")
        yield Notice(ACTIONS.get(action, action.replace("_", " ") or "a service message"))
        return
    if m.get("type") != "message" or "id" not in m:
        yield Skip(state.where, path, f"not a message (type “{m.get('type')}”)")
        return
    try:
        when = _when(m)
    except (KeyError, TypeError, ValueError, OverflowError):
        yield Skip(state.where, path, "no date that can be read")
        return
    text, media = flatten(m.get("text")).strip(), _media(m)
    if media:
        yield Tally("with media")
        text = f"{text}\n[{media}]".strip() if text else f"[{media}]"
    if not text:
        yield Skip(state.where, path, "no text and nothing attached")
        return
    if m.get("edited"):
        yield Tally("edited (the last text is kept)")
    sender_id = str(m.get("from_id") or "")
    sender_name = str(m.get("from") or "Deleted Account")
    if not state.me:
        yield from _guess_owner(sender_id, sender_name, state, options)
    title = chat.name or ("Saved Messages" if chat.type == "saved_messages" else chat.id)
    if not chat.started:
        chat.started = True
        yield Stage(title)
    outgoing = bool(state.me) and sender_id == state.me
    is_group = any(g in chat.type for g in _GROUPS)
    peer_id = f"user{chat.id}" if chat.type != "saved_messages" else state.me
    mine = ChatAddress(CHANNEL, state.me, state.me_name)
    peer = ChatAddress(CHANNEL, peer_id, chat.name)
    if is_group:
        participants: tuple[ChatAddress, ...] = ()
    elif outgoing:
        participants = (peer,)
    else:
        participants = (mine,) if state.me else ()
    reply = m.get("reply_to_message_id")
    yield ChatMessage(
        channel=CHANNEL,
        remote_id=f"tg:{chat.id}:{m['id']}",
        conversation=f"group:{chat.id}" if is_group else peer_id,
        sender=mine if outgoing else ChatAddress(CHANNEL, sender_id or sender_name, sender_name),
        sent_at=when,
        text=text,
        direction="out" if outgoing else "in",
        conversation_name=title,
        is_group=is_group,
        participants=participants,
        reply_to=f"tg:{chat.id}:{reply}" if reply else "",
        is_history=True,
    )


def _guess_owner(sender_id: str, name: str, state: _State, options: ReadOptions) -> Iterator[Item]:
    """No personal information: `--me`, or in a one-to-one chat whoever is not the peer."""
    chat = state.chat
    if options.me and name == options.me:
        found = True
    else:
        found = not options.me and chat.type == "personal_chat" and sender_id != f"user{chat.id}"
    if found and sender_id:
        state.me, state.me_name = sender_id, name
        yield Owner((ChatAddress(CHANNEL, sender_id, name),))


IMPORTER = TelegramImporter()
