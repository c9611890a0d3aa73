"""event_replies: our answers to invitations

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 22:50:00

`event_reply` keeps, per event, the answer we sent (PARTSTAT) and the outbox
row carrying it, so a changed answer replaces a REPLY still waiting instead of
sending two.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_reply",
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("event.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("partstat", sa.String(20), nullable=False),
        sa.Column(
            "outbox_id",
            sa.Integer(),
            sa.ForeignKey("outbox.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("answered_at", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("event_reply")
