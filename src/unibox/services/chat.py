"""Chat use cases the CLI and the window share: add an XMPP account, write, reply, send now."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from unibox.core.errors import UserError
from unibox.core.items import ChangeSet
from unibox.store.chat_accounts import ChatAccount, ChatSettings, add_chat_account, chat_accounts
from unibox.store.intent import intent_write
from unibox.store.schema import Account, Conversation, Message
from unibox.store.store import Store

if TYPE_CHECKING:
    from unibox.secrets import SecretStore


def xmpp_settings(
    *, jid: str, host: str, port: int, security: str, ca_file: str, rooms: str = "", nick: str = ""
) -> ChatSettings:
    """Checked settings: a bare JID, plain only to loopback, a readable CA file."""
    from unibox.channels.imap_conn import is_loopback
    from unibox.channels.tls import check_ca_file
    from unibox.channels.xmpp.stanzas import bare

    address = bare(jid)
    if not address or "@" not in address or "/" in jid:
        raise UserError(f"“{jid}” is not a JID (user@domain).")
    if security == "plain" and not is_loopback(host):
        where = host or address.partition("@")[2]
        raise UserError(f"Unencrypted XMPP is allowed only to this computer, not to {where}.")
    return ChatSettings(
        address=address,
        host=host,
        port=port,
        security=security,
        ca_file=check_ca_file(ca_file) if ca_file else "",
        rooms=rooms,
        nick=nick,
    )


def check_login(settings: ChatSettings, password: str, name: str = "check") -> None:
    """Log in once and out again; raises the channel's error in words."""
    from unibox.sync.chat_channels import make_channel

    account = ChatAccount(0, name, "xmpp", "", "", settings, None, "")

    async def attempt() -> None:
        channel = make_channel(account, password)
        try:
            await channel.connect()
        finally:
            await channel.close()

    asyncio.run(attempt())


def create_xmpp_account(
    store: Store,
    secrets: SecretStore,
    *,
    name: str,
    settings: ChatSettings,
    password: str,
    display_name: str = "",
    check: bool = True,
) -> ChatAccount:
    """The password into the keyring, the account into the store; both or neither."""
    with store.read() as s:
        if s.scalar(select(Account.id).where(Account.name == name)) is not None:
            raise UserError(f"An account named “{name}” already exists.")
    if check:
        check_login(settings, password, name)
    ref = f"xmpp:{name}"
    with secrets.kept_for(ref, password), store.write() as s:
        return add_chat_account(
            s,
            name=name,
            kind="xmpp",
            display_name=display_name,
            settings=settings,
            secret_ref=ref,
        )


def chat_account(store: Store, name: str) -> ChatAccount | None:
    with store.read() as s:
        found = chat_accounts(s, name)
    return found[0] if found else None


def queue_message(
    store: Store, account: ChatAccount, to: str, text: str, *, files: Sequence[Path] = ()
) -> int:
    from unibox.services.attachments import read_chat_files
    from unibox.store.chat import queue_chat

    found = read_chat_files(files)
    with intent_write(store) as s:
        return queue_chat(s, account.id, to, text, files=found)


@dataclass(frozen=True, slots=True)
class ChatOrigin:
    """Where a stored chat message is: its account and conversation."""

    account: ChatAccount
    conversation: str


def chat_origin(store: Store, message_id: int) -> ChatOrigin | None:
    """The chat account and conversation of a stored message; None for a mail message."""
    with store.read() as s:
        row = s.execute(
            select(Account.name, Conversation.remote_ref)
            .join(Message, Message.account_id == Account.id)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(Message.id == message_id)
        ).first()
        if row is None:
            exists = s.scalar(select(Message.id).where(Message.id == message_id))
            if exists is None:
                raise UserError(f"There is no message {message_id}.")
            return None
        name, ref = row
        found = chat_accounts(s, name)
    if not found or not ref:
        return None
    return ChatOrigin(found[0], ref)


def queue_reply(
    store: Store, message_id: int, text: str, *, files: Sequence[Path] = ()
) -> tuple[ChatAccount, int]:
    from unibox.services.attachments import read_chat_files
    from unibox.store.chat import queue_chat

    origin = chat_origin(store, message_id)
    if origin is None:
        raise UserError(f"Message {message_id} is not a chat message.")
    found = read_chat_files(files)
    with intent_write(store) as s:
        outbox_id = queue_chat(
            s, origin.account.id, origin.conversation, text, reply_to_message_id=message_id,
            files=found,
        )  # fmt: skip
    return origin.account, outbox_id


def send_now(store: Store, secrets: SecretStore, account: ChatAccount) -> None:
    """Connect and send what the account's outbox holds; raises a connection failure."""
    from concurrent.futures import ThreadPoolExecutor

    from unibox.sync.chat import ChatAccountSync

    async def go() -> None:
        with ThreadPoolExecutor(1) as writer:
            await ChatAccountSync(store, secrets, account, writer=writer).send_pending()

    asyncio.run(go())


@dataclass(frozen=True, slots=True)
class ChatOutboxRow:
    id: int
    account: str
    conversation: str
    text: str
    state: str
    attempts: int
    error: str

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "channel": "chat",
            "account": self.account,
            "to": self.conversation,
            "text": self.text,
            "state": self.state,
            "attempts": self.attempts,
            "last_error": self.error,
        }


def outbox_rows(store: Store, *, include_sent: bool = False) -> list[ChatOutboxRow]:
    from unibox.store.schema_chat import ChatOutbox

    query = (
        select(
            ChatOutbox.id,
            Account.name,
            Conversation.remote_ref,
            ChatOutbox.text,
            ChatOutbox.state,
            ChatOutbox.attempts,
            ChatOutbox.last_error,
        )
        .join(Account, Account.id == ChatOutbox.account_id)
        .join(Conversation, Conversation.id == ChatOutbox.conversation_id)
        .order_by(ChatOutbox.id)
    )
    if not include_sent:
        query = query.where(ChatOutbox.state != "sent")
    with store.read() as s:
        return [
            ChatOutboxRow(oid, name, ref or "", text, state, attempts, error)
            for oid, name, ref, text, state, attempts, error in s.execute(query)
        ]


def outbox_state(store: Store, outbox_id: int) -> ChatOutboxRow:
    for row in outbox_rows(store, include_sent=True):
        if row.id == outbox_id:
            return row
    raise UserError(f"There is no chat message {outbox_id} in the outbox.")


def reply_in_chat(
    store: Store, account_id: int, address: str, text: str, *, files: Sequence[Path] = ()
) -> ChangeSet:
    """The window's reply box: queue `text` (and a file, `text` its caption) into the chat
    with `address` (peer or room)."""
    from unibox.services.attachments import read_chat_files
    from unibox.store.chat import queue_chat
    from unibox.store.schema_chat import ChatOutbox

    found = read_chat_files(files)
    with intent_write(store) as s:
        outbox_id = queue_chat(s, account_id, address, text, files=found)
        message_id, conversation_id = s.execute(
            select(ChatOutbox.message_id, ChatOutbox.conversation_id).where(
                ChatOutbox.id == outbox_id
            )
        ).one()
    return ChangeSet(
        messages_added={message_id} if message_id is not None else set(),
        conversations={conversation_id},
    )


def read_chat(store: Store, conversation_id: int) -> ChangeSet:
    """A chat was opened in the window: all of it is read."""
    from unibox.store.chat_view import mark_chat_read

    with store.write() as s:
        return mark_chat_read(s, conversation_id)
