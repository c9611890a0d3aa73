"""Conversation grouping helpers: subject keys and the fallback window."""

from __future__ import annotations

import re

# Replies without References join a thread of the same subject this recent.
SUBJECT_WINDOW_SECONDS = 30 * 24 * 3600

_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|antw|réf|tr|rif|odp|r)\s*(?:\[\d+\])?\s*[:：]\s*"
    r"|\[[^\]]{1,40}\]\s*)+",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")


def subject_key(subject: str) -> str:
    """The subject stripped of reply/forward prefixes and list tags, case-folded."""
    stripped = _PREFIX.sub("", subject)
    return _SPACE.sub(" ", stripped).strip().casefold()


def is_reply_subject(subject: str) -> bool:
    return subject_key(subject) != _SPACE.sub(" ", subject).strip().casefold()
