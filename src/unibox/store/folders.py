"""Folder sync state: server bookkeeping, flag changes, expunges, UIDVALIDITY resets."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.core.items import ChangeSet, FlagUpdate, FolderStatus, ParseState, RemoteFolder
from unibox.store.conversations import refresh_conversations
from unibox.store.ingest_values import flag_values
from unibox.store.schema import Folder, Message, MessageLocation


@dataclass(frozen=True, slots=True)
class FolderState:
    """What the store remembers of a folder between syncs."""

    id: int
    account_id: int
    name: str
    role: str
    sync_enabled: bool
    uidvalidity: int | None
    uidnext: int | None
    highestmodseq: int | None

    messages: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "role": self.role,
            "sync": self.sync_enabled,
            "messages": self.messages,
        }


def _state(f: Folder) -> FolderState:
    return FolderState(
        f.id,
        f.account_id,
        f.name,
        f.role,
        f.sync_enabled,
        f.uidvalidity,
        f.uidnext,
        f.highestmodseq,
    )


def upsert_folders(
    session: Session, account_id: int, remote: Sequence[RemoteFolder]
) -> list[FolderState]:
    """Record the server's folder list; folders gone from the server are dropped."""
    existing = {
        f.name: f for f in session.scalars(select(Folder).where(Folder.account_id == account_id))
    }
    seen = set()
    for rf in remote:
        if not rf.selectable:
            continue
        seen.add(rf.name)
        f = existing.get(rf.name)
        if f is None:
            f = Folder(
                account_id=account_id, name=rf.name, delimiter=rf.delimiter, role=rf.role.value
            )
            session.add(f)
            existing[rf.name] = f
        else:
            f.role = rf.role.value
            f.delimiter = rf.delimiter
    for name, f in existing.items():
        if name not in seen:
            _orphan_folder(session, f.id)
            session.delete(f)
    session.flush()
    return [_state(f) for f in existing.values() if f.name in seen]


def list_folders(session: Session, account_id: int) -> list[FolderState]:
    """The account's folders with how many messages each holds, inbox first."""
    counts = dict(
        session.execute(
            select(MessageLocation.folder_id, func.count(MessageLocation.id))
            .join(Folder, Folder.id == MessageLocation.folder_id)
            .where(Folder.account_id == account_id)
            .group_by(MessageLocation.folder_id)
        ).all()
    )
    rows = session.scalars(select(Folder).where(Folder.account_id == account_id))
    found = [replace(_state(f), messages=counts.get(f.id, 0)) for f in rows]
    return sorted(found, key=lambda f: (f.role != "inbox", f.name.casefold()))


def set_sync_enabled_by_name(session: Session, account_id: int, name: str, enabled: bool) -> None:
    done = session.execute(
        update(Folder)
        .where(Folder.account_id == account_id, Folder.name == name)
        .values(sync_enabled=enabled)
    )
    if not done.rowcount:  # type: ignore[attr-defined]
        raise UserError(f"There is no folder “{name}”; “unibox folders” lists them.")


def save_status(session: Session, folder_id: int, status: FolderStatus) -> None:
    session.execute(
        update(Folder)
        .where(Folder.id == folder_id)
        .values(
            uidvalidity=status.uidvalidity,
            uidnext=status.uidnext,
            highestmodseq=status.highestmodseq,
            last_sync_at=int(time.time()),
        )
    )


def local_uids(session: Session, folder_id: int) -> dict[int, str]:
    """UID -> flags string of every message the store has in the folder."""
    rows = session.execute(
        select(MessageLocation.uid, MessageLocation.flags).where(
            MessageLocation.folder_id == folder_id
        )
    )
    return {uid: flags for uid, flags in rows}


def folder_counts(session: Session, folder_id: int) -> tuple[int, int]:
    """(messages stored, of which known only by their headers) for a folder."""
    row = session.execute(
        select(
            func.count(MessageLocation.id),
            func.count(Message.id).filter(Message.parse_state == ParseState.HEADERS.value),
        )
        .join(Message, Message.id == MessageLocation.message_id)
        .where(MessageLocation.folder_id == folder_id)
    ).one()
    return int(row[0]), int(row[1])


def missing_body_sizes(session: Session, folder_id: int) -> list[tuple[int, int]]:
    """(UID, size) of messages known only by their headers, newest first."""
    rows = session.execute(
        select(MessageLocation.uid, Message.size)
        .join(Message, Message.id == MessageLocation.message_id)
        .where(
            MessageLocation.folder_id == folder_id,
            Message.parse_state == ParseState.HEADERS.value,
        )
        .order_by(MessageLocation.uid.desc())
    )
    return [(uid, size) for uid, size in rows]


def apply_flags(session: Session, folder_id: int, updates: Sequence[FlagUpdate]) -> ChangeSet:
    changes = ChangeSet(folders={folder_id})
    for u in updates:
        mid = session.scalar(
            select(MessageLocation.message_id).where(
                MessageLocation.folder_id == folder_id, MessageLocation.uid == u.uid
            )
        )
        if mid is None:
            continue
        session.execute(
            update(MessageLocation)
            .where(MessageLocation.folder_id == folder_id, MessageLocation.uid == u.uid)
            .values(flags=" ".join(u.flags), modseq=u.modseq)
        )
        session.execute(update(Message).where(Message.id == mid).values(**flag_values(u.flags)))
        changes.messages_changed.add(mid)
    return changes


def remove_uids(session: Session, folder_id: int, uids: Sequence[int]) -> ChangeSet:
    """Messages expunged on the server leave the folder; with no place left, they are hidden."""
    changes = ChangeSet(folders={folder_id})
    uid_list = list(uids)
    for start in range(0, len(uid_list), 500):
        chunk = uid_list[start : start + 500]
        mids = set(
            session.scalars(
                select(MessageLocation.message_id).where(
                    MessageLocation.folder_id == folder_id, MessageLocation.uid.in_(chunk)
                )
            )
        )
        session.execute(
            delete(MessageLocation).where(
                MessageLocation.folder_id == folder_id, MessageLocation.uid.in_(chunk)
            )
        )
        changes.merge(_hide_orphans(session, mids))
    return changes


def reset_uidvalidity(session: Session, folder_id: int) -> None:
    """The server renumbered the folder: forget its UIDs, keep every message.

    The next fetch re-matches messages by Message-ID; what is not matched
    again is hidden by `hide_unplaced` at the end of that sync.
    """
    session.execute(delete(MessageLocation).where(MessageLocation.folder_id == folder_id))
    session.execute(
        update(Folder)
        .where(Folder.id == folder_id)
        .values(uidvalidity=None, uidnext=None, highestmodseq=None)
    )


def hide_unplaced(session: Session, account_id: int) -> ChangeSet:
    """Hide messages of the account that no longer live in any folder."""
    mids = set(
        session.scalars(
            select(Message.id).where(
                Message.account_id == account_id,
                Message.deleted_at.is_(None),
                ~select(MessageLocation.id)
                .where(MessageLocation.message_id == Message.id)
                .exists(),
            )
        )
    )
    return _hide_orphans(session, mids)


def _orphan_folder(session: Session, folder_id: int) -> None:
    mids = set(
        session.scalars(
            select(MessageLocation.message_id).where(MessageLocation.folder_id == folder_id)
        )
    )
    session.execute(delete(MessageLocation).where(MessageLocation.folder_id == folder_id))
    _hide_orphans(session, mids)


def _hide_orphans(session: Session, mids: set[int]) -> ChangeSet:
    changes = ChangeSet()
    if not mids:
        return changes
    placed = set(
        session.scalars(
            select(MessageLocation.message_id).where(MessageLocation.message_id.in_(list(mids)))
        )
    )
    gone = list(mids - placed)
    if gone:
        session.execute(
            update(Message).where(Message.id.in_(gone)).values(deleted_at=int(time.time()))
        )
        convs = set(session.scalars(select(Message.conversation_id).where(Message.id.in_(gone))))
        refresh_conversations(session, convs)
        changes.messages_removed |= set(gone)
        changes.conversations |= convs
    return changes
