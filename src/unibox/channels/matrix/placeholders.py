"""What an encrypted Matrix event becomes in unibox: a message and its "e2e" mark.

An event that cannot be decrypted yet is stored as a placeholder saying so.
When its key comes it is reported as changes of the placeholder: its real
text (an "edit" of its own id), or, when it was an edit or reaction, that
change and the placeholder's removal.
"""

from __future__ import annotations

from typing import Any

from unibox.channels.matrix import events as ev
from unibox.core.items import ChatAddress, ChatMessage, ChatUpdate

Item = ChatMessage | ChatUpdate

E2E = "e2e"  # the ChatUpdate action that says how a message was encrypted
DECRYPTED = "decrypted:"  # remote id prefix of the changes a late decryption makes


def waiting_text(sender: str) -> str:
    return f"This message could not be decrypted yet: waiting for its key from {sender}'s device."


def unreadable_text(source: dict[str, Any]) -> str:
    content = source.get("content")
    algorithm = content.get("algorithm") if isinstance(content, dict) else None
    how = f" ({algorithm})" if isinstance(algorithm, str) and algorithm else ""
    return f"This message is encrypted in a way unibox cannot read{how}."


def placeholder(source: dict[str, Any], view: ev.RoomView, me: str, *, waiting: bool) -> list[Item]:
    """The message standing for an event not decrypted, and its mark: "undecrypted" when its
    key may come (`waiting`), "unreadable" when it is encrypted some other way."""
    event_id, sender_id = str(source["event_id"]), str(source["sender"])
    sender = ChatAddress(ev.KIND, sender_id, view.names.get(sender_id, ""))
    others = tuple(
        ChatAddress(ev.KIND, m, view.names.get(m, "")) for m in view.members if m != sender_id
    )
    message = ChatMessage(
        channel=ev.KIND, remote_id=event_id, conversation=view.ref, sender=sender,
        sent_at=ev.when(source), text=waiting_text(sender.name or sender_id) if waiting
        else unreadable_text(source),
        direction="out" if sender_id == me else "in", conversation_name=view.name,
        is_group=view.is_group, participants=others if view.is_group and len(others) <= 50
        else (), archive=view.room_id, via=ev.via(sender_id, view), is_history=True,
    )  # fmt: skip
    return [message, mark(message, "undecrypted" if waiting else "unreadable")]


def mark(item: ChatMessage, trust: str, *, later: bool = False) -> ChatUpdate:
    """The "e2e" change saying how `item` was encrypted (`trust`, see trust.py)."""
    target = item.remote_id
    prefix = DECRYPTED if later else ""
    return ChatUpdate(ev.KIND, E2E, target, item.conversation, item.sender, trust,
                      f"{prefix}{E2E}:{target}", item.sent_at)  # fmt: skip


def late(event_id: str, item: Item | None, view: ev.RoomView, trust: str) -> list[Item]:
    """The changes that turn a stored placeholder into what it was."""
    if isinstance(item, ChatMessage):
        text = ChatUpdate(ev.KIND, "edit", event_id, view.ref, item.sender, item.text,
                          DECRYPTED + event_id, item.sent_at)  # fmt: skip
        return [text, mark(item, trust, later=True)]
    gone = ChatUpdate(ev.KIND, "redact", event_id, view.ref, None, "", DECRYPTED + event_id)
    return [item, gone] if item is not None else [gone]
