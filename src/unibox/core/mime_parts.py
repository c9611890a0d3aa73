"""One MIME part as the body logic sees it, built from fast-mail-parser's tree."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import fast_mail_parser as fmp

from unibox.core.encoded_words import decode_words
from unibox.core.mime_limits import MimeLimits

_MALFORMED = "The message structure is malformed; unibox read what it could."
_PARAM = re.compile(r'(?i)(?:^|;)\s*([a-z0-9_.*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*))')


class TooDeep(Exception):
    """The MIME tree is nested deeper than MimeLimits.max_depth."""


class NeedFallback(Exception):
    """The fast parser could not give a usable tree; str(self) says why, for a person."""


def _no_content() -> bytes:
    return b""


@dataclass(slots=True, eq=False)
class Part:
    """A node of a message's MIME tree; `load` returns its transfer-decoded bytes."""

    content_type: str  # "type/subtype", lower case
    disposition: str = ""  # "inline", "attachment" or "" when not declared
    filename: str = ""  # as declared, decoded but not yet made safe
    content_id: str = ""  # without angle brackets
    charset: str = ""
    start: str = ""  # multipart/related: content id of the root part
    transfer_encoding: str = ""
    encoded_size: int = 0
    is_message: bool = False  # message/rfc822: children hold the embedded message
    children: list[Part] = field(default_factory=list)
    load: Callable[[], bytes] = _no_content

    @property
    def is_multipart(self) -> bool:
        return self.content_type.startswith("multipart/")

    @property
    def is_body_text(self) -> bool:
        """Text meant to be read as the message, not saved (RFC 2183 disposition)."""
        return self.content_type in ("text/plain", "text/html") and self.disposition != "attachment"


def header_params(value: str) -> dict[str, str]:
    """Parameters of a Content-Type style header value, names in lower case."""
    params: dict[str, str] = {}
    for match in _PARAM.finditer(value):
        quoted = match.group(2)
        params.setdefault(match.group(1).lower(), quoted if quoted is not None else match.group(3))
    return params


def normalize_type(content_type: str) -> str:
    # RFC 2045 5.2: a missing or unreadable type means text/plain.
    ctype = content_type.strip().lower()
    return ctype if "/" in ctype and " " not in ctype else "text/plain"


def read_fast_tree(raw: bytes, limits: MimeLimits) -> tuple[Part, bool]:
    """Parse with fast-mail-parser (lazy: nothing decoded until read).

    Returns the root and whether parts beyond MimeLimits.max_parts were left out.
    Raises TooDeep, or NeedFallback for what the stdlib parser may read better.
    """
    try:
        root = fmp.parse_email_tree(raw, mode="lazy")
    except fmp.MimeStructureError as exc:
        # Its nesting cap (256) has no exception type of its own. Should the
        # wording change, the stdlib fallback refuses deep input by itself.
        if "depth" in str(exc) or "nesting" in str(exc):
            raise TooDeep from exc
        raise NeedFallback(_MALFORMED) from exc
    except fmp.ParseError as exc:
        raise NeedFallback(_MALFORMED) from exc
    top = _part(root)
    stack = [(root, top, 0)]
    count = 1
    truncated = False
    # Iterative, so no input can exhaust the Python stack.
    while stack:
        node, part, depth = stack.pop()
        if part.is_multipart and not node.children:
            raise NeedFallback(_MALFORMED)
        if node.children and depth >= limits.max_depth:
            raise TooDeep
        for child in node.children:
            if count >= limits.max_parts:
                truncated = True
                break
            count += 1
            child_part = _part(child)
            part.children.append(child_part)
            stack.append((child, child_part, depth + 1))
    return top, truncated


def _part(node: fmp.PyLazyMimePart) -> Part:
    headers = node.headers
    ctype = normalize_type(node.content_type)
    part = Part(
        content_type=ctype,
        disposition=(node.disposition or "").strip().lower(),
        content_id=(node.content_id or "").strip().strip("<>"),
        encoded_size=node.encoded_size or 0,
        is_message=node.is_message,
        load=partial(_content, node),
    )
    filename = node.filename
    if filename:
        part.filename = decode_words(filename) if "=?" in filename else filename
    # Header parameters only where they are used: this runs for every part.
    if ctype.startswith("text/"):
        part.charset = header_params(_header(headers, "Content-Type")).get("charset", "")
    elif ctype == "multipart/related":
        part.start = header_params(_header(headers, "Content-Type")).get("start", "").strip("<>")
    if not ctype.startswith("multipart/"):
        part.transfer_encoding = _header(headers, "Content-Transfer-Encoding").strip().lower()
    return part


def _content(node: fmp.PyLazyMimePart) -> bytes:
    return node.content or b""


def _header(headers: dict[str, list[str]], name: str) -> str:
    values = headers.get(name)
    if values is None:  # the parser keeps the sender's spelling of the name
        lowered = name.lower()
        values = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return values[0] if values else ""
