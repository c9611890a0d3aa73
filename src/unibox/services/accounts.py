"""Creating and removing accounts: the keyring and the store change together."""

from __future__ import annotations

from unibox.core.errors import UserError
from unibox.secrets import SecretStore
from unibox.store import accounts
from unibox.store.accounts import AccountInfo, MailSettings
from unibox.store.store import Store


def create_mail_account(
    store: Store,
    secrets: SecretStore,
    *,
    name: str,
    email: str,
    display_name: str,
    settings: MailSettings,
    password: str,
) -> AccountInfo:
    """The password into the keyring, the account into the store; both or neither."""
    ref = f"mail:{name}"
    with store.read() as s:
        # Checked before the keyring is touched: the reference belongs to that account.
        if any(a.name == name for a in accounts.list_accounts(s)):
            raise UserError(f"An account named “{name}” already exists.")
    with secrets.kept_for(ref, password), store.write() as s:
        return accounts.add_account(
            s,
            name=name,
            kind="pop3" if settings.pop3 is not None else "imap",
            email=email,
            display_name=display_name,
            settings=settings,
            secret_ref=ref,
        )


def remove_account(store: Store, secrets: SecretStore, name: str) -> None:
    """The account, its local mail, its keyring entry (and a Matrix account's keys)."""
    with store.write() as s:
        info = accounts.remove_account(s, name)
    if info.secret_ref:  # the demo's account keeps no password
        secrets.delete(info.secret_ref)
    if info.kind == "matrix":  # its end-to-end keys are of no use without the account
        import shutil

        shutil.rmtree(store.path.parent / "matrix-keys" / str(info.id), ignore_errors=True)
