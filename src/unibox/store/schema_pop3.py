"""The table of POP3 accounts: which messages of the maildrop the store already has.

Mapped where it is used (store/pop3_state.py); `schema.full_metadata()` loads it
for Alembic and the schema test. POP3 mail itself is rows of `message` in the
account's local "Inbox" folder.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from unibox.store.schema import Base


class Pop3Uidl(Base):
    """A message of a POP3 maildrop that was downloaded: its UIDL and its UID in the folder.

    The row stays when the message is deleted (on the server or here), so a UIDL is
    never downloaded twice.
    """

    __tablename__ = "pop3_uidl"

    folder_id: Mapped[int] = mapped_column(
        ForeignKey("folder.id", ondelete="CASCADE"), primary_key=True
    )
    uidl: Mapped[str] = mapped_column(String(80), primary_key=True)  # RFC 1939: 1-70 chars
    uid: Mapped[int] = mapped_column(Integer)
    downloaded_at: Mapped[int] = mapped_column(Integer)
    deleted_at: Mapped[int | None] = mapped_column(Integer)  # deleted from the server
