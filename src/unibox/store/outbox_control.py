"""What the Outbox window does to a waiting message besides cancelling: send it now."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.store import outbox
from unibox.store.schema_actions import OutboxMessage


def send_now(session: Session, outbox_id: int, now: int) -> outbox.OutboxItem:
    """A scheduled message due now, or a failed one queued again (its attempts start over)."""
    item = outbox.get_item(session, outbox_id)
    if item.state not in (outbox.QUEUED, outbox.FAILED):
        raise UserError(f"The message “{item.subject}” is no longer waiting to be sent.")
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == outbox_id, OutboxMessage.state.in_((outbox.QUEUED, outbox.FAILED))
        )
        .values(state=outbox.QUEUED, send_at=now, next_attempt_at=None, attempts=0, last_error="")
    )
    return outbox.get_item(session, outbox_id)
