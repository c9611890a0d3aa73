"""What a triage action in the window acts on, and each message as it was before (to undo)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from unibox.core.items import FolderRole
from unibox.core.triage import TriageState
from unibox.store.schema import Account, Folder, Message, MessageLocation
from unibox.store.triage import states_for

_CHUNK = 500
_INBOX = FolderRole.INBOX.value


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
