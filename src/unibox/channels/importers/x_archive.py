"""An X (Twitter) archive's direct messages: ``data/direct-messages.js`` and
``data/direct-messages-group.js``.

Each file is JavaScript around JSON: ``window.YTD.direct_messages.part0 = [
{"dmConversation": {"conversationId": "12-34", "messages": [{"messageCreate":
{"id", "senderId", "recipientId", "text", "createdAt", "mediaUrls", "urls",
"reactions"}}, …]}}, …]`` (a group's messages have no recipientId, and
``joinConversation``, ``participantsJoin``, ``participantsLeave``,
``conversationNameUpdate`` events beside ``messageCreate``). Large archives
split a file into part0, part1, …: each is its own file. Users are numeric ids;
``account.js`` names the owner, and the names of others come from mentions in
``tweets.js`` where the archive has them.

`iter_array` reads the array one conversation at a time, so memory holds one
conversation, not the file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

from unibox.channels.importers.base import Skip
from unibox.core.items import ChatAddress, ChatMessage

CHANNEL = "x"
KIND = "x"
_PREFIX = re.compile(r"^\s*window\.YTD\.[A-Za-z0-9_]+\.part\d+\s*=\s*")
_READ = 1 << 16
_LONGEST = 128 << 20  # one conversation longer than this is taken as a broken file
_decoder = json.JSONDecoder()


def is_ytd(head: str) -> bool:
    """Whether a file starts like an archive's data file (``window.YTD.….partN = [``)."""
    return bool(_PREFIX.match(head.lstrip("\ufeff")))


def iter_array(stream: IO[str], where: str, skipped: list[Skip]) -> Iterator[tuple[int, Any]]:
    """(index, element) of the JSON array after the ``window.YTD… =`` wrapper, streamed."""
    buf = stream.read(_READ).lstrip("\ufeff")
    m = _PREFIX.match(buf)
    if m is None:
        skipped.append(
            Skip(where, "line 1", "not an archive data file (no window.YTD … = [ at its start)")
        )
        return
    buf = buf[m.end() :].lstrip()
    if not buf.startswith("["):
        skipped.append(Skip(where, "line 1", "no list after window.YTD … ="))
        return
    pos, index, ended = 1, 0, False
    while True:
        while True:  # past whitespace and the comma between elements
            while pos < len(buf) and buf[pos] in " \t\r\n,":
                pos += 1
            if pos < len(buf) or ended:
                break
            more = stream.read(_READ)
            ended = not more
            buf, pos = buf[pos:] + more, 0
        if pos >= len(buf):
            skipped.append(Skip(where, f"[{index}]", "the file ends before its list does"))
            return
        if buf[pos] == "]":
            return
        try:
            value, end = _decoder.raw_decode(buf, pos)
        except json.JSONDecodeError as exc:
            if not ended and len(buf) - pos < _LONGEST:  # maybe only cut short: read more
                more = stream.read(max(_READ, len(buf)))
                ended = not more
                buf, pos = buf[pos:] + more, 0
                continue
            skipped.append(Skip(where, f"[{index}]", f"not readable JSON ({exc.msg})"))
            return
        yield index, value
        index += 1
        pos = end  # the buffer is cut only when more is read: no copy per element


def account(stream: IO[str]) -> tuple[str, str, str]:
    """(account id, @username, display name) from ``account.js``; "" parts when missing."""
    for _i, item in iter_array(stream, "account.js", []):
        a = item.get("account", {}) if isinstance(item, dict) else {}
        return str(a.get("accountId", "")), a.get("username", ""), a.get("accountDisplayName", "")
    return "", "", ""


def mentioned_names(stream: IO[str]) -> dict[str, str]:
    """User id -> "Name (@handle)" from the mentions of ``tweets.js``, one tweet at a time."""
    names: dict[str, str] = {}
    for _i, item in iter_array(stream, "tweets.js", []):
        tweet = item.get("tweet", {}) if isinstance(item, dict) else {}
        for m in (tweet.get("entities") or {}).get("user_mentions") or []:
            uid = str(m.get("id_str") or m.get("id") or "")
            if uid and uid not in names:
                name, handle = m.get("name", ""), m.get("screen_name", "")
                names[uid] = f"{name} (@{handle})" if name and handle else name or handle
    return names


def _when(text: str) -> datetime:
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def messages(
    stream: IO[str],
    where: str,
    me: ChatAddress,
    names: dict[str, str],
    skipped: list[Skip],
) -> Iterator[ChatMessage]:
    """The messages of one direct-messages file; `me.value` is the owner's account id."""
    for index, item in iter_array(stream, where, skipped):
        conv = item.get("dmConversation") if isinstance(item, dict) else None
        if not isinstance(conv, dict) or not conv.get("conversationId"):
            skipped.append(Skip(where, f"[{index}]", "not a conversation"))
            continue
        cid = str(conv["conversationId"])
        events = [e for e in conv.get("messages") or [] if isinstance(e, dict)]
        title = ""
        members: set[str] = set()
        for event in events:  # a group's members and name, from every kind of event
            for body in event.values():
                if isinstance(body, dict):
                    members.update(str(u) for u in body.get("userIds") or [])
                    for key in ("senderId", "recipientId", "initiatingUserId"):
                        if body.get(key):
                            members.add(str(body[key]))
            update = event.get("conversationNameUpdate")
            if isinstance(update, dict) and update.get("name") and not title:
                title = str(update["name"])  # newest first: the first is the current name
        members.discard(me.value)
        group = "-" not in cid or len(members) > 1
        others = tuple(ChatAddress(KIND, u, names.get(u, "")) for u in sorted(members))
        for pos, event in enumerate(events):
            body = event.get("messageCreate")
            if not isinstance(body, dict):
                continue  # joins, leaves and renames are the app's notices
            path = f"[{index}].dmConversation.messages[{pos}]"
            try:
                sender = str(body["senderId"])
                when = _when(str(body["createdAt"]))
            except (KeyError, ValueError, TypeError):
                skipped.append(Skip(where, path, "a message without a sender or a date"))
                continue
            text = str(body.get("text") or "")
            for url in body.get("urls") or []:  # t.co links written out as they were meant
                if isinstance(url, dict) and url.get("url") and url.get("expanded"):
                    text = text.replace(url["url"], url["expanded"])
            media = len(body.get("mediaUrls") or [])
            if media:
                text = f"{text}\n[{media} attachment{'s' if media > 1 else ''}]".strip()
            outgoing = sender == me.value
            peer = ChatAddress(KIND, sender, names.get(sender, ""))
            rid = str(
                body.get("id") or hashlib.sha256(f"{cid}\0{when}\0{text}".encode()).hexdigest()
            )
            yield ChatMessage(
                channel=CHANNEL,
                remote_id=f"x:{rid}",
                conversation=f"x:{cid}",
                sender=me if outgoing else peer,
                sent_at=when,
                text=text,
                direction="out" if outgoing else "in",
                conversation_name=title or ", ".join(a.name or a.value for a in others),
                is_group=group,
                participants=others if (group or outgoing) else (me,),
                is_history=True,
            )
