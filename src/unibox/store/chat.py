"""Chat in the store: what the sync engine of a chat channel calls.

* `ChatIngestor(account_id, my_addresses).ingest(session, items)` stores a
  batch of `core.items.ChatMessage` and returns its ChangeSet;
* `load_cursor` / `save_cursor` keep how far each archive was read, saved in
  the transaction that stored its items;
* `queue_chat` / `due_chats` / `chat_sent` / `chat_failed` / `chat_bounced`
  are the chat outbox (write them through store.intent.intent_write).
"""

from __future__ import annotations

from unibox.store.chat_cursor import load_cursor, save_cursor
from unibox.store.chat_ingest import ChatIngestor, conversation_ref
from unibox.store.chat_outbox import (
    ChatDelivery,
    QueuedChat,
    chat_bounced,
    chat_failed,
    chat_sent,
    chat_states,
    due_chats,
    queue_chat,
)

__all__ = [
    "ChatDelivery",
    "ChatIngestor",
    "QueuedChat",
    "chat_bounced",
    "chat_failed",
    "chat_sent",
    "chat_states",
    "conversation_ref",
    "due_chats",
    "load_cursor",
    "queue_chat",
    "save_cursor",
]
