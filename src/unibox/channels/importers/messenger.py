"""Facebook Messenger and Instagram messages ("Download your information", JSON format).

Each conversation is a folder ``messages/inbox/<name>_<id>/`` (also
``archived_threads``, ``filtered_threads``, ``message_requests``,
``e2ee_cutover``; under ``your_facebook_activity/`` or
``your_instagram_activity/`` in newer downloads) of ``message_1.json``,
``message_2.json``, …: ``{participants: [{name}], messages: [{sender_name,
timestamp_ms, content, photos, videos, files, share, call_duration,
is_unsent}], title, thread_path}``, newest first. Every string is UTF-8
written as Latin-1 escapes ("CafÃ©" for "Café"): `repair` undoes it.
Messages have no id: theirs is a hash of the thread, time, sender, text and
the ordinal among identical ones. Senders are handles of the network's kind
(``facebook``, ``instagram``) by the name shown. The owner: `--me`, the
profile in the download, or the one in every conversation.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from unibox.channels.importers.base import Item, Notice, Owner, ReadOptions, Skip, Stage, Tally
from unibox.channels.importers.jsonstream import Broken, walk
from unibox.channels.importers.source import Source
from unibox.core.errors import UserError
from unibox.core.items import ChatAddress, ChatMessage

_THREAD = re.compile(
    r"(?:^|/)messages/(?:inbox|archived_threads|filtered_threads|message_requests|e2ee_cutover)"
    r"/(?P<thread>[^/]+)/message_(?P<n>\d+)\.json$"
)
_MEDIA = (
    ("photos", "photo"),
    ("videos", "video"),
    ("audio_files", "audio"),
    ("gifs", "GIF"),
    ("files", "file"),
)
_ATTACHMENT_ONLY = re.compile(r" sent an attachment\.$| sent a (?:photo|video|GIF)\.$")
# What Messenger writes as a message for events of the chat (English downloads).
_EVENTS = (
    (
        re.compile(r" added .+ to the group\.$| joined the group| joined the video chat"),
        "joined the group",
    ),
    (re.compile(r" left the group\.$| removed .+ from the group\.$"), "left the group"),
    (
        re.compile(
            r" named the group | changed the group photo| set the nickname| set "
            r"your nickname| changed the theme| set the emoji"
        ),
        "changed the group",
    ),
    (re.compile(r"^You are now connected on Messenger"), "connected on Messenger"),
)


def repair(text: str) -> str:
    """UTF-8 written as Latin-1 ("CafÃ©") back to what was written ("Café")."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text  # already right (a character above U+00FF), or not UTF-8 at all


def _fixed(value: Any) -> Any:
    if isinstance(value, str):
        return repair(value)
    if isinstance(value, list):
        return [_fixed(v) for v in value]
    if isinstance(value, dict):
        return {k: _fixed(v) for k, v in value.items()}
    return value


class MessengerImporter:
    def __init__(self, name: str, title: str, instagram: bool) -> None:
        self.name = self.channel = name
        self.title = title
        self.instagram = instagram

    def threads(self, source: Source) -> dict[str, list[str]]:
        """Conversation folder -> its message files, oldest file (highest number) first."""
        found: dict[str, list[tuple[int, str]]] = {}
        for name in source.matching(".json"):
            m = _THREAD.search(name)
            if m:
                found.setdefault(name[: m.start("n") - len("message_")], []).append(
                    (int(m["n"]), name)
                )
        return {k: [n for _i, n in sorted(v, reverse=True)] for k, v in sorted(found.items())}

    def detect(self, source: Source) -> bool:
        names = self.threads(source)
        if not names:
            return False
        instagram = "instagram" in source.label.lower() or any(
            "your_instagram_activity/" in n or n.endswith("personal_information.json")
            for n in source.names()
        )
        return instagram == self.instagram

    def read(self, source: Source, options: ReadOptions) -> Iterator[Item]:
        threads = self.threads(source)
        me = options.me or self._profile_name(source)
        if not me:
            me = _common_participant(source, threads)
        yield Owner((ChatAddress(self.channel, me, me),))
        for folder, files in threads.items():
            yield from self._thread(source, folder, files, me)

    def _profile_name(self, source: Source) -> str:
        for name in source.names():
            if name.endswith(("profile_information.json", "personal_information.json")):
                data = _load(source, name)
                if isinstance(data, dict):
                    return _owner_name(data)
        return ""

    def _thread(self, source: Source, folder: str, files: list[str], me: str) -> Iterator[Item]:
        thread = folder.rstrip("/").rsplit("/", 1)[-1]
        seen: dict[tuple[int, str, str], int] = {}
        started = False
        for name in files:
            where = source.where(name)
            data = _load(source, name)
            if data is None:  # not JSON throughout: what comes before the flaw is kept
                data, broken = _salvage(source, name)
                if broken is not None:
                    yield Skip(where, broken.path, broken.reason)
            if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
                yield Skip(where, "$", "not a conversation of the download (no messages)")
                continue
            people = [
                str(p.get("name") or "")
                for p in data.get("participants") or []
                if isinstance(p, dict)
            ]
            others = [p for p in people if p and p != me]
            title = str(data.get("title") or ", ".join(others) or thread)
            is_group = len(others) > 1
            if not started:
                started = True
                yield Stage(title)
            peer = others[0] if others else title
            for i, m in enumerate(data["messages"]):
                yield from self._message(
                    m, f"messages[{i}]", where, thread, title, peer, is_group, me, seen
                )

    def _message(
        self,
        m: Any,
        path: str,
        where: str,
        thread: str,
        title: str,
        peer: str,
        is_group: bool,
        me: str,
        seen: dict[tuple[int, str, str], int],
    ) -> Iterator[Item]:
        if not isinstance(m, dict):
            yield Skip(where, path, "not a message (no object)")
            return
        sender = str(m.get("sender_name") or "")
        content = str(m.get("content") or "")
        if m.get("is_unsent"):
            yield Notice("unsent messages")
            return
        if "call_duration" in m or m.get("type") == "Call":
            yield Notice("calls")
            return
        if m.get("type") in ("Subscribe", "Unsubscribe"):
            yield Notice("joined the group" if m["type"] == "Subscribe" else "left the group")
            return
        event = next((what for rx, what in _EVENTS if rx.search(content)), "")
        if event:
            yield Notice(event)
            return
        try:
            when = datetime.fromtimestamp(int(m["timestamp_ms"]) / 1000, UTC)
        except (KeyError, TypeError, ValueError, OverflowError, OSError):
            yield Skip(where, path, "no time (timestamp_ms) that can be read")
            return
        media = [label for key, label in _MEDIA for _x in m.get(key) or []]
        if m.get("sticker"):
            media.append("sticker")
        share = m.get("share") if isinstance(m.get("share"), dict) else None
        if (media or share) and _ATTACHMENT_ONLY.search(content):
            content = ""
        parts = [content] + [f"[{label}]" for label in media]
        if share and share.get("link"):
            parts.append(str(share["link"]))
        text = "\n".join(p for p in parts if p).strip()
        if media:
            yield Tally("with media")
        if not sender or not text:
            yield Skip(where, path, "no sender" if not sender else "no text and nothing attached")
            return
        key = (int(when.timestamp() * 1000), sender, text)
        ordinal = seen.get(key, 0)
        seen[key] = ordinal + 1
        seed = "\0".join((thread, str(key[0]), sender, text, str(ordinal)))
        outgoing = sender == me
        mine = ChatAddress(self.channel, me, me)
        if is_group:
            participants: tuple[ChatAddress, ...] = ()
        else:
            participants = (ChatAddress(self.channel, peer, peer),) if outgoing else (mine,)
        yield ChatMessage(
            channel=self.channel,
            remote_id=("ig:" if self.instagram else "fb:")
            + hashlib.sha256(seed.encode()).hexdigest()[:32],
            conversation=f"group:{thread}" if is_group else peer,
            sender=mine if outgoing else ChatAddress(self.channel, sender, sender),
            sent_at=when,
            text=text,
            direction="out" if outgoing else "in",
            conversation_name=title,
            is_group=is_group,
            participants=participants,
            is_history=True,
        )


def _load(source: Source, name: str) -> Any:
    """A file of the download, its strings repaired; None when it is no JSON."""
    try:
        with source.open(name) as f:
            return _fixed(json.load(f))
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _salvage(source: Source, name: str) -> tuple[dict[str, Any], Broken | None]:
    """A conversation file read as a stream, up to where it stops being JSON."""
    data: dict[str, Any] = {"participants": [], "messages": []}
    with source.open(name) as f:
        for found in walk(f, ("participants.item", "messages.item"), ("title",)):
            if isinstance(found, Broken):
                return data, found
            key = found.prefix.split(".", 1)[0]
            value = _fixed(found.value)
            if key == "title":
                data["title"] = value
            else:
                data[key].append(value)
    return data, None


def _owner_name(data: dict[str, Any]) -> str:
    """The name in Facebook's profile_information or Instagram's personal_information."""
    profile = data.get("profile_v2") or data.get("profile")
    if isinstance(profile, dict) and isinstance(profile.get("name"), dict):
        return str(profile["name"].get("full_name") or "")
    users = data.get("profile_user")
    if isinstance(users, list) and users and isinstance(users[0], dict):
        fields = users[0].get("string_map_data") or {}
        for key in ("Name", "Username"):
            value = fields.get(key, {}).get("value") if isinstance(fields, dict) else ""
            if value:
                return str(value)
    return ""


def _common_participant(source: Source, threads: dict[str, list[str]]) -> str:
    """The one name in every conversation; a single chat: the one who is not its title."""
    sets: list[set[str]] = []
    for files in threads.values():
        data = _load(source, files[-1])  # message_1.json, the newest
        if isinstance(data, dict):
            names = {
                str(p.get("name"))
                for p in data.get("participants") or []
                if isinstance(p, dict) and p.get("name")
            }
            if len(sets) == 0 and len(threads) == 1 and data.get("title") in names:
                names.discard(str(data["title"]))
            sets.append(names)
    common = set.intersection(*sets) if sets else set()
    if len(common) == 1:
        return common.pop()
    known = ", ".join(sorted(set().union(*sets))[:8]) if sets else ""
    raise UserError(f"Who downloaded these messages is not clear; say it with --me NAME ({known}).")


IMPORTER = MessengerImporter("facebook", "Facebook Messenger download (JSON)", instagram=False)
