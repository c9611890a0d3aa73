"""Read a message the fast parser rejected with the lenient stdlib email parser."""

from __future__ import annotations

import re
from email import policy
from email.message import Message
from email.parser import BytesParser
from functools import partial

from unibox.core.encoded_words import decode_words
from unibox.core.mime_limits import MimeLimits, size_text
from unibox.core.mime_parts import Part, TooDeep, normalize_type

# Each multipart or message/* part costs the stdlib parser a few stack frames
# (it recurses), so a message declaring very many of them is not handed to it.
_NESTED_TYPE = re.compile(rb"(?im)^content-type:[ \t]*(?:multipart|message)/")


def read_stdlib_tree(raw: bytes, limits: MimeLimits) -> tuple[Part, list[str]]:
    """Parse with email's compat32 policy; returns the root and problems found.

    compat32 rather than policy.default: it is several times faster, decodes
    broken base64 as far as it goes instead of failing, and the header fields
    unibox shows are read elsewhere, so the default policy's header objects
    (slow on huge address lists) would buy nothing. Raises TooDeep.
    """
    problems: list[str] = []
    if len(raw) > limits.max_fallback_bytes:
        raw = raw[: raw.rfind(b"\n", 0, limits.max_fallback_bytes) + 1]
        problems.append(
            f"The message is damaged and larger than {size_text(limits.max_fallback_bytes)}; "
            "only its beginning was read."
        )
    if sum(1 for _ in _NESTED_TYPE.finditer(raw)) > 4 * limits.max_depth:
        raise TooDeep
    try:
        message = BytesParser(policy=policy.compat32).parsebytes(raw)
    except RecursionError as exc:
        raise TooDeep from exc
    root = _part(message)
    stack = [(message, root, 0)]
    count = 1
    while stack:
        node, part, depth = stack.pop()
        children = _children(node, part)
        if children and depth >= limits.max_depth:
            raise TooDeep
        for child in children:
            if count >= limits.max_parts:
                problems.append(
                    f"The message has more than {limits.max_parts:,} parts; "
                    f"only the first {limits.max_parts:,} were read."
                )
                stack.clear()
                break
            count += 1
            child_part = _part(child)
            part.children.append(child_part)
            stack.append((child, child_part, depth + 1))
    return root, problems


def _children(node: Message, part: Part) -> list[Message]:
    if not node.is_multipart() or not (part.is_multipart or part.is_message):
        return []
    payload = node.get_payload()
    return [child for child in payload if isinstance(child, Message)]


def _part(node: Message) -> Part:
    ctype = normalize_type(node.get_content_type())
    if ctype.startswith("multipart/") and not node.is_multipart():
        # No usable boundary: the stdlib kept the body as one string, which
        # is the text the sender meant, so read it as plain text.
        ctype = "text/plain"
    payload = node.get_payload()
    return Part(
        content_type=ctype,
        disposition=_text(node.get_content_disposition()).lower(),
        filename=decode_words(_text(_safe_call(node.get_filename))),
        content_id=_text(node.get("Content-ID")).strip().strip("<>"),
        charset=_text(_safe_call(node.get_content_charset)),
        start=_text(node.get_param("start")).strip("<>") if ctype == "multipart/related" else "",
        transfer_encoding=_text(node.get("Content-Transfer-Encoding")).strip().lower(),
        encoded_size=len(payload) if isinstance(payload, str) else 0,
        is_message=ctype in ("message/rfc822", "message/global") and node.is_multipart(),
        load=partial(_content, node),
    )


def _content(node: Message) -> bytes:
    if node.is_multipart():  # an embedded message: its bytes are the content
        payload = node.get_payload()
        return b"".join(bytes(child) for child in payload if isinstance(child, Message))
    data = node.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _safe_call(getter: object) -> object:
    try:
        return getter() if callable(getter) else None
    except Exception:  # odd RFC 2231 parameters make these getters raise
        return None


def _text(value: object) -> str:
    """A header value as clean str: compat32 smuggles raw bytes as surrogates."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
