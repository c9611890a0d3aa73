"""Chat in the same store as mail: message channel and remote id, chat conversations,
history cursors and the chat outbox

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 20:10:00

Every message names its channel ("mail" for all mail stored before) and, for a
channel that has one, the id the channel itself keeps unique in the account
(an XMPP archive id, a Matrix event id). A chat conversation is found by its
remote ref (the peer's or the room's address). Existing mail is untouched: the
new columns default to what mail always was.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

REMOTE_ID_SET = "remote_id IS NOT NULL"
REMOTE_REF_SET = "remote_ref IS NOT NULL"
NOT_MAIL = "channel <> 'mail'"


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN: instant at any size (no table copy).
    op.add_column(
        "message", sa.Column("channel", sa.String(20), nullable=False, server_default="mail")
    )
    op.add_column("message", sa.Column("remote_id", sa.String(400), nullable=True))
    op.create_index(
        "ux_message_remote",
        "message",
        ["account_id", "remote_id"],
        unique=True,
        sqlite_where=sa.text(REMOTE_ID_SET),
        postgresql_where=sa.text(REMOTE_ID_SET),
    )
    # Views and counts find the (few, at first) chat messages without reading the mail.
    op.create_index(
        "ix_message_chat",
        "message",
        ["sent_at"],
        sqlite_where=sa.text(NOT_MAIL),
        postgresql_where=sa.text(NOT_MAIL),
    )
    op.add_column("conversation", sa.Column("remote_ref", sa.String(1000), nullable=True))
    op.create_index(
        "ux_conversation_ref",
        "conversation",
        ["account_id", "remote_ref"],
        unique=True,
        sqlite_where=sa.text(REMOTE_REF_SET),
        postgresql_where=sa.text(REMOTE_REF_SET),
    )
    op.create_table(
        "chat_cursor",
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("account.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("archive", sa.String(1000), primary_key=True),
        sa.Column("newest", sa.String(400), nullable=False),
        sa.Column("oldest", sa.String(400), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.Integer(), nullable=False),
    )
    op.create_table(
        "chat_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("account.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "conversation_id",
            sa.Integer(),
            sa.ForeignKey("conversation.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "message_id",
            sa.Integer(),
            sa.ForeignKey("message.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("origin_id", sa.String(200), nullable=False),
        sa.Column("reply_to", sa.String(400), nullable=False),
        sa.Column(
            "reply_to_message_id",
            sa.Integer(),
            sa.ForeignKey("message.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.Integer(), nullable=True),
        sa.UniqueConstraint("account_id", "origin_id"),
    )
    op.create_index("ix_chat_outbox_state", "chat_outbox", ["state", "account_id", "id"])
    op.create_index("ix_chat_outbox_message_id", "chat_outbox", ["message_id"])


def downgrade() -> None:
    op.drop_table("chat_outbox")
    op.drop_table("chat_cursor")
    op.drop_index("ux_conversation_ref", table_name="conversation")
    with op.batch_alter_table("conversation") as batch:
        batch.drop_column("remote_ref")
    op.drop_index("ix_message_chat", table_name="message")
    op.drop_index("ux_message_remote", table_name="message")
    with op.batch_alter_table("message") as batch:
        batch.drop_column("remote_id")
        batch.drop_column("channel")
