"""Local triage state in the store: done, snoozed, follow-up; its views and its sync.

The rows are the local truth (core/triage.py says what they mean). They are
mirrored to IMAP keywords by pending operations; `reconcile_from_keywords`
takes back what another unibox changed, after each sync.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from unibox.core.items import ChangeSet, FolderRole
from unibox.core.triage import TriageState, is_triage_keyword, state_from_keywords
from unibox.store.schema import (
    Account,
    Folder,
    Handle,
    Message,
    MessageLocation,
    Participant,
    Person,
)
from unibox.store.schema_actions import MessageTriage, PendingOp

_CHUNK = 500


def _state(row: MessageTriage) -> TriageState:
    return TriageState(row.done, row.snoozed_until, row.followup_due, row.followup_if_no_reply)


def states_for(session: Session, message_ids: Sequence[int]) -> dict[int, TriageState]:
    found: dict[int, TriageState] = {}
    ids = list(message_ids)
    for start in range(0, len(ids), _CHUNK):
        rows = session.scalars(
            select(MessageTriage).where(MessageTriage.message_id.in_(ids[start : start + _CHUNK]))
        )
        found.update((r.message_id, _state(r)) for r in rows)
    return found


def get_state(session: Session, message_id: int) -> TriageState:
    return states_for(session, [message_id]).get(message_id, TriageState())


def set_state(
    session: Session, message_id: int, state: TriageState, now: int, *, mirrored: bool = False
) -> None:
    """Write a message's triage (an empty state removes the row)."""
    row = session.get(MessageTriage, message_id)
    if state.empty:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = MessageTriage(message_id=message_id)
        session.add(row)
    row.done = state.done
    row.snoozed_until = state.snoozed_until
    row.followup_due = state.followup_due
    row.followup_if_no_reply = state.followup_if_no_reply
    row.mirrored = mirrored
    row.updated_at = now
    session.flush()


def mark_mirrored(session: Session, message_ids: Iterable[int]) -> None:
    ids = list(message_ids)
    for start in range(0, len(ids), _CHUNK):
        session.execute(
            update(MessageTriage)
            .where(MessageTriage.message_id.in_(ids[start : start + _CHUNK]))
            .values(mirrored=True)
        )


# -- views ----------------------------------------------------------------------------


def hidden_from_inbox(now: int) -> ColumnElement[bool]:
    """True for messages the Inbox view leaves out: done, or snoozed until later.

    For views over Message: `.where(~hidden_from_inbox(now))`.
    """
    return exists().where(
        MessageTriage.message_id == Message.id,
        or_(MessageTriage.done.is_(True), MessageTriage.snoozed_until > now),
    )


def is_snoozed(now: int) -> ColumnElement[bool]:
    """True for messages snoozed until after `now` (the Snoozed view)."""
    # Driven by the snooze index: few messages are snoozed.
    return Message.id.in_(select(MessageTriage.message_id).where(MessageTriage.snoozed_until > now))


def followup_is_due(now: int) -> ColumnElement[bool]:
    """True for messages whose follow-up is due and whose condition holds.

    The same rule as needs_followup_ids, as a condition for views over Message.
    """
    due = Message.id.in_(select(MessageTriage.message_id).where(MessageTriage.followup_due <= now))
    # replied() at this level, so it correlates with the outer message.
    if_no_reply = exists().where(
        MessageTriage.message_id == Message.id, MessageTriage.followup_if_no_reply.is_(True)
    )
    return and_(due, or_(~if_no_reply, ~replied()))


_INBOX = FolderRole.INBOX.value


NEEDS_REPLY_DAYS = 30


def needs_reply(now: int) -> ColumnElement[bool]:
    """True for the newest message of each conversation that waits for the user's answer.

    A message needs a reply when all of these hold:
      * it came in (someone else wrote it) within the last NEEDS_REPLY_DAYS
        days before `now` (older mail left unanswered was answered elsewhere
        or not at all; it also keeps the view quick on years of mail);
      * it is addressed to the user: one of the user's own handles (a person
        marked as me) is among its To or Cc recipients, so mailing lists and
        Bcc copies do not count;
      * it is the newest live message of its conversation, and nothing the
        user sent in that conversation is as new or newer (Date has whole
        seconds only, so the same second counts as answered);
      * it is not marked answered (\\Answered, set by any mail client on reply);
      * it is not done and not snoozed until after `now`;
      * its sender is someone the user has written to before (a recipient,
        under any of their handles, of something the user sent): newsletters,
        notifications and strangers' cold mail do not wait for an answer;
      * it is still in an inbox (archiving, deleting or marking it junk says
        it was dealt with).
    """
    other = aliased(Message)
    mine = (
        select(Participant.message_id)
        .join(Handle, Handle.id == Participant.handle_id)
        .join(Person, Person.id == Handle.person_id)
        .where(
            Participant.message_id == Message.id,
            Participant.role.in_(("to", "cc")),
            Person.is_me.is_(True),
        )
    )
    newer = exists().where(
        other.conversation_id == Message.conversation_id,
        other.id != Message.id,
        other.deleted_at.is_(None),
        or_(
            other.sent_at > Message.sent_at,
            and_(
                other.sent_at == Message.sent_at,
                or_(other.direction == "out", other.id > Message.id),
            ),
        ),
    )
    sender = aliased(Handle)
    theirs = aliased(Handle)
    sent = aliased(Message)
    known = (
        select(Participant.message_id)
        .join(theirs, theirs.id == Participant.handle_id)
        .join(sender, sender.person_id == theirs.person_id)
        .join(sent, sent.id == Participant.message_id)
        .where(
            sender.id == Message.sender_handle_id,
            Participant.role.in_(("to", "cc")),
            sent.direction == "out",
        )
    )
    kept = exists().where(
        MessageLocation.message_id == Message.id,
        MessageLocation.folder_id.in_(select(Folder.id).where(Folder.role == _INBOX)),
    )
    return and_(
        Message.sent_at >= now - NEEDS_REPLY_DAYS * 86_400,
        Message.direction == "in",
        Message.is_answered.is_(False),
        exists(mine),
        exists(known),
        ~newer,
        ~hidden_from_inbox(now),
        kept,
    )


def replied() -> ColumnElement[bool]:
    """Whether a later message of the same conversation came from the other side."""
    later = aliased(Message)
    return exists().where(
        later.conversation_id == Message.conversation_id,
        later.sent_at >= Message.sent_at,  # same second counts: Date has no finer grain
        later.direction != Message.direction,
        later.deleted_at.is_(None),
    )


def needs_followup_ids(session: Session, now: int, limit: int = 500) -> list[int]:
    """The "Needs follow-up" view: follow-ups that are due and whose condition holds.

    A follow-up "if no reply" is met when no later message in the
    conversation came from the other side (an answer to mine, or mine to theirs).
    """
    stmt = (
        select(Message.id)
        .join(MessageTriage, MessageTriage.message_id == Message.id)
        .where(
            Message.deleted_at.is_(None),
            MessageTriage.followup_due <= now,
            or_(MessageTriage.followup_if_no_reply.is_(False), ~replied()),
        )
        .order_by(MessageTriage.followup_due, Message.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def snoozed_ids(session: Session, now: int) -> list[int]:
    """Messages snoozed until later, soonest first."""
    stmt = (
        select(MessageTriage.message_id)
        .join(Message, Message.id == MessageTriage.message_id)
        .where(Message.deleted_at.is_(None), MessageTriage.snoozed_until > now)
        .order_by(MessageTriage.snoozed_until)
    )
    return list(session.scalars(stmt))


def snooze_ended_ids(session: Session, now: int, account_id: int | None = None) -> list[int]:
    """Messages whose snooze time has come and that still carry it."""
    stmt = (
        select(MessageTriage.message_id)
        .join(Message, Message.id == MessageTriage.message_id)
        .where(Message.deleted_at.is_(None), MessageTriage.snoozed_until <= now)
        .order_by(MessageTriage.snoozed_until)
    )
    if account_id is not None:
        stmt = stmt.where(Message.account_id == account_id)
    return list(session.scalars(stmt))


def next_snooze_end(session: Session, after: int) -> int | None:
    """When the next snoozed message wakes (for the engine's timer)."""
    value = session.scalar(
        select(func.min(MessageTriage.snoozed_until)).where(MessageTriage.snoozed_until > after)
    )
    return int(value) if value is not None else None


# -- taking back what another unibox did ---------------------------------------------------


def reconcile_from_keywords(session: Session, message_ids: Iterable[int], now: int) -> ChangeSet:
    """After a sync: adopt triage keywords set elsewhere; drop state cleared elsewhere.

    Skips messages with a triage change of our own still on its way to the
    server, and never clears a state the server never had (`mirrored` unset:
    the server may not allow keywords at all).
    """
    changes = ChangeSet()
    ids = list(message_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        tagged = dict(
            session.execute(
                select(Message.id, Message.keywords).where(
                    Message.id.in_(chunk), Message.keywords.like("%unibox-%")
                )
            ).all()
        )
        local = {
            r.message_id: r
            for r in session.scalars(
                select(MessageTriage).where(MessageTriage.message_id.in_(chunk))
            )
        }
        busy = set(
            session.scalars(
                select(PendingOp.message_id).where(
                    PendingOp.message_id.in_(chunk), PendingOp.state == "pending"
                )
            )
        )
        for mid in (set(tagged) | set(local)) - busy:
            flags = [f for f in (tagged.get(mid) or "").split() if is_triage_keyword(f)]
            row = local.get(mid)
            if flags:
                remote = state_from_keywords(flags)
                if row is None or _state(row) != remote or not row.mirrored:
                    set_state(session, mid, remote, now, mirrored=True)
                    changes.messages_changed.add(mid)
            elif row is not None and row.mirrored:
                session.execute(delete(MessageTriage).where(MessageTriage.message_id == mid))
                changes.messages_changed.add(mid)
    return changes


def with_conversations_in_inbox(session: Session, message_ids: Sequence[int]) -> list[int]:
    """`message_ids` and every other live message of their conversations lying in an inbox.

    A grouped list shows a conversation as its newest message; archiving or
    snoozing it acts on all of it that is in the inbox, never on the user's
    own copies in Sent.
    """
    ids = list(message_ids)
    found = dict.fromkeys(ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        conversations = select(Message.conversation_id).where(Message.id.in_(chunk))
        inbox = select(Folder.id).where(Folder.role == _INBOX)
        for mid in session.scalars(
            select(Message.id)
            .join(MessageLocation, MessageLocation.message_id == Message.id)
            .where(
                Message.conversation_id.in_(conversations),
                Message.deleted_at.is_(None),
                MessageLocation.folder_id.in_(inbox),
            )
            .order_by(Message.sent_at.desc(), Message.id.desc())
        ):
            found.setdefault(mid)
    return list(found)


# -- what an action changed, to undo it -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Before:
    """A message as it was before an action: enough to put it back."""

    message_id: int
    account: str  # the account's name (to nudge its sync)
    folder: str  # the folder it was shown from ("" when it has none)
    folder_role: str
    is_seen: bool
    is_flagged: bool
    state: TriageState


_SIDE = (
    FolderRole.SENT.value,
    FolderRole.DRAFTS.value,
    FolderRole.TRASH.value,
    FolderRole.JUNK.value,
)


def before_action(session: Session, message_ids: Sequence[int]) -> list[Before]:
    """Each message's folder, flags and triage, in the order given (missing ones left out)."""
    ids = list(message_ids)
    states = states_for(session, ids)
    places: dict[int, list[tuple[str, str]]] = {}
    rows: dict[int, tuple[str, bool, bool]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for mid, name, role in session.execute(
            select(MessageLocation.message_id, Folder.name, Folder.role)
            .join(Folder, Folder.id == MessageLocation.folder_id)
            .where(MessageLocation.message_id.in_(chunk))
            .order_by(MessageLocation.id)
        ):
            places.setdefault(mid, []).append((name, role or ""))
        for mid, account, seen, flagged in session.execute(
            select(Message.id, Account.name, Message.is_seen, Message.is_flagged)
            .join(Account, Account.id == Message.account_id)
            .where(Message.id.in_(chunk))
        ):
            rows[mid] = (account, seen, flagged)
    found = []
    for mid in ids:
        if mid not in rows:
            continue
        here = places.get(mid, [])
        # Where it is shown from: the inbox first, then a folder of its own, then anywhere.
        ranked = sorted(here, key=lambda p: (p[1] != FolderRole.INBOX.value, p[1] in _SIDE))
        folder, role = ranked[0] if ranked else ("", "")
        account, seen, flagged = rows[mid]
        found.append(
            Before(mid, account, folder, role, seen, flagged, states.get(mid, TriageState()))
        )
    return found
