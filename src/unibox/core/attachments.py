"""The bytes of a message's attachments, read again from its raw source on demand.

The store keeps only each attachment's description (safe name, type, size,
position); its bytes stay in the raw source. This walks the MIME tree the
same way core.mime_body listed the attachments, so position n here is
position n there.
"""

from __future__ import annotations

from dataclasses import dataclass

from unibox.core.errors import UserError
from unibox.core.filenames import safe_filename
from unibox.core.mime_body import attachment_parts
from unibox.core.mime_fallback import read_stdlib_tree
from unibox.core.mime_headers import read_headers
from unibox.core.mime_limits import DEFAULT_LIMITS, MimeLimits
from unibox.core.mime_parts import NeedFallback, Part, TooDeep, read_fast_tree


@dataclass(frozen=True, slots=True)
class AttachmentData:
    """One attachment: its safe file name, type, content id and decoded bytes."""

    filename: str
    content_type: str
    content_id: str
    data: bytes


class AttachmentUnavailable(UserError):
    """The attachment could not be read back from the message."""


def _parts(raw: bytes, limits: MimeLimits, *, lenient: bool) -> list[Part]:
    source = read_headers(raw, limits).body_source(raw)
    if source is None:
        return []
    if lenient:
        root, _problems = read_stdlib_tree(source, limits)
    else:
        root, _truncated = read_fast_tree(source, limits)
    return attachment_parts(root)


def _load(part: Part) -> AttachmentData:
    return AttachmentData(
        filename=safe_filename(part.filename, part.content_type),
        content_type=part.content_type,
        content_id=part.content_id,
        data=part.load(),
    )


def extract_attachment(
    raw: bytes, position: int, expected_name: str = "", *, limits: MimeLimits = DEFAULT_LIMITS
) -> AttachmentData:
    """The attachment at `position`; `expected_name` (the stored safe name) is checked.

    The fast parser is tried first, the lenient stdlib parser when it fails or
    disagrees with the stored description; AttachmentUnavailable otherwise.
    """
    for lenient in (False, True):
        try:
            parts = _parts(raw, limits, lenient=lenient)
            if not 0 <= position < len(parts):
                continue
            found = _load(parts[position])
        except (NeedFallback, TooDeep):
            continue
        except Exception:  # a damaged encoding in the fast parser: the stdlib goes further
            if lenient:
                raise AttachmentUnavailable(
                    "The attachment is damaged and cannot be read."
                ) from None
            continue
        if not expected_name or found.filename == expected_name:
            return found
    raise AttachmentUnavailable(
        "The attachment could not be found in the message; it may not be downloaded yet."
    )


def inline_images(
    raw: bytes, *, max_bytes: int = 8 * 1024 * 1024, limits: MimeLimits = DEFAULT_LIMITS
) -> dict[str, bytes]:
    """Images the HTML refers to as cid:…, by content id; never raises."""
    for lenient in (False, True):
        try:
            parts = _parts(raw, limits, lenient=lenient)
            images: dict[str, bytes] = {}
            total = 0
            for part in parts:
                if not part.content_id or not part.content_type.startswith("image/"):
                    continue
                data = part.load()
                total += len(data)
                if total > max_bytes:
                    break
                images[part.content_id] = data
            return images
        except Exception:  # a damaged part or tree: try the lenient parser, then give up
            continue
    return {}
