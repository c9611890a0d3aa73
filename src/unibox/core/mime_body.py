"""From a MIME tree to what a person reads: text, sanitized HTML, attachments."""

from __future__ import annotations

import html as html_lib
import time
from dataclasses import dataclass, field

from unibox.core.calendar import CALENDAR_TYPES, MAX_CALENDAR_BYTES, read_invitation
from unibox.core.charsets import decode_text
from unibox.core.filenames import safe_filename
from unibox.core.html import html_to_text, sanitize_html
from unibox.core.items import AttachmentInfo, Invitation
from unibox.core.mime_fallback import read_stdlib_tree
from unibox.core.mime_limits import MimeLimits, nesting_too_deep
from unibox.core.mime_parts import NeedFallback, Part, TooDeep, read_fast_tree
from unibox.core.visible_text import visible_body

_DAMAGED = "Part of the message text is damaged (its encoding is invalid); it may be incomplete."


@dataclass(slots=True)
class Body:
    text: str = ""
    html: str = ""
    attachments: tuple[AttachmentInfo, ...] = ()
    problems: list[str] = field(default_factory=list)
    invitation: Invitation | None = None


def read_body(raw: bytes, limits: MimeLimits, deadline: float) -> Body:
    """Text, HTML and attachments of `raw`: fast parser first, stdlib when it fails."""
    try:
        root, truncated = read_fast_tree(raw, limits)
        problems = [_too_many_parts(limits)] if truncated else []
        return _extract(root, limits, deadline, problems, lenient=False)
    except TooDeep:
        return Body(problems=[nesting_too_deep(limits)])
    except NeedFallback as why:
        reason = str(why)
    try:
        root, problems = read_stdlib_tree(raw, limits)
    except TooDeep:
        return Body(problems=[nesting_too_deep(limits)])
    return _extract(root, limits, deadline, [reason, *problems], lenient=True)


def _too_many_parts(limits: MimeLimits) -> str:
    return (
        f"The message has more than {limits.max_parts:,} parts; "
        f"only the first {limits.max_parts:,} were read."
    )


def select_bodies(part: Part) -> tuple[list[Part], list[Part]]:
    """The parts that make up the readable text, and the HTML parts, in order.

    multipart/alternative gives its text/plain rendering to the text and its
    richest (last) HTML rendering to the HTML; multipart/related is its root
    part; any other multipart (mixed, signed, report...) is all its inline
    bodies in order. An attached message is an attachment, not body.
    Recursive, but only over a tree already checked against max_depth.
    """
    if part.is_message:
        return [], []
    if not part.is_multipart:
        if not part.is_body_text:
            return [], []
        return [part], [part] if part.content_type == "text/html" else []
    if part.content_type == "multipart/alternative":
        options = [select_bodies(child) for child in part.children]
        text = next((t for t, _ in options if any(p.content_type == "text/plain" for p in t)), None)
        if text is None:
            text = next((t for t, _ in reversed(options) if t), [])
        html = next((h for _, h in reversed(options) if h), [])
        return text, html
    if part.content_type == "multipart/related" and part.children:
        root = next((c for c in part.children if part.start and c.content_id == part.start), None)
        return select_bodies(root or part.children[0])
    texts: list[Part] = []
    pieces = []
    for child in part.children:
        child_text, child_html = select_bodies(child)
        texts += child_text
        pieces.append(child_html or child_text)
    # Once one part is HTML the pane shows the HTML version: the plain parts beside
    # it (a note before a forwarded newsletter) go into it too, or they are lost.
    if not any(p.content_type == "text/html" for piece in pieces for p in piece):
        return texts, []
    return texts, [p for piece in pieces for p in piece]


def _extract(
    root: Part, limits: MimeLimits, deadline: float, problems: list[str], *, lenient: bool
) -> Body:
    text_parts, html_parts = select_bodies(root)
    segments: list[str] = []
    length = 0
    for part in text_parts:
        if length > limits.max_text_chars or _late(deadline, limits, problems):
            break
        if part.content_type == "text/html":
            source = _read_text(part, limits.max_text_chars, lenient, problems)
            if len(source) > limits.max_text_chars:
                # html_to_text runs a Python loop per tag: bound its input too.
                source = source[: limits.max_text_chars]
                problems.append(_text_too_long(limits))
            segment = html_to_text(source)
        else:
            segment = _read_text(part, limits.max_text_chars, lenient, problems)
        segments.append(segment)
        length += len(segment)
    text = _join_text(segments, limits, problems)
    html = ""
    if html_parts and limits.html and not _late(deadline, limits, problems):
        sources = [
            _read_text(p, limits.max_html_chars, lenient, problems)
            if p.content_type == "text/html"
            else _text_as_html(_read_text(p, limits.max_html_chars, lenient, problems))
            for p in html_parts
        ]
        source = "".join(sources)
        if len(source) > limits.max_html_chars:
            source = source[: limits.max_html_chars]
            problems.append(
                f"The HTML version is longer than {limits.max_html_chars:,} characters; "
                "only its beginning is shown."
            )
        html = sanitize_html(source)
    parts = attachment_parts(root)
    attachments = tuple(_attachment(p, limits) for p in parts)
    return Body(
        text=text,
        html=html,
        attachments=attachments,
        problems=_unique(problems),
        invitation=_invitation(parts),
    )


def _invitation(parts: list[Part]) -> Invitation | None:
    """The events of the calendar parts (at most three), or None without any."""
    calendars = [p for p in parts if p.content_type in CALENDAR_TYPES][:3]
    if not calendars:
        return None
    sources = []
    for part in calendars:
        if part.encoded_size > 2 * MAX_CALENDAR_BYTES:
            continue
        try:
            sources.append(part.load())
        except Exception:  # a damaged encoding: the other parts may still be readable
            continue
    if not sources:
        return Invitation(method="", problem="The calendar in this message could not be read.")
    return read_invitation(sources)


def _late(deadline: float, limits: MimeLimits, problems: list[str]) -> bool:
    if time.monotonic() <= deadline:
        return False
    problems.append(
        f"Reading the message took more than {limits.time_budget:g} seconds; "
        "only part of it was read."
    )
    return True


def _read_text(part: Part, max_chars: int, lenient: bool, problems: list[str]) -> str:
    try:
        data = part.load()
    except Exception as exc:  # fast-mail-parser's DecodeError, mostly
        if not lenient:
            raise NeedFallback(_DAMAGED) from exc
        problems.append(_DAMAGED)
        return ""
    # A character is at most 4 bytes in any charset we decode, so this keeps
    # enough for max_chars while never decoding a 50 MB text part whole.
    truncated = len(data) > 4 * max_chars
    if truncated:
        data = data[: 4 * max_chars]
    text = decode_text(data, part.charset, truncated=truncated)
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _text_as_html(text: str) -> str:
    return f'<div style="white-space: pre-wrap">{html_lib.escape(text)}</div>'


def _join_text(segments: list[str], limits: MimeLimits, problems: list[str]) -> str:
    text = visible_body("\n\n".join(s.strip("\n").rstrip() for s in segments if s.strip()))
    if len(text) <= limits.max_text_chars:
        return text
    problems.append(_text_too_long(limits))
    return (
        text[: limits.max_text_chars]
        + f"\n\n[The rest of this message is not shown: it is longer than "
        f"{limits.max_text_chars:,} characters.]"
    )


def _text_too_long(limits: MimeLimits) -> str:
    return (
        f"The message text is longer than {limits.max_text_chars:,} characters; "
        "only its beginning is shown."
    )


def attachment_parts(root: Part) -> list[Part]:
    """The attachments of a parsed MIME tree: every leaf that is not body text, and
    every attached message (message/rfc822, not descended into), in document order.
    The same list, in the same order, as `ParsedMessage.attachments` (index i of one
    is index i of the other)."""
    found: list[Part] = []
    stack = [root]
    while stack:
        part = stack.pop()
        if part.is_message or not part.is_multipart:
            if part.is_message or not part.is_body_text:
                found.append(part)
            continue
        stack.extend(reversed(part.children))
    return found


def _attachment(part: Part, limits: MimeLimits) -> AttachmentInfo:
    return AttachmentInfo(
        filename=safe_filename(part.filename, part.content_type),
        content_type=part.content_type,
        size=_size(part, limits),
        content_id=part.content_id,
        inline=part.disposition == "inline" or (not part.disposition and bool(part.content_id)),
    )


def _size(part: Part, limits: MimeLimits) -> int:
    if part.is_message or part.encoded_size <= limits.exact_size_bytes:
        try:
            return len(part.load())
        except Exception:  # a broken encoding: fall back to the estimate
            pass
    if part.transfer_encoding == "base64":
        # 76 characters and CRLF per line carry 57 bytes.
        return part.encoded_size * 57 // 78
    return part.encoded_size


def _unique(problems: list[str]) -> list[str]:
    return list(dict.fromkeys(problems))
