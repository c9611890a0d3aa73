"""person.listed: recipients of a mass mailing are handles, not People

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 20:35:00

Everyone stored before stays listed: a migration cannot tell which people the
user already relies on; new mail follows the rule in `store.people`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN: a batch rebuild of `person` would trip the
    # foreign keys that point at it.
    op.add_column("person", sa.Column("listed", sa.Boolean(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("listed")
