"""The bounds that keep parsing one hostile message cheap, and how to word them."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class MimeLimits:
    """Resource bounds for parsing one message; exceeding one gives PARTIAL."""

    max_message_bytes: int = 96 * MB  # fast-mail-parser refuses more than 100 MiB
    max_header_bytes: int = 4 * MB  # room for ~100k recipients, still parsed in ms
    max_header_fields: int = 1000  # real mail has 20-100
    max_addresses: int = 1000  # per field; each becomes a person in the store
    max_references: int = 100
    max_depth: int = 64  # MIME nesting; real mail rarely exceeds 5
    max_parts: int = 1000
    max_text_chars: int = 1_000_000
    max_html_chars: int = 2_000_000
    max_fallback_bytes: int = 8 * MB  # the stdlib parser is ~100x slower per byte
    exact_size_bytes: int = 1 * MB  # decode attachments up to this to measure them
    time_budget: float = 1.0  # seconds, checked between the steps of a parse
    # Produce sanitized HTML. The sync turns this off: sanitizing is a sixth of
    # its parse time, and the reading pane derives HTML from the raw source.
    html: bool = True

    def __post_init__(self) -> None:
        # Body selection recurses once per level of a tree checked against
        # max_depth, so the bound must stay far below Python's recursion limit.
        if not 1 <= self.max_depth <= 200:
            raise ValueError("max_depth must be between 1 and 200")


DEFAULT_LIMITS = MimeLimits()


def size_text(size: int) -> str:
    """A byte count as a person reads it: "12 MB", "640 KB", "12 bytes"."""
    if size >= MB:
        return f"{size / MB:.0f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def nesting_too_deep(limits: MimeLimits) -> str:
    return (
        f"The message is nested more than {limits.max_depth} levels deep; "
        "only its headers were read."
    )
