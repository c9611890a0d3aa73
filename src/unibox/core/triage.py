"""Local triage beyond IMAP flags: done, snoozed until, follow-up due.

The store keeps these per message; they are mirrored to the server as IMAP
keywords (where PERMANENTFLAGS allows new ones) so that another unibox on
another machine sees them after its next sync:

    $unibox-done
    $unibox-snoozed-20240105T0900Z
    $unibox-followup-20240105T0900Z            follow up at that time
    $unibox-followup-noreply-20240105T0900Z    ... only if nobody answered

Times are whole minutes in UTC. Pure code; the current time is always passed
in (a Clock), never read here, so tests move time instead of sleeping.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

Clock = Callable[[], datetime]

DONE = "$unibox-done"
_PREFIX = "$unibox-"
_SNOOZED = "$unibox-snoozed-"
_FOLLOWUP = "$unibox-followup-"
_NOREPLY = "$unibox-followup-noreply-"
_STAMP = re.compile(r"(\d{8}T\d{4})Z")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class TriageState:
    """The local triage of one message. Times are Unix seconds (UTC)."""

    done: bool = False
    snoozed_until: int | None = None
    followup_due: int | None = None
    followup_if_no_reply: bool = False

    @property
    def empty(self) -> bool:
        return self == TriageState()


def stamp(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y%m%dT%H%MZ")


def _seconds(text: str) -> int | None:
    match = _STAMP.fullmatch(text)
    if match is None:
        return None
    try:
        return int(datetime.strptime(match.group(1), "%Y%m%dT%H%M").replace(tzinfo=UTC).timestamp())
    except ValueError:
        return None


def minute(seconds: int) -> int:
    """Round down to a whole minute: what a keyword can carry."""
    return seconds - seconds % 60


def is_triage_keyword(flag: str) -> bool:
    return flag.lower().startswith(_PREFIX)


def keywords_for(state: TriageState) -> set[str]:
    """The keywords that describe `state` on the server."""
    found: set[str] = set()
    if state.done:
        found.add(DONE)
    if state.snoozed_until is not None:
        found.add(_SNOOZED + stamp(state.snoozed_until))
    if state.followup_due is not None:
        prefix = _NOREPLY if state.followup_if_no_reply else _FOLLOWUP
        found.add(prefix + stamp(state.followup_due))
    return found


def state_from_keywords(flags: Iterable[str]) -> TriageState:
    """Read the triage state another unibox left on the server (unknown keywords ignored)."""
    done = False
    snoozed: int | None = None
    due: int | None = None
    no_reply = False
    for flag in flags:
        lower = flag.lower()
        if lower == DONE:
            done = True
        elif lower.startswith(_SNOOZED):
            snoozed = _latest(snoozed, _seconds(flag[len(_SNOOZED) :].upper()))
        elif lower.startswith(_NOREPLY):
            value = _seconds(flag[len(_NOREPLY) :].upper())
            if value is not None:
                due, no_reply = _latest(due, value), True
        elif lower.startswith(_FOLLOWUP):
            value = _seconds(flag[len(_FOLLOWUP) :].upper())
            if value is not None and due is None:
                due = value
    return TriageState(done, snoozed, due, no_reply)


def _latest(current: int | None, new: int | None) -> int | None:
    if new is None:
        return current
    return new if current is None else max(current, new)


def keyword_changes(old: TriageState, new: TriageState) -> tuple[set[str], set[str]]:
    """(keywords to add, keywords to remove) to go from `old` to `new` on the server."""
    before, after = keywords_for(old), keywords_for(new)
    return after - before, before - after


def followup_needed(state: TriageState, now: int, *, replied_after_due_set: bool) -> bool:
    """A follow-up surfaces once due, unless it waited for a reply that came."""
    if state.followup_due is None or state.followup_due > now:
        return False
    return not (state.followup_if_no_reply and replied_after_due_set)
