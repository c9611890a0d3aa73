"""Calendar events and who is on them, filled from mail invitations (later CalDAV, .ics).

One row per (uid, recurrence_id): a single meeting, a recurring series (its
RRULE kept as written and expanded when read), or one changed occurrence of a
series. The newest version wins by SEQUENCE, then DTSTAMP. Attendees are
handles, so "meetings with this person" is one indexed query.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from unibox.store.schema import Base


class Event(Base):
    """A calendar event as its newest invitation (or, later, its calendar) describes it.

    `last_ends_at` is when the last occurrence ends (NULL for a series without
    end), so past events are left out without expanding them. `source` says
    where the current version came from ("mail": `message_id` is the message).
    """

    __tablename__ = "event"
    __table_args__ = (
        UniqueConstraint("uid", "recurrence_id"),
        Index("ix_event_last_ends", "last_ends_at"),
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
