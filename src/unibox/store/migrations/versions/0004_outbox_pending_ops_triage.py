"""Outbox, pending remote operations and local triage state

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("message_id_header", sa.String(length=1000), nullable=False),
        sa.Column("sender", sa.String(length=400), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.Integer(), nullable=False),
        sa.Column("send_at", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("refused", sa.Text(), nullable=False),
        sa.Column("accepted_at", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.Integer(), nullable=True),
        sa.Column("reply_to_message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reply_to_message_id"], ["message.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_outbox_state", "outbox", ["state", "send_at"])
    op.create_table(
        "pending_op",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("message_id_header", sa.String(length=1000), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("flags", sa.Text(), nullable=False),
        sa.Column("source_folder_id", sa.Integer(), nullable=True),
        sa.Column("source_uid", sa.Integer(), nullable=True),
        sa.Column("source_uidvalidity", sa.Integer(), nullable=True),
        sa.Column("target_folder_id", sa.Integer(), nullable=True),
        sa.Column("placeholder_uid", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_folder_id"], ["folder.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["target_folder_id"], ["folder.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pending_op_state", "pending_op", ["state", "account_id", "id"])
    op.create_index("ix_pending_op_message_id", "pending_op", ["message_id"])
    op.create_table(
        "message_triage",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("snoozed_until", sa.Integer(), nullable=True),
        sa.Column("followup_due", sa.Integer(), nullable=True),
        sa.Column("followup_if_no_reply", sa.Boolean(), nullable=False),
        sa.Column("mirrored", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("message_id"),
    )
    op.create_index("ix_triage_snoozed", "message_triage", ["snoozed_until"])
    op.create_index("ix_triage_followup", "message_triage", ["followup_due"])


def downgrade() -> None:
    op.drop_index("ix_triage_followup", table_name="message_triage")
    op.drop_index("ix_triage_snoozed", table_name="message_triage")
    op.drop_table("message_triage")
    op.drop_index("ix_pending_op_message_id", table_name="pending_op")
    op.drop_index("ix_pending_op_state", table_name="pending_op")
    op.drop_table("pending_op")
    op.drop_index("ix_outbox_state", table_name="outbox")
    op.drop_table("outbox")
