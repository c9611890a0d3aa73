"""Indexes for the Unread, Flagged and folder views

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 18:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_message_unread",
        "message",
        ["sent_at"],
        sqlite_where=sa.text("is_seen = 0 AND deleted_at IS NULL"),
        postgresql_where=sa.text("NOT is_seen AND deleted_at IS NULL"),
    )
    op.create_index(
        "ix_message_flagged",
        "message",
        ["sent_at"],
        sqlite_where=sa.text("is_flagged = 1 AND deleted_at IS NULL"),
        postgresql_where=sa.text("is_flagged AND deleted_at IS NULL"),
    )
    op.create_index("ix_location_folder_message", "message_location", ["folder_id", "message_id"])


def downgrade() -> None:
    op.drop_index("ix_location_folder_message", table_name="message_location")
    op.drop_index("ix_message_flagged", table_name="message")
    op.drop_index("ix_message_unread", table_name="message")
