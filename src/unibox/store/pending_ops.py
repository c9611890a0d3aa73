"""Pending remote operations as the sync engine reads and finishes them.

store/actions.py writes them; sync/push.py carries them to the server and
reports back here: a move learns its real UID (or gives its place back when
the server refused it), every operation ends done or failed with a sentence.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session, aliased

from unibox.store.schema import Folder, Message, MessageLocation
from unibox.store.schema_actions import PendingOp

PENDING = "pending"
DONE = "done"
FAILED = "failed"
MAX_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class Place:
    """Where a message is on the server: folder name, UID and the folder's UIDVALIDITY."""

    folder: str
    uid: int | None  # None: find it by Message-ID
    uidvalidity: int | None


@dataclass(frozen=True, slots=True)
class OpItem:
    """One operation with everything the engine needs to push it."""

    id: int
    kind: str
    message_id: int
    message_id_header: str
    flags: tuple[str, ...]
    source: Place | None  # move / expunge
    target: str  # move: the target folder's name
    places: tuple[Place, ...]  # flags: every place the message has on the server
    attempts: int
    content_key: str = ""  # tells the message from others sharing its Message-ID

    @property
    def batch_key(self) -> tuple[object, ...]:
        """Operations with the same key can go to the server in one command."""
        if self.kind in ("add_flags", "remove_flags"):
            return (self.kind, self.flags)
        source = self.source.folder if self.source else ""
        return (self.kind, source, self.target)


def has_pending(session: Session, account_id: int) -> bool:
    return bool(
        session.scalar(
            select(exists().where(PendingOp.account_id == account_id, PendingOp.state == PENDING))
        )
    )


def pending_for(session: Session, account_id: int, limit: int = 5000) -> list[OpItem]:
    source = aliased(Folder)
    target = aliased(Folder)
    rows = session.execute(
        select(PendingOp, source.name, target.name, Message.content_key)
        .outerjoin(Message, Message.id == PendingOp.message_id)
        .outerjoin(source, source.id == PendingOp.source_folder_id)
        .outerjoin(target, target.id == PendingOp.target_folder_id)
        .where(PendingOp.account_id == account_id, PendingOp.state == PENDING)
        .order_by(PendingOp.id)
        .limit(limit)
    ).all()
    flag_messages = {op.message_id for op, _s, _t, _k in rows if op.kind.endswith("_flags")}
    places = _places(session, flag_messages)
    items = []
    for op, source_name, target_name, key in rows:
        src = (
            Place(source_name, op.source_uid, op.source_uidvalidity)
            if source_name is not None
            else None
        )
        items.append(
            OpItem(
                id=op.id,
                kind=op.kind,
                message_id=op.message_id,
                message_id_header=op.message_id_header,
                flags=tuple(op.flags.split()),
                source=src,
                target=target_name or "",
                places=tuple(places.get(op.message_id, ())),
                attempts=op.attempts,
                content_key=key or "",
            )
        )
    return items


def _places(session: Session, message_ids: set[int]) -> dict[int, list[Place]]:
    """Where each message is on the server now.

    A place with a placeholder (negative) UID is a move the server has not
    had yet: until it has, the message is still at the move's source.
    """
    found: dict[int, list[Place]] = {}
    ids = list(message_ids)
    source = aliased(Folder)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(
                MessageLocation.message_id,
                Folder.name,
                MessageLocation.uid,
                Folder.uidvalidity,
                source.name,
                PendingOp.source_uid,
                PendingOp.source_uidvalidity,
            )
            .join(Folder, Folder.id == MessageLocation.folder_id)
            .outerjoin(
                PendingOp,
                (PendingOp.placeholder_uid == MessageLocation.uid)
                & (PendingOp.state == PENDING)
                & (MessageLocation.uid < 0),
            )
            .outerjoin(source, source.id == PendingOp.source_folder_id)
            .where(MessageLocation.message_id.in_(ids[start : start + 500]))
        )
        for mid, name, uid, validity, src_name, src_uid, src_validity in rows:
            if uid > 0:
                place = Place(name, uid, validity)
            elif src_name is not None:
                place = Place(src_name, src_uid, src_validity)
            else:  # moved already, UID not known yet: find it by Message-ID
                place = Place(name, None, validity)
            found.setdefault(mid, []).append(place)
    return found


def places_now(session: Session, message_id: int) -> list[Place]:
    """Where the message is now (a flag operation pushed after a move needs the new place)."""
    return _places(session, {message_id}).get(message_id, [])


def finish_move(session: Session, op_id: int, new_uid: int | None) -> None:
    """The server moved the message: the placeholder becomes the real UID.

    Unknown UID: the place is dropped and the next sync of the target folder
    finds the message there by its Message-ID.
    """
    op = session.get(PendingOp, op_id)
    if op is None:
        return
    where = (
        MessageLocation.folder_id == op.target_folder_id,
        MessageLocation.uid == op.placeholder_uid,
    )
    if new_uid is not None:
        taken = session.scalar(
            select(MessageLocation.id).where(
                MessageLocation.folder_id == op.target_folder_id, MessageLocation.uid == new_uid
            )
        )
        if taken is None:
            session.execute(update(MessageLocation).where(*where).values(uid=new_uid))
        else:  # a sync already saw it arrive
            session.execute(delete(MessageLocation).where(*where))
    else:
        session.execute(delete(MessageLocation).where(*where))
    _finish(session, [op_id], DONE, "")


def undo_move(session: Session, op_id: int, error: str) -> None:
    """The server refused the move for good: the message goes back where it was."""
    op = session.get(PendingOp, op_id)
    if op is None:
        return
    where = (
        MessageLocation.folder_id == op.target_folder_id,
        MessageLocation.uid == op.placeholder_uid,
    )
    if op.source_folder_id is not None and op.source_uid is not None:
        session.execute(
            update(MessageLocation)
            .where(*where)
            .values(folder_id=op.source_folder_id, uid=op.source_uid)
        )
    else:  # the next sync puts it back wherever the server has it
        session.execute(delete(MessageLocation).where(*where))
    _finish(session, [op_id], FAILED, error)


def mark_done(session: Session, op_ids: Sequence[int], note: str = "") -> None:
    _finish(session, op_ids, DONE, note)


def mark_failed(session: Session, op_ids: Sequence[int], error: str) -> None:
    _finish(session, op_ids, FAILED, error)


def mark_retry(session: Session, op_ids: Sequence[int], error: str) -> list[int]:
    """Count a failed attempt; operations out of attempts fail. Returns those that failed."""
    ids = list(op_ids)
    session.execute(
        update(PendingOp)
        .where(PendingOp.id.in_(ids))
        .values(attempts=PendingOp.attempts + 1, last_error=error)
    )
    spent = list(
        session.scalars(
            select(PendingOp.id).where(PendingOp.id.in_(ids), PendingOp.attempts >= MAX_ATTEMPTS)
        )
    )
    if spent:
        _finish(session, spent, FAILED, error)
    return spent


def _finish(session: Session, op_ids: Sequence[int], state: str, note: str) -> None:
    ids = list(op_ids)
    for start in range(0, len(ids), 500):
        session.execute(
            update(PendingOp)
            .where(PendingOp.id.in_(ids[start : start + 500]))
            .values(state=state, done_at=int(time.time()), last_error=note)
        )


def failed_ops(session: Session, account_id: int, limit: int = 50) -> list[tuple[int, str, str]]:
    """(message id, kind, sentence) of operations the server refused, newest first."""
    rows = session.execute(
        select(PendingOp.message_id, PendingOp.kind, PendingOp.last_error)
        .where(PendingOp.account_id == account_id, PendingOp.state == FAILED)
        .order_by(PendingOp.id.desc())
        .limit(limit)
    )
    return [(mid, kind, err) for mid, kind, err in rows]
