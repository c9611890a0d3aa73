"""The channel for a chat account: its kind's class, its settings and its secret."""

from __future__ import annotations

from pathlib import Path

from unibox.channels.base import Channel, ChannelAccount
from unibox.core.errors import ChannelError
from unibox.secrets import SecretStore
from unibox.store.chat_accounts import ChatAccount
from unibox.store.store import Store


def matrix_keys_dir(store: Store, account: ChatAccount) -> Path:
    """Where a Matrix account's end-to-end keys live: its own folder in the profile."""
    return Path(store.path).parent / "matrix-keys" / str(account.id)


def account_secret(store: Store, secrets: SecretStore, account: ChatAccount) -> str:
    """The account's secret from the keyring; a Matrix session from before end-to-end
    encryption gets its key for its keys, kept beside it. (With keys already made, a
    missing key is a fault the channel reports.)"""
    secret = secrets.get(account.secret_ref)
    if account.kind == "matrix" and secret:
        from unibox.channels.matrix.session import Session

        session = Session.load(secret)
        fresh = not matrix_keys_dir(store, account).exists()
        if session.access_token and not session.pickle_key and fresh:
            secret = session.with_pickle_key().dump()
            secrets.set(account.secret_ref, secret)
    return secret


def channel_account(account: ChatAccount, secret: str, keys_dir: str = "") -> ChannelAccount:
    s = account.settings
    return ChannelAccount(
        name=account.name,
        address=s.address,
        host=s.host,
        port=s.port,
        security=s.security,
        ca_file=s.ca_file,
        secret=secret,
        settings={
            "rooms": s.rooms,
            "nick": s.nick,
            "instance": s.instance,
            "homeserver": s.homeserver,
            "keys_dir": keys_dir,
        },
    )


def make_channel(account: ChatAccount, secret: str, *, keys_dir: str = "") -> Channel:
    """The channel for an account's kind."""
    if account.kind == "xmpp":
        from unibox.channels.xmpp import XmppChannel

        return XmppChannel(channel_account(account, secret))
    if account.kind == "mastodon":
        from unibox.channels.mastodon import MastodonChannel

        return MastodonChannel(channel_account(account, secret))
    if account.kind == "matrix":
        from unibox.channels.matrix import MatrixChannel

        return MatrixChannel(channel_account(account, secret, keys_dir))
    raise ChannelError(f"unibox cannot sync “{account.kind}” accounts.", retryable=False)
