"""Which message ids the list shows: the read of a view or a search, one row per
message or per conversation, and whether a new list of them merges into the shown one
in place. No Qt here: the model runs these reads off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from unibox.core.query import SearchQuery
from unibox.store import views
from unibox.store.views import View

SEARCH_LIMIT = 5000


def ids_query(
    view: View, search: SearchQuery | None, grouped: bool, now: int, head: int | None = None
) -> Callable[[Session], list[int]]:
    """The ids of what is shown; with `head`, a prefix of them, fast (at least `head`
    long unless the whole list is shorter)."""
    if search is not None:
        limit = head or SEARCH_LIMIT
        if grouped:  # a prefix of the messages gives a prefix of the conversations
            return lambda s: views.newest_per_conversation(
                s, views.search_view_ids(s, search, limit * 3 if head else limit)
            )
        return lambda s: views.search_view_ids(s, search, limit)
    if grouped:
        if head:
            return lambda s: views.newest_per_conversation(
                s, views.view_ids(s, view, head * 3, now=now)
            )
        return lambda s: views.conversation_view_ids(s, view, now=now)
    return lambda s: views.view_ids(s, view, head, now=now)


def diff_ok(old: list[int], new: list[int]) -> bool:
    """Whether `old` minus removed ids is in the same order within `new`."""
    keep = set(new)
    position = {mid: n for n, mid in enumerate(new)}
    last = -1
    for mid in old:
        if mid in keep:
            if position[mid] < last:
                return False
            last = position[mid]
    return True
