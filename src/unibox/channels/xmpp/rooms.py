"""Group chats (XEP-0045): which rooms to join, joining them, and who is in them.

The rooms are the account's `rooms` setting (JIDs separated by commas or
spaces) and its bookmarks marked autojoin (XEP-0048 in private storage,
which Prosody and ejabberd keep in step with XEP-0402). The room's own
history comes from its archive, so joining asks for none.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from slixmpp import JID, ClientXMPP
from slixmpp.exceptions import IqError, IqTimeout, PresenceError

from unibox.channels.xmpp import stanzas
from unibox.channels.xmpp.stanzas import Room

log = logging.getLogger("unibox.xmpp")

NS_PRIVATE = "jabber:iq:private"
NS_BOOKMARKS = "storage:bookmarks"
NS_MUC_ADMIN = "http://jabber.org/protocol/muc#admin"
JOIN_TIMEOUT = 20.0


@dataclass(frozen=True, slots=True)
class RoomWanted:
    jid: str
    nick: str = ""
    name: str = ""


def rooms_from_setting(value: str) -> list[RoomWanted]:
    rooms = []
    for part in re.split(r"[\s,;]+", value or ""):
        jid = stanzas.bare(part)
        if jid and "@" in jid:
            rooms.append(RoomWanted(jid))
    return rooms


async def bookmarked_rooms(client: ClientXMPP) -> list[RoomWanted]:
    """Rooms the user's bookmarks ask to join; [] when there are none or no storage."""
    iq = client.make_iq_get()
    query = iq.xml.makeelement(f"{{{NS_PRIVATE}}}query", {})
    query.append(query.makeelement(f"{{{NS_BOOKMARKS}}}storage", {}))
    iq.xml.append(query)
    try:
        reply = await iq.send(timeout=JOIN_TIMEOUT)
    except (IqError, IqTimeout):
        return []
    rooms = []
    for conf in reply.xml.iter(f"{{{NS_BOOKMARKS}}}conference"):
        if conf.get("autojoin", "false") not in ("true", "1"):
            continue
        jid = stanzas.bare(conf.get("jid", ""))
        if jid:
            nick = (conf.findtext(f"{{{NS_BOOKMARKS}}}nick") or "").strip()
            rooms.append(RoomWanted(jid, nick, conf.get("name", "")))
    return rooms


def merge(*lists: Iterable[RoomWanted]) -> list[RoomWanted]:
    seen: dict[str, RoomWanted] = {}
    for wanted in (w for lst in lists for w in lst):
        seen.setdefault(wanted.jid, wanted)
    return list(seen.values())


async def join(client: ClientXMPP, wanted: RoomWanted, default_nick: str) -> Room:
    """Join a room; raises PresenceError/TimeoutError when the room refuses."""
    nick = wanted.nick or default_nick
    muc = client.plugin["xep_0045"]
    await muc.join_muc_wait(JID(wanted.jid), nick, maxstanzas=0, timeout=JOIN_TIMEOUT)
    room = Room(wanted.jid, nick, wanted.name)
    for who in muc.get_roster(JID(wanted.jid)):
        real = muc.get_jid_property(JID(wanted.jid), who, "jid")
        room.occupants[who] = stanzas.bare(str(real)) if real else ""
    if not room.name:
        room.name = await _room_name(client, wanted.jid) or wanted.jid.partition("@")[0]
    return room


async def _room_name(client: ClientXMPP, jid: str) -> str:
    try:
        info = await client.plugin["xep_0030"].get_info(
            jid=JID(jid) if jid else None, timeout=JOIN_TIMEOUT
        )
    except (IqError, IqTimeout):
        return ""
    for _category, _kind, name, _lang in info["disco_info"]["identities"]:
        if name:
            return str(name)
    return ""


async def has_archive(client: ClientXMPP, jid: str | None) -> bool:
    """Does this entity (None: the account) keep a message archive?"""
    try:
        info = await client.plugin["xep_0030"].get_info(
            jid=JID(jid) if jid else None, timeout=JOIN_TIMEOUT
        )
    except (IqError, IqTimeout):
        return False
    return "urn:xmpp:mam:2" in info["disco_info"]["features"]


def join_problem(room: str, exc: BaseException) -> str:
    if isinstance(exc, PresenceError):
        words = stanzas.error_words(exc.presence.xml)
        return f"The room {room} could not be joined: {words}."
    return f"The room {room} did not answer when unibox joined it."
