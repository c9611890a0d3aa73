"""How quickly the user and a person answer each other, and who owes the next reply."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

ME, THEM = "me", "them"


@dataclass(frozen=True, slots=True)
class Turn:
    """One message in a conversation between the user and one person."""

    conversation_id: int
    at: int  # Unix seconds
    by: str  # ME or THEM
    message_id: int = 0


@dataclass(slots=True)
class Exchange:
    """Reply delays both ways, and the conversations whose last word is unanswered."""

    my_delays: list[int] = field(default_factory=list)  # seconds, me answering them
    their_delays: list[int] = field(default_factory=list)
    last_turn: dict[int, Turn] = field(default_factory=dict)  # conversation -> its last turn

    def my_median(self) -> float | None:
        return statistics.median(self.my_delays) if self.my_delays else None

    def their_median(self) -> float | None:
        return statistics.median(self.their_delays) if self.their_delays else None


def exchange(turns: Iterable[Turn]) -> Exchange:
    """Walk each conversation in time order.

    A reply's delay counts from the first message it answers (the time the
    other side has been waiting), not from the last one in a burst.
    """
    result = Exchange()
    waiting_since: dict[int, tuple[str, int]] = {}  # conversation -> (who waits, since)
    for turn in sorted(turns, key=lambda t: (t.conversation_id, t.at, t.message_id)):
        pending = waiting_since.get(turn.conversation_id)
        if pending is not None and pending[0] != turn.by:
            delay = max(0, turn.at - pending[1])
            (result.my_delays if turn.by == ME else result.their_delays).append(delay)
            pending = None
        if pending is None:
            waiting_since[turn.conversation_id] = (turn.by, turn.at)
        result.last_turn[turn.conversation_id] = turn
    return result
