"""The only place a password or token is read or written: the OS keyring.

Only secure backends are used (Secret Service, KWallet, macOS Keychain,
Windows Credential Locker). A plaintext file keyring exists for the test
suite alone and must be asked for by name through UNIBOX_INSECURE_TEST_KEYRING
(a file path); nothing else ever falls back to plaintext.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import keyring
import keyring.backend
import keyring.errors

from unibox.core.errors import UserError

log = logging.getLogger("unibox.secrets")

SERVICE = "unibox"
TEST_KEYRING_ENV = "UNIBOX_INSECURE_TEST_KEYRING"
_SECURE_MODULES = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.macOS",
    "keyring.backends.Windows",
)


class SecretStoreError(UserError):
    """No secure keyring, or it refused us; the message says what to do."""


def _secure(backend: Any) -> bool:
    return any(type(backend).__module__.startswith(m) for m in _SECURE_MODULES)


def _pick_backend() -> Any:
    test_file = os.environ.get(TEST_KEYRING_ENV)
    if test_file:
        from keyrings.alt.file import PlaintextKeyring

        insecure = PlaintextKeyring()
        insecure.file_path = test_file
        return insecure
    current = keyring.get_keyring()
    candidates = getattr(current, "backends", None) or [current]
    for backend in sorted(candidates, key=lambda b: -getattr(b, "priority", 0)):
        if _secure(backend):
            return backend
    raise SecretStoreError(
        "No secure keyring is available (Secret Service, KWallet, macOS Keychain or Windows "
        "Credential Locker). Start your desktop's keyring (for example gnome-keyring) "
        "and try again."
    )


class SecretStore:
    """Stores secrets under a reference such as "mail:Work"; the store keeps only the reference."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend

    @property
    def backend(self) -> Any:
        if self._backend is None:
            self._backend = _pick_backend()
        return self._backend

    def set(self, ref: str, secret: str) -> None:
        try:
            self.backend.set_password(SERVICE, ref, secret)
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"The keyring refused to store the password: {exc}.") from None

    def get(self, ref: str) -> str:
        try:
            secret = self.backend.get_password(SERVICE, ref)
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"The keyring could not be read: {exc}.") from None
        if secret is None:
            raise SecretStoreError(
                f"No password is stored for “{ref}”; set it again with the account settings."
            )
        return str(secret)

    def delete(self, ref: str) -> None:
        try:
            self.backend.delete_password(SERVICE, ref)
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            log.warning("could not delete a keyring entry: %s", type(exc).__name__)

    @contextmanager
    def kept_for(self, ref: str, secret: str) -> Iterator[None]:
        """Keep `secret` under `ref` for what the block stores, and delete it again when
        the block fails: the secret and what refers to it are kept both or neither."""
        self.set(ref, secret)
        try:
            yield
        except BaseException:
            self.delete(ref)
            raise
