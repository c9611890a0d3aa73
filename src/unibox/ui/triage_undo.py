"""What a triage action did, in words, and the actions that put it back (no Qt here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from unibox.core.items import FolderRole
from unibox.store.actions import Action, ActionKind
from unibox.store.triage_targets import Before

Step = tuple[tuple[int, ...], Action]  # these messages, this action


@dataclass(frozen=True, slots=True)
class Done:
    """An action that was applied: what to say, and how to undo it (empty: it cannot be)."""

    action: Action
    message_ids: tuple[int, ...]
    accounts: frozenset[str]
    undo: tuple[Step, ...]
    sentence: str


_VERBS = {
    ActionKind.READ: "Marked {n} as read",
    ActionKind.UNREAD: "Marked {n} as unread",
    ActionKind.FLAG: "Flagged {n}",
    ActionKind.UNFLAG: "Unflagged {n}",
    ActionKind.ARCHIVE: "Archived {n}",
    ActionKind.DELETE: "Moved {n} to Trash",
    ActionKind.JUNK: "Moved {n} to Junk",
    ActionKind.DONE: "Marked {n} as done",
    ActionKind.SNOOZE: "Snoozed {n} until {when}",
    ActionKind.FOLLOWUP: "Follow-up for {n} set for {when}",
    ActionKind.NO_FOLLOWUP: "Follow-up for {n} cleared",
}


def sentence(action: Action, count: int, when: str = "", *, grouped: bool = False) -> str:
    """ "Archived 3 messages"; on a grouped list, "Archived the conversation"."""
    what = "conversation" if grouped else "message"
    n = f"the {what}" if count == 1 else f"{count:,} {what}s"
    return _VERBS.get(action.kind, action.kind.value.capitalize() + " {n}").format(n=n, when=when)


def _group(pairs: Sequence[tuple[int, Action]]) -> tuple[Step, ...]:
    steps: dict[Action, list[int]] = {}
    for mid, action in pairs:
        steps.setdefault(action, []).append(mid)
    return tuple((tuple(ids), action) for action, ids in steps.items())


def undo_steps(action: Action, before: Sequence[Before], now: int) -> tuple[Step, ...]:
    """The actions that return each message to how it was before `action` (now: Unix seconds)."""
    kind = action.kind
    pairs: list[tuple[int, Action]] = []
    for b in before:
        if kind in (ActionKind.READ, ActionKind.UNREAD):
            pairs.append(
                (b.message_id, Action(ActionKind.READ if b.is_seen else ActionKind.UNREAD))
            )
        elif kind in (ActionKind.FLAG, ActionKind.UNFLAG):
            back = ActionKind.FLAG if b.is_flagged else ActionKind.UNFLAG
            pairs.append((b.message_id, Action(back)))
        elif kind in (ActionKind.ARCHIVE, ActionKind.DELETE, ActionKind.JUNK, ActionKind.MOVE):
            if kind is ActionKind.DELETE and b.folder_role == FolderRole.TRASH.value:
                return ()  # deleted for good: nothing to move back
            if b.folder:
                pairs.append((b.message_id, Action(ActionKind.MOVE, folder=b.folder)))
        elif kind in (ActionKind.DONE, ActionKind.SNOOZE):
            # Done clears a snooze and a snooze clears done: put back both.
            if b.state.done and kind is ActionKind.SNOOZE:
                pairs.append((b.message_id, Action(ActionKind.DONE)))
            elif not b.state.done and kind is ActionKind.DONE:
                pairs.append((b.message_id, Action(ActionKind.UNDONE)))
            until = b.state.snoozed_until
            if until is not None and until > now:
                pairs.append((b.message_id, Action(ActionKind.SNOOZE, when=until)))
            elif kind is ActionKind.SNOOZE:
                pairs.append((b.message_id, Action(ActionKind.UNSNOOZE)))
        elif kind in (ActionKind.FOLLOWUP, ActionKind.NO_FOLLOWUP):
            due = b.state.followup_due
            if due is not None and due > now:
                back_action = Action(
                    ActionKind.FOLLOWUP, when=due, if_no_reply=b.state.followup_if_no_reply
                )
                pairs.append((b.message_id, back_action))
            else:
                pairs.append((b.message_id, Action(ActionKind.NO_FOLLOWUP)))
    return _group(pairs)
