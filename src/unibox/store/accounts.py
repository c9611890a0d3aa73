"""Accounts: server settings and a keyring reference, never a secret."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.store.oauth_settings import OAuthSettings
from unibox.store.schema import CALDAV_KIND, Account


@dataclass(frozen=True, slots=True)
class MailServer:
    host: str
    port: int
    security: str  # "ssl", "starttls" or "plain"


@dataclass(frozen=True, slots=True)
class MailSettings:
    """Everything needed to reach a mail account except the password."""

    imap: MailServer
    smtp: MailServer | None
    username: str
    ca_file: str = ""
    fingerprint: str = ""  # pinned SHA-256 of the server certificate, hex
    # A POP3 account (kind "pop3") reads its mail here; `imap` then has no host.
    pop3: MailServer | None = None
    delete_after_days: int = 0  # POP3: delete from the server N days after download; 0 never
    # How the servers are signed in to: "password", or "oauth2" (then `oauth` says how).
    auth: str = "password"
    oauth: OAuthSettings | None = None

    @property
    def incoming(self) -> MailServer:
        """The server mail is read from: POP3 for a POP3 account, else IMAP."""
        return self.pop3 if self.pop3 is not None else self.imap

    def to_json(self) -> str:
        raw = asdict(self)
        if self.pop3 is None:  # an IMAP account's settings stay as they always were
            del raw["pop3"], raw["delete_after_days"]
        if self.oauth is None:  # a password account's settings stay as they always were
            del raw["auth"], raw["oauth"]
        else:
            raw["oauth"]["scopes"] = list(self.oauth.scopes)
        return json.dumps(raw)

    @staticmethod
    def from_json(text: str) -> MailSettings:
        raw: dict[str, Any] = json.loads(text)
        if "imap" not in raw:  # a chat account (store.chat_accounts): no mail server
            return MailSettings(MailServer("", 0, "plain"), None, "")
        smtp = raw.get("smtp")
        pop3 = raw.get("pop3")
        return MailSettings(
            imap=MailServer(**raw["imap"]),
            smtp=MailServer(**smtp) if smtp else None,
            username=raw["username"],
            ca_file=raw.get("ca_file", ""),
            fingerprint=raw.get("fingerprint", ""),
            pop3=MailServer(**pop3) if pop3 else None,
            delete_after_days=int(raw.get("delete_after_days", 0)),
            auth=str(raw.get("auth", "password")),
            oauth=OAuthSettings.from_raw(raw["oauth"]) if raw.get("oauth") else None,
        )


@dataclass(frozen=True, slots=True)
class AccountInfo:
    id: int
    name: str
    kind: str
    email: str
    display_name: str
    secret_ref: str
    settings: MailSettings
    last_sync_at: int | None
    last_error: str


# What a chat account (XMPP, …) carries as mail settings: none; its own live in settings_json.
NO_MAIL_SERVER = MailSettings(imap=MailServer("", 0, "plain"), smtp=None, username="")


def _mail_settings(a: Account) -> MailSettings:
    from unibox.store.channels import channel_of

    if channel_of(a.kind) not in ("", "email"):
        return NO_MAIL_SERVER
    return MailSettings.from_json(a.settings_json)


def _info(a: Account) -> AccountInfo:
    return AccountInfo(
        a.id,
        a.name,
        a.kind,
        a.email,
        a.display_name,
        a.secret_ref,
        _mail_settings(a),
        a.last_sync_at,
        a.last_error,
    )


def add_account(
    session: Session,
    *,
    name: str,
    kind: str,
    email: str,
    display_name: str,
    settings: MailSettings,
    secret_ref: str,
) -> AccountInfo:
    if session.scalar(select(Account.id).where(Account.name == name)) is not None:
        raise UserError(f"An account named “{name}” already exists.")
    a = Account(
        name=name,
        kind=kind,
        email=email,
        display_name=display_name,
        settings_json=settings.to_json(),
        secret_ref=secret_ref,
        created_at=int(time.time()),
        last_error="",
    )
    session.add(a)
    session.flush()
    if email:
        from unibox.store.people import claim_identity

        # Known from the start: mail seen in another account from or to this
        # address is the user's own, never a contact.
        claim_identity(session, email, display_name)
    return _info(a)


def list_accounts(session: Session) -> list[AccountInfo]:
    """The mail and chat accounts (a CalDAV account is its calendars': store.caldav_accounts)."""
    query = select(Account).where(Account.kind != CALDAV_KIND).order_by(Account.name)
    return [_info(a) for a in session.scalars(query)]


def get_account(session: Session, name: str) -> AccountInfo:
    a = session.scalar(select(Account).where(Account.name == name, Account.kind != CALDAV_KIND))
    if a is None:
        raise UserError(f"There is no account named “{name}”.")
    return _info(a)


def remove_account(session: Session, name: str) -> AccountInfo:
    a = session.scalar(select(Account).where(Account.name == name))
    if a is None:
        raise UserError(f"There is no account named “{name}”.")
    info = _info(a)
    # The full-text index is external content: its entries go first, read back
    # from the view they were built from, or they would dangle.
    session.execute(
        text(
            "INSERT INTO message_fts(message_fts, rowid, subject, body, names, addresses) "
            "SELECT 'delete', s.message_id, s.subject, s.body, s.names, s.addresses "
            "FROM message_search AS s JOIN message AS m ON m.id = s.message_id "
            "WHERE m.account_id = :account"
        ),
        {"account": a.id},
    )
    session.delete(a)
    session.flush()
    from unibox.store.event_ingest import forget_orphan_events

    forget_orphan_events(session.connection())  # meetings known only from that mail
    return info


def set_display_name(session: Session, name: str, display_name: str) -> AccountInfo:
    """The name shown with the account's address on mail it sends."""
    a = session.scalar(select(Account).where(Account.name == name))
    if a is None:
        raise UserError(f"There is no account named “{name}”.")
    a.display_name = display_name.strip()
    session.flush()
    return _info(a)


# No server gives a folder UIDVALIDITY 0 (RFC 3501: a non-zero number), so the next
# sync sees it "renumbered" and matches the folder's mail again by Message-ID.
UNMATCHED_UIDVALIDITY = 0


def server_changed(old: MailSettings, new: MailSettings) -> bool:
    """Whether the mailbox may be another one: a new IMAP host or user name."""
    return (
        old.incoming.host.strip().lower() != new.incoming.host.strip().lower()
        or old.username != new.username
    )


def update_mail_account(
    session: Session, name: str, *, email: str, display_name: str, settings: MailSettings
) -> AccountInfo:
    """New address, name or servers for an account; its mail stays.

    When the IMAP host or user name changes, every folder is marked to be
    matched again on the next sync (mail found again keeps its local state;
    what the server no longer has is hidden, never deleted there), and queued
    changes find their message by Message-ID instead of a UID of the old server.
    """
    from unibox.store.schema import Folder
    from unibox.store.schema_actions import PendingOp

    a = session.scalar(select(Account).where(Account.name == name))
    if a is None:
        raise UserError(f"There is no account named “{name}”.")
    old = MailSettings.from_json(a.settings_json)
    if old.oauth is not None and settings.oauth is None:
        # A form that does not say how to sign in (the edit dialog) keeps OAuth2: the
        # keyring holds a refresh token, which must never be taken for a password.
        settings = replace(settings, auth=old.auth, oauth=old.oauth)
    if server_changed(old, settings):
        session.execute(
            update(Folder)
            .where(Folder.account_id == a.id)
            .values(uidvalidity=UNMATCHED_UIDVALIDITY, uidnext=None, highestmodseq=None)
        )
        session.execute(
            update(PendingOp)
            .where(PendingOp.account_id == a.id, PendingOp.state == "pending")
            .values(source_uidvalidity=None)
        )
    new_email = email.strip()
    if new_email and new_email.lower() != a.email.lower():
        from unibox.store.people import claim_identity

        claim_identity(session, new_email, display_name)
    a.email = new_email
    a.display_name = display_name.strip()
    a.settings_json = settings.to_json()
    a.last_error = ""
    session.flush()
    return _info(a)


def record_sync(session: Session, account_id: int, error: str) -> None:
    values: dict[str, Any] = {"last_error": error}
    if not error:
        values["last_sync_at"] = int(time.time())
    session.execute(update(Account).where(Account.id == account_id).values(**values))
