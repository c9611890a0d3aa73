"""LinkedIn's "Get a copy of your data" export: ``messages.csv`` read as chat messages.

Its columns (by name, any order; newer exports add some):
``CONVERSATION ID, CONVERSATION TITLE, FROM, SENDER PROFILE URL, TO,
RECIPIENT PROFILE URLS, DATE, SUBJECT, CONTENT, FOLDER, IS MESSAGE DRAFT,
ATTACHMENTS``. DATE is ``2024-03-05 14:02:11 UTC`` (older exports wrote
``3/5/24, 2:02 PM``). CONTENT may hold HTML (InMail) and line breaks inside
quotes. A member who left shows as "LinkedIn Member" without a URL.

People are handles of kind ``linkedin``: the profile URL, made canonical
(`profile_url`) so that ``Connections.csv``'s URL column names the same one.
The export's owner is in every row (as sender or recipient): `scan` counts.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from unibox.channels.importers.base import Skip
from unibox.core.html import html_to_text
from unibox.core.items import ChatAddress, ChatMessage

CHANNEL = "linkedin"
KIND = "linkedin"
_PROFILE = re.compile(
    r"^(?:https?://)?(?:[a-z]{2,3}\.|www\.)?linkedin\.com/(in|pub)/([^/?#\s]+)", re.I
)
_NEEDED = ("CONVERSATION ID", "FROM", "DATE", "CONTENT")
_FORMS = ("%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S", "%m/%d/%y, %I:%M %p", "%m/%d/%Y, %I:%M %p")
_HTML = re.compile(r"<(?:p|br|div|span|a|b|i|strong|em)\b[^>]*>", re.I)


def profile_url(raw: str) -> str:
    """The canonical form of a profile URL ("https://www.linkedin.com/in/jane-doe"); "" if none."""
    m = _PROFILE.match(raw.strip())
    if m is None:
        return ""
    return f"https://www.linkedin.com/{m[1].lower()}/{m[2].lower()}"


@dataclass(frozen=True, slots=True)
class Row:
    """One message row as the file has it."""

    line: int
    conversation: str
    title: str
    sender: ChatAddress
    recipients: tuple[ChatAddress, ...]
    when: datetime
    subject: str
    text: str
    folder: str


@dataclass(slots=True)
class Scan:
    """A first pass: who is in the most rows (the owner), and how many rows there are."""

    rows: int = 0
    seen: Counter[str] = field(default_factory=Counter)  # profile URL -> rows it is in
    names: dict[str, str] = field(default_factory=dict)  # profile URL -> name

    def owner(self) -> ChatAddress | None:
        if not self.seen:
            return None
        url, _count = self.seen.most_common(1)[0]
        return ChatAddress(KIND, url, self.names.get(url, ""))


def _read(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(first line of the record, the row by column name); the header found by its names."""
    reader = csv.reader(lines)
    header: list[str] | None = None
    end = 0
    for row in reader:
        start, end = end + 1, reader.line_num
        if header is None:
            names = [c.strip().lstrip("\ufeff").upper() for c in row]
            if all(n in names for n in _NEEDED):
                header = names
            continue
        if any(c.strip() for c in row):
            yield start, dict(zip(header, row, strict=False))


def is_messages_csv(head: str) -> bool:
    """Whether the first line of a CSV file is LinkedIn's messages header."""
    first = head.lstrip("\ufeff").split("\n", 1)[0].upper()
    return all(n in first for n in _NEEDED) and "SENDER PROFILE URL" in first


def _people(names: str, urls: str) -> tuple[ChatAddress, ...]:
    """The TO column's names matched to RECIPIENT PROFILE URLS (comma-separated both)."""
    links = [profile_url(u) for u in urls.split(",") if u.strip()]
    named = [n.strip() for n in names.split(",") if n.strip()] if len(links) != 1 else [names]
    if len(named) != len(links):
        named = [names.strip() if len(links) == 1 else ""] * len(links)
    return tuple(ChatAddress(KIND, u, n) for u, n in zip(links, named, strict=True) if u)


def scan(lines: Iterable[str]) -> Scan:
    found = Scan()
    for _line, row in _read(lines):
        found.rows += 1
        sender = profile_url(row.get("SENDER PROFILE URL", ""))
        if sender:
            found.seen[sender] += 1
            found.names.setdefault(sender, row.get("FROM", "").strip())
        for person in _people(row.get("TO", ""), row.get("RECIPIENT PROFILE URLS", "")):
            found.seen[person.value] += 1
            found.names.setdefault(person.value, person.name)
    return found


def _when(text: str) -> datetime | None:
    text = text.strip()
    for form in _FORMS:
        try:
            return datetime.strptime(text, form).replace(tzinfo=UTC)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def rows(lines: Iterable[str], where: str, skipped: list[Skip]) -> Iterator[Row]:
    """The message rows; a draft is left out, a row that cannot be read is skipped."""
    for line, row in _read(lines):
        if row.get("IS MESSAGE DRAFT", "").strip().lower() in ("yes", "true"):
            continue
        when = _when(row.get("DATE", ""))
        conversation = row.get("CONVERSATION ID", "").strip()
        if when is None:
            skipped.append(Skip(where, f"line {line}", "a date that could not be read"))
            continue
        if not conversation:
            skipped.append(Skip(where, f"line {line}", "no conversation id"))
            continue
        name = row.get("FROM", "").strip()
        url = profile_url(row.get("SENDER PROFILE URL", ""))
        # A member who left has no URL: known by name in that conversation only.
        sender = ChatAddress(KIND, url or f"{conversation}/{name}", name)
        text = row.get("CONTENT", "")
        if _HTML.search(text):
            text = html_to_text(text)
        attachments = row.get("ATTACHMENTS", "").strip()
        if attachments:
            text = f"{text.strip()}\n[attachment: {attachments}]".strip()
        yield Row(
            line=line,
            conversation=conversation,
            title=row.get("CONVERSATION TITLE", "").strip(),
            sender=sender,
            recipients=_people(row.get("TO", ""), row.get("RECIPIENT PROFILE URLS", "")),
            when=when,
            subject=row.get("SUBJECT", "").strip(),
            text=text.strip(),
            folder=row.get("FOLDER", "").strip().upper(),
        )


def message(row: Row, me: ChatAddress) -> ChatMessage:
    """The row as a chat message of the owner `me` (a linkedin address)."""
    outgoing = row.sender.value == me.value
    others = [p for p in (row.sender, *row.recipients) if p.value != me.value]
    others = list({p.value: p for p in others}.values())
    group = len(others) > 1
    title = row.title or ", ".join(p.name or p.value for p in others)
    text = f"{row.subject}\n\n{row.text}" if row.subject and row.subject != row.title else row.text
    seed = "\0".join((row.conversation, row.when.isoformat(), row.sender.value, row.text))
    return ChatMessage(
        channel=CHANNEL,
        remote_id="li:" + hashlib.sha256(seed.encode()).hexdigest()[:32],
        conversation=f"li:{row.conversation}",
        sender=me if outgoing else row.sender,
        sent_at=row.when,
        text=text,
        direction="out" if outgoing else "in",
        conversation_name=title,
        is_group=group,
        participants=tuple(others) if (group or outgoing) else (me,),
        is_history=True,
    )
