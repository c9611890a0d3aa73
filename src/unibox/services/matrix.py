"""Matrix use cases the CLI and the window share: add an account (one password login),
sign an account in again after its session expired or was signed out elsewhere, and
import a room-key export for the history of encrypted rooms.

The password is used once and kept nowhere; the keyring gets the session (access
token and device id) that the login gave.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy import select, update

from unibox.core.errors import UserError
from unibox.core.identity import normalize_matrix
from unibox.store.chat_accounts import ChatAccount, ChatSettings, add_chat_account, chat_accounts
from unibox.store.schema import Account
from unibox.store.store import Store

if TYPE_CHECKING:
    from pathlib import Path

    from unibox.channels.matrix.devices import DeviceView
    from unibox.secrets import SecretStore
    from unibox.sync.matrix_keys import KeyImport


def matrix_settings(homeserver: str, user: str, *, ca_file: str = "") -> ChatSettings:
    """Checked settings: a Matrix user id, the homeserver's URL (plain HTTP only to loopback)."""
    from unibox.channels.imap_conn import is_loopback
    from unibox.channels.matrix.session import homeserver_url
    from unibox.channels.tls import check_ca_file

    address = normalize_matrix(user)
    if not address:
        raise UserError(f"“{user}” is not a Matrix user id (@user:server).")
    url = homeserver_url(homeserver)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"“{homeserver}” is not a homeserver address (https://server).")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise UserError(f"Unencrypted Matrix is allowed only to this computer, not to {url}.")
    return ChatSettings(
        address=address,
        security="plain" if parts.scheme == "http" else "tls",
        ca_file=check_ca_file(ca_file) if ca_file else "",
        homeserver=url,
    )


def _login(settings: ChatSettings, password: str, name: str) -> str:
    from unibox.channels.matrix.session import login

    if not password:
        raise UserError("No password was given.")
    session = asyncio.run(
        login(settings.homeserver, settings.address, password, ca_file=settings.ca_file, name=name)
    )
    if normalize_matrix(session.user_id) != settings.address:
        raise UserError(f"The homeserver signed in {session.user_id}, not {settings.address}.")
    return session.dump()


def create_matrix_account(
    store: Store,
    secrets: SecretStore,
    *,
    name: str,
    settings: ChatSettings,
    password: str,
    display_name: str = "",
) -> ChatAccount:
    """Log in once; the session into the keyring and the account into the store, or neither."""
    with store.read() as s:
        if s.scalar(select(Account.id).where(Account.name == name)) is not None:
            raise UserError(f"An account named “{name}” already exists.")
    session = _login(settings, password, name)
    ref = f"matrix:{name}"
    secrets.set(ref, session)
    try:
        with store.write() as s:
            return add_chat_account(
                s, name=name, kind="matrix", display_name=display_name, settings=settings,
                secret_ref=ref,
            )  # fmt: skip
    except BaseException:
        secrets.delete(ref)
        raise


def login_again(store: Store, secrets: SecretStore, name: str, password: str) -> ChatAccount:
    """A new session for an account whose old one the homeserver no longer takes; nothing
    stored is lost (the next sync reads on from the stored cursors)."""
    account = matrix_account(store, name)
    secrets.set(account.secret_ref, _login(account.settings, password, name))
    with store.write() as s:
        s.execute(update(Account).where(Account.id == account.id).values(last_error=""))
    return account


def matrix_account(store: Store, name: str) -> ChatAccount:
    with store.read() as s:
        found = [a for a in chat_accounts(s, name) if a.kind == "matrix"]
    if not found:
        raise UserError(f"There is no Matrix account named “{name}”.")
    return found[0]


def import_room_keys(
    store: Store, secrets: SecretStore, name: str, path: Path, passphrase: str
) -> KeyImport:
    """Element's "Export E2E room keys" file into the account's device; the waiting messages
    it opens read in clear. A wrong passphrase or a damaged file changes nothing."""
    from unibox.sync.matrix_keys import import_room_keys as run_import

    if not passphrase:
        raise UserError("No passphrase was given.")
    return run_import(store, secrets, matrix_account(store, name), path, passphrase)


def devices(store: Store, secrets: SecretStore, name: str) -> list[DeviceView]:
    from unibox.sync.matrix_keys import matrix_devices

    return matrix_devices(store, secrets, matrix_account(store, name))


def verify_device(
    store: Store, secrets: SecretStore, name: str, user: str, device: str, seen: str
) -> DeviceView:
    from unibox.sync.matrix_keys import verify_matrix_device

    return verify_matrix_device(store, secrets, matrix_account(store, name), user, device, seen)
