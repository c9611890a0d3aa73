"""Alembic environment: runs on the connection the store hands over."""

from __future__ import annotations

from alembic import context

from unibox.store.schema import full_metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when run from the alembic CLI
    raise RuntimeError("unibox migrations run through unibox.store.engine.migrate()")

context.configure(
    connection=connection,
    target_metadata=full_metadata(),
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
