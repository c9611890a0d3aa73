"""The media of chat messages: where each attachment is on its server, and its bytes once fetched.

A chat attachment is an `attachment` row like a mail one (name, type, size,
position), so lists, `has:attachment` and the reading pane treat both alike.
Mail keeps an attachment's bytes in the message's raw source; a chat keeps
them here, fetched on the first open (NULL until then) and kept, so the
second open needs no network. Mapped where used (store/chat_media.py).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from unibox.store.schema import Base


class ChatMedia(Base):
    """One chat attachment's remote address (an mxc:// URI), how to check it, its bytes."""

    __tablename__ = "chat_media"

    attachment_id: Mapped[int] = mapped_column(
        ForeignKey("attachment.id", ondelete="CASCADE"), primary_key=True
    )
    remote: Mapped[str] = mapped_column(String(1000))
    details: Mapped[str] = mapped_column(Text, default="")  # the channel's JSON (keys, thumbnail)
    fetched_at: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)  # last: reading the rest skips it
