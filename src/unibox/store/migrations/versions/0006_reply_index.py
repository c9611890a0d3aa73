"""Index replies by the message they answer

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 20:16:00

Finding the replies to a message (reply-chain merge suggestions, "awaiting
their reply") scanned the account's messages once per parent: 22 s for
10,000 messages.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_message_in_reply_to", "message", ["account_id", "in_reply_to"])


def downgrade() -> None:
    op.drop_index("ix_message_in_reply_to", table_name="message")
