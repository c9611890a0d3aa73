"""Handles proposed for a person's card (found in their signature)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 20:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handle_suggestion",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("value", sa.String(400), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("created_at", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.Integer(), nullable=True),
        sa.UniqueConstraint("person_id", "kind", "value"),
    )
    op.create_index("ix_handle_suggestion_state", "handle_suggestion", ["state"])


def downgrade() -> None:
    op.drop_index("ix_handle_suggestion_state", table_name="handle_suggestion")
    op.drop_table("handle_suggestion")
