"""chat_media: where a chat attachment is on its server, and its bytes once opened

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 02:00:00

A chat message's files and images are `attachment` rows like mail's; this
table adds their remote address (a Matrix mxc:// URI), what checking and
decrypting them needs (JSON), and the bytes, NULL until first opened.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_media",
        sa.Column(
            "attachment_id",
            sa.Integer(),
            sa.ForeignKey("attachment.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("remote", sa.String(1000), nullable=False),
        sa.Column("details", sa.Text(), nullable=False, server_default=""),
        sa.Column("fetched_at", sa.Integer(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("chat_media")
