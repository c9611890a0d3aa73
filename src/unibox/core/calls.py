"""A phone call as a call log lists it: who, when, which way, how long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

INCOMING, OUTGOING, MISSED, REJECTED, VOICEMAIL, BLOCKED = (
    "incoming",
    "outgoing",
    "missed",
    "rejected",
    "voicemail",
    "blocked",
)
_WORDS = {
    INCOMING: "Incoming call",
    OUTGOING: "Outgoing call",
    MISSED: "Missed call",
    REJECTED: "Declined call",
    VOICEMAIL: "Voicemail",
    BLOCKED: "Blocked call",
}


@dataclass(frozen=True, slots=True)
class LoggedCall:
    """One call of an imported call log; `number` is E.164 when it could be read as one."""

    number: str  # E.164, or the text the log had (a hidden or short number)
    name: str  # the name the phone showed, "" if none
    at: datetime  # timezone-aware
    direction: str  # INCOMING, OUTGOING, MISSED, …
    seconds: int = 0

    def describe(self) -> str:
        """The call in words, as the person's timeline shows it ("Outgoing call, 2 min 5 s")."""
        words = _WORDS.get(self.direction, "Call")
        if self.seconds <= 0 or self.direction not in (INCOMING, OUTGOING, VOICEMAIL):
            return words
        minutes, seconds = divmod(self.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        parts = [f"{hours} h"] if hours else []
        if minutes:
            parts.append(f"{minutes} min")
        if seconds or not parts:
            parts.append(f"{seconds} s")
        return f"{words}, {' '.join(parts)}"
