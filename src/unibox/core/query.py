"""The search language shared by the CLI and the window.

Free words are matched in subject, body, names and addresses (as prefixes,
so results come while typing); operators narrow: from:, to:, subject:,
has:attachment, is:unread / is:read / is:flagged, before:/after: (ISO dates),
in:FOLDER (a folder name or a role such as inbox, sent, archive).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from unibox.core.errors import UserError


@dataclass(slots=True)
class SearchQuery:
    words: list[str] = field(default_factory=list)
    subject_words: list[str] = field(default_factory=list)
    from_: list[str] = field(default_factory=list)
    to: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    has_attachment: bool = False
    unread: bool | None = None
    flagged: bool | None = None
    before: int | None = None  # Unix seconds, exclusive
    after: int | None = None  # Unix seconds, inclusive

    @property
    def is_empty(self) -> bool:
        return self == SearchQuery()


def _day(text: str, op: str) -> int:
    try:
        if "T" in text:
            dt = datetime.fromisoformat(text)
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=UTC)
            return int(dt.timestamp())
        d = date.fromisoformat(text)
    except ValueError:
        raise UserError(f"“{op}:{text}” is not a date; write it as YYYY-MM-DD.") from None
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def parse_query(text: str) -> SearchQuery:
    """Parse user input; raises UserError with a sentence for a bad operator value."""
    try:
        tokens = shlex.split(text, posix=True)
    except ValueError:  # an unbalanced quote: search the words as typed
        tokens = text.replace('"', " ").split()
    q = SearchQuery()
    for token in tokens:
        op, sep, value = token.partition(":")
        op = op.lower()
        if not sep or not value or op not in _OPERATORS:
            q.words.append(token)
            continue
        _OPERATORS[op](q, value)
    return q


def _is(q: SearchQuery, value: str) -> None:
    v = value.lower()
    if v == "unread":
        q.unread = True
    elif v == "read":
        q.unread = False
    elif v in ("flagged", "starred"):
        q.flagged = True
    else:
        raise UserError(f"“is:{value}” is not known; use is:unread, is:read or is:flagged.")


def _has(q: SearchQuery, value: str) -> None:
    if value.lower() not in ("attachment", "attachments"):
        raise UserError(f"“has:{value}” is not known; use has:attachment.")
    q.has_attachment = True


def _before(q: SearchQuery, value: str) -> None:
    q.before = _day(value, "before")


def _after(q: SearchQuery, value: str) -> None:
    q.after = _day(value, "after")


_OPERATORS = {
    "from": lambda q, v: q.from_.append(v),
    "to": lambda q, v: q.to.append(v),
    "subject": lambda q, v: q.subject_words.append(v),
    "in": lambda q, v: q.folders.append(v),
    "has": _has,
    "is": _is,
    "before": _before,
    "after": _after,
}


def fts_match(q: SearchQuery) -> str:
    """An FTS5 MATCH expression for the free words and subject words, or ""."""
    parts = [_phrase(w) for w in q.words if _phrase(w)]
    parts += [f"subject : {_phrase(w)}" for w in q.subject_words if _phrase(w)]
    return " AND ".join(parts)


def _phrase(word: str) -> str:
    # Quote everything so FTS5 syntax in user input is just text; prefix-match
    # single words so results appear while typing.
    cleaned = word.replace('"', " ").strip()
    if not cleaned:
        return ""
    if " " in cleaned:
        return f'"{cleaned}"'
    return f'"{cleaned}"*'
