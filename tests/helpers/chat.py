"""Chat accounts and ChatMessage items for store tests, without a server."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from unibox.core.items import ChatAddress, ChatMessage
from unibox.store.schema import Account
from unibox.store.store import Store

ME = "me@chat.example"
BASE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def add_chat_account(
    store: Store, name: str = "Chat", jid: str = ME, *, created_at: int | None = None
) -> int:
    """An XMPP account row as `unibox account add-xmpp` makes one (no secret needed here)."""
    with store.write() as s:
        account = Account(
            name=name,
            kind="xmpp",
            email=jid,
            display_name="Me",
            settings_json="{}",
            secret_ref=f"xmpp:{name}",
            created_at=int(time.time()) if created_at is None else created_at,
            last_error="",
        )
        s.add(account)
        s.flush()
        return account.id


def chat(
    remote_id: str,
    text: str = "hello there",
    *,
    peer: str = "ann@chat.example",
    name: str = "Ann",
    out: bool = False,
    minutes: int = 0,
    history: bool = False,
    origin_id: str = "",
    room: str = "",
    nick: str = "",
) -> ChatMessage:
    """One message of a one-to-one chat with `peer` (or, with `room`, of that group)."""
    at = BASE + timedelta(minutes=minutes)
    if room:
        sender = ChatAddress("xmpp", ME if out else f"{room}/{nick}" if nick else peer, name)
        return ChatMessage(
            channel="xmpp",
            remote_id=remote_id,
            conversation=room,
            sender=sender,
            sent_at=at,
            text=text,
            direction="out" if out else "in",
            conversation_name="Team room",
            is_group=True,
            origin_id=origin_id,
            archive=room,
            is_history=history,
        )
    sender = ChatAddress("xmpp", f"{ME}/laptop", "Me") if out else ChatAddress("xmpp", peer, name)
    return ChatMessage(
        channel="xmpp",
        remote_id=remote_id,
        conversation=peer,
        sender=sender,
        sent_at=at,
        text=text,
        direction="out" if out else "in",
        origin_id=origin_id,
        is_history=history,
    )
