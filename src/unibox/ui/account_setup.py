"""Adding or editing a mail account from the window: check the form, test the servers,
store it.

No Qt here: the dialog runs `check_servers`, `save_account` and
`update_account` on a task thread. The form's checks and the sign-in are
those of `unibox account add-mail` (unibox.services.mail_setup); so is the
storing (unibox.services.accounts).
"""

from __future__ import annotations

from collections.abc import Callable

from unibox.channels.sasl import Credential
from unibox.core.errors import UserError
from unibox.secrets import SecretStore
from unibox.services.accounts import create_mail_account
from unibox.services.mail_setup import (
    IMAP_PORTS,
    POP3_PORTS,
    SECURITY,
    SMTP_PORTS,
    MailAccountForm,
    check_connection,
    check_sending,
    check_servers,
    guess_servers,
    settings_for,
)
from unibox.store import accounts as store_accounts
from unibox.store.accounts import AccountInfo, MailSettings
from unibox.store.intent import intent_write
from unibox.store.store import Store
from unibox.sync.credentials import credential_for

# The form's checks and the sign-in live in services (the CLI uses them too).
__all__ = [
    "IMAP_PORTS",
    "POP3_PORTS",
    "SECURITY",
    "SMTP_PORTS",
    "MailAccountForm",
    "check_connection",
    "check_sending",
    "check_servers",
    "form_for",
    "guess_servers",
    "save_account",
    "settings_for",
    "stored_password",
    "update_account",
]


def form_for(account: AccountInfo) -> MailAccountForm:
    """An account as the form shows it, to edit."""
    s = account.settings
    return MailAccountForm(
        name=account.name,
        display_name=account.display_name,
        email=account.email,
        username=s.username,
        imap_host=s.incoming.host,
        imap_port=s.incoming.port,
        imap_security=s.incoming.security,
        smtp_host=s.smtp.host if s.smtp else "",
        smtp_port=s.smtp.port if s.smtp else SMTP_PORTS["ssl"],
        smtp_security=s.smtp.security if s.smtp else "ssl",
        ca_file=s.ca_file,
        fingerprint=s.fingerprint,
        incoming="pop3" if s.pop3 is not None else "imap",
        delete_after_days=s.delete_after_days,
    )


def stored_password(secrets: SecretStore, account: AccountInfo, typed: str) -> Credential:
    """The password typed in the form, else what the keyring keeps for the account
    (for an OAuth2 account, its token source)."""
    if typed:
        return typed
    if not account.secret_ref:
        raise UserError("Enter the password of the account.")
    return credential_for(secrets, account)


def update_account(
    store: Store,
    secrets: SecretStore,
    account: AccountInfo,
    form: MailAccountForm,
    settings: MailSettings,
    password: str,
    stop_sync: Callable[[str], object],
) -> AccountInfo:
    """Store an edited account (a new password only when one was typed).

    Its sync is stopped first: a sync running on the old settings must not
    write folder state after the new settings are in. The caller starts it again.
    `stop_sync` answers False when the sync did not end in time: nothing is saved then.
    """
    if stop_sync(account.name) is False:
        raise UserError(
            f"“{account.name}” is still finishing a sync, so nothing was saved; "
            "try Save again in a moment."
        )
    if password:
        secrets.set(account.secret_ref, password)
    with intent_write(store) as s:
        return store_accounts.update_mail_account(
            s,
            account.name,
            email=form.email,
            display_name=form.display_name,
            settings=settings,
        )


def save_account(
    store: Store, secrets: SecretStore, form: MailAccountForm, settings: MailSettings, password: str
) -> AccountInfo:
    """The password into the keyring, the account into the store; both or neither."""
    return create_mail_account(
        store,
        secrets,
        name=form.name,
        email=form.email,
        display_name=form.display_name,
        settings=settings,
        password=password,
    )
