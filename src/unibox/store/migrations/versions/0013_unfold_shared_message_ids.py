"""Messages folded into one by a shared Message-ID come back on the next sync

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 21:00:00

Before 0011 a new location whose Message-ID and subject matched a stored
message joined it, so distinct messages sharing both were kept as one. Two
locations of one message in one folder can only come from that (a message has
one location per folder now): those locations are dropped, and the folder's
UIDNEXT and HIGHESTMODSEQ forgotten, so the next sync compares the folder's
whole UID list and fetches them again. Each then finds its own message by
content (the stored one keeps its local state), the others are new messages.
Folded copies in different folders cannot be told from real copies without
their bytes and stay as they are.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    folded = conn.execute(
        sa.text(
            "SELECT folder_id, message_id FROM message_location"
            " GROUP BY folder_id, message_id HAVING count(*) > 1"
        )
    ).all()
    if not folded:
        return
    conn.execute(
        sa.text("DELETE FROM message_location WHERE folder_id = :f AND message_id = :m"),
        [{"f": f, "m": m} for f, m in folded],
    )
    conn.execute(
        sa.text("UPDATE folder SET uidnext = NULL, highestmodseq = NULL WHERE id = :f"),
        [{"f": f} for f in {f for f, _m in folded}],
    )


def downgrade() -> None:
    pass  # nothing to undo: the next sync has put every message back in its place
