"""The search language shared by the CLI and the window.

Free words are matched in subject, body, names and addresses (as prefixes,
so results come while typing); operators narrow: from:, to:, subject:,
has:attachment, is:unread / is:read / is:flagged, before:/after: (ISO dates),
in:FOLDER (a folder name or a role such as inbox, sent, archive),
channel:NAME (mail, xmpp, matrix, …; channel:chat is every channel but mail).
Double quotes group words into a phrase; an apostrophe is just a letter.
A query that cannot mean anything (an operator with nothing after it, a quote
left open) raises QueryError with a sentence, rather than finding nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from unibox.core.errors import UserError


class QueryError(UserError):
    """The search text cannot be read; str() says what is wrong (a usage error)."""


@dataclass(slots=True)
class SearchQuery:
    words: list[str] = field(default_factory=list)
    subject_words: list[str] = field(default_factory=list)
    from_: list[str] = field(default_factory=list)
    to: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)  # any of them; CHAT: every one but mail
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
        raise QueryError(f"“{op}:{text}” is not a date; write it as YYYY-MM-DD.") from None
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def parse_query(text: str) -> SearchQuery:
    """Parse user input; raises QueryError with a sentence for a query that means nothing."""
    q = SearchQuery()
    for token in _tokens(text):
        op, sep, value = token.partition(":")
        op = op.lower()
        if not sep or op not in _OPERATORS:
            q.words.append(token)
            continue
        if not value.strip():
            example = _EXAMPLES[op]
            raise QueryError(
                f"“{op}:” needs something right after it (no space), for example {example}."
            )
        _OPERATORS[op](q, value)
    return q


def _tokens(text: str) -> list[str]:
    # Whitespace separates words except inside double quotes, which are dropped
    # (subject:"march plan" is one token). Not shlex: it reads an apostrophe
    # ("O'Brien") as a quote and a backslash as an escape.
    tokens: list[str] = []
    current: list[str] = []
    quoted = False
    started = False  # a token began, even one that is only ""
    opened_at = 0
    for n, char in enumerate(text):
        if char == '"':
            quoted = not quoted
            started = True
            opened_at = n
        elif char.isspace() and not quoted:
            if started:
                tokens.append("".join(current))
            current, started = [], False
        else:
            current.append(char)
            started = True
    if quoted:
        tail = text[opened_at:].strip()
        if len(tail) > 24:
            tail = tail[:23] + "…"
        raise QueryError(f'A quote is left open at “{tail}”: close it with " or remove it.')
    if started:
        tokens.append("".join(current))
    return [t for t in tokens if t.strip()]


def _is(q: SearchQuery, value: str) -> None:
    v = value.lower()
    if v == "unread":
        q.unread = True
    elif v == "read":
        q.unread = False
    elif v in ("flagged", "starred"):
        q.flagged = True
    else:
        raise QueryError(f"“is:{value}” is not known; use is:unread, is:read or is:flagged.")


def _has(q: SearchQuery, value: str) -> None:
    if value.lower() not in ("attachment", "attachments"):
        raise QueryError(f"“has:{value}” is not known; use has:attachment.")
    q.has_attachment = True


MAIL, CHAT = "mail", "chat"
_CHANNEL_ALIASES = {"email": MAIL, "e-mail": MAIL, "jabber": "xmpp"}


def _channel(q: SearchQuery, value: str) -> None:
    v = value.lower()
    if not v.replace("-", "").isalnum():
        raise QueryError(f"“channel:{value}” is not a channel; use channel:mail or channel:xmpp.")
    q.channels.append(_CHANNEL_ALIASES.get(v, v))


def _before(q: SearchQuery, value: str) -> None:
    q.before = _day(value, "before")


def _after(q: SearchQuery, value: str) -> None:
    q.after = _day(value, "after")


_OPERATORS = {
    "from": lambda q, v: q.from_.append(v),
    "to": lambda q, v: q.to.append(v),
    "subject": lambda q, v: q.subject_words.append(v),
    "in": lambda q, v: q.folders.append(v),
    "channel": _channel,
    "has": _has,
    "is": _is,
    "before": _before,
    "after": _after,
}


_EXAMPLES = {
    "from": "from:anna or from:anna@example.org",
    "to": "to:bob",
    "subject": 'subject:invoice or subject:"march plan"',
    "in": "in:sent or in:Archive",
    "channel": "channel:xmpp or channel:mail",
    "has": "has:attachment",
    "is": "is:unread, is:read or is:flagged",
    "before": "before:2025-03-01",
    "after": "after:2025-03-01",
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
