"""One message's failure to write costs that message, never the batch or the sync."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from unibox.core.items import IncomingMessage, ParsedMessage, ParseState

# Errors of the store itself (disk full, I/O, locked): no message is to blame, the
# sync stops and says so. Anything else is one message's problem.
STORE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, MemoryError)


@contextmanager
def savepoint(conn: Connection) -> Iterator[None]:
    """A savepoint whose failure to roll back never hides the error that caused it.

    On a full disk or an I/O error SQLite rolls back the whole transaction itself,
    so the savepoint is gone: the store's own error is the one to report.
    """
    point = conn.begin_nested()
    try:
        yield
    except BaseException as exc:
        try:
            point.rollback()
        except OperationalError:
            raise exc from None
        raise
    point.commit()


def raw_only(item: IncomingMessage, error: Exception) -> IncomingMessage:
    """The message as its raw source alone, for one that could not be written as read."""
    p = item.parsed
    reason = (
        f"unibox could not store what it read of this message ({type(error).__name__}); "
        "its raw source is kept."
    )
    state = ParseState.PARTIAL if item.raw is not None else ParseState.HEADERS
    subject = p.subject.encode("utf-8", "replace").decode("utf-8")
    return replace(
        item,
        parsed=ParsedMessage(state=state, subject=subject, parse_error=reason),
        snippet="",
    )
