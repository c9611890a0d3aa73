"""A Matrix account's device keys, offline: a room-key export (Element's "Export E2E room
keys", nio's export_keys) imported, so that the messages stored as "could not be decrypted
yet" that it opens are decrypted in place (the same rows: their text, the search index, how
they were encrypted); and the devices it knows, listed, one verified by its fingerprint."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from unibox.core.errors import UserError
from unibox.core.items import ChangeSet, ChatUpdate
from unibox.secrets import SecretStore
from unibox.store.chat_accounts import ChatAccount
from unibox.store.store import Store
from unibox.sync.chat_channels import account_secret, channel_account, matrix_keys_dir

if TYPE_CHECKING:
    from unibox.channels.matrix import MatrixChannel
    from unibox.channels.matrix.devices import DeviceView

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class KeyImport:
    imported: int  # room keys this device did not have
    decrypted: int  # stored messages that read in clear now
    changes: ChangeSet

    def words(self) -> str:
        keys = f"{self.imported} room key{'' if self.imported == 1 else 's'} imported"
        if self.imported == 0:
            keys = "No new room keys (this device had them all)"
        if not self.decrypted:
            return f"{keys}; no waiting message needed them."
        if self.decrypted == 1:
            return f"{keys}; 1 message that could not be decrypted now reads in clear."
        return f"{keys}; {self.decrypted} messages that could not be decrypted now read in clear."


def import_room_keys(
    store: Store, secrets: SecretStore, account: ChatAccount, path: Path, passphrase: str
) -> KeyImport:
    """Import the keys of `path` (encrypted with `passphrase`); nothing changes on failure."""
    from unibox.channels.matrix import MatrixChannel
    from unibox.store.chat_updates import apply_updates

    if account.kind != "matrix":
        raise UserError(f"“{account.name}” is not a Matrix account.")
    if not path.is_file():
        raise UserError(f"There is no file {path}.")
    secret = account_secret(store, secrets, account)
    keys_dir = str(matrix_keys_dir(store, account))
    channel = MatrixChannel(channel_account(account, secret, keys_dir))

    async def run() -> tuple[int, int, list[ChatUpdate]]:
        try:
            await channel.open_keys()
            got = await channel.import_keys(path, passphrase)
        finally:
            await channel.close()
        return got.imported, got.decrypted, [i for i in got.items if isinstance(i, ChatUpdate)]

    imported, decrypted, updates = asyncio.run(run())
    with store.write() as s:
        changes = apply_updates(s, account.id, updates)
    return KeyImport(imported, decrypted, changes)


def _with_keys(
    store: Store, secrets: SecretStore, account: ChatAccount, fn: Callable[[MatrixChannel], T]
) -> T:
    from unibox.channels.matrix import MatrixChannel

    if account.kind != "matrix":
        raise UserError(f"“{account.name}” is not a Matrix account.")
    secret = account_secret(store, secrets, account)
    keys_dir = str(matrix_keys_dir(store, account))
    channel = MatrixChannel(channel_account(account, secret, keys_dir))

    async def run() -> T:
        try:
            await channel.open_keys()
            return fn(channel)
        finally:
            await channel.close()

    return asyncio.run(run())


def matrix_devices(store: Store, secrets: SecretStore, account: ChatAccount) -> list[DeviceView]:
    """The other devices the account's encryption has seen (people's and the user's own)."""
    return _with_keys(store, secrets, account, lambda c: c.devices())


def verify_matrix_device(
    store: Store, secrets: SecretStore, account: ChatAccount, user: str, device: str, seen: str
) -> DeviceView:
    """Verify `user`'s `device` if `seen` is its fingerprint; its messages say so from now."""
    return _with_keys(store, secrets, account, lambda c: c.verify_device(user, device, seen))
