"""Local triage state in the store: done, snoozed, follow-up, and its sync.

The rows are the local truth (core/triage.py says what they mean). They are
mirrored to IMAP keywords by pending operations; `reconcile_from_keywords`
takes back what another unibox changed, after each sync. The views' conditions
are in triage_views.py; what a window action acts on, in triage_targets.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from unibox.core.items import ChangeSet
from unibox.core.triage import TriageState, is_triage_keyword, state_from_keywords
from unibox.store.schema import Message
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
