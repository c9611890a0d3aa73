"""User actions on messages: applied locally at once, recorded as pending operations.

Run inside one `intent_write` transaction: the local change and the
operation that will carry it to the server commit together, so a crash
leaves either both or neither. The sync engine pushes the operations
(sync/push.py) and marks them done.

Flags are pushed as changes (+FLAGS/-FLAGS), never as whole sets, so a flag
another client changed meanwhile is kept. A move gives the message's place a
negative placeholder UID until the server names the real one; the sync
treats that place as not on the server yet, and nothing here deletes mail on
the server except an explicit delete of what is already in the trash. Where a
message lives and how it moves is in `store.moves`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.core.items import ChangeSet, FolderRole
from unibox.core.triage import TriageState, keyword_changes, minute
from unibox.store.moves import (
    delete_message,
    folder_by_name,
    folder_by_role,
    message_places,
    move_all,
    queue_op,
    shown_places,
)
from unibox.store.schema import Folder, Message
from unibox.store.triage import get_state, set_state
from unibox.store.triage_views import snooze_ended_ids

_FLAG_COLUMNS = {"\\Seen": "is_seen", "\\Flagged": "is_flagged", "\\Answered": "is_answered"}
# Places a message is "shown from": archive and junk act on these, not on a copy in Sent.


class ActionKind(StrEnum):
    READ = "read"
    UNREAD = "unread"
    FLAG = "flag"
    UNFLAG = "unflag"
    ARCHIVE = "archive"
    DELETE = "delete"
    JUNK = "junk"
    NOT_JUNK = "notjunk"
    MOVE = "move"
    DONE = "done"
    UNDONE = "undone"
    SNOOZE = "snooze"
    UNSNOOZE = "unsnooze"
    FOLLOWUP = "followup"
    NO_FOLLOWUP = "nofollowup"


_TRIAGE = frozenset(
    {
        ActionKind.DONE,
        ActionKind.UNDONE,
        ActionKind.SNOOZE,
        ActionKind.UNSNOOZE,
        ActionKind.FOLLOWUP,
        ActionKind.NO_FOLLOWUP,
    }
)
# What the folder actions do to a message, in words (a chat message has no folder).
_FOLDER_ACTIONS = {
    ActionKind.ARCHIVE: "archived",
    ActionKind.DELETE: "deleted from the server",
    ActionKind.JUNK: "moved to Junk",
    ActionKind.NOT_JUNK: "moved out of Junk",
    ActionKind.MOVE: "moved to a folder",
}


@dataclass(frozen=True, slots=True)
class Action:
    """What the user asked for; `when` (Unix seconds) for snooze and follow-up."""

    kind: ActionKind
    when: int | None = None
    if_no_reply: bool = False
    folder: str = ""  # for MOVE: the folder's name


def apply_action(
    session: Session, message_ids: Sequence[int], action: Action, now: int
) -> ChangeSet:
    """Apply `action` to messages locally and queue what the server must learn."""
    changes = ChangeSet()
    for mid in message_ids:
        message = session.get(Message, mid)
        if message is None or message.deleted_at is not None:
            raise UserError(f"There is no message {mid}.")
        changes.merge(_apply_one(session, message, action, now))
    return changes


def _apply_one(session: Session, m: Message, action: Action, now: int) -> ChangeSet:
    kind = action.kind
    changes = ChangeSet(messages_changed={m.id})
    if m.channel != "mail" and kind in _FOLDER_ACTIONS:
        # A chat message has no folder: archiving it is being done with it.
        if kind != ActionKind.ARCHIVE:
            raise UserError(f"A chat message cannot be {_FOLDER_ACTIONS[kind]}; mark it done.")
        _triage(session, m, Action(ActionKind.DONE), now)
        return changes
    flag_actions = {
        ActionKind.READ: ("\\Seen", True),
        ActionKind.UNREAD: ("\\Seen", False),
        ActionKind.FLAG: ("\\Flagged", True),
        ActionKind.UNFLAG: ("\\Flagged", False),
    }
    if kind in flag_actions:
        flag, on = flag_actions[kind]
        _flags(session, m, {flag} if on else set(), set() if on else {flag}, now)
    elif kind in _TRIAGE:
        _triage(session, m, action, now)
    elif kind == ActionKind.ARCHIVE:
        target = folder_by_role(session, m.account_id, FolderRole.ARCHIVE, "Archive")
        move_all(session, m, shown_places(session, m, target.id), target, now, changes)
    elif kind == ActionKind.DELETE:
        delete_message(session, m, now, changes)
    elif kind == ActionKind.JUNK:
        target = folder_by_role(session, m.account_id, FolderRole.JUNK, "Junk")
        _flags(session, m, {"$Junk"}, {"$NotJunk"}, now)
        move_all(session, m, shown_places(session, m, target.id), target, now, changes)
    elif kind == ActionKind.NOT_JUNK:
        inbox = folder_by_role(session, m.account_id, FolderRole.INBOX, "Inbox")
        _flags(session, m, {"$NotJunk"}, {"$Junk"}, now)
        junk = [p for p in message_places(session, m.id) if p.role == FolderRole.JUNK]
        move_all(session, m, junk, inbox, now, changes)
    elif kind == ActionKind.MOVE:
        target = folder_by_name(session, m.account_id, action.folder)
        move_all(session, m, shown_places(session, m, target.id)[:1], target, now, changes)
    return changes


# -- flags ------------------------------------------------------------------------------


def _flags(session: Session, m: Message, add: set[str], remove: set[str], now: int) -> None:
    keywords = set(m.keywords.split())
    for flag in add | remove:
        column = _FLAG_COLUMNS.get(flag)
        if column is not None:
            setattr(m, column, flag in add)
        elif flag in add:
            keywords.add(flag)
        else:
            keywords.discard(flag)
    m.keywords = " ".join(sorted(keywords))
    if m.channel != "mail":  # chat: no flags on a server to carry them to
        return
    for kind, flags in (("add_flags", add), ("remove_flags", remove)):
        if flags:
            queue_op(session, m, now, kind=kind, flags=" ".join(sorted(flags)))


def queue_flags(session: Session, message_id: int, add: set[str], now: int) -> None:
    """Flags the engine sets itself (\\Answered once a reply is sent)."""
    m = session.get(Message, message_id)
    if m is not None and m.deleted_at is None:
        _flags(session, m, add, set(), now)


def _triage(session: Session, m: Message, action: Action, now: int) -> None:
    old = get_state(session, m.id)
    kind = action.kind
    when = minute(action.when) if action.when is not None else None
    if kind in (ActionKind.SNOOZE, ActionKind.FOLLOWUP) and (when is None or when <= now):
        raise UserError("Choose a time in the future.")
    new = {
        ActionKind.DONE: replace(old, done=True, snoozed_until=None),
        ActionKind.UNDONE: replace(old, done=False),
        ActionKind.SNOOZE: replace(old, snoozed_until=when, done=False),
        ActionKind.UNSNOOZE: replace(old, snoozed_until=None),
        ActionKind.FOLLOWUP: replace(
            old, followup_due=when, followup_if_no_reply=action.if_no_reply
        ),
        ActionKind.NO_FOLLOWUP: replace(old, followup_due=None, followup_if_no_reply=False),
    }[kind]
    set_triage(session, m, old, new, now)


def set_triage(session: Session, m: Message, old: TriageState, new: TriageState, now: int) -> None:
    """Write a new triage state and queue the keyword changes that mirror it."""
    if new == old:
        return
    set_state(session, m.id, new, now, mirrored=m.channel != "mail")
    if m.channel != "mail":  # chat: triage stays local (no keywords on a server)
        return
    add, remove = keyword_changes(old, new)
    # Keywords are not flags the message list shows: keep them off Message.keywords,
    # which mirrors the server; the sync brings them back once pushed.
    for kind, flags in (("remove_flags", remove), ("add_flags", add)):
        if flags:
            queue_op(session, m, now, kind=kind, flags=" ".join(sorted(flags)))


# -- snoozes ----------------------------------------------------------------------------


def wake_snoozed(session: Session, account_id: int, now: int) -> ChangeSet:
    """Snoozes whose time has come end: the message is back in the inbox."""
    changes = ChangeSet()
    for mid in snooze_ended_ids(session, now, account_id):
        m = session.get(Message, mid)
        if m is None:
            continue
        old = get_state(session, mid)
        set_triage(session, m, old, replace(old, snoozed_until=None), now)
        changes.messages_changed.add(mid)
        places = message_places(session, mid)
        if places and not any(p.role == FolderRole.INBOX for p in places):
            inbox = session.scalar(
                select(Folder).where(
                    Folder.account_id == account_id, Folder.role == FolderRole.INBOX.value
                )
            )
            if inbox is not None:  # archived meanwhile: it comes back, as the user asked
                move_all(session, m, shown_places(session, m, inbox.id)[:1], inbox, now, changes)
    return changes
