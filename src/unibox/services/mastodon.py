"""Mastodon use cases the CLI and the window share: add an account (a token made in the
instance's settings, or one from signing in with an out-of-band code), and give an
account a new token. The token goes to the keyring only."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from unibox.channels.mastodon_api import (
    Authorization,
    finish_authorization,
    instance_url,
    start_authorization,
)
from unibox.core.errors import UserError
from unibox.store.chat_accounts import ChatAccount, ChatSettings, add_chat_account
from unibox.store.schema import Account
from unibox.store.store import Store

if TYPE_CHECKING:
    from unibox.secrets import SecretStore

__all__ = [
    "Authorization",
    "create_mastodon_account",
    "finish_authorization",
    "instance_url",
    "set_mastodon_token",
    "start_authorization",
    "token_account",
]


def mastodon_settings(instance: str, *, ca_file: str = "", address: str = "") -> ChatSettings:
    """Checked settings: the instance's URL (plain HTTP only to loopback), a readable CA file."""
    from unibox.channels.tls import check_ca_file

    url = instance_url(instance)
    return ChatSettings(
        address=address,
        security="plain" if url.startswith("http://") else "tls",
        ca_file=check_ca_file(ca_file) if ca_file else "",
        instance=url,
    )


def token_account(settings: ChatSettings, token: str, name: str = "check") -> str:
    """Sign in with the token once; the account it is for, as user@instance.

    Raises the channel's error in words (a refused token is an AuthError)."""
    from unibox.channels.base import ChannelAccount
    from unibox.channels.mastodon import MastodonChannel

    channel = MastodonChannel(
        ChannelAccount(
            name=name,
            address=settings.address,
            ca_file=settings.ca_file,
            secret=token,
            settings={"instance": settings.instance},
        )
    )

    async def attempt() -> str:
        try:
            await channel.connect()
            return channel.me
        finally:
            await channel.close()

    return asyncio.run(attempt())


def create_mastodon_account(
    store: Store,
    secrets: SecretStore,
    *,
    name: str,
    settings: ChatSettings,
    token: str,
    display_name: str = "",
) -> ChatAccount:
    """Check the token, then the token into the keyring and the account into the store;
    both or neither."""
    if not token.strip():
        raise UserError("No access token was given.")
    with store.read() as s:
        if s.scalar(select(Account.id).where(Account.name == name)) is not None:
            raise UserError(f"An account named “{name}” already exists.")
    address = token_account(settings, token, name)
    settings = ChatSettings(
        address=address,
        security=settings.security,
        ca_file=settings.ca_file,
        instance=settings.instance,
    )
    ref = f"mastodon:{name}"
    with secrets.kept_for(ref, token), store.write() as s:
        return add_chat_account(
            s,
            name=name,
            kind="mastodon",
            display_name=display_name,
            settings=settings,
            secret_ref=ref,
        )


def set_mastodon_token(store: Store, secrets: SecretStore, name: str, token: str) -> None:
    """A new token for an account (the old one was revoked): checked to be for the same
    account, then kept in place of the old one; the account's error is cleared."""
    from unibox.store.chat_accounts import chat_accounts

    with store.read() as s:
        found = [a for a in chat_accounts(s, name) if a.kind == "mastodon"]
    if not found:
        raise UserError(f"There is no Mastodon account named “{name}”.")
    account = found[0]
    if not token.strip():
        raise UserError("No access token was given.")
    token_account(account.settings, token, name)  # raises when it is for someone else
    secrets.set(account.secret_ref, token)
    with store.write() as s:
        s.execute(update(Account).where(Account.id == account.id).values(last_error=""))
