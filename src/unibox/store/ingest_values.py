"""Columns of a message that follow from what was fetched: flags, snippet, date."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from unibox.core.items import IncomingMessage
from unibox.core.snippets import make_snippet

_FLAG_COLUMNS = {
    "\\Seen": "is_seen",
    "\\Flagged": "is_flagged",
    "\\Answered": "is_answered",
    "\\Draft": "is_draft",
}


def flag_values(flags: Iterable[str]) -> dict[str, Any]:
    """Message columns for a set of IMAP flags (system flags and keywords)."""
    flags = list(flags)
    values: dict[str, Any] = {col: (flag in flags) for flag, col in _FLAG_COLUMNS.items()}
    values["keywords"] = " ".join(sorted(f for f in flags if not f.startswith("\\")))
    return values


def snippet_for(item: IncomingMessage) -> str:
    return item.snippet if item.snippet is not None else make_snippet(item.parsed.text)


def sent_time(item: IncomingMessage) -> int:
    received = int(item.internal_date.timestamp()) if item.internal_date else None
    date = int(item.parsed.date.timestamp()) if item.parsed.date else None
    # A Date header far in the future (bad clock, spam) would pin a message on top.
    if date is not None and (received is None or date <= received + 86400):
        return date
    return received if received is not None else int(time.time())
