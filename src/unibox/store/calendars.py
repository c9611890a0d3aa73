"""Calendars in the store: local ones, CalDAV collections, and the default one.

A local calendar lives only here; a CalDAV calendar is one collection of a
CalDAV account (its server, user name and keyring reference are the
account's). The default calendar is where a new event or an accepted
invitation goes when the user names none: a profile without a server gets a
local "Calendar" the first time one is needed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.store.schema_events import Calendar, Event, EventMessage

DEFAULT_NAME = "Calendar"
LOCAL, CALDAV = "local", "caldav"


@dataclass(frozen=True, slots=True)
class CalendarInfo:
    id: int
    name: str
    kind: str  # "local" or "caldav"
    account_id: int | None
    url: str
    display_name: str
    color: str
    read_only: bool
    is_default: bool
    last_sync_at: int | None
    last_error: str


def _info(c: Calendar) -> CalendarInfo:
    return CalendarInfo(
        c.id,
        c.name,
        c.kind,
        c.account_id,
        c.url,
        c.display_name,
        c.color,
        c.read_only,
        c.is_default,
        c.last_sync_at,
        c.last_error,
    )


def add_calendar(
    session: Session,
    *,
    name: str,
    kind: str = LOCAL,
    account_id: int | None = None,
    url: str = "",
    display_name: str = "",
    color: str = "",
    read_only: bool = False,
) -> CalendarInfo:
    """A new calendar; the first one of a profile becomes its default."""
    name = name.strip()
    if not name:
        raise UserError("A calendar needs a name.")
    if session.scalar(select(Calendar.id).where(Calendar.name == name)) is not None:
        raise UserError(f"There is already a calendar called “{name}”.")
    first = not session.scalar(select(func.count()).select_from(Calendar))
    cal = Calendar(
        name=name,
        kind=kind,
        account_id=account_id,
        url=url,
        display_name=display_name or name,
        color=color,
        read_only=read_only,
        is_default=first and not read_only,
        created_at=int(time.time()),
        last_error="",
    )
    session.add(cal)
    session.flush()
    return _info(cal)


def add_local_calendar(session: Session, name: str, color: str = "") -> CalendarInfo:
    return add_calendar(session, name=name, kind=LOCAL, color=color)


def default_calendar(session: Session) -> CalendarInfo:
    """The calendar new events go to, creating the local "Calendar" if there is none."""
    cal = session.scalar(select(Calendar).where(Calendar.is_default.is_(True)))
    if cal is None:
        cal = session.scalar(
            select(Calendar).where(Calendar.read_only.is_(False)).order_by(Calendar.id)
        )
        if cal is None:
            return add_calendar(session, name=_free_name(session, DEFAULT_NAME), kind=LOCAL)
        cal.is_default = True
        session.flush()
    return _info(cal)


def set_default(session: Session, name: str) -> CalendarInfo:
    cal = _row(session, name)
    if cal.read_only:
        raise UserError(f"The calendar “{name}” is read-only: new events cannot go there.")
    session.execute(update(Calendar).values(is_default=False))
    cal.is_default = True
    session.flush()
    return _info(cal)


def list_calendars(session: Session) -> list[CalendarInfo]:
    return [_info(c) for c in session.scalars(select(Calendar).order_by(Calendar.name))]


def get_calendar(session: Session, name: str) -> CalendarInfo:
    return _info(_row(session, name))


def account_calendars(session: Session, account_id: int) -> list[CalendarInfo]:
    rows = session.scalars(
        select(Calendar).where(Calendar.account_id == account_id).order_by(Calendar.name)
    )
    return [_info(c) for c in rows]


def remove_calendar(session: Session, name: str) -> CalendarInfo:
    """Forget a calendar and its events here (nothing is deleted on a server).

    An event that also came as a mail invitation stays, as an invitation in
    no calendar, so the message still shows its meeting.
    """
    cal = _row(session, name)
    info = _info(cal)
    detach(session, cal.id)
    session.delete(cal)
    session.flush()
    if info.is_default:
        nxt = session.scalar(
            select(Calendar).where(Calendar.read_only.is_(False)).order_by(Calendar.id)
        )
        if nxt is not None:
            nxt.is_default = True
    return info


def detach(session: Session, calendar_id: int) -> None:
    """Keep the calendar's events known from mail as invitations in no calendar."""
    from_mail = select(EventMessage.id).where(EventMessage.event_id == Event.id).exists()
    session.execute(
        update(Event)
        .where(Event.calendar_id == calendar_id, from_mail)
        .values(calendar_id=None, href="", etag="", ics="", local_state="", source="mail")
    )


def set_sync_result(session: Session, calendar_id: int, error: str = "") -> None:
    cal = session.get(Calendar, calendar_id)
    if cal is not None:
        cal.last_sync_at = int(time.time())
        cal.last_error = error


def _row(session: Session, name: str) -> Calendar:
    cal = session.scalar(select(Calendar).where(Calendar.name == name))
    if cal is None:
        raise UserError(f"There is no calendar called “{name}”.")
    return cal


def _free_name(session: Session, base: str) -> str:
    taken = set(session.scalars(select(Calendar.name)))
    name, n = base, 2
    while name in taken:
        name, n = f"{base} {n}", n + 1
    return name
