"""Tables of chat channels: how far each history was read, and chat messages to send.

Mapped where they are used (store/chat*.py); `schema.full_metadata()` loads them
for Alembic and the schema test. Chat messages themselves are rows of `message`.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from unibox.store.schema import Base


class ChatCursor(Base):
    """How far one archive of an account has been read (core.items.HistoryCursor)."""

    __tablename__ = "chat_cursor"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    archive: Mapped[str] = mapped_column(String(1000), primary_key=True)  # "": the account's own
    newest: Mapped[str] = mapped_column(String(400), default="")
    oldest: Mapped[str] = mapped_column(String(400), default="")
    complete: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[int] = mapped_column(Integer)


class ChatOutbox(Base):
    """A chat message to send: queued -> sent, or failed (for good, with the error).

    The user's message is stored at once as an outgoing `message` (`message_id`),
    so it shows in its conversation; the server's echo of it (the same
    `origin_id`) becomes that message rather than a second one.
    """

    __tablename__ = "chat_outbox"
    __table_args__ = (
        UniqueConstraint("account_id", "origin_id"),
        Index("ix_chat_outbox_state", "state", "account_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("message.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    origin_id: Mapped[str] = mapped_column(String(200))
    reply_to: Mapped[str] = mapped_column(String(400), default="")  # the answered one's remote id
    reply_to_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("message.id", ondelete="SET NULL")
    )
    state: Mapped[str] = mapped_column(String(20), default="queued")  # queued, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[int | None] = mapped_column(Integer)


class ChatChange(Base):
    """An edit, redaction or reaction of a chat message, kept until (and after) it applies."""

    __tablename__ = "chat_change"
    __table_args__ = (
        UniqueConstraint("account_id", "remote_id"),
        Index("ix_chat_change_target", "account_id", "target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    remote_id: Mapped[str] = mapped_column(String(400))  # the change's own id
    target: Mapped[str] = mapped_column(String(400))  # the remote id of what it changes
    action: Mapped[str] = mapped_column(String(20))  # edit, redact, reaction
    sender: Mapped[str] = mapped_column(String(400), default="")
    text: Mapped[str] = mapped_column(Text, default="")  # an edit's text, a reaction's key
    sent_at: Mapped[int] = mapped_column(Integer, default=0)
