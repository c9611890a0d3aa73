"""Adding or editing a mail account from the window: check the form, test the servers,
store it.

No Qt here: the dialog runs `check_connection`, `save_account` and
`update_account` on a task thread. The checks are those of `unibox account
add-mail`; the storing is shared with it (unibox.services.accounts).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from unibox.channels.imap import ImapSession
from unibox.channels.imap_conn import is_loopback
from unibox.channels.tls import check_ca_file
from unibox.core.errors import UserError
from unibox.core.identity import normalize_email
from unibox.secrets import SecretStore
from unibox.services.accounts import create_mail_account
from unibox.store import accounts as store_accounts
from unibox.store.accounts import AccountInfo, MailServer, MailSettings
from unibox.store.intent import intent_write
from unibox.store.store import Store
from unibox.sync.endpoints import imap_endpoint, smtp_endpoint

SECURITY = ("ssl", "starttls", "plain")
IMAP_PORTS = {"ssl": 993, "starttls": 143, "plain": 143}
SMTP_PORTS = {"ssl": 465, "starttls": 587, "plain": 25}


@dataclass(frozen=True, slots=True)
class MailAccountForm:
    """What the person typed, trimmed; the password travels separately."""

    name: str
    display_name: str
    email: str
    username: str
    imap_host: str
    imap_port: int
    imap_security: str
    smtp_host: str = ""
    smtp_port: int = 0
    smtp_security: str = "ssl"
    ca_file: str = ""
    fingerprint: str = ""


def guess_servers(email: str) -> tuple[str, str]:
    """The usual IMAP and SMTP host names for an address: imap.example.org, smtp.example.org."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain or "." not in domain:
        return "", ""
    return f"imap.{domain}", f"smtp.{domain}"


def settings_for(form: MailAccountForm) -> MailSettings:
    """The MailSettings to store, or a UserError saying what to fix."""
    if not form.name:
        raise UserError("Give the account a name, such as “Work”.")
    if not normalize_email(form.email):
        raise UserError(f"“{form.email}” is not an e-mail address.")
    if not form.imap_host:
        raise UserError("Enter the IMAP server, such as imap.example.org.")
    if not form.username:
        raise UserError("Enter the user name for the server (often the e-mail address).")
    for host, port, security, what in (
        (form.imap_host, form.imap_port, form.imap_security, "IMAP"),
        (form.smtp_host, form.smtp_port, form.smtp_security, "SMTP"),
    ):
        if not host:
            continue
        if security not in SECURITY:
            raise UserError(f"Choose how to secure the {what} connection.")
        if not 0 < port < 65536:
            raise UserError(f"The {what} port must be a number from 1 to 65535.")
        if security == "plain" and not is_loopback(host):
            raise UserError(f"Unencrypted {what} is allowed only to this computer, not to {host}.")
    ca_file = check_ca_file(form.ca_file) if form.ca_file else ""
    fingerprint = form.fingerprint.replace(":", "").replace(" ", "").lower()
    if fingerprint and (
        len(fingerprint) != 64 or any(c not in "0123456789abcdef" for c in fingerprint)
    ):
        raise UserError("A certificate fingerprint is 64 hexadecimal digits (SHA-256).")
    return MailSettings(
        imap=MailServer(form.imap_host, form.imap_port, form.imap_security),
        smtp=MailServer(
            form.smtp_host, form.smtp_port or SMTP_PORTS[form.smtp_security], form.smtp_security
        )
        if form.smtp_host
        else None,
        username=form.username,
        ca_file=ca_file,
        fingerprint=fingerprint,
    )


def form_for(account: AccountInfo) -> MailAccountForm:
    """An account as the form shows it, to edit."""
    s = account.settings
    return MailAccountForm(
        name=account.name,
        display_name=account.display_name,
        email=account.email,
        username=s.username,
        imap_host=s.imap.host,
        imap_port=s.imap.port,
        imap_security=s.imap.security,
        smtp_host=s.smtp.host if s.smtp else "",
        smtp_port=s.smtp.port if s.smtp else SMTP_PORTS["ssl"],
        smtp_security=s.smtp.security if s.smtp else "ssl",
        ca_file=s.ca_file,
        fingerprint=s.fingerprint,
    )


def check_connection(settings: MailSettings, password: str) -> int:
    """Log in to the IMAP server and list its folders; their number, or a ChannelError."""
    with ImapSession(imap_endpoint(settings), password) as imap:
        return len(imap.list_folders())


def check_sending(settings: MailSettings, password: str) -> bool:
    """Sign in to the SMTP server when there is one (False if not); a ChannelError if refused."""
    if settings.smtp is None:
        return False
    from unibox.channels import smtp

    client = smtp.connect(smtp_endpoint(settings, settings.smtp), password)
    with contextlib.suppress(Exception):  # signed in: how the goodbye goes does not matter
        client.quit()
    return True


def check_servers(settings: MailSettings, password: str) -> str:
    """Sign in to both servers; what worked in a sentence, or a ChannelError saying what did not."""
    folders = check_connection(settings, password)
    said = f"Signed in to {settings.imap.host}: {folders} folders"
    if check_sending(settings, password):
        said += f"; {settings.smtp.host if settings.smtp else ''} accepts your mail"
    return said + "."


def stored_password(secrets: SecretStore, account: AccountInfo, typed: str) -> str:
    """The password typed in the form, else the one the keyring keeps for the account."""
    if typed:
        return typed
    if not account.secret_ref:
        raise UserError("Enter the password of the account.")
    return secrets.get(account.secret_ref)


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
