"""Where a message lives on the server, and moving it: the places (folder, UID) of a
message, the folders actions move to, and the pending operations that carry a move
or a delete to the server. Used by `store.actions`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.core.items import ChangeSet, FolderRole
from unibox.store.conversations import refresh_conversations
from unibox.store.schema import Folder, Message, MessageLocation
from unibox.store.schema_actions import PendingOp

# Folders a message is not "shown from": a copy there is not what the user acts on.
_SIDE_ROLES = {FolderRole.SENT, FolderRole.DRAFTS, FolderRole.TRASH, FolderRole.JUNK}


@dataclass(frozen=True, slots=True)
class Place:
    location_id: int
    folder_id: int
    uid: int
    role: str
    uidvalidity: int | None


def message_places(session: Session, message_id: int) -> list[Place]:
    """Every place (folder, UID) the message has, oldest first."""
    rows = session.execute(
        select(
            MessageLocation.id,
            MessageLocation.folder_id,
            MessageLocation.uid,
            Folder.role,
            Folder.uidvalidity,
        )
        .join(Folder, Folder.id == MessageLocation.folder_id)
        .where(MessageLocation.message_id == message_id)
        .order_by(MessageLocation.id)
    ).all()
    return [Place(*r) for r in rows]


def shown_places(session: Session, m: Message, target_id: int) -> list[Place]:
    """Where the message is shown from: the inbox first, never a copy in Sent or the target."""
    places = [p for p in message_places(session, m.id) if p.folder_id != target_id]
    inbox = [p for p in places if p.role == FolderRole.INBOX]
    if inbox:
        return inbox
    return [p for p in places if p.role not in _SIDE_ROLES] or places


def folder_by_role(session: Session, account_id: int, role: FolderRole, what: str) -> Folder:
    """The account's folder with this role; a sentence for the user if it has none."""
    folder = session.scalar(
        select(Folder)
        .where(Folder.account_id == account_id, Folder.role == role.value)
        .order_by(Folder.id)
        .limit(1)
    )
    if folder is None:
        raise UserError(
            f"This account has no {what} folder; sync it first, or move the message to a "
            "folder by name."
        )
    return folder


def folder_by_name(session: Session, account_id: int, name: str) -> Folder:
    """The account's folder of this name; a sentence for the user if there is none."""
    folder = session.scalar(
        select(Folder).where(Folder.account_id == account_id, Folder.name == name)
    )
    if folder is None:
        raise UserError(f"There is no folder “{name}”; “unibox folders” lists them.")
    return folder


def move_all(
    session: Session, m: Message, places: list[Place], target: Folder, now: int, ch: ChangeSet
) -> None:
    """Move these places to `target` here at once (placeholder UIDs) and queue the moves."""
    for place in places:
        op = queue_op(
            session,
            m,
            now,
            kind="move",
            source_folder_id=place.folder_id,
            source_uid=place.uid if place.uid > 0 else None,
            source_uidvalidity=place.uidvalidity,
            target_folder_id=target.id,
        )
        op.placeholder_uid = -op.id
        session.execute(
            update(MessageLocation)
            .where(MessageLocation.id == place.location_id)
            .values(folder_id=target.id, uid=op.placeholder_uid, modseq=None)
        )
        ch.folders |= {place.folder_id, target.id}


def delete_message(session: Session, m: Message, now: int, ch: ChangeSet) -> None:
    """To the trash; from the trash, gone for good (here now, on the server when pushed)."""
    places = message_places(session, m.id)
    in_trash = [p for p in places if p.role == FolderRole.TRASH]
    elsewhere = [p for p in places if p.role != FolderRole.TRASH]
    if elsewhere:
        trash = folder_by_role(session, m.account_id, FolderRole.TRASH, "Trash")
        move_all(session, m, elsewhere, trash, now, ch)
        return
    # Already in the trash: deleting again removes it for good (what every client does).
    for place in in_trash:
        queue_op(
            session,
            m,
            now,
            kind="expunge",
            source_folder_id=place.folder_id,
            source_uid=place.uid if place.uid > 0 else None,
            source_uidvalidity=place.uidvalidity,
        )
        session.execute(delete(MessageLocation).where(MessageLocation.id == place.location_id))
        ch.folders.add(place.folder_id)
    m.deleted_at = now
    ch.messages_removed.add(m.id)
    ch.conversations.add(m.conversation_id)
    session.flush()
    refresh_conversations(session, {m.conversation_id})


def queue_op(session: Session, m: Message, now: int, **values: object) -> PendingOp:
    """A pending operation on the message for the sync to carry to the server."""
    op = PendingOp(
        account_id=m.account_id,
        message_id=m.id,
        message_id_header=m.message_id_header,
        state="pending",
        created_at=now,
        attempts=0,
        last_error="",
        **values,
    )
    op.flags = op.flags or ""
    session.add(op)
    session.flush()
    return op
