"""The SQLite schema as typed SQLAlchemy ORM classes.

The tables are created by the Alembic migrations in `migrations/`, never by
`create_all` in production code; a test checks that the two agree. Times are
stored as integer Unix seconds (UTC): compact, fast to sort, portable.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import (
    Connection,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


def table(model: type[Base]) -> Table:
    """The Core table of a model, for set-at-a-time statements on hot paths."""
    return cast(Table, model.__table__)


def insert_rows(conn: Connection, t: Table, rows: list[dict[str, Any]]) -> None:
    """executemany straight to the driver: the hot path of a first sync.

    SQLAlchemy's per-row parameter processing cost a second per 10k messages;
    these tables hold plain values (no type processors), so nothing is lost.
    """
    if not rows:
        return
    columns = list(rows[0])
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {t.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    conn.exec_driver_sql(sql, [tuple(r[c] for c in columns) for r in rows])


def next_id(conn: Connection, t: Table) -> int:
    """The next free id; safe because the single writer holds the database lock."""
    return int(conn.execute(select(t.c.id).order_by(t.c.id.desc()).limit(1)).scalar() or 0) + 1


# The kind of an account that only holds calendars (its settings: url, username, ca_file).
CALDAV_KIND = "caldav"


class Account(Base):
    """A remote account: its server settings and a keyring reference, never a secret."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(320), default="")
    display_name: Mapped[str] = mapped_column(String(200), default="")
    settings_json: Mapped[str] = mapped_column(Text, default="{}")
    secret_ref: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[int] = mapped_column(Integer)
    last_sync_at: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text, default="")


class Folder(Base):
    """A mail folder of an account with the server state needed to sync it."""

    __tablename__ = "folder"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(1000))
    delimiter: Mapped[str] = mapped_column(String(4), default="/")
    role: Mapped[str] = mapped_column(String(20), default="")
    sync_enabled: Mapped[bool] = mapped_column(default=True)
    uidvalidity: Mapped[int | None] = mapped_column(Integer)
    uidnext: Mapped[int | None] = mapped_column(Integer)
    highestmodseq: Mapped[int | None] = mapped_column(Integer)
    last_sync_at: Mapped[int | None] = mapped_column(Integer)


class Person(Base):
    """A human being, reachable through one or more handles."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(400), default="")
    is_me: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[int] = mapped_column(Integer)
    # Set while this person is merged into another (undoable; see person_merge).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # False for someone seen only among the recipients of a mass mailing: they keep
    # their handle (search by address works) but are not among People until a
    # conversation (they write, the user writes to them, a small thread) or the user
    # (a note, task, card or merge) makes them a contact. See store/people.py.
    listed: Mapped[bool] = mapped_column(default=True, server_default="1")


class Handle(Base):
    """A normalized address of some kind (email, phone, jid, …) owned by a person."""

    __tablename__ = "handle"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(400))
    display_name: Mapped[str] = mapped_column(String(400), default="")
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)


class Conversation(Base):
    """A mail thread, a one-to-one chat or a group chat (`kind`: mail, chat, group).

    A chat is found by `remote_ref`, the peer's or the room's address as its
    channel names it (NULL for mail, whose threads are found by Message-ID).
    """

    __tablename__ = "conversation"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default="mail")
    subject: Mapped[str] = mapped_column(Text, default="")
    subject_key: Mapped[str] = mapped_column(Text, default="")
    last_message_at: Mapped[int] = mapped_column(Integer, default=0)
    message_count: Mapped[int] = mapped_column(Integer, default=0)
    remote_ref: Mapped[str | None] = mapped_column(String(1000))

    __table_args__ = (
        Index("ix_conversation_subject", "account_id", "subject_key", "last_message_at"),
        Index(
            "ux_conversation_ref",
            "account_id",
            "remote_ref",
            unique=True,
            sqlite_where=text("remote_ref IS NOT NULL"),
        ),
    )


class ThreadRef(Base):
    """Every Message-ID seen in a thread, so late parents join their children."""

    __tablename__ = "thread_ref"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    message_id_header: Mapped[str] = mapped_column(String(1000), primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True
    )


# Chat messages (of any channel but mail): a partial index finds them at any size.
# Queries must repeat this text literally, as for CALENDAR_ATTACHMENT below.
NOT_MAIL = "message.channel <> 'mail'"


class Message(Base):
    """One message of any channel. Flags mirror the server; `deleted_at` hides orphans.

    `channel` is mail, xmpp, matrix, …; `remote_id` the id the channel keeps
    unique in the account (NULL for mail, which is keyed by its locations).
    """

    __tablename__ = "message"
    __table_args__ = (
        Index("ix_message_msgid", "account_id", "message_id_header"),
        Index("ix_message_content", "account_id", "content_key"),
        Index("ix_message_in_reply_to", "account_id", "in_reply_to"),
        Index("ix_message_sent", "sent_at"),
        Index("ix_message_conversation", "conversation_id", "sent_at"),
        # The Unread and Flagged views read a small slice of a large table. (The
        # PostgreSQL form lives in the migration: naming it here would import that
        # dialect, and asyncio with it, into every short command.)
        Index(
            "ix_message_unread",
            "sent_at",
            sqlite_where=text("is_seen = 0 AND deleted_at IS NULL"),
        ),
        Index(
            "ix_message_flagged",
            "sent_at",
            sqlite_where=text("is_flagged = 1 AND deleted_at IS NULL"),
        ),
        Index(
            "ux_message_remote",
            "account_id",
            "remote_id",
            unique=True,
            sqlite_where=text("remote_id IS NOT NULL"),
        ),
        Index("ix_message_chat", "sent_at", sqlite_where=text("channel <> 'mail'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"))
    message_id_header: Mapped[str] = mapped_column(String(1000), default="")
    in_reply_to: Mapped[str] = mapped_column(String(1000), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    sender_handle_id: Mapped[int | None] = mapped_column(ForeignKey("handle.id"), index=True)
    sent_at: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[int | None] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(3), default="in")
    snippet: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    has_attachments: Mapped[bool] = mapped_column(default=False)
    parse_state: Mapped[str] = mapped_column(String(10))
    parse_error: Mapped[str] = mapped_column(Text, default="")
    is_seen: Mapped[bool] = mapped_column(default=False)
    is_flagged: Mapped[bool] = mapped_column(default=False)
    is_answered: Mapped[bool] = mapped_column(default=False)
    is_draft: Mapped[bool] = mapped_column(default=False)
    keywords: Mapped[str] = mapped_column(Text, default="")
    deleted_at: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20), default="mail", server_default="mail")
    via: Mapped[str] = mapped_column(String(20), default="", server_default="")  # bridged network
    remote_id: Mapped[str | None] = mapped_column(String(400))
    # Header block and size (core.content_key): the same for copies of one message,
    # so a move or a renumbered folder finds it again. "" for rows from before it.
    content_key: Mapped[str] = mapped_column(String(80), default="")


class MessageLocation(Base):
    """Where a message lives on the server: (folder, UID). One message, many places."""

    __tablename__ = "message_location"
    __table_args__ = (
        UniqueConstraint("folder_id", "uid"),
        # Folder views and counts: find a folder's messages without touching the table.
        Index("ix_location_folder_message", "folder_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("message.id", ondelete="CASCADE"), index=True
    )
    folder_id: Mapped[int] = mapped_column(ForeignKey("folder.id", ondelete="CASCADE"))
    uid: Mapped[int] = mapped_column(Integer)
    modseq: Mapped[int | None] = mapped_column(Integer)
    flags: Mapped[str] = mapped_column(Text, default="")


class MessageBody(Base):
    """Text and sanitized HTML, kept apart so message lists stay small.

    `names` and `addresses` are the participants as written in this message:
    immutable, so the full-text index built from them can be maintained.
    """

    __tablename__ = "message_body"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("message.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    names: Mapped[str] = mapped_column(Text, default="")
    addresses: Mapped[str] = mapped_column(Text, default="")


class MessageRaw(Base):
    """The exact RFC 5322 source, zlib-compressed."""

    __tablename__ = "message_raw"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("message.id", ondelete="CASCADE"), primary_key=True
    )
    codec: Mapped[str] = mapped_column(String(10), default="zlib")
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Participant(Base):
    """A handle's role in a message (from, to, cc, …) with the name as written."""

    __tablename__ = "participant"
    __table_args__ = (Index("ix_participant_handle", "handle_id", "role"),)

    message_id: Mapped[int] = mapped_column(
        ForeignKey("message.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(10), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    handle_id: Mapped[int] = mapped_column(ForeignKey("handle.id"))
    name: Mapped[str] = mapped_column(String(400), default="")


# The attachments that are calendars (invitations): a partial index finds them at
# any size. Queries must repeat this text literally (not as bound parameters), or
# SQLite cannot tell that the index applies.
CALENDAR_ATTACHMENT = "content_type IN ('text/calendar', 'application/ics')"


class Attachment(Base):
    """An attachment's description; its bytes stay in the raw source."""

    __tablename__ = "attachment"
    __table_args__ = (
        # Finds the messages that carry an invitation (store/event_backfill.py).
        Index(
            "ix_attachment_calendar",
            "message_id",
            sqlite_where=text(CALENDAR_ATTACHMENT),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("message.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(400))
    content_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    content_id: Mapped[str] = mapped_column(String(400), default="")
    inline: Mapped[bool] = mapped_column(default=False)


# The full-text index is an FTS5 virtual table over the view below; SQLAlchemy
# does not model virtual tables, so migrations create them with this DDL.
FTS_DDL = (
    """
    CREATE VIEW message_search AS
    SELECT b.message_id AS message_id, m.subject AS subject, b.text AS body,
           b.names AS names, b.addresses AS addresses
    FROM message_body AS b JOIN message AS m ON m.id = b.message_id
    """,
    """
    CREATE VIRTUAL TABLE message_fts USING fts5(
        subject, body, names, addresses,
        content='message_search', content_rowid='message_id',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2'
    )
    """,
)

# The tables of outgoing work and triage (schema_actions) live in their own
# module; importing it here puts them on the same metadata wherever the schema
# is loaded (a sync needs them). The person record's tables (schema_people) are
# mapped only where they are used: a no-change sync never touches them, and
# mapping them was a tenth of its time. `full_metadata()` has every table.
from unibox.store import schema_actions as _schema_actions  # noqa: E402, F401


def full_metadata() -> MetaData:
    """The metadata with every table of the store (for Alembic and the schema test)."""
    from unibox.store import (  # noqa: F401
        schema_chat,
        schema_events,
        schema_media,
        schema_people,
        schema_pop3,
    )

    return Base.metadata
