"""The one-line preview of a message shown under its subject."""

from __future__ import annotations

SNIPPET_CHARS = 240


def make_snippet(text: str) -> str:
    """The start of the text without quoted lines, stopping at the signature."""
    kept: list[str] = []
    length = 0
    for line in text[: SNIPPET_CHARS * 8].splitlines():
        if line in ("-- ", "--"):  # RFC 3676 signature separator
            break
        stripped = line.strip()
        if not stripped or stripped.startswith(">"):
            continue
        kept.append(stripped)
        length += len(stripped) + 1
        if length > SNIPPET_CHARS:
            break
    return " ".join(" ".join(kept).split())[:SNIPPET_CHARS]
