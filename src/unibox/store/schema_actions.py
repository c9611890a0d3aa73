"""Tables of outgoing work and local triage: outbox, pending remote operations, triage.

Imported at the end of `schema` so the tables share its metadata. Rows of
`outbox` and `pending_op` are user intent: they are written with
synchronous=FULL (store/intent.py) and kept until the server has them.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from unibox.store.schema import Base


class OutboxMessage(Base):
    """A message to send, from the moment it is written until it is in Sent.

    state: queued -> sending (committed before any network call) -> unconfirmed
    (committed before the end of the message leaves) -> accepted (the SMTP
    server took it; committed at once) -> done (a copy is in Sent). Or failed
    (the server refused it for good) or cancelled (undo send, or discarded by
    the person when it may have been sent).
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state", "state", "send_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    message_id_header: Mapped[str] = mapped_column(String(1000))  # without angle brackets
    sender: Mapped[str] = mapped_column(String(400))
    recipients: Mapped[str] = mapped_column(Text)  # JSON list of envelope recipients
    subject: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[int] = mapped_column(Integer)
    send_at: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text, default="")
    refused: Mapped[str] = mapped_column(Text, default="")  # recipients the server refused
    accepted_at: Mapped[int | None] = mapped_column(Integer)
    done_at: Mapped[int | None] = mapped_column(Integer)
    # The message this one answers, to mark it \Answered once sent.
    reply_to_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("message.id", ondelete="SET NULL")
    )


class PendingOp(Base):
    """A change the user made locally that the server does not have yet.

    kind: "add_flags" / "remove_flags" (`flags`, space-separated, on every
    place the message has), "move" (from source to target folder; the local
    place got a negative placeholder UID until the server names the real
    one), "expunge" (permanent delete from the trash).
    """

    __tablename__ = "pending_op"
    __table_args__ = (Index("ix_pending_op_state", "state", "account_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    message_id: Mapped[int] = mapped_column(
        ForeignKey("message.id", ondelete="CASCADE"), index=True
    )
    message_id_header: Mapped[str] = mapped_column(String(1000), default="")
    kind: Mapped[str] = mapped_column(String(20))
    flags: Mapped[str] = mapped_column(Text, default="")
    source_folder_id: Mapped[int | None] = mapped_column(
        ForeignKey("folder.id", ondelete="SET NULL")
    )
    source_uid: Mapped[int | None] = mapped_column(Integer)  # None: find it by Message-ID
    source_uidvalidity: Mapped[int | None] = mapped_column(Integer)
    target_folder_id: Mapped[int | None] = mapped_column(
        ForeignKey("folder.id", ondelete="SET NULL")
    )
    placeholder_uid: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending, done, failed
    created_at: Mapped[int] = mapped_column(Integer)
    done_at: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")


class MessageTriage(Base):
    """Local triage of a message beyond IMAP flags (see core/triage.py).

    `mirrored` is set once the server holds the matching keywords, so a later
    sync can tell "another unibox cleared it" from "not pushed yet".
    """

    __tablename__ = "message_triage"
    __table_args__ = (
        Index("ix_triage_snoozed", "snoozed_until"),
        Index("ix_triage_followup", "followup_due"),
    )

    message_id: Mapped[int] = mapped_column(
        ForeignKey("message.id", ondelete="CASCADE"), primary_key=True
    )
    done: Mapped[bool] = mapped_column(default=False)
    snoozed_until: Mapped[int | None] = mapped_column(Integer)
    followup_due: Mapped[int | None] = mapped_column(Integer)
    followup_if_no_reply: Mapped[bool] = mapped_column(default=False)
    mirrored: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[int] = mapped_column(Integer)
