"""pop3_uidl: the messages of a POP3 maildrop already downloaded

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 21:10:00

A POP3 message is known by its UIDL; in the store it is (folder, UID) as any
mail, with the UID counted up in the folder's uidnext. A new table: nothing
stored before changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pop3_uidl",
        sa.Column(
            "folder_id",
            sa.Integer(),
            sa.ForeignKey("folder.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("uidl", sa.String(80), primary_key=True),
        sa.Column("uid", sa.Integer(), nullable=False),
        sa.Column("downloaded_at", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.Integer(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("pop3_uidl")
