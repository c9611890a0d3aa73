"""Building outgoing mail: validated headers, a stable Message-ID, safe attachment names.

Pure: bytes in, bytes out. Every header value passes core.header_safety
first, and the generated header block is checked once more (each line a
field unibox set, or a fold), so a flaw in the email package cannot add a
header either.
"""

from __future__ import annotations

import email.policy
import mimetypes
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.utils import format_datetime

from unibox.core.filenames import safe_filename
from unibox.core.header_safety import (
    UnsafeHeaderError,
    check_addr_spec,
    check_filename,
    check_text,
)
from unibox.core.identity import normalize_email
from unibox.core.items import Address

_MSGID = re.compile(r"[^\s<>@\"\\,;:()\[\]]+@[^\s<>@\"\\,;:()\[\]]+")
_FIELDS = frozenset(
    {
        "from",
        "to",
        "cc",
        "reply-to",
        "subject",
        "date",
        "message-id",
        "in-reply-to",
        "references",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "content-disposition",
    }
)
MAX_REFERENCES = 20  # keep the first and the newest ones, as RFC 5322 suggests


@dataclass(frozen=True, slots=True)
class OutgoingAttachment:
    """A file to attach: its name as the recipient will see it, its type and bytes."""

    filename: str
    data: bytes
    content_type: str = ""  # guessed from the name when empty


@dataclass(frozen=True, slots=True)
class Draft:
    """A message to send, before it is turned into bytes."""

    from_: Address
    to: tuple[Address, ...]
    cc: tuple[Address, ...] = ()
    bcc: tuple[Address, ...] = ()
    subject: str = ""
    text: str = ""
    attachments: tuple[OutgoingAttachment, ...] = ()
    in_reply_to: str = ""  # Message-IDs without angle brackets
    references: tuple[str, ...] = ()
    reply_to: tuple[Address, ...] = ()
    # An iTIP message: (method, iCalendar bytes), sent as a text/calendar alternative.
    calendar: tuple[str, bytes] | None = None

    @property
    def recipients(self) -> tuple[str, ...]:
        """Envelope recipients (To, Cc and Bcc), each once, in order."""
        seen: dict[str, str] = {}
        for a in (*self.to, *self.cc, *self.bcc):
            seen.setdefault(normalize_email(a.email), a.email)
        return tuple(seen.values())


@dataclass(frozen=True, slots=True)
class BuiltMessage:
    """The bytes to send and what the outbox needs to know about them."""

    raw: bytes
    message_id: str  # without angle brackets
    sender: str  # envelope sender
    recipients: tuple[str, ...]


def is_message_id(value: str) -> bool:
    """Whether `value` (without angle brackets) is a Message-ID unibox will send."""
    return bool(value) and _MSGID.fullmatch(value) is not None


def make_message_id(from_email: str, when: datetime) -> str:
    """A new, globally unique Message-ID (without angle brackets)."""
    domain = from_email.rpartition("@")[2].strip().lower() if "@" in from_email else ""
    if not domain or not _MSGID.fullmatch(f"x@{domain}"):
        domain = "unibox.invalid"
    return f"{int(when.timestamp()):x}.{secrets.token_hex(10)}@{domain}"


def validate(draft: Draft) -> None:
    """Raise UnsafeHeaderError with a sentence for anything unibox will not send."""
    if not draft.recipients:
        raise UnsafeHeaderError("The message has no recipient.")
    _check_address("The sender", draft.from_)
    for label, group in (
        ("A To address", draft.to),
        ("A Cc address", draft.cc),
        ("A Bcc address", draft.bcc),
        ("The Reply-To address", draft.reply_to),
    ):
        for a in group:
            _check_address(label, a)
    check_text("The subject", draft.subject)
    for mid in (draft.in_reply_to, *draft.references):
        if mid and not _MSGID.fullmatch(mid):
            raise UnsafeHeaderError(f"The referenced Message-ID “{mid[:80]}” is malformed.")
    for att in draft.attachments:
        check_filename(att.filename)
        if att.content_type:
            check_text("An attachment's type", att.content_type)


def _check_address(label: str, a: Address) -> None:
    check_addr_spec(label, a.email)
    if a.name:
        check_text(f"The name of {a.email}", a.name)


def build_message(draft: Draft, *, message_id: str, date: datetime) -> BuiltMessage:
    """RFC 5322 bytes (CRLF) for `draft`; raises UnsafeHeaderError before building anything."""
    validate(draft)
    if not _MSGID.fullmatch(message_id):
        raise UnsafeHeaderError("The new message's Message-ID is malformed.")
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = _header_address(draft.from_)
    if draft.to:
        msg["To"] = [_header_address(a) for a in draft.to]
    if draft.cc:
        msg["Cc"] = [_header_address(a) for a in draft.cc]
    if draft.reply_to:
        msg["Reply-To"] = [_header_address(a) for a in draft.reply_to]
    msg["Subject"] = draft.subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = f"<{message_id}>"
    if draft.in_reply_to:
        msg["In-Reply-To"] = f"<{draft.in_reply_to}>"
    refs = _trim_references(draft.references)
    if refs:
        msg["References"] = " ".join(f"<{r}>" for r in refs)
    msg.set_content(draft.text, cte=_transfer_encoding(draft.text))
    if draft.calendar is not None:
        method, ics = draft.calendar
        check_text("The calendar method", method)
        ics_text = ics.decode("utf-8")
        msg.add_alternative(
            ics_text,
            subtype="calendar",
            cte=_transfer_encoding(ics_text),
            params={"method": method.upper()},
        )
        for part in msg.iter_parts():
            del part["MIME-Version"]  # the email package repeats it on an added alternative
    for att in draft.attachments:
        maintype, subtype = _content_type(att).split("/", 1)
        msg.add_attachment(
            att.data,
            maintype=maintype,
            subtype=subtype,
            filename=safe_filename(att.filename, att.content_type),
        )
    raw = msg.as_bytes(policy=email.policy.SMTP)
    _verify_header_block(raw)
    return BuiltMessage(raw, message_id, draft.from_.email, draft.recipients)


def _header_address(a: Address) -> HeaderAddress:
    try:
        return HeaderAddress(display_name=a.name, addr_spec=a.email)
    except (ValueError, IndexError) as exc:
        raise UnsafeHeaderError(f"“{a.email}” is not a valid e-mail address.") from exc


def _trim_references(refs: tuple[str, ...]) -> tuple[str, ...]:
    unique = tuple(dict.fromkeys(r for r in refs if r))
    if len(unique) <= MAX_REFERENCES:
        return unique
    return (unique[0], *unique[-(MAX_REFERENCES - 1) :])


def _transfer_encoding(text: str) -> str:
    long_line = any(len(line) > 900 for line in text.splitlines())
    return "quoted-printable" if long_line or not text.isascii() else "7bit"


def _content_type(att: OutgoingAttachment) -> str:
    ctype = att.content_type or mimetypes.guess_type(att.filename)[0] or ""
    ctype = ctype.split(";", 1)[0].strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*", ctype):
        return "application/octet-stream"
    return ctype


def _verify_header_block(raw: bytes) -> None:
    """Every top-level header line is a field unibox set; no stray CR or LF."""
    head, sep, _ = raw.partition(b"\r\n\r\n")
    if not sep or b"\r" in head.replace(b"\r\n", b"") or b"\n" in head.replace(b"\r\n", b""):
        raise UnsafeHeaderError("The message header came out malformed; unibox did not send it.")
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            continue
        name = line.split(b":", 1)[0].decode("ascii", "replace").strip().lower()
        if name not in _FIELDS:
            raise UnsafeHeaderError(
                f"The message header gained an unexpected field ({name[:40]}); "
                "unibox did not send it."
            )
