"""CardDAV address books and the cards synced with them

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 20:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "address_book",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("username", sa.String(length=400), nullable=False),
        sa.Column("secret_ref", sa.String(length=400), nullable=False),
        sa.Column("ca_file", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.Integer(), nullable=False),
        sa.Column("last_sync_at", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "address_book_card",
        sa.Column("book_id", sa.Integer(), nullable=False),
        sa.Column("href", sa.String(length=2000), nullable=False),
        sa.Column("etag", sa.String(length=400), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("vcard", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["book_id"], ["address_book.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("book_id", "href"),
    )
    op.create_index(
        "ix_address_book_card_person_id", "address_book_card", ["person_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("address_book_card")
    op.drop_table("address_book")
