"""The durable outbox: every message is a committed row before any network call.

States (see schema_actions.OutboxMessage): queued -> sending -> unconfirmed
-> accepted -> done, or failed / cancelled. "unconfirmed" is committed just
before the end of the message goes to the server: from then until the
server's reply is committed, nobody knows whether it was taken. A row left
"unconfirmed" (the connection or the process died) is looked for in Sent and
the inbox; when it is in neither, it waits for the person to choose: send it
again or discard it (`next_attempt_at` NULL). It is never sent again alone.
Write the states through store.intent.intent_write so each step survives a
power cut. A "sending" row carries a lease in `next_attempt_at`: another
process (the window and a command line `unibox sync` at once) leaves it
alone until the lease ends.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.core.items import FolderRole
from unibox.store.schema import Account, Folder
from unibox.store.schema_actions import OutboxMessage

if TYPE_CHECKING:  # the email package is not needed to read the outbox
    from unibox.core.outgoing import BuiltMessage

QUEUED = "queued"
SENDING = "sending"
ACCEPTED = "accepted"
DONE = "done"
FAILED = "failed"
CANCELLED = "cancelled"
UNCONFIRMED = "unconfirmed"
OPEN_STATES = (QUEUED, SENDING, UNCONFIRMED, ACCEPTED)
SENDING_LEASE_SECONDS = 15 * 60
# How long the process waiting for the server's reply keeps an unconfirmed row
# (the SMTP client gives up after 60 s without an answer).
CONFIRM_LEASE_SECONDS = 5 * 60
MAY_HAVE_BEEN_SENT = (
    "May have been sent: the server did not confirm, and it is not in Sent. "
    "Send it again or discard it."
)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One outbox row as the engine and `unibox outbox` see it (without the bytes)."""

    id: int
    account_id: int
    account: str
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    created_at: int
    send_at: int
    state: str
    attempts: int
    next_attempt_at: int | None
    last_error: str
    refused: str
    accepted_at: int | None
    done_at: int | None
    reply_to_message_id: int | None

    @property
    def awaits_decision(self) -> bool:
        """Maybe sent, not found in Sent: only the person may send it again."""
        return self.state == UNCONFIRMED and self.next_attempt_at is None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "account": self.account,
            "message_id": self.message_id,
            "to": list(self.recipients),
            "subject": self.subject,
            "state": self.state,
            "send_at": _iso(self.send_at),
            "next_attempt_at": _iso(self.next_attempt_at) if self.state == QUEUED else None,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "refused": self.refused,
            "sent_at": _iso(self.accepted_at),
            "may_have_been_sent": self.state == UNCONFIRMED,
        }


def _iso(seconds: int | None) -> str | None:
    return datetime.fromtimestamp(seconds, UTC).isoformat() if seconds is not None else None


def _item(row: OutboxMessage, account: str) -> OutboxItem:
    return OutboxItem(
        row.id,
        row.account_id,
        account,
        row.message_id_header,
        row.sender,
        tuple(json.loads(row.recipients)),
        row.subject,
        row.created_at,
        row.send_at,
        row.state,
        row.attempts,
        row.next_attempt_at,
        row.last_error,
        row.refused,
        row.accepted_at,
        row.done_at,
        row.reply_to_message_id,
    )


def enqueue(
    session: Session,
    *,
    account_id: int,
    built: BuiltMessage,
    subject: str,
    send_at: int,
    now: int,
    reply_to_message_id: int | None = None,
) -> int:
    """Queue a built message; returns its outbox id."""
    row = OutboxMessage(
        account_id=account_id,
        message_id_header=built.message_id,
        sender=built.sender,
        recipients=json.dumps(list(built.recipients)),
        subject=subject,
        raw=built.raw,
        created_at=now,
        send_at=send_at,
        state=QUEUED,
        attempts=0,
        last_error="",
        refused="",
        reply_to_message_id=reply_to_message_id,
    )
    session.add(row)
    session.flush()
    return row.id


def _select() -> Any:
    return select(OutboxMessage, Account.name).join(Account, Account.id == OutboxMessage.account_id)


def get_item(session: Session, outbox_id: int) -> OutboxItem:
    found = session.execute(_select().where(OutboxMessage.id == outbox_id)).first()
    if found is None:
        raise UserError(f"There is no message {outbox_id} in the outbox.")
    return _item(found[0], found[1])


def raw_of(session: Session, outbox_id: int) -> bytes:
    raw = session.scalar(select(OutboxMessage.raw).where(OutboxMessage.id == outbox_id))
    if raw is None:
        raise UserError(f"There is no message {outbox_id} in the outbox.")
    return bytes(raw)


def list_items(session: Session, *, include_finished: bool = False) -> list[OutboxItem]:
    """Open rows first by when they go; with `include_finished`, the last 100 finished too."""
    rows = session.execute(
        _select().where(OutboxMessage.state.in_(OPEN_STATES)).order_by(OutboxMessage.send_at)
    ).all()
    items = [_item(r, name) for r, name in rows]
    if include_finished:
        older = session.execute(
            _select()
            .where(OutboxMessage.state.not_in(OPEN_STATES))
            .order_by(OutboxMessage.id.desc())
            .limit(100)
        ).all()
        items += [_item(r, name) for r, name in older]
    return items


def due_items(session: Session, account_id: int, now: int) -> list[OutboxItem]:
    """Rows this account should work on now, oldest first.

    Queued rows whose time has come, "sending" and "unconfirmed" rows whose
    lease ran out (a process died while sending) and "accepted" rows (sent,
    not yet in Sent).
    """
    rows = session.execute(
        _select()
        .where(
            OutboxMessage.account_id == account_id,
            or_(
                and_(
                    OutboxMessage.state == QUEUED,
                    OutboxMessage.send_at <= now,
                    or_(
                        OutboxMessage.next_attempt_at.is_(None),
                        OutboxMessage.next_attempt_at <= now,
                    ),
                ),
                and_(OutboxMessage.state == SENDING, OutboxMessage.next_attempt_at <= now),
                and_(OutboxMessage.state == UNCONFIRMED, OutboxMessage.next_attempt_at <= now),
                OutboxMessage.state == ACCEPTED,
            ),
        )
        .order_by(OutboxMessage.id)
    ).all()
    return [_item(r, name) for r, name in rows]


def next_due(session: Session, account_id: int | None = None) -> int | None:
    """When the next queued message may go (Unix seconds), or None when nothing waits."""
    retry = func.coalesce(OutboxMessage.next_attempt_at, 0)
    when = case((retry > OutboxMessage.send_at, retry), else_=OutboxMessage.send_at)
    stmt = select(func.min(when)).where(
        or_(
            OutboxMessage.state.in_((QUEUED, SENDING)),
            and_(OutboxMessage.state == UNCONFIRMED, OutboxMessage.next_attempt_at.is_not(None)),
        )
    )
    if account_id is not None:
        stmt = stmt.where(OutboxMessage.account_id == account_id)
    value = session.scalar(stmt)
    return int(value) if value is not None else None


def claim(session: Session, outbox_id: int, now: int) -> bool:
    """queued (or sending with a lapsed lease) -> sending; False if someone else has it."""
    done = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == outbox_id,
            or_(
                OutboxMessage.state == QUEUED,
                and_(OutboxMessage.state == SENDING, OutboxMessage.next_attempt_at <= now),
            ),
        )
        .values(
            state=SENDING,
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=now + SENDING_LEASE_SECONDS,
        )
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]


def mark_unconfirmed(session: Session, outbox_id: int, now: int) -> None:
    """The end of the message is about to leave: from here a crash leaves it unknown."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id)
        .values(state=UNCONFIRMED, next_attempt_at=now + CONFIRM_LEASE_SECONDS)
    )


def take_unconfirmed(session: Session, outbox_id: int, now: int) -> bool:
    """Hold a lapsed unconfirmed row while Sent is searched; False if another process has it."""
    done = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == outbox_id,
            OutboxMessage.state == UNCONFIRMED,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + CONFIRM_LEASE_SECONDS)
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]


def await_decision(session: Session, outbox_id: int) -> None:
    """Not found in Sent: leave it to the person (send again, or discard)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id, OutboxMessage.state == UNCONFIRMED)
        .values(next_attempt_at=None, last_error=MAY_HAVE_BEEN_SENT)
    )


def mark_accepted(session: Session, outbox_id: int, now: int, refused: dict[str, str]) -> None:
    """The SMTP server took it: from here on it must never be sent again."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id)
        .values(
            state=ACCEPTED,
            accepted_at=now,
            next_attempt_at=None,
            last_error="",
            refused="; ".join(f"{a} ({why})" for a, why in refused.items()),
        )
    )


def mark_done(session: Session, outbox_id: int, now: int, note: str = "") -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id)
        .values(state=DONE, done_at=now, last_error=note)
    )


def mark_retry(session: Session, outbox_id: int, error: str, at: int) -> None:
    """Not sent (surely): back to the queue, to try again at `at`."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id)
        .values(state=QUEUED, next_attempt_at=at, last_error=error)
    )


def mark_error(session: Session, outbox_id: int, error: str, retry_at: int | None = None) -> None:
    """Record a problem without changing the state (e.g. Sent could not be reached)."""
    values: dict[str, Any] = {"last_error": error}
    if retry_at is not None:
        values["next_attempt_at"] = retry_at
    session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(**values))


def mark_failed(session: Session, outbox_id: int, error: str) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id)
        .values(state=FAILED, next_attempt_at=None, last_error=error)
    )


def cancel(session: Session, outbox_id: int) -> OutboxItem:
    """Undo send while the message waits in the queue; or discard one that may have gone."""
    item = get_item(session, outbox_id)
    if item.state in (QUEUED, FAILED) or item.awaits_decision:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(state=CANCELLED)
        )
        return item
    if item.state == CANCELLED:
        return item
    raise UserError(
        f"The message “{item.subject}” is already {'sent' if item.state != SENDING else 'leaving'}"
        "; it can no longer be undone."
    )


def sent_folder(session: Session, account_id: int) -> tuple[int, str] | None:
    """(id, name) of the account's Sent folder, if it has one."""
    row = session.execute(
        select(Folder.id, Folder.name)
        .where(Folder.account_id == account_id, Folder.role == FolderRole.SENT.value)
        .order_by(Folder.id)
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def folder_uidvalidity(session: Session, folder_id: int) -> int | None:
    return session.scalar(select(Folder.uidvalidity).where(Folder.id == folder_id))
