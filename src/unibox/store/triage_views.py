"""Triage as conditions for views over Message, and the snooze and follow-up lists.

Inbox (not done, not snoozed), Snoozed, Needs follow-up and Needs reply are
built here; store/views.py and the person record combine them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, text
from sqlalchemy.orm import Session, aliased

from unibox.core.items import FolderRole
from unibox.store.schema import (
    NOT_MAIL,
    Conversation,
    Folder,
    Handle,
    Message,
    MessageLocation,
    Participant,
    Person,
)
from unibox.store.schema_actions import MessageTriage


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


def newest_chat_messages(accounts: list[int] | None = None) -> Select[Any]:
    """Ids of each chat's newest live message (of these accounts; None: all): a list
    shows a chat as one row. Chats are the conversations with a remote_ref (a partial
    index finds them); each newest message is one step down ix_message_conversation."""
    newest = (
        select(Message.id)
        .where(Message.conversation_id == Conversation.id, Message.deleted_at.is_(None))
        .order_by(Message.sent_at.desc(), Message.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    chats = select(newest).where(Conversation.remote_ref.is_not(None))
    if accounts is not None:
        chats = chats.where(Conversation.account_id.in_(accounts))
    return chats


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

    A one-to-one chat is addressed to the user by its nature and has no folder
    to leave, but most of its lines are talk ("thanks", "fixed and deployed")
    that waits for nothing. Its newest line needs a reply when it came in within
    those days, nothing of the user's is as new, it is neither done nor
    snoozed, and
      * the user has written in this chat before (as for mail: strangers and
        bots do not wait for an answer), and
      * they asked something since the user's last line: one of their lines
        after it holds a question mark (?, ？ or ؟).
    (Group chats are talk among many: they wait for no one.)
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
    one_to_one = exists().where(
        Conversation.id == Message.conversation_id, Conversation.kind == "chat"
    )
    asked = _asked_since_my_last_line()
    return and_(
        Message.sent_at >= now - NEEDS_REPLY_DAYS * 86_400,
        Message.direction == "in",
        Message.is_answered.is_(False),
        # A chat's newest line only (a short list): not every line of a long chat walked.
        or_(
            and_(exists(mine), exists(known), kept),
            and_(text(NOT_MAIL), Message.id.in_(newest_chat_messages()), one_to_one, asked),
        ),
        ~newer,
        ~hidden_from_inbox(now),
    )


QUESTION_MARKS = ("?", "？", "؟")  # the ASCII, fullwidth and Arabic question marks


def _asked_since_my_last_line() -> ColumnElement[bool]:
    """Whether the user wrote in this chat, and one of their lines since the user's last
    one asks something (a question mark in its text)."""
    mine = aliased(Message)
    theirs = aliased(Message)
    my_last = (
        select(func.max(mine.sent_at))
        .where(
            mine.conversation_id == Message.conversation_id,
            mine.direction == "out",
            mine.deleted_at.is_(None),
        )
        .scalar_subquery()
    )
    return exists().where(
        theirs.conversation_id == Message.conversation_id,
        theirs.direction == "in",
        theirs.deleted_at.is_(None),
        theirs.sent_at > my_last,  # NULL (the user never wrote here): nothing is asked
        or_(*(theirs.snippet.contains(mark, autoescape=True) for mark in QUESTION_MARKS)),
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
