"""calendars: local and CalDAV calendars, and which event lives in which

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 22:40:00

An event keeps one row per (uid, recurrence-id) whether it came by mail, from
a calendar, or both: `calendar_id` is NULL for an invitation not (yet) in a
calendar, and the calendar's copy wins once it has one. `ics` is the raw
VCALENDAR of the server resource at `href` (shared by a series and its changed
occurrences), so an edit sent back keeps what unibox does not read.
`local_state` marks a change not yet on the server: 'new', 'changed' or
'deleted' ('' once both sides agree).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("account.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("url", sa.String(2000), nullable=False, server_default=""),
        sa.Column("display_name", sa.String(400), nullable=False, server_default=""),
        sa.Column("color", sa.String(20), nullable=False, server_default=""),
        sa.Column("sync_token", sa.Text(), nullable=False, server_default=""),
        sa.Column("ctag", sa.String(400), nullable=False, server_default=""),
        sa.Column("read_only", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("is_default", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.Integer(), nullable=False),
        sa.Column("last_sync_at", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False, server_default=""),
        sa.UniqueConstraint("name"),
    )
    op.create_index("ix_calendar_account", "calendar", ["account_id"])
    with op.batch_alter_table("event") as batch:
        batch.add_column(
            sa.Column(
                "calendar_id",
                sa.Integer(),
                sa.ForeignKey("calendar.id", name="fk_event_calendar", ondelete="CASCADE"),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("href", sa.String(2000), nullable=False, server_default=""))
        batch.add_column(sa.Column("etag", sa.String(400), nullable=False, server_default=""))
        batch.add_column(sa.Column("ics", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("local_state", sa.String(10), nullable=False, server_default=""))
    op.create_index("ix_event_calendar_href", "event", ["calendar_id", "href"])
    op.create_index(
        "ix_event_local_state",
        "event",
        ["calendar_id"],
        sqlite_where=sa.text("local_state != ''"),
        postgresql_where=sa.text("local_state != ''"),
    )


def downgrade() -> None:
    op.drop_index("ix_event_local_state", table_name="event")
    op.drop_index("ix_event_calendar_href", table_name="event")
    with op.batch_alter_table("event") as batch:
        batch.drop_constraint("fk_event_calendar", type_="foreignkey")
        for column in ("local_state", "ics", "etag", "href", "calendar_id"):
            batch.drop_column(column)
    op.drop_index("ix_calendar_account", table_name="calendar")
    op.drop_table("calendar")
