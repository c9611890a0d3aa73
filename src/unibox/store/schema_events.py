"""Calendars, their events and who is on them (from mail invitations, CalDAV, .ics).

One row per (uid, recurrence_id): a single meeting, a recurring series (its
RRULE kept as written and expanded when read), or one changed occurrence of a
series. The newest version wins by SEQUENCE, then DTSTAMP. Attendees are
handles, so "meetings with this person" is one indexed query.

An event in a calendar and the same UID in a mail invitation are one row: the
calendar's copy wins (`calendar_id` set), mail only updates it by a newer
SEQUENCE. A change made here and not yet on the server has `local_state`
'new', 'changed' or 'deleted' (a deleted row stays until the server agrees and
is left out of every view); the sync sends it and sets `local_state` to ''.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from unibox.store.schema import Base


class Calendar(Base):
    """A calendar: 'local' (only here) or 'caldav' (one collection of a CalDAV account).

    `url` is the collection's address on the server; `sync_token` and `ctag`
    are what the server said last, so a sync asks only for what changed.
    """

    __tablename__ = "calendar"
    __table_args__ = (Index("ix_calendar_account", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000), default="", server_default="")
    display_name: Mapped[str] = mapped_column(String(400), default="", server_default="")
    color: Mapped[str] = mapped_column(String(20), default="", server_default="")
    sync_token: Mapped[str] = mapped_column(Text, default="", server_default="")
    ctag: Mapped[str] = mapped_column(String(400), default="", server_default="")
    read_only: Mapped[bool] = mapped_column(default=False, server_default="0")
    is_default: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[int] = mapped_column(Integer)
    last_sync_at: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text, default="", server_default="")


class Event(Base):
    """A calendar event as its calendar (or else its newest invitation) describes it.

    `last_ends_at` is when the last occurrence ends (NULL for a series without
    end), so past events are left out without expanding them. `source` says
    where the current version came from ("mail": `message_id` is the message;
    "caldav", "local"). `href`, `etag` and `ics` are the server resource the
    event is in (every row of a series shares them).
    """

    __tablename__ = "event"
    __table_args__ = (
        UniqueConstraint("uid", "recurrence_id"),
        Index("ix_event_last_ends", "last_ends_at"),
        Index("ix_event_calendar_href", "calendar_id", "href"),
        Index(
            "ix_event_local_state",
            "calendar_id",
            sqlite_where=text("local_state != ''"),
            postgresql_where=text("local_state != ''"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(500))
    recurrence_id: Mapped[str] = mapped_column(String(40), default="")
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    stamp: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[int] = mapped_column(Integer)
    ends_at: Mapped[int] = mapped_column(Integer)
    all_day: Mapped[bool] = mapped_column(default=False)
    timezone: Mapped[str] = mapped_column(String(64), default="")
    rrule: Mapped[str] = mapped_column(Text, default="")
    exdates: Mapped[str] = mapped_column(Text, default="")  # UTC seconds, space-separated
    rdates: Mapped[str] = mapped_column(Text, default="", server_default="")  # as exdates
    last_ends_at: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="confirmed")
    organizer_handle_id: Mapped[int | None] = mapped_column(ForeignKey("handle.id"))
    source: Mapped[str] = mapped_column(String(20), default="mail")
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"))
    updated_at: Mapped[int] = mapped_column(Integer)
    calendar_id: Mapped[int | None] = mapped_column(
        ForeignKey("calendar.id", name="fk_event_calendar", ondelete="CASCADE")
    )
    href: Mapped[str] = mapped_column(String(2000), default="", server_default="")
    etag: Mapped[str] = mapped_column(String(400), default="", server_default="")
    ics: Mapped[str] = mapped_column(Text, default="", server_default="")
    local_state: Mapped[str] = mapped_column(String(10), default="", server_default="")
    alarms: Mapped[str] = mapped_column(Text, default="", server_default="")  # core.reminders


class EventAttendee(Base):
    """A handle on an event: its role, its answer, and whether it organizes."""

    __tablename__ = "event_attendee"
    __table_args__ = (Index("ix_event_attendee_handle", "handle_id", "event_id"),)

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    handle_id: Mapped[int] = mapped_column(ForeignKey("handle.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(400), default="")
    role: Mapped[str] = mapped_column(String(20), default="")
    partstat: Mapped[str] = mapped_column(String(20), default="")
    is_organizer: Mapped[bool] = mapped_column(default=False)


class EventMessage(Base):
    """A message that carried a calendar part, and the event it was about.

    `event_id` is NULL when the calendar gave nothing to keep (unreadable, or a
    reply about an unknown event): the message was read and need not be again.
    """

    __tablename__ = "event_message"
    __table_args__ = (
        Index("ix_event_message_message", "message_id"),
        Index("ix_event_message_event", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(20), default="")
    sequence: Mapped[int] = mapped_column(Integer, default=0)


class EventReply(Base):
    """Our answer to an invitation, and the outbox message that carries it to the organizer.

    One row per event: answering again replaces the answer, and a REPLY still
    waiting in the outbox is withdrawn rather than followed by a second one.
    """

    __tablename__ = "event_reply"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    partstat: Mapped[str] = mapped_column(String(20))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    answered_at: Mapped[int] = mapped_column(Integer)


class ReminderFired(Base):
    """A reminder already shown (core.reminders.reminder_key): each fires once, across restarts."""

    __tablename__ = "reminder_fired"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    fired_at: Mapped[int] = mapped_column(Integer)
