"""Reading message stanzas (live, carbons, archive results) into ChatMessage items.

Works on the raw XML element, defensively: a stanza the server let through
but that makes no sense (no body, a JID that does not parse, a stamp that is
not a date) gives None or falls back, never an exception.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree.ElementTree import Element

from slixmpp.jid import JID, InvalidJID

from unibox.core.items import ChatAddress, ChatMessage

log = logging.getLogger("unibox.xmpp")

KIND = "xmpp"
NS_CLIENT = "jabber:client"
NS_SID = "urn:xmpp:sid:0"
NS_DELAY = "urn:xmpp:delay"
NS_REPLY = "urn:xmpp:reply:0"
NS_MUC_USER = "http://jabber.org/protocol/muc#user"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
# A chat message longer than this is cut (the rest is noted), so one huge stanza
# cannot make a row the store and the window choke on.
TEXT_LIMIT = 2_000_000


@dataclass(slots=True)
class Room:
    """A joined room: our nick there and the real JIDs of occupants that the room shows."""

    jid: str
    nick: str
    name: str = ""
    occupants: dict[str, str] = field(default_factory=dict)  # nick -> bare JID ("" unknown)


@dataclass(slots=True)
class Context:
    """What reading a stanza needs to know of the account."""

    me: str  # our bare JID, normalized
    names: Mapping[str, str] = field(default_factory=dict)  # roster names by bare JID
    rooms: Mapping[str, Room] = field(default_factory=dict)


def bare(jid: str) -> str:
    """The normalized bare JID ("" when it does not parse)."""
    try:
        return str(JID(jid).bare).lower() if jid else ""
    except (InvalidJID, ValueError):
        return ""


def resource(jid: str) -> str:
    try:
        return str(JID(jid).resource) if jid else ""
    except (InvalidJID, ValueError):
        return ""


def _child(el: Element, ns: str, name: str) -> Element | None:
    return el.find(f"{{{ns}}}{name}")


def stanza_id(el: Element, by: str) -> str:
    """The server's id of this message in the archive of `by` (XEP-0359)."""
    for sid in el.iter(f"{{{NS_SID}}}stanza-id"):
        if bare(sid.get("by", "")) == by and sid.get("id"):
            return sid.get("id", "")
    return ""


def delay_stamp(el: Element) -> datetime | None:
    delay = _child(el, NS_DELAY, "delay")
    return parse_stamp(delay.get("stamp", "")) if delay is not None else None


def parse_stamp(text: str) -> datetime | None:
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _body(el: Element) -> str:
    body = _child(el, NS_CLIENT, "body")
    if body is None:
        body = el.find("body")
    text = (body.text or "") if body is not None else ""
    if len(text) > TEXT_LIMIT:
        cut = len(text) - TEXT_LIMIT
        text = text[:TEXT_LIMIT] + f"\n[… {cut:,} more characters not kept]"
    return text


def _fallback_id(el: Element, when: datetime, text: str) -> str:
    """An id for a message without a server id (a server that keeps no archive)."""
    digest = hashlib.sha256(
        "\0".join(
            (el.get("from", ""), el.get("to", ""), el.get("id", ""), when.isoformat(), text)
        ).encode("utf-8", "surrogatepass")
    ).hexdigest()[:32]
    return f"local:{digest}"


def read_message(
    el: Element,
    ctx: Context,
    *,
    archive_id: str = "",
    stamp: datetime | None = None,
    is_history: bool = False,
    now: datetime | None = None,
) -> ChatMessage | None:
    """The chat message a <message/> element carries, or None for one that is not a chat."""
    try:
        return _read(el, ctx, archive_id, stamp, is_history, now)
    except Exception:  # a stanza nobody planned for: skip it, keep the session
        log.warning("skipped a message stanza that could not be read", exc_info=True)
        return None


def _read(
    el: Element,
    ctx: Context,
    archive_id: str,
    stamp: datetime | None,
    is_history: bool,
    now: datetime | None,
) -> ChatMessage | None:
    kind = el.get("type", "normal")
    if kind == "error":
        return None
    text = _body(el)
    if not text.strip():
        return None  # chat states, receipts, markers: nothing to show
    when = stamp or delay_stamp(el) or now or datetime.now(UTC)
    sender_full = el.get("from", "") or ctx.me
    origin = _child(el, NS_SID, "origin-id")
    origin_id = origin.get("id", "") if origin is not None else ""
    reply = _child(el, NS_REPLY, "reply")
    reply_to = reply.get("id", "") if reply is not None else ""
    if kind == "groupchat":
        return _room_message(
            el, ctx, sender_full, text, when, archive_id, origin_id, reply_to, is_history
        )
    sender = bare(sender_full)
    if not sender:
        return None
    outgoing = sender == ctx.me
    peer_full = el.get("to", "") if outgoing else sender_full
    peer = bare(peer_full)
    if not peer:
        return None
    if peer in ctx.rooms:  # a private message to or from a room's occupant
        peer = f"{peer}/{resource(peer_full)}"
    peer_name = ctx.names.get(peer, "")
    remote_id = archive_id or stanza_id(el, ctx.me) or _fallback_id(el, when, text)
    return ChatMessage(
        channel=KIND,
        remote_id=remote_id,
        conversation=peer,
        sender=ChatAddress(KIND, sender, ctx.names.get(sender, "")),
        sent_at=when,
        text=text,
        direction="out" if outgoing else "in",
        conversation_name=peer_name,
        participants=(ChatAddress(KIND, peer, peer_name),),
        origin_id=origin_id,
        reply_to=reply_to,
        is_history=is_history,
    )


def _room_message(
    el: Element,
    ctx: Context,
    sender_full: str,
    text: str,
    when: datetime,
    archive_id: str,
    origin_id: str,
    reply_to: str,
    is_history: bool,
) -> ChatMessage | None:
    room_jid = bare(sender_full)
    nick = resource(sender_full)
    if not room_jid or not nick:
        return None  # the room's own notices (subject, configuration) are not chat
    room = ctx.rooms.get(room_jid) or Room(room_jid, "")
    outgoing = bool(room.nick) and nick == room.nick
    real = room.occupants.get(nick, "")
    item = el.find(f"{{{NS_MUC_USER}}}x/{{{NS_MUC_USER}}}item")
    if item is not None and item.get("jid"):
        real = bare(item.get("jid", "")) or real
    if outgoing:
        sender = ChatAddress(KIND, ctx.me, nick)
    else:
        sender = ChatAddress(KIND, real or f"{room_jid}/{nick}", nick)
    members = tuple(
        ChatAddress(KIND, jid or f"{room_jid}/{who}", who)
        for who, jid in sorted(room.occupants.items())
        if who != room.nick and jid != ctx.me
    )
    remote_id = archive_id or stanza_id(el, room_jid) or _fallback_id(el, when, text)
    return ChatMessage(
        channel=KIND,
        remote_id=remote_id,
        conversation=room_jid,
        sender=sender,
        sent_at=when,
        text=text,
        direction="out" if outgoing else "in",
        conversation_name=room.name or room_jid.partition("@")[0],
        is_group=True,
        participants=members,
        origin_id=origin_id,
        reply_to=reply_to,
        archive=room_jid,
        is_history=is_history,
    )


_CONDITIONS = {
    "service-unavailable": "there is no such user, or they accept no messages",
    "item-not-found": "there is no such address",
    "recipient-unavailable": "the recipient is not available",
    "remote-server-not-found": "their server could not be found",
    "remote-server-timeout": "their server did not answer",
    "forbidden": "the server forbids it",
    "not-allowed": "the server does not allow it",
    "not-acceptable": "the server did not accept the message",
    "policy-violation": "the server's policy refused the message",
    "resource-constraint": "the server is too busy",
    "jid-malformed": "the address is not valid",
    "gone": "the address is gone",
}


def error_words(el: Element) -> str:
    """The server's words for an error stanza: its text, else a phrase for its condition."""
    error = _child(el, NS_CLIENT, "error")
    if error is None:
        error = el.find("error")
    if error is None:
        return "the server gave no reason"
    text_el = _child(error, NS_STANZAS, "text")
    said = (text_el.text or "").strip() if text_el is not None else ""
    condition = ""
    for child in error:
        tag = child.tag.rpartition("}")[2]
        if child.tag.startswith(f"{{{NS_STANZAS}}}") and tag != "text":
            condition = tag
            break
    phrase = _CONDITIONS.get(condition, condition.replace("-", " ") or "an error")
    if said:
        return f"{said} ({condition})" if condition else said
    return f"{phrase} ({condition})" if condition else phrase
