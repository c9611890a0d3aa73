"""What is pending with a person, in a few lines for the person panel: tasks and follow-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from unibox.store.schema import Message, Participant
from unibox.store.schema_actions import MessageTriage
from unibox.store.triage_views import replied


@dataclass(frozen=True, slots=True)
class PendingItem:
    """A task to do with them, or a message of the conversation to follow up."""

    kind: str  # "task" or "followup"
    text: str  # the task's title, or the followed-up message's subject
    owner: str  # who does the task ("" is the user); "" for follow-ups
    due: datetime | None
    message_id: int | None  # the message to open (a follow-up)


def _utc(stamp: int | None) -> datetime | None:
    return None if stamp is None else datetime.fromtimestamp(stamp, UTC)


def pending_items(
    session: Session, person_id: int, handle_ids: list[int], limit: int = 6
) -> tuple[PendingItem, ...]:
    """Open tasks, soonest due first, then follow-ups still waiting, soonest due first.

    A follow-up "if no reply" stops being pending once the other side answered.
    """
    from unibox.store.persons import open_tasks  # the panel's only use of the record module

    tasks = [
        PendingItem("task", t.title, t.owner, t.due, None)
        for t in open_tasks(session, person_id)[:limit]
    ]
    if not handle_ids or len(tasks) >= limit:
        return tuple(tasks)
    theirs = select(Participant.message_id).where(Participant.handle_id.in_(handle_ids))
    rows = session.execute(
        select(Message.id, Message.subject, MessageTriage.followup_due)
        .join(MessageTriage, MessageTriage.message_id == Message.id)
        .where(
            Message.id.in_(theirs),
            Message.deleted_at.is_(None),
            MessageTriage.followup_due.is_not(None),
            or_(MessageTriage.followup_if_no_reply.is_(False), ~replied()),
        )
        .order_by(MessageTriage.followup_due, Message.id)
        .limit(limit - len(tasks))
    ).all()
    followups = [
        PendingItem("followup", subject or "(no subject)", "", _utc(due), mid)
        for mid, subject, due in rows
    ]
    return tuple(tasks + followups)
