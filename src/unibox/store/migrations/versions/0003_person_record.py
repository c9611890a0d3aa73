"""The person record: contact card, touch points, tasks, merges, suggestions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _person_fk(name: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([name], ["person.id"], ondelete="CASCADE")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # A plain ADD COLUMN: rebuilding `person` (batch mode) would trip the
        # foreign keys that point at it.
        op.execute("ALTER TABLE person ADD COLUMN merged_into_id INTEGER REFERENCES person (id)")
    else:
        op.add_column("person", sa.Column("merged_into_id", sa.Integer(), nullable=True))
        op.create_foreign_key(None, "person", "person", ["merged_into_id"], ["id"])
    op.create_table(
        "person_card",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=400), nullable=False),
        sa.Column("full_name", sa.String(length=400), nullable=False),
        sa.Column("given_name", sa.String(length=200), nullable=False),
        sa.Column("family_name", sa.String(length=200), nullable=False),
        sa.Column("nickname", sa.String(length=200), nullable=False),
        sa.Column("company", sa.String(length=400), nullable=False),
        sa.Column("title", sa.String(length=400), nullable=False),
        sa.Column("birthday", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("photo_type", sa.String(length=60), nullable=False),
        sa.Column("updated_at", sa.Integer(), nullable=False),
        _person_fk("person_id"),
        sa.PrimaryKeyConstraint("person_id"),
    )
    op.create_index("ix_person_card_uid", "person_card", ["uid"])
    op.create_table(
        "person_field",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _person_fk("person_id"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_person_field_person", "person_field", ["person_id", "kind"])
    op.create_table(
        "person_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("happened_at", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("done_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.Integer(), nullable=False),
        _person_fk("person_id"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_person_note_person", "person_note", ["person_id", "happened_at"])
    op.create_table(
        "person_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("due_at", sa.Integer(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("done_at", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"], ondelete="SET NULL"),
        _person_fk("person_id"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_person_task_person", "person_task", ["person_id", "done_at"])
    op.create_table(
        "person_merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("other_person_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.Integer(), nullable=False),
        sa.Column("undone_at", sa.Integer(), nullable=True),
        sa.Column("detail_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["other_person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_person_merge_person_id", "person_merge", ["person_id"])
    op.create_index("ix_person_merge_other_person_id", "person_merge", ["other_person_id"])
    op.create_table(
        "merge_suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("other_person_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.Integer(), nullable=True),
        _person_fk("other_person_id"),
        _person_fk("person_id"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "other_person_id", "reason"),
    )
    op.create_index("ix_merge_suggestion_state", "merge_suggestion", ["state"])


def downgrade() -> None:
    for name in (
        "merge_suggestion",
        "person_merge",
        "person_task",
        "person_note",
        "person_field",
        "person_card",
    ):
        op.drop_table(name)
    with op.batch_alter_table("person") as batch:
        batch.drop_column("merged_into_id")
