"""Chat accounts (XMPP, Mastodon, Matrix, …): settings in `account.settings_json`, no secret."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.store.schema import Account

CHAT_KINDS = ("xmpp", "mastodon", "matrix")


@dataclass(frozen=True, slots=True)
class ChatSettings:
    """How to reach a chat account: its own address and, when not found from it, the server."""

    address: str  # a bare JID; for Mastodon the account as user@instance; a Matrix user id
    host: str = ""
    port: int = 0
    security: str = "starttls"  # starttls, tls or plain (plain only to loopback)
    ca_file: str = ""
    rooms: str = ""  # rooms to join beside the bookmarked ones, separated by spaces
    nick: str = ""
    instance: str = ""  # Mastodon: the instance's base URL (https://mastodon.example)
    homeserver: str = ""  # Matrix: the homeserver's base URL (https://matrix.example)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @staticmethod
    def from_json(text: str) -> ChatSettings:
        raw: dict[str, Any] = json.loads(text or "{}")
        known = {k: raw[k] for k in ChatSettings.__dataclass_fields__ if k in raw}
        return ChatSettings(**known)


@dataclass(frozen=True, slots=True)
class ChatAccount:
    id: int
    name: str
    kind: str
    display_name: str
    secret_ref: str
    settings: ChatSettings
    last_sync_at: int | None
    last_error: str


def _info(a: Account) -> ChatAccount:
    return ChatAccount(
        a.id,
        a.name,
        a.kind,
        a.display_name,
        a.secret_ref,
        ChatSettings.from_json(a.settings_json),
        a.last_sync_at,
        a.last_error,
    )


def add_chat_account(
    session: Session,
    *,
    name: str,
    kind: str,
    display_name: str,
    settings: ChatSettings,
    secret_ref: str,
) -> ChatAccount:
    if kind not in CHAT_KINDS:
        raise UserError(f"“{kind}” is not a chat account kind.")
    if session.scalar(select(Account.id).where(Account.name == name)) is not None:
        raise UserError(f"An account named “{name}” already exists.")
    a = Account(
        name=name,
        kind=kind,
        email="",
        display_name=display_name,
        settings_json=settings.to_json(),
        secret_ref=secret_ref,
        created_at=int(time.time()),
        last_error="",
    )
    session.add(a)
    session.flush()
    return _info(a)


def chat_accounts(session: Session, name: str | None = None) -> list[ChatAccount]:
    """Every chat account (or the one named), by name."""
    query = select(Account).where(Account.kind.in_(CHAT_KINDS)).order_by(Account.name)
    if name is not None:
        query = query.where(Account.name == name)
    return [_info(a) for a in session.scalars(query)]


def is_chat_kind(kind: str) -> bool:
    return kind in CHAT_KINDS


def record_chat_sync(session: Session, account_id: int, error: str, *, synced: bool) -> None:
    """The account's state after a sync: its last error (or notice) and, if it synced, when."""
    values: dict[str, Any] = {"last_error": error}
    if synced:
        values["last_sync_at"] = int(time.time())
    session.execute(update(Account).where(Account.id == account_id).values(**values))
