"""CalDAV accounts and their calendars: added, synced, removed; keyring and store together.

Shared by `unibox calendar …`, `unibox sync` and the window. Everything here
may wait on the network: call it off the GUI thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from unibox.core.errors import UserError
from unibox.secrets import SecretStore
from unibox.store import caldav_accounts as accounts
from unibox.store import calendars
from unibox.store.caldav_accounts import CalDavAccount
from unibox.store.calendars import CalendarInfo
from unibox.store.intent import intent_write
from unibox.store.store import Store
from unibox.sync.calendars import CalendarSyncReport

if TYPE_CHECKING:
    from unibox.channels.caldav import CalDavClient

log = logging.getLogger("unibox.calendars")


def secret_ref(name: str) -> str:
    return f"caldav:{name}"


def add_caldav(
    store: Store,
    secrets: SecretStore,
    *,
    name: str,
    url: str,
    username: str,
    password: str,
    ca_file: str = "",
) -> list[CalendarInfo]:
    """Check the server, keep the password in the keyring and its calendars in the store.

    Returns the calendars found (none synced yet). Both or neither are kept.
    """
    from unibox.channels.caldav import CalDavClient, DavAccount

    name, url = name.strip(), url.strip()
    if not name or "/" in name:
        raise UserError("Give the calendar a name without “/” (“Work”, “Home”).")
    if not password:
        raise UserError("Enter the password for the calendar server.")
    if "://" not in url:
        url = f"https://{url}"
    if ca_file:
        from unibox.channels.tls import check_ca_file

        ca_file = check_ca_file(ca_file)
    with store.read() as s:  # before the keyring is touched: the reference is that account's
        if accounts.find_caldav_account(s, name) is not None or any(
            c.name == name for c in calendars.list_calendars(s)
        ):
            raise UserError(f"There is already a calendar called “{name}”.")
    client = CalDavClient(DavAccount(url, username, password, ca_file))
    try:
        found = client.discover()
    finally:
        client.close()
    if not found:
        raise UserError(f"No calendar of events was found at {url}.")
    ref = secret_ref(name)
    with secrets.kept_for(ref, password), intent_write(store) as s:
        account = accounts.add_caldav_account(
            s, name=name, url=url, username=username, secret_ref=ref, ca_file=ca_file
        )
        added = [
            accounts.add_server_calendar(
                s,
                account,
                url=c.url,
                display_name=c.display_name,
                color=c.color,
                read_only=c.read_only,
                alone=len(found) == 1,
            )
            for c in found
        ]
    return added


def remove(store: Store, secrets: SecretStore, name: str) -> list[str]:
    """Forget a calendar here (the server keeps it), or a CalDAV account and all its
    calendars; the names of the calendars forgotten. A local calendar's events go."""
    with intent_write(store) as s:
        account = accounts.find_caldav_account(s, name)
        if account is not None:
            gone = accounts.remove_caldav_account(s, account.id)
        else:
            info = calendars.remove_calendar(s, name)
            gone = [info.name]
            orphan = (
                accounts.get_caldav_account(s, info.account_id)
                if info.account_id is not None
                else None
            )
            if orphan is not None and not calendars.account_calendars(s, orphan.id):
                accounts.remove_caldav_account(s, orphan.id)
                account = orphan
    if account is not None:
        secrets.delete(account.secret_ref)
    return gone


@dataclass(slots=True)
class AccountSync:
    account: str
    reports: list[CalendarSyncReport] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # calendar -> why it did not sync


def sync_all(
    store: Store, secrets: SecretStore, only: str | None = None, *, discover: bool = True
) -> list[AccountSync]:
    """Every CalDAV account (or the one called `only`), each calendar on its own:
    one that fails is reported and the others sync. `discover`: look for calendars
    added on the server (not needed right after `add_caldav`)."""
    with store.read() as s:
        found = accounts.caldav_accounts(s)
    return [sync_account(store, secrets, a, discover) for a in found if only in (None, a.name)]


def sync_account(
    store: Store, secrets: SecretStore, account: CalDavAccount, discover: bool = True
) -> AccountSync:
    from unibox.channels.caldav import CalDavClient, CalDavError, DavAccount
    from unibox.sync.calendars import sync_calendar

    done = AccountSync(account.name)
    with store.read() as s:
        mine = calendars.account_calendars(s, account.id)
    try:
        password = secrets.get(account.secret_ref)
        client = CalDavClient(DavAccount(account.url, account.username, password, account.ca_file))
    except UserError as exc:
        done.errors = {c.name: str(exc) for c in mine} or {account.name: str(exc)}
        _record(store, mine, done.errors)
        return done
    try:
        try:
            mine = _discover(store, client, account, mine) if discover else mine
        except CalDavError as exc:
            log.info("%s: calendars not listed: %s", account.name, exc)
            if not exc.retryable:  # a refused password: no calendar will do better
                done.errors = {c.name: str(exc) for c in mine} or {account.name: str(exc)}
                _record(store, mine, done.errors)
                return done
        for cal in mine:
            try:
                report = sync_calendar(store, client, cal)
            except CalDavError as exc:
                done.errors[cal.name] = str(exc)
                _record(store, [cal], {cal.name: str(exc)})
                continue
            done.reports.append(report)
            with store.write() as s:
                calendars.set_sync_result(s, cal.id, report.problem)
    finally:
        client.close()
    return done


def _discover(
    store: Store, client: CalDavClient, account: CalDavAccount, mine: list[CalendarInfo]
) -> list[CalendarInfo]:
    """The account's calendars now: new ones on the server added here."""
    remote = client.discover()
    known = {c.url for c in mine}
    new = [c for c in remote if c.url not in known]
    if not new:
        return mine
    with store.write() as s:
        for c in new:
            accounts.add_server_calendar(
                s,
                account,
                url=c.url,
                display_name=c.display_name,
                color=c.color,
                read_only=c.read_only,
            )
        return calendars.account_calendars(s, account.id)


def _record(store: Store, cals: list[CalendarInfo], errors: dict[str, str]) -> None:
    with store.write() as s:
        for cal in cals:
            calendars.set_sync_result(s, cal.id, errors.get(cal.name, ""))
