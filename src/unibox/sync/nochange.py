"""The no-change sync: ask the server whether anything changed before loading the engine.

Most `unibox sync` runs find nothing new. Loading SQLAlchemy, mapping the schema
and starting the sync engine costs more than asking the server, so the command
first reads the stored state with plain sqlite3 (store/sync_state.py), logs in,
lists the folders and asks STATUS of each synced one. An account is unchanged,
and skips the full sync, only when all of these hold:

* nothing is queued for it (pending operation, message due, snooze ended);
* the server's folder list (names, roles, delimiters) is the stored one;
* a POP3 account: the server lists no UIDL the store lacks, and nothing is
  due for deletion; else (IMAP):
* every synced folder has its stored UIDVALIDITY, UIDNEXT and message count,
  no message waits for its body, and the server has CONDSTORE and the same
  HIGHESTMODSEQ: without CONDSTORE a flag changed by another client shows
  in nothing STATUS says, so such an account always gets the full sync.

Anything else (a difference, an error of any kind) means the full sync, which
also reports errors in its own words.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from unibox.core.errors import Unreachable
from unibox.store.sync_state import (
    StoredAccount,
    record_unchanged,
    stored_accounts,
    stored_uidls,
)

if TYPE_CHECKING:
    from unibox.channels.imap_conn import ImapEndpoint
    from unibox.channels.sasl import Credential

log = logging.getLogger("unibox.sync")


@dataclass(slots=True)
class QuickCheck:
    """Which accounts the quick check found unchanged, and which need the full sync."""

    unchanged: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    # Name -> why: the server could not be reached at all. Nothing was queued (that is
    # checked first), so a full sync could only fail the same way, after as long a wait.
    unreachable: dict[str, str] = field(default_factory=dict)


def quick_check(store_file: Path, only: str | None = None) -> QuickCheck | None:
    """Check every mail account (or `only`); None when the store cannot answer."""
    accounts = stored_accounts(store_file, only)
    if not accounts:
        return None  # no store, no such account: the full path says so in words
    result = QuickCheck()
    for account in accounts:
        try:
            if account.kind == "pop3":
                unchanged = _pop3_unchanged(store_file, account)
            else:
                unchanged = _unchanged(account)
        except Unreachable as exc:
            result.unreachable[account.name] = str(exc)
            continue
        except Exception as exc:  # whatever it was, the full sync deals with it
            log.debug("%s: quick check gave up: %s", account.name, type(exc).__name__)
            unchanged = False
        if unchanged and record_unchanged(store_file, account.id):
            log.info("%s: nothing changed on the server (quick check)", account.name)
            result.unchanged.append(account.name)
        else:
            result.changed.append(account.name)
    return result


def _unchanged(account: StoredAccount) -> bool:
    if account.kind != "imap" or account.work_queued:
        return False
    if not account.folders:
        return False  # never synced: no need to ask
    synced = [f for f in account.folders if f.sync_enabled]
    if any(f.without_body or f.highestmodseq is None or f.uidnext is None for f in synced):
        return False
    # Only now the keyring and the IMAP client: a store that needs work never loads them.
    from unibox.channels.imap import ImapSession

    with ImapSession(_endpoint(account.settings_json), _credential(account)) as imap:
        if not imap.condstore:
            return False
        remote = {(f.name, f.delimiter, f.role.value) for f in imap.list_folders() if f.selectable}
        if remote != {(f.name, f.delimiter, f.role) for f in account.folders}:
            return False
        for folder in synced:
            status = imap.status(folder.name)
            if (
                status.uidvalidity != folder.uidvalidity
                or status.uidnext != folder.uidnext
                or status.exists != folder.messages
                or status.highestmodseq != folder.highestmodseq
            ):
                return False
    return True


def _pop3_unchanged(store_file: Path, account: StoredAccount) -> bool:
    """A POP3 account is unchanged when the server lists no UIDL the store lacks and
    no message is due for deletion (the same rule as sync/pop3.py)."""
    if account.work_queued or not account.folders:  # never synced: the full sync makes its Inbox
        return False
    known = stored_uidls(store_file, account.id)
    if known is None:
        return False
    from unibox.channels.pop3 import Pop3Endpoint, Pop3Session
    from unibox.secrets import SecretStore

    settings = json.loads(account.settings_json)
    pop3 = settings["pop3"]
    endpoint = Pop3Endpoint(
        pop3["host"],
        int(pop3["port"]),
        pop3["security"],
        settings["username"],
        settings.get("ca_file", ""),
        settings.get("fingerprint", ""),
    )
    days = int(settings.get("delete_after_days", 0))
    cutoff = int(time.time()) - days * 86400
    with Pop3Session(endpoint, SecretStore().get(account.secret_ref)) as pop:
        on_server = pop.uidls()
    if any(uidl not in known for uidl in on_server):
        return False
    return days <= 0 or not any(known[uidl] <= cutoff for uidl in on_server)


def _credential(account: StoredAccount) -> Credential:
    """The password, or an OAuth2 account's token source (read without the ORM)."""
    from unibox.secrets import SecretStore

    oauth = json.loads(account.settings_json).get("oauth")
    if not oauth:
        return SecretStore().get(account.secret_ref)
    from unibox.store.oauth_settings import OAuthSettings
    from unibox.sync.credentials import token_source

    settings = OAuthSettings.from_raw(oauth)
    return token_source(SecretStore(), account.secret_ref, settings, account.name)


def _endpoint(settings_json: str) -> ImapEndpoint:
    from unibox.channels.imap_conn import ImapEndpoint

    # The fields of store.accounts.MailSettings (read here without the ORM).
    settings = json.loads(settings_json)
    imap = settings["imap"]
    return ImapEndpoint(
        imap["host"],
        int(imap["port"]),
        imap["security"],
        settings["username"],
        settings.get("ca_file", ""),
        settings.get("fingerprint", ""),
    )
