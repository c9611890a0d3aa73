"""The import driver's writes of what is not a chat message: logged calls and archived mail.

Mail goes to the local "mail" account of imports (store.import_accounts), in
the archive's folders, through the same ingest as IMAP (keyed by folder and
UID, the UID a hash of the bytes): a second import finds every message there.
Calls are logged on the timeline of the person with the number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from unibox.core.calls import LoggedCall
from unibox.core.items import IncomingMessage
from unibox.store.store import Store

if TYPE_CHECKING:
    from unibox.services.imports import ImportReport

MAIL_ACCOUNT = "mail"


def write_calls_and_mail(
    store: Store,
    report: ImportReport,
    calls: list[LoggedCall],
    mail: dict[tuple[str, str], list[IncomingMessage]],
    people: set[int],
    threads: set[int],
) -> int:
    """Write the buffered calls and mail, count them in `report`; how many were read."""
    from sqlalchemy import select

    from unibox.store.import_accounts import import_account
    from unibox.store.import_writes import archive_folder, log_calls
    from unibox.store.ingest import Ingestor
    from unibox.store.schema import Account

    read = len(calls) + sum(len(items) for items in mail.values())
    with store.write() as s:
        if calls:
            added, with_whom = log_calls(s, calls)
            if added:
                report.tallies["logged calls"] += added
            if len(calls) > added:
                report.tallies["calls logged before"] += len(calls) - added
            people |= with_whom
            report.changes.people |= with_whom
        if mail:
            account_id = import_account(s, MAIL_ACCOUNT)
            mine = [e for e in s.scalars(select(Account.email).where(Account.email != "")) if e]
            for (folder, role), items in mail.items():
                ingestor = Ingestor(account_id, archive_folder(s, account_id, folder, role), mine)
                changes = ingestor.ingest(s, items)
                report.messages += len(changes.messages_added)
                report.already += len(items) - len(changes.messages_added)
                threads |= changes.conversations
                people |= changes.people
                report.changes.merge(changes)
    calls.clear()
    mail.clear()
    return read
