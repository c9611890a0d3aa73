"""event_alarms: the reminders of events, and which were shown

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 23:50:00

`event.alarms` holds an event's VALARM triggers as core.reminders writes them
(space-separated tokens); rows stored before have none until their calendar
or invitation is read again. `reminder_fired` remembers each reminder shown
(a hash of UID, occurrence and trigger), so none fires twice, also after a
restart.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("event", sa.Column("alarms", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "reminder_fired",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("fired_at", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reminder_fired")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("alarms")
