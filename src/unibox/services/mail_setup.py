"""Checking a mail account before it is added: the form's values, then a real sign-in.

Shared by `unibox account add-mail` and the window's add and edit dialogs: the
same sentences for a bad port or address, and the same sign-in to IMAP and
SMTP (as Thunderbird does) before anything is stored.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from unibox.channels.imap import ImapSession
from unibox.channels.imap_conn import is_loopback
from unibox.channels.sasl import Credential
from unibox.channels.tls import check_ca_file
from unibox.core.errors import UserError
from unibox.core.identity import normalize_email
from unibox.store.accounts import MailServer, MailSettings
from unibox.sync.endpoints import imap_endpoint, smtp_endpoint

SECURITY = ("ssl", "starttls", "plain")
IMAP_PORTS = {"ssl": 993, "starttls": 143, "plain": 143}
POP3_PORTS = {"ssl": 995, "starttls": 110, "plain": 110}
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
    incoming: str = "imap"  # or "pop3": then imap_host/port/security are the POP3 server's
    delete_after_days: int = 0  # POP3 only: delete from the server N days after download


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
    what_in = "POP3" if form.incoming == "pop3" else "IMAP"
    if not form.imap_host:
        raise UserError(f"Enter the {what_in} server, such as {what_in.lower()}.example.org.")
    if form.delete_after_days < 0:
        raise UserError("Days before mail is deleted from the server: 0 (never) or more.")
    if not form.username:
        raise UserError("Enter the user name for the server (often the e-mail address).")
    for host, port, security, what in (
        (form.imap_host, form.imap_port, form.imap_security, what_in),
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
    incoming = MailServer(form.imap_host, form.imap_port, form.imap_security)
    pop3 = form.incoming == "pop3"
    return MailSettings(
        imap=MailServer("", 0, "plain") if pop3 else incoming,
        smtp=MailServer(
            form.smtp_host, form.smtp_port or SMTP_PORTS[form.smtp_security], form.smtp_security
        )
        if form.smtp_host
        else None,
        username=form.username,
        ca_file=ca_file,
        fingerprint=fingerprint,
        pop3=incoming if pop3 else None,
        delete_after_days=form.delete_after_days if pop3 else 0,
    )


def check_connection(settings: MailSettings, password: Credential) -> int:
    """Log in to the IMAP server and list its folders; their number, or a ChannelError."""
    if settings.pop3 is not None:
        return check_pop3(settings, password)
    with ImapSession(imap_endpoint(settings), password) as imap:
        return len(imap.list_folders())


def check_pop3(settings: MailSettings, password: Credential) -> int:
    """Sign in to the POP3 server; how many messages wait there, or a ChannelError."""
    from unibox.channels.pop3 import Pop3Endpoint, check_login

    server = settings.incoming
    endpoint = Pop3Endpoint(
        server.host,
        server.port,
        server.security,
        settings.username,
        settings.ca_file,
        settings.fingerprint,
    )
    return check_login(endpoint, password)


def check_sending(settings: MailSettings, password: Credential) -> bool:
    """Sign in to the SMTP server when there is one (False if not); a ChannelError if refused."""
    if settings.smtp is None:
        return False
    from unibox.channels import smtp

    client = smtp.connect(smtp_endpoint(settings, settings.smtp), password)
    with contextlib.suppress(Exception):  # signed in: how the goodbye goes does not matter
        client.quit()
    return True


def check_servers(settings: MailSettings, password: Credential) -> str:
    """Sign in to both servers; what worked in a sentence, or a ChannelError saying what did not."""
    found = check_connection(settings, password)
    what = "messages" if settings.pop3 is not None else "folders"
    said = f"Signed in to {settings.incoming.host}: {found} {what}"
    if check_sending(settings, password):
        said += f"; {settings.smtp.host if settings.smtp else ''} accepts your mail"
    return said + "."
