"""message.content_key: copies of one message are found by content, not by Message-ID

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 20:20:00

Messages whose raw source is stored get their key from it (header block and
size, as `core.content_key` computes it at sync time). Messages known only
by their headers keep "", and ingest matches those by the old rule
(Message-ID and subject) until they have a key.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from unibox.core.content_key import content_key
from unibox.core.rawcodec import decompress_raw

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_BATCH = 2000


def upgrade() -> None:
    op.add_column(
        "message", sa.Column("content_key", sa.String(80), nullable=False, server_default="")
    )
    op.create_index("ix_message_content", "message", ["account_id", "content_key"])
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(
            sa.text(
                "SELECT m.id, m.size, r.codec, r.data FROM message AS m"
                " JOIN message_raw AS r ON r.message_id = m.id"
                " WHERE m.id > :last ORDER BY m.id LIMIT :n"
            ),
            {"last": last, "n": _BATCH},
        ).all()
        if not rows:
            break
        keys = []
        for mid, size, codec, data in rows:
            try:
                keys.append({"k": content_key(decompress_raw(data, codec), size), "mid": mid})
            except Exception:  # an unreadable raw row keeps "" and the old matching rule
                continue
        if keys:
            conn.execute(sa.text("UPDATE message SET content_key = :k WHERE id = :mid"), keys)
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_message_content", table_name="message")
    with op.batch_alter_table("message") as batch:
        batch.drop_column("content_key")
