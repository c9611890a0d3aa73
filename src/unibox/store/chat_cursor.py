"""How far each history archive of a chat account has been read."""

from __future__ import annotations

import time

from sqlalchemy.orm import Session

from unibox.core.items import HistoryCursor
from unibox.store.schema_chat import ChatCursor


def load_cursor(session: Session, account_id: int, archive: str) -> HistoryCursor:
    """The stored cursor of an archive ("" the account's own); an empty one if never read."""
    row = session.get(ChatCursor, (account_id, archive))
    if row is None:
        return HistoryCursor()
    return HistoryCursor(row.newest, row.oldest, bool(row.complete))


def save_cursor(session: Session, account_id: int, archive: str, cursor: HistoryCursor) -> None:
    """Store the cursor; call it in the transaction that stored the items it came with."""
    row = session.get(ChatCursor, (account_id, archive))
    now = int(time.time())
    if row is None:
        row = ChatCursor(account_id=account_id, archive=archive, updated_at=now)
        session.add(row)
    row.newest = cursor.newest
    row.oldest = cursor.oldest
    row.complete = cursor.complete
    row.updated_at = now
    session.flush()
