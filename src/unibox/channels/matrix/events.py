"""Matrix room events (their JSON, as the client-server API gives them) as chat items.

`m.room.message` becomes a `ChatMessage` keyed by its event id: text, notices
and emotes as written, files and images by their name (the media stays on
the homeserver until asked for); a reply names the answered event
(`m.in_reply_to`) and loses the quoted fallback that older clients put
before it. An edit (`m.replace`), a redaction and a reaction (`m.reaction`)
become `ChatUpdate`s of the event they change. Any other event type, an
event already redacted, and a bridge bot's message, is nothing to show: None.
A bridged sender's message says the network it came `via` (core/bridges.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from unibox.channels.matrix import media
from unibox.core.bridges import bridge_bot, bridged
from unibox.core.identity import MATRIX
from unibox.core.items import ChatAddress, ChatMessage, ChatUpdate

KIND = MATRIX


@dataclass(frozen=True, slots=True)
class RoomView:
    """How the channel sees a room: the conversation it is and who is in it."""

    room_id: str
    ref: str  # the conversation: the peer's user id for a direct chat, else the room id
    is_group: bool
    name: str = ""
    names: Mapping[str, str] = field(default_factory=dict)  # user id -> display name
    members: tuple[str, ...] = ()


def when(source: Mapping[str, Any]) -> datetime:
    ts = source.get("origin_server_ts")
    if not isinstance(ts, int | float):
        return datetime.now(UTC)
    return datetime.fromtimestamp(ts / 1000, UTC)


def strip_reply_fallback(body: str) -> str:
    """The text of a reply without the "> <@who:server> quoted" lines clients put first."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith("> "):
        return body
    i = 0
    while i < len(lines) and lines[i].startswith(">"):
        i += 1
    if i < len(lines) and lines[i] == "":
        i += 1
    return "\n".join(lines[i:])


def message_text(content: Mapping[str, Any], event_type: str = "m.room.message") -> str:
    body = content.get("body")
    text = body if isinstance(body, str) else ""
    msgtype = content.get("msgtype")
    kind = media.media_kind(event_type, content)
    if kind:  # "[image: cat.png]" (what lists and search show), then the caption
        caption = media.caption_of(content)
        head = f"[{kind}: {media.safe_name(content, kind)}]"
        return f"{head}\n{caption}" if caption else head
    if msgtype == "m.emote":
        return f"* {text}"
    return text


def _relation(content: Mapping[str, Any]) -> Mapping[str, Any]:
    rel = content.get("m.relates_to")
    return rel if isinstance(rel, Mapping) else {}


def read_event(
    source: Mapping[str, Any], room: RoomView, *, me: str, is_history: bool
) -> ChatMessage | ChatUpdate | None:
    """One timeline event of a room, or None when it is nothing to keep."""
    kind = source.get("type")
    event_id = source.get("event_id")
    sender_id = source.get("sender")
    content = source.get("content")
    if not isinstance(event_id, str) or not isinstance(sender_id, str):
        return None
    if not isinstance(content, Mapping) or not content:
        return None  # redacted (or broken): nothing left to show
    sender = ChatAddress(KIND, sender_id, room.names.get(sender_id, ""))
    rel = _relation(content)
    if kind == "m.room.redaction":
        target = source.get("redacts") or content.get("redacts")
        if not isinstance(target, str):
            return None
        return ChatUpdate(KIND, "redact", target, room.ref, sender, "", event_id, when(source))
    if kind == "m.reaction":
        target, key = rel.get("event_id"), rel.get("key")
        if rel.get("rel_type") != "m.annotation" or not isinstance(target, str):
            return None
        return ChatUpdate(
            KIND, "reaction", target, room.ref, sender, str(key or ""), event_id, when(source)
        )
    if kind not in ("m.room.message", "m.sticker"):
        return None
    if bridge_bot(sender_id) is not None:
        return None  # the bridge talking about itself (logins, connection state): no one's line
    if rel.get("rel_type") == "m.replace" and isinstance(rel.get("event_id"), str):
        new = content.get("m.new_content")
        text = message_text(new if isinstance(new, Mapping) else content)
        return ChatUpdate(
            KIND, "edit", str(rel["event_id"]), room.ref, sender, text, event_id, when(source)
        )
    attachment = media.attachment_of(str(kind), content)
    if not isinstance(content.get("body"), str) and attachment is None:
        return None  # nothing a person wrote (a broken or half-redacted event)
    reply = rel.get("m.in_reply_to")
    reply_to = reply.get("event_id") if isinstance(reply, Mapping) else None
    text = message_text(content, str(kind))
    if isinstance(reply_to, str):
        text = strip_reply_fallback(text)
    unsigned = source.get("unsigned")
    txn = unsigned.get("transaction_id") if isinstance(unsigned, Mapping) else None
    others = tuple(
        ChatAddress(KIND, m, room.names.get(m, "")) for m in room.members if m != sender_id
    )
    return ChatMessage(
        channel=KIND,
        remote_id=event_id,
        conversation=room.ref,
        sender=sender,
        sent_at=when(source),
        text=text,
        direction="out" if sender_id == me else "in",
        conversation_name=room.name,
        is_group=room.is_group,
        participants=others if room.is_group and len(others) <= 50 else (),
        origin_id=txn if isinstance(txn, str) else "",
        reply_to=reply_to if isinstance(reply_to, str) else "",
        archive=room.room_id,
        via=via(sender_id, room),
        is_history=is_history,
        attachments=(attachment,) if attachment is not None else (),
    )


def via(sender_id: str, room: RoomView) -> str:
    """The network behind the bridge that carried it: the sender's, or in a direct chat with
    a puppet, the peer's (the user's own lines went that way too); "" when none did."""
    found = bridged(sender_id) or (None if room.is_group else bridged(room.ref))
    return found.network if found else ""


def invitation(room_id: str, ref: str, inviter: str, inviter_name: str, name: str) -> ChatMessage:
    """An invitation to a room, shown as a message of the conversation it opens."""
    where = f"“{name}”" if name else "a chat"
    return ChatMessage(
        channel=KIND,
        remote_id=f"invite:{room_id}",
        conversation=ref,
        sender=ChatAddress(KIND, inviter, inviter_name),
        sent_at=datetime.now(UTC),
        text=f"Invitation to {where}. Reply to accept it.",
        conversation_name=name,
        is_group=ref == room_id,
        archive=room_id,
    )
