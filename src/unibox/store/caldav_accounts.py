"""CalDAV accounts: a server, a user name and a keyring reference, holding calendars.

Stored as `account` rows of kind "caldav" (mail and chat lists leave them
out) under an inner name, "caldav:NAME", so a calendar account may share
its name with a mail account. Each calendar the server lists is a
`calendar` row with the account's id, called NAME when the server has one
calendar, else "NAME/its name".
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.store import calendars
from unibox.store.schema import CALDAV_KIND, Account
from unibox.store.schema_events import Calendar

PREFIX = "caldav:"


@dataclass(frozen=True, slots=True)
class CalDavAccount:
    id: int
    name: str  # as the user named it
    url: str
    username: str
    secret_ref: str
    ca_file: str


def _info(a: Account) -> CalDavAccount:
    raw = json.loads(a.settings_json or "{}")
    return CalDavAccount(
        a.id,
        a.name.removeprefix(PREFIX),
        str(raw.get("url", "")),
        str(raw.get("username", "")),
        a.secret_ref,
        str(raw.get("ca_file", "")),
    )


def add_caldav_account(
    session: Session, *, name: str, url: str, username: str, secret_ref: str, ca_file: str = ""
) -> CalDavAccount:
    if session.scalar(select(Account.id).where(Account.name == PREFIX + name)) is not None:
        raise UserError(f"There is already a CalDAV account called “{name}”.")
    if session.scalar(select(Calendar.id).where(Calendar.name == name)) is not None:
        raise UserError(f"There is already a calendar called “{name}”.")
    account = Account(
        name=PREFIX + name,
        kind=CALDAV_KIND,
        settings_json=json.dumps({"url": url, "username": username, "ca_file": ca_file}),
        secret_ref=secret_ref,
        created_at=int(time.time()),
        last_error="",
    )
    session.add(account)
    session.flush()
    return _info(account)


def caldav_accounts(session: Session) -> list[CalDavAccount]:
    query = select(Account).where(Account.kind == CALDAV_KIND).order_by(Account.name)
    return [_info(a) for a in session.scalars(query)]


def get_caldav_account(session: Session, account_id: int) -> CalDavAccount | None:
    a = session.get(Account, account_id)
    return _info(a) if a is not None and a.kind == CALDAV_KIND else None


def find_caldav_account(session: Session, name: str) -> CalDavAccount | None:
    a = session.scalar(
        select(Account).where(Account.name == PREFIX + name, Account.kind == CALDAV_KIND)
    )
    return _info(a) if a is not None else None


def add_server_calendar(
    session: Session,
    account: CalDavAccount,
    *,
    url: str,
    display_name: str,
    color: str = "",
    read_only: bool = False,
    alone: bool = False,
) -> calendars.CalendarInfo:
    """A calendar the server lists: NAME when it is the account's only one (`alone`),
    else "NAME/Its name"."""
    names = set(session.scalars(select(Calendar.name)))
    base = account.name if alone else f"{account.name}/{display_name}"
    name, n = base, 2
    while name in names:
        name, n = f"{base} {n}", n + 1
    return calendars.add_calendar(
        session,
        name=name,
        kind=calendars.CALDAV,
        account_id=account.id,
        url=url,
        display_name=display_name,
        color=color,
        read_only=read_only,
    )


def remove_caldav_account(session: Session, account_id: int) -> list[str]:
    """Forget the account and its calendars here (the server keeps them); their names."""
    gone = [c.name for c in calendars.account_calendars(session, account_id)]
    for name in gone:
        calendars.remove_calendar(session, name)
    account = session.get(Account, account_id)
    if account is not None:
        session.delete(account)
        session.flush()
    return gone
