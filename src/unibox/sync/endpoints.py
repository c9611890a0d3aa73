"""Where an account's servers are and how to reach them, as the channels take it."""

from __future__ import annotations

from unibox.channels.imap_conn import ImapEndpoint
from unibox.channels.smtp import SmtpEndpoint
from unibox.store.accounts import MailServer, MailSettings

_Fields = tuple[str, int, str, str, str, str]


def imap_endpoint(settings: MailSettings) -> ImapEndpoint:
    return ImapEndpoint(*_fields(settings, settings.imap))


def smtp_endpoint(settings: MailSettings, server: MailServer) -> SmtpEndpoint:
    """The endpoint of `server`: the settings' SMTP server, which the caller has."""
    return SmtpEndpoint(*_fields(settings, server))


def _fields(settings: MailSettings, server: MailServer) -> _Fields:
    # Both endpoints: host, port, security, username, ca_file, fingerprint.
    return (
        server.host,
        server.port,
        server.security,
        settings.username,
        settings.ca_file,
        settings.fingerprint,
    )
