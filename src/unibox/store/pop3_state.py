"""POP3 accounts in the store: the local Inbox their mail goes to, and the UIDLs known.

A POP3 maildrop has no folders and no UIDs, only message numbers (valid for one
session) and UIDLs (stable). The store keeps POP3 mail in a local "Inbox" folder
of the account like any mail, as (folder, UID): each UIDL downloaded gets the
next UID of that folder (its `uidnext`), recorded in `pop3_uidl` in the same
transaction as the message, so a message is stored once or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from unibox.core.items import ChangeSet, FolderRole, IncomingMessage
from unibox.store.ingest import Ingestor
from unibox.store.schema import Folder, MessageLocation
from unibox.store.schema_pop3 import Pop3Uidl

INBOX = "Inbox"
# A local folder is never renumbered; any non-zero UIDVALIDITY keeps `hide_unplaced` away.
LOCAL_UIDVALIDITY = 1


@dataclass(frozen=True, slots=True)
class KnownUidl:
    uid: int
    downloaded_at: int
    deleted_at: int | None


def pop3_inbox(session: Session, account_id: int) -> int:
    """The id of the account's local Inbox, made on first use."""
    return local_folder(session, account_id, INBOX, FolderRole.INBOX)


def local_folder(session: Session, account_id: int, name: str, role: FolderRole) -> int:
    """The id of a folder that exists only here (a POP3 account's Inbox or Sent)."""
    found = session.scalar(
        select(Folder.id).where(Folder.account_id == account_id, Folder.name == name)
    )
    if found is not None:
        return found
    folder = Folder(
        account_id=account_id,
        name=name,
        delimiter="/",
        role=role.value,
        uidvalidity=LOCAL_UIDVALIDITY,
        uidnext=1,
    )
    session.add(folder)
    session.flush()
    return folder.id


def take_uid(session: Session, folder_id: int) -> int:
    """The next UID of a local folder, counted up."""
    folder = session.get(Folder, folder_id)
    assert folder is not None
    uid = folder.uidnext or 1
    folder.uidnext = uid + 1
    session.flush()
    return uid


def known_uidls(session: Session, folder_id: int) -> dict[str, KnownUidl]:
    rows = session.execute(
        select(Pop3Uidl.uidl, Pop3Uidl.uid, Pop3Uidl.downloaded_at, Pop3Uidl.deleted_at).where(
            Pop3Uidl.folder_id == folder_id
        )
    )
    return {uidl: KnownUidl(uid, at, gone) for uidl, uid, at, gone in rows}


def store_downloaded(
    session: Session,
    ingestor: Ingestor,
    folder_id: int,
    items: Sequence[tuple[str, IncomingMessage]],
    now: int,
) -> ChangeSet:
    """Store downloaded messages (UIDL, message with any UID) under the folder's next UIDs.

    A UIDL is recorded only when its message was stored: one that could not be
    is downloaded again by the next sync.
    """
    folder = session.get(Folder, folder_id)
    assert folder is not None
    first = folder.uidnext or 1
    numbered = [(uidl, replace(item, uid=first + n)) for n, (uidl, item) in enumerate(items)]
    changes = ingestor.ingest(session, [item for _uidl, item in numbered])
    uids = [item.uid for _uidl, item in numbered]
    stored = set(
        session.scalars(
            select(MessageLocation.uid).where(
                MessageLocation.folder_id == folder_id, MessageLocation.uid.in_(uids)
            )
        )
    )
    session.add_all(
        Pop3Uidl(folder_id=folder_id, uidl=uidl, uid=item.uid, downloaded_at=now)
        for uidl, item in numbered
        if item.uid in stored
    )
    folder.uidnext = first + len(numbered)
    session.flush()
    return changes


def mark_deleted(session: Session, folder_id: int, uidls: Sequence[str], now: int) -> None:
    """The server deleted these (after a clean QUIT); the local copies stay."""
    if uidls:
        session.execute(
            update(Pop3Uidl)
            .where(Pop3Uidl.folder_id == folder_id, Pop3Uidl.uidl.in_(list(uidls)))
            .values(deleted_at=now)
        )


def due_for_deletion(
    known: dict[str, KnownUidl], on_server: Sequence[str], days: int, now: int
) -> list[str]:
    """UIDLs on the server that were downloaded at least `days` days ago (none if 0)."""
    if days <= 0:
        return []
    cutoff = now - days * 86400
    return [u for u in on_server if u in known and known[u].downloaded_at <= cutoff]
