"""Building normalized items and stores for tests without a parser or a server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from unibox.core.content_key import content_key
from unibox.core.items import (
    Address,
    AttachmentInfo,
    FolderRole,
    IncomingMessage,
    ParsedMessage,
    ParseState,
    RemoteFolder,
)
from unibox.store import accounts, folders
from unibox.store.store import Store

BASE = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


def parsed(
    subject: str = "Hello",
    *,
    message_id: str = "",
    in_reply_to: str = "",
    references: tuple[str, ...] = (),
    from_: tuple[Address, ...] = (Address("ann@example.org", "Ann Example"),),
    to: tuple[Address, ...] = (Address("me@example.com", "Me"),),
    cc: tuple[Address, ...] = (),
    day: int = 0,
    text: str = "Body text",
    attachments: tuple[AttachmentInfo, ...] = (),
    state: ParseState = ParseState.COMPLETE,
) -> ParsedMessage:
    return ParsedMessage(
        state=state,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        subject=subject,
        from_=from_,
        to=to,
        cc=cc,
        date=BASE + timedelta(days=day),
        text=text if state != ParseState.HEADERS else "",
        attachments=attachments,
    )


def item(
    uid: int,
    p: ParsedMessage,
    *,
    flags: tuple[str, ...] = (),
    raw: bytes | None = None,
    headers_only: bool = False,
) -> IncomingMessage:
    if raw is None:
        raw = f"Subject: {p.subject}\r\nMessage-ID: <{p.message_id}>\r\n\r\n{p.text}\r\n".encode()
    size = 0 if headers_only else len(raw)
    return IncomingMessage(
        uid=uid,
        flags=flags,
        size=size,
        internal_date=p.date,
        parsed=p,
        raw=None if headers_only else raw,
        content_key=content_key(raw, size),
    )


def new_store(tmp_path: Path) -> Store:
    return Store(tmp_path / "profile" / "unibox.sqlite3")


def add_account(store: Store, name: str = "Work", email: str = "me@example.com") -> int:
    settings = accounts.MailSettings(
        imap=accounts.MailServer("127.0.0.1", 143, "plain"), smtp=None, username="me"
    )
    with store.write() as s:
        info = accounts.add_account(
            s,
            name=name,
            kind="imap",
            email=email,
            display_name="Me",
            settings=settings,
            secret_ref=f"mail:{name}",
        )
    return info.id


def add_folders(store: Store, account_id: int, *names: str) -> dict[str, int]:
    roles = {"INBOX": FolderRole.INBOX, "Sent": FolderRole.SENT, "Archive": FolderRole.ARCHIVE}
    remote = [RemoteFolder(n, "/", roles.get(n, FolderRole.NONE)) for n in names]
    with store.write() as s:
        states = folders.upsert_folders(s, account_id, remote)
    return {f.name: f.id for f in states}


# Columns that today's ingest writes, with the revision that added them.
_NEWER_COLUMNS = (
    ("message", "content_key", "VARCHAR(80) NOT NULL DEFAULT ''"),  # 0011
    ("person", "listed", "BOOLEAN NOT NULL DEFAULT 1"),  # 0012
    ("message", "via", "VARCHAR(20) NOT NULL DEFAULT ''"),  # 0021
)


@contextmanager
def newer_columns_for_ingest(store: Store) -> Iterator[None]:
    """Let today's Ingestor write into a store at an older revision.

    The columns that ingest writes and the old revision lacks exist only while
    the block runs, so the migrations still find the schema they expect.
    """
    added = []
    with store.write() as s:
        for table, column, ddl in _NEWER_COLUMNS:
            have = {row[1] for row in s.execute(text(f"PRAGMA table_info({table})"))}
            if column not in have:
                s.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}"))
                added.append((table, column))
    yield
    with store.write() as s:
        for table, column in added:
            s.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
