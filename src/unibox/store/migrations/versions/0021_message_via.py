"""message.via: the network behind the bridge that carried a chat message

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 02:00:00

A Matrix message from a bridged sender (a Telegram, WhatsApp, … puppet) says
which network it came from: "telegram", "whatsapp", …; "" for every other
message (and for every row from before).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("message", sa.Column("via", sa.String(20), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_column("via")
