"""Replies and forwards: recipients, subject, threading headers and quoted text.

Pure functions from a parsed original to a Draft; the caller adds the body
the person wrote and sends it through the outbox.
"""

from __future__ import annotations

import email.policy
from collections.abc import Iterable
from email.message import EmailMessage
from email.parser import BytesParser

from unibox.core.address_list import format_address
from unibox.core.filenames import safe_filename
from unibox.core.identity import normalize_email
from unibox.core.items import Address, ParsedMessage
from unibox.core.outgoing import Draft, OutgoingAttachment, is_message_id
from unibox.core.threads import subject_key

MAX_FORWARDED_BYTES = 25 * 1024 * 1024


def reply_subject(subject: str) -> str:
    """ "Re: " once, whatever prefixes and case the original carried."""
    return _prefixed("Re", subject)


def forward_subject(subject: str) -> str:
    return _prefixed("Fwd", subject)


def _prefixed(prefix: str, subject: str) -> str:
    stripped = subject.strip()
    if stripped.casefold().startswith(prefix.casefold() + ":"):
        return stripped
    # "Re: Fwd: x" keeps its history; only a repeated prefix of the same kind is dropped.
    return f"{prefix}: {stripped}" if subject_key(stripped) else f"{prefix}:"


def _dedupe(addresses: Iterable[Address], exclude: set[str]) -> tuple[Address, ...]:
    seen = set(exclude)
    out: list[Address] = []
    for a in addresses:
        key = normalize_email(a.email)
        if key and key not in seen:
            seen.add(key)
            out.append(a)
    return tuple(out)


def reply_recipients(
    original: ParsedMessage, my_addresses: Iterable[str], *, reply_all: bool
) -> tuple[tuple[Address, ...], tuple[Address, ...]]:
    """(To, Cc) of a reply: Reply-To or From, plus everyone else for reply-all, minus me."""
    mine = {normalize_email(a) for a in my_addresses} - {""}
    sender = original.reply_to or original.from_
    from_me = bool(original.from_) and all(normalize_email(a.email) in mine for a in original.from_)
    if from_me:
        # Replying to my own message continues the conversation with its recipients.
        to = _dedupe(original.to, mine)
        cc = _dedupe(original.cc, mine | {normalize_email(a.email) for a in to})
        return (to, cc) if reply_all else (to, ())
    to = _dedupe(sender, mine)
    if not reply_all:
        return to, ()
    cc = _dedupe((*original.to, *original.cc), mine | {normalize_email(a.email) for a in to})
    return to, cc


def thread_headers(original: ParsedMessage) -> tuple[str, tuple[str, ...]]:
    """In-Reply-To and References of a reply to `original`.

    Ids that could not be sent safely (a stranger's Message-ID with a line break
    folded into it) are left out: the reply threads a little less, but is sent.
    """
    refs = [r for r in original.references if is_message_id(r)]
    if not is_message_id(original.message_id):
        return "", tuple(refs)
    if not refs and is_message_id(original.in_reply_to):
        refs.append(original.in_reply_to)
    refs.append(original.message_id)
    return original.message_id, tuple(dict.fromkeys(refs))


def attribution(original: ParsedMessage) -> str:
    who = format_address(original.from_[0]) if original.from_ else "someone"
    if original.date is None:
        return f"{who} wrote:"
    return f"On {original.date:%a, %d %b %Y at %H:%M}, {who} wrote:"


def quote(text: str) -> str:
    """Each line prefixed with "> " (">" alone for empty lines, as mail clients do)."""
    if not text.strip():
        return ""
    quoted = []
    for line in text.rstrip("\n").split("\n"):
        line = line.rstrip("\r")
        quoted.append(">" + line if not line or line.startswith(">") else "> " + line)
    return "\n".join(quoted)


def reply_draft(
    original: ParsedMessage,
    *,
    me: Address,
    my_addresses: Iterable[str],
    body: str,
    reply_all: bool = False,
    attachments: tuple[OutgoingAttachment, ...] = (),
) -> Draft:
    """A reply to `original` with `body` above the quoted original."""
    mine = {me.email, *my_addresses}
    to, cc = reply_recipients(original, mine, reply_all=reply_all)
    if not to and not cc:
        to = _dedupe(original.from_, set())  # replying to myself: keep a recipient
    in_reply_to, references = thread_headers(original)
    quoted = quote(original.text)
    text = body.rstrip("\n") + "\n\n" + attribution(original) + ("\n" + quoted if quoted else "")
    return Draft(
        from_=me,
        to=to,
        cc=cc,
        subject=reply_subject(original.subject),
        text=text + "\n",
        attachments=attachments,
        in_reply_to=in_reply_to,
        references=references,
    )


def forward_draft(
    original: ParsedMessage,
    original_raw: bytes | None,
    *,
    me: Address,
    to: tuple[Address, ...],
    cc: tuple[Address, ...] = (),
    body: str = "",
    attachments: tuple[OutgoingAttachment, ...] = (),
) -> Draft:
    """A forward: the original's text inline and its attachments attached again."""
    header = ["---------- Forwarded message ----------"]
    if original.from_:
        header.append("From: " + ", ".join(format_address(a) for a in original.from_))
    if original.date is not None:
        header.append(f"Date: {original.date:%a, %d %b %Y %H:%M %z}")
    header.append(f"Subject: {original.subject}")
    if original.to:
        header.append("To: " + ", ".join(format_address(a) for a in original.to))
    text = (body.rstrip("\n") + "\n\n" if body.strip() else "") + "\n".join(header)
    text += "\n\n" + original.text.rstrip("\n") + "\n"
    carried = original_attachments(original_raw) if original_raw else ()
    return Draft(
        from_=me,
        to=to,
        cc=cc,
        subject=forward_subject(original.subject),
        text=text,
        attachments=(*carried, *attachments),
        references=thread_headers(original)[1],
    )


def original_attachments(raw: bytes) -> tuple[OutgoingAttachment, ...]:
    """The attachments of a message, bytes and all, to forward them (bounded in total size)."""
    try:
        msg = BytesParser(policy=email.policy.default).parsebytes(raw)
    except Exception:  # a message we cannot parse simply forwards without attachments
        return ()
    found: list[OutgoingAttachment] = []
    total = 0
    if not isinstance(msg, EmailMessage):
        return ()
    for part in msg.iter_attachments():
        try:
            data = part.get_payload(decode=True)
        except Exception:
            continue
        if not isinstance(data, bytes):
            continue
        total += len(data)
        if total > MAX_FORWARDED_BYTES:
            break
        found.append(
            OutgoingAttachment(
                filename=safe_filename(part.get_filename() or "", part.get_content_type()),
                data=data,
                content_type=part.get_content_type(),
            )
        )
    return tuple(found)
