"""The demo's chats: an XMPP account (resources/demo/chats.json), a Mastodon one
(mastodon.json) and a Matrix one with bridged Telegram and WhatsApp people
(matrix.json), filled through chat ingest.

No server: the lines are stored as a backfill would store them (history,
read), but for those marked unread, which arrive as new. Their people get
their chat addresses first, so a chat lands in the same person as the mail.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from unibox.core.bridges import bridged
from unibox.core.items import ChangeSet, ChatAddress, ChatMessage
from unibox.store.chat import ChatIngestor
from unibox.store.chat_accounts import ChatSettings, add_chat_account
from unibox.store.person_edit import add_handle
from unibox.store.schema import Account, Handle
from unibox.store.store import Store

BERLIN = timezone(timedelta(hours=1))  # the demo's week lies before summer time


def add_demo_chats(
    store: Store, source: Path, shift: timedelta, display_name: str
) -> tuple[int, ChangeSet]:
    """Add the chat account and its chats; (messages stored, what changed)."""
    data: dict[str, Any] = json.loads(source.read_text("utf-8"))
    kind = data["account"].get("kind", "xmpp")
    jid = data["account"].get("address") or data["account"]["jid"]
    instance = data["account"].get("instance", "")
    items = [
        item for chat in data["chats"] for item in _items(chat, jid, display_name, shift, kind)
    ]
    # Added after its history: that history is stored read, as a first backfill's would be.
    added = max(int(it.sent_at.timestamp()) for it in items) + 1
    with store.write() as s:
        account_id = add_chat_account(
            s,
            name=data["account"]["name"],
            kind=kind,
            display_name=display_name,
            settings=ChatSettings(address=jid, instance=instance),
            secret_ref="",
        ).id
        s.execute(update(Account).where(Account.id == account_id).values(created_at=added))
        for email, chat_jid in data["handles"].items():
            person = s.scalar(
                select(Handle.person_id).where(Handle.kind == "email", Handle.value == email)
            )
            if person is not None:
                add_handle(s, person, kind, chat_jid)
    ingestor = ChatIngestor(account_id, [jid])
    with store.write() as s:
        changes = ingestor.ingest(s, items)
    return len(items), changes


def _items(
    chat: dict[str, Any], me: str, my_name: str, shift: timedelta, kind: str
) -> list[ChatMessage]:
    room = chat.get("room", "")
    members: dict[str, str] = chat.get("members", {})
    found = []
    for n, line in enumerate(chat["lines"]):
        at, who, text, *marks = line
        when = datetime.fromisoformat(at).replace(tzinfo=BERLIN) + shift
        mine = who == "me"
        if room:
            sender = ChatAddress(kind, me if mine else who, my_name if mine else members[who])
            others = tuple(ChatAddress(kind, j, name) for j, name in members.items())
        else:
            peer = ChatAddress(kind, chat["with"], chat["name"])
            sender = ChatAddress(kind, me, my_name) if mine else peer
            others = ()
        conversation = room or chat["with"]
        puppet = bridged(chat.get("with", "")) if kind == "matrix" else None
        found.append(
            ChatMessage(
                channel=kind,
                remote_id=f"demo-{conversation}-{n}",
                conversation=conversation,
                sender=sender,
                sent_at=when,
                text=text,
                direction="out" if mine else "in",
                conversation_name=chat["name"],
                is_group=bool(room),
                participants=others,
                archive=room,
                via=puppet.network if puppet else "",
                is_history="unread" not in marks,
            )
        )
    return found
