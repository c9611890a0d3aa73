"""Calendar events from mail invitations: event, event_attendee, event_message

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 23:40:00

The invitations already in the store are read by `store.event_backfill`
(a migration cannot parse mail); the partial index on calendar attachments
lets it find them without reading the attachment table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

CALENDAR_ATTACHMENT = "content_type IN ('text/calendar', 'application/ics')"


def upgrade() -> None:
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(500), nullable=False),
        sa.Column("recurrence_id", sa.String(40), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.Integer(), nullable=False),
        sa.Column("ends_at", sa.Integer(), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("rrule", sa.Text(), nullable=False),
        sa.Column("exdates", sa.Text(), nullable=False),
        sa.Column("last_ends_at", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("organizer_handle_id", sa.Integer(), sa.ForeignKey("handle.id"), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column(
            "message_id",
            sa.Integer(),
            sa.ForeignKey("message.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("updated_at", sa.Integer(), nullable=False),
        sa.UniqueConstraint("uid", "recurrence_id"),
    )
    op.create_index("ix_event_last_ends", "event", ["last_ends_at"])
    op.create_table(
        "event_attendee",
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("event.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("handle_id", sa.Integer(), sa.ForeignKey("handle.id"), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("partstat", sa.String(20), nullable=False),
        sa.Column("is_organizer", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_event_attendee_handle", "event_attendee", ["handle_id", "event_id"])
    op.create_table(
        "event_message",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "message_id",
            sa.Integer(),
            sa.ForeignKey("message.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("event.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
    )
    op.create_index("ix_event_message_message", "event_message", ["message_id"])
    op.create_index("ix_event_message_event", "event_message", ["event_id"])
    op.create_index(
        "ix_attachment_calendar",
        "attachment",
        ["message_id"],
        sqlite_where=sa.text(CALENDAR_ATTACHMENT),
        postgresql_where=sa.text(CALENDAR_ATTACHMENT),
    )


def downgrade() -> None:
    op.drop_index("ix_attachment_calendar", table_name="attachment")
    op.drop_table("event_message")
    op.drop_table("event_attendee")
    op.drop_table("event")
