"""chat_change: edits, redactions and reactions of chat messages (Matrix)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 00:00:00

A change is kept by its own remote id whether or not the message it changes
is stored yet: paging back through a room's history meets an edit before the
message it edits, so the change waits and is applied when the message comes.
Reactions are the rows of action "reaction"; a redaction of a reaction
deletes that row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("account.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("remote_id", sa.String(400), nullable=False),
        sa.Column("target", sa.String(400), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("sender", sa.String(400), nullable=False, server_default=""),
        sa.Column("text", sa.Text(), nullable=False, server_default=""),
        sa.Column("sent_at", sa.Integer(), nullable=False, server_default="0"),
        sa.UniqueConstraint("account_id", "remote_id"),
    )
    op.create_index("ix_chat_change_target", "chat_change", ["account_id", "target"])


def downgrade() -> None:
    op.drop_index("ix_chat_change_target", "chat_change")
    op.drop_table("chat_change")
