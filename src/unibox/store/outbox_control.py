"""What the Outbox window does to a waiting message besides cancelling: send it now.

Also "send again" for a message that may have been sent (the server did not
confirm, and it is not in Sent): the person decided, so it goes once more.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.store import outbox
from unibox.store.schema_actions import OutboxMessage


def send_now(session: Session, outbox_id: int, now: int) -> outbox.OutboxItem:
    """A scheduled message due now, a failed one queued again (its attempts start over),
    or one that may have been sent, sent again because the person said so."""
    item = outbox.get_item(session, outbox_id)
    if item.state not in (outbox.QUEUED, outbox.FAILED) and not item.awaits_decision:
        raise UserError(f"The message “{item.subject}” is no longer waiting to be sent.")
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == outbox_id,
            OutboxMessage.state.in_((outbox.QUEUED, outbox.FAILED, outbox.UNCONFIRMED)),
        )
        .values(state=outbox.QUEUED, send_at=now, next_attempt_at=None, attempts=0, last_error="")
    )
    return outbox.get_item(session, outbox_id)
