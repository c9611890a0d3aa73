"""event_rdates: the RDATEs of a repeating event

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 21:30:00

Occurrences an event adds to its RRULE (or has instead of one), kept as its
EXDATEs are: UTC seconds, space-separated. Rows stored before have none.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("event", sa.Column("rdates", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_column("rdates")
