"""Matrix rooms as unibox sees them: direct chat or group, members and their names.

A room without a name of the user and one other person (a bridge's bot aside)
is the direct chat with that person; any other room is a group. With lazy
loading only some members are known: the room's summary counts them all and
names a few (its heroes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from nio import AsyncClient, MatrixRoom

from unibox.channels.matrix import events as ev
from unibox.core.bridges import bridge_bot, display_name
from unibox.core.items import ChatMessage, ChatUpdate

LISTED_MEMBERS = 50  # a group up to this size has its members on each message (events.py)


def room_view(room: MatrixRoom, me: str) -> ev.RoomView:
    members = [*room.users, *(u for u in room.invited_users if u not in room.users)]
    # A bridge's bot sits in the rooms it bridges: no member (a person) of them, and a
    # chat with one puppet is still direct.
    members = [u for u in members if bridge_bot(u) is None]
    others = [u for u in members if u != me]
    names = {uid: display_name(uid, u.display_name or "") for uid, u in room.users.items()}
    names.update(
        {uid: display_name(uid, u.display_name or "") for uid, u in room.invited_users.items()}
    )
    if not (room.name or room.canonical_alias) and is_direct(room, me, others):
        peer = others[0] if others else heroes(room, me)[0]
        return ev.RoomView(room.room_id, peer, False, names.get(peer, ""), names)
    listed = tuple(members) if room.member_count <= LISTED_MEMBERS else ()
    return ev.RoomView(room.room_id, room.room_id, True, room.display_name, names, listed)


def heroes(room: MatrixRoom, me: str) -> list[str]:
    found = room.summary.heroes if room.summary is not None else None
    return [h for h in found or () if h != me and bridge_bot(h) is None]


def is_direct(room: MatrixRoom, me: str, others: list[str]) -> bool:
    """The user and one other person (a bridge's bot aside), also when only some of the
    members are loaded: the summary counts them all and names a few (its heroes)."""
    people = {*others, *heroes(room, me)}
    bots = {u for u in [*room.users, *(room.summary.heroes or [] if room.summary else [])]
            if bridge_bot(u) is not None}  # fmt: skip
    return len(people) == 1 and room.member_count - len(bots) <= 2


def invitation(room: Any) -> ChatMessage:
    inviter = str(getattr(room, "inviter", "") or "")
    name = str(room.name or "")
    bot = bridge_bot(inviter)
    if bot is not None:  # a bridge opens a chat: the bot is no one to talk to
        return ev.invitation(room.room_id, room.room_id, "", f"{bot.title} bridge", name)
    ref = inviter if inviter and not name else room.room_id
    return ev.invitation(room.room_id, ref, inviter, "", name)


def read_receipts(ephemeral: Iterable[Any], ref: str, me: str) -> list[ChatUpdate]:
    """The user's own read receipts in a room's ephemeral events: "read up to here"."""
    found = []
    for event in ephemeral:
        for receipt in getattr(event, "receipts", ()) or ():
            if receipt.user_id == me and str(receipt.receipt_type).endswith("read"):
                found.append(ChatUpdate(ev.KIND, "read", receipt.event_id, ref))
    return found


async def learn_senders(client: AsyncClient, room_id: str, events: Iterable[Any]) -> None:
    """The names of a page's senders that the lazy member list does not have yet."""
    room = client.rooms.get(room_id)
    if room is None:
        return
    unknown = list({getattr(e, "sender", "") for e in events} - set(room.users) - {""})
    got = await asyncio.gather(
        *(client.room_get_state_event(room_id, "m.room.member", u) for u in unknown)
    )
    for user_id, answer in zip(unknown, got, strict=True):
        content = getattr(answer, "content", None)  # None: an error, the id is the name
        if isinstance(content, dict) and content.get("membership") in ("join", "invite"):
            room.add_member(user_id, content.get("displayname"), content.get("avatar_url"))
