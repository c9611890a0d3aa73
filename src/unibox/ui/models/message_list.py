"""The message list: the ids of one view or search, rows fetched in pages off the GUI thread."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from sqlalchemy.orm import Session

from unibox.core.items import ChangeSet
from unibox.core.query import SearchQuery
from unibox.core.triage import Clock, utc_now
from unibox.store import view_rows
from unibox.store.view_rows import MessageRow
from unibox.store.views import View, ViewKind
from unibox.ui.bridge import Bridge
from unibox.ui.format import tooltip_text
from unibox.ui.models.message_ids import diff_ok, ids_query

log = logging.getLogger("unibox.ui")

PAGE = 100
CACHE_ROWS = 3000
# A new view or search shows its newest HEAD ids first (a fast query that
# does not sort everything); the whole list follows in a second read.
HEAD = 300
REST_DELAY_MS = 250
_Index = QModelIndex | QPersistentModelIndex
_ROW_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags


class Role(IntEnum):
    ROW = Qt.ItemDataRole.UserRole + 1  # the MessageRow, or None while it loads
    MESSAGE_ID = Qt.ItemDataRole.UserRole + 2


class MessageListModel(QAbstractListModel):
    """Holds only the ids of the current view; rows arrive in pages into a bounded cache.

    data() never touches the store: a row not yet cached answers None and
    schedules its page, which arrives through the bridge and is announced with
    dataChanged. A ChangeSet refreshes only the rows it names, inserting and
    removing rows in place so the selection stays put.

    Signals:
        loaded(int): a new view or search is in place (its first rows) with this many rows.
        completed(int): the whole list of the view or search is in, this many rows.
        rows_changed(): rows were inserted or removed by a ChangeSet.
    """

    loaded = Signal(int)
    completed = Signal(int)
    rows_changed = Signal()

    def __init__(
        self, bridge: Bridge, parent: QObject | None = None, *, clock: Clock = utc_now
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.clock = clock  # what "now" is for snoozes and follow-ups
        self._ids: list[int] = []
        self._rows: OrderedDict[int, MessageRow] = OrderedDict()
        self._chats: dict[int, int] = {}  # message id of a chat's row -> its conversation
        self._wanted: set[int] = set()
        self._asked: set[int] = set()
        self._generation = 0
        self.view: View = View(ViewKind.INBOX)
        self.search: SearchQuery | None = None
        self.grouped = False  # one row per conversation: its newest message
        self._fetch_timer = QTimer(self)
        self._fetch_timer.setSingleShot(True)
        self._fetch_timer.setInterval(0)
        self._fetch_timer.timeout.connect(self._fetch_wanted)
        # The whole list of a long view or search waits for typing to pause:
        # only the newest rows are on screen, and each letter makes a new list.
        self._rest_timer = QTimer(self)
        self._rest_timer.setSingleShot(True)
        self._rest_timer.setInterval(REST_DELAY_MS)
        self._rest_timer.timeout.connect(self._load_rest)

    # -- what the list shows ---------------------------------------------------

    def show_view(self, view: View) -> None:
        self.view = view
        self.search = None
        self._load()

    def show_search(self, query: SearchQuery | None) -> None:
        """Search all mail; None goes back to the current view."""
        self.search = query if query is not None and not query.is_empty else None
        self._load()

    def set_grouped(self, grouped: bool) -> None:
        """One row per conversation (its newest message) or one per message."""
        if grouped != self.grouped:
            self.grouped = grouped
            self._load()

    def reload(self) -> None:
        self._load()

    def refresh(self) -> None:
        """Fetch the ids again and change only the rows that differ (the clock moved on)."""
        self._refresh_ids(ChangeSet())

    def remove_ids(self, ids: set[int]) -> None:
        """Take these rows out at once; the store will agree once the action is written."""
        self._merge(self._generation, [mid for mid in self._ids if mid not in ids], [])

    def _now(self) -> int:
        return int(self.clock().timestamp())

    def _ids_query(self, head: int | None = None) -> Callable[[Session], list[int]]:
        """The ids of what is shown; with `head`, a prefix of them (see ids_query)."""
        return ids_query(self.view, self.search, self.grouped, self._now(), head)

    def _load(self) -> None:
        self._generation += 1
        generation = self._generation
        # Whole lists of an earlier view or search (a letter ago) are of no use now.
        self._rest_timer.stop()
        self._bridge.cancel_pending("bulk")
        head_query = self._ids_query(HEAD)
        now = self._now()

        def query(s: Session) -> tuple[list[int], list[MessageRow]]:
            ids = head_query(s)
            return ids, view_rows.rows_for(s, ids[:PAGE], now=now)

        self._bridge.read(query, lambda result: self._head_loaded(generation, *result))

    def _head_loaded(self, generation: int, ids: list[int], rows: list[MessageRow]) -> None:
        if generation != self._generation:
            return
        self._loaded(generation, ids, rows)
        if len(ids) < HEAD:  # that was all of it
            self.completed.emit(len(ids))
            return
        self._rest_timer.start()

    def _load_rest(self) -> None:
        generation = self._generation
        self._bridge.read(
            self._ids_query(), lambda full: self._completed(generation, full), lane="bulk"
        )

    def _completed(self, generation: int, ids: list[int]) -> None:
        if generation != self._generation:
            return
        self._merge(generation, ids, [])
        self.completed.emit(len(self._ids))

    def _loaded(self, generation: int, ids: list[int], rows: list[MessageRow]) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._ids = ids
        self._rows = OrderedDict((r.id, r) for r in rows)
        self._chats = {r.id: r.conversation_id for r in rows if r.chat}
        self._wanted.clear()
        self._asked.clear()
        self.endResetModel()
        self.loaded.emit(len(ids))

    # -- Qt model interface ----------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        # Qt asks once per row when a long list arrives (70,000 times for a big inbox):
        # a constant, since combining the enum flags each time cost 0.7 s at startup.
        return _ROW_FLAGS if index.isValid() else _NO_FLAGS

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        mid = self._ids[index.row()]
        if role == Role.MESSAGE_ID:
            return mid
        if role not in (Role.ROW, Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._rows.get(mid)
        if row is None:
            self._want(index.row())
            return None if role == Role.ROW else ""
        self._rows.move_to_end(mid)
        if role == Role.ROW:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_text(row.subject)
        who = ", ".join(c.name for c in row.recipients) if row.outgoing else row.sender_name
        return f"{who} — {row.subject}"

    # -- lookups for the view --------------------------------------------------

    def message_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, message_id: int) -> int | None:
        try:
            return self._ids.index(message_id)
        except ValueError:
            return None

    def cached_row(self, row: int) -> MessageRow | None:
        mid = self.message_id(row)
        return self._rows.get(mid) if mid is not None else None

    # -- paging ----------------------------------------------------------------

    def _want(self, row: int) -> None:
        start = row - row % PAGE
        page = self._ids[start : start + PAGE]
        fresh = [mid for mid in page if mid not in self._rows and mid not in self._asked]
        if fresh:
            self._wanted.update(fresh)
            self._fetch_timer.start()

    def _fetch_wanted(self) -> None:
        ids = [mid for mid in self._wanted if mid not in self._rows]
        self._wanted.clear()
        if ids:
            self._fetch_rows(ids)

    def _fetch_rows(self, ids: list[int]) -> None:
        self._asked.update(ids)
        generation, now = self._generation, self._now()
        self._bridge.read(
            lambda s: view_rows.rows_for(s, ids, now=now), lambda r: self._got_rows(generation, r)
        )

    def _got_rows(self, generation: int, rows: list[MessageRow]) -> None:
        if generation != self._generation:
            return
        for r in rows:
            self._rows[r.id] = r
            self._rows.move_to_end(r.id)
            self._asked.discard(r.id)
            if r.chat:
                self._chats[r.id] = r.conversation_id
        self._announce({r.id for r in rows})
        while len(self._rows) > CACHE_ROWS:
            self._rows.popitem(last=False)  # least recently shown first

    def _announce(self, ids: set[int]) -> None:
        """dataChanged over each run of consecutive rows among ids."""
        rows = sorted(n for n, mid in enumerate(self._ids) if mid in ids)
        start = prev = None
        for n in [*rows, None]:
            if n is not None and prev is not None and n == prev + 1:
                prev = n
                continue
            if start is not None and prev is not None:
                self.dataChanged.emit(self.index(start), self.index(prev), [Role.ROW])
            start = prev = n

    # -- changes from the store -----------------------------------------------

    def apply_changes(self, changes: ChangeSet) -> None:
        """Refresh what a ChangeSet names; reload ids only when membership may differ."""
        membership = bool(changes.messages_added or changes.messages_removed or changes.folders)
        # Every view but Sent and Archive depends on flags or triage state.
        state_based = self.search is not None or self.view.kind not in (
            ViewKind.SENT,
            ViewKind.ARCHIVE,
        )
        if membership or (state_based and changes.messages_changed):
            self._refresh_ids(changes)
            return
        # A conversation that changed shows a new count on every row of it.
        touched = [
            mid
            for mid, row in self._rows.items()
            if mid in changes.messages_changed or row.conversation_id in changes.conversations
        ]
        for mid in touched:
            del self._rows[mid]
        if touched:
            self._fetch_rows(touched)

    def _new_lines_unread(self, new: list[int], rows: list[MessageRow]) -> list[int]:
        """The newest ids of `new` with no row at hand, when a chat's row is leaving."""
        staying = set(new)
        if not any(mid in self._chats and mid not in staying for mid in self._ids):
            return []
        have = {r.id for r in rows} | set(self._ids)
        return [mid for mid in new if mid not in have][:50]

    def _follow_chats(self, new: list[int], rows: list[MessageRow]) -> None:
        """A chat is one row, its newest line: a new line moves that row (and the selection
        with it) instead of removing it and adding another, so writing in a chat keeps it
        open."""
        newest = {r.conversation_id: r.id for r in rows if r.chat}
        if not newest:
            return
        wanted = {mid: n for n, mid in enumerate(new)}
        for mid in list(self._ids):
            chat = self._chats.get(mid)  # kept while its row is out of the cache, too
            fresh = newest.get(chat) if chat is not None else None
            if fresh is None or mid in wanted or fresh not in wanted or fresh in self._ids:
                continue
            pos = self._ids.index(mid)
            self._ids[pos] = fresh
            self._rows.pop(mid, None)
            self._chats.pop(mid, None)
            here = self.index(pos)
            self.dataChanged.emit(here, here)
            # A new line only moves a chat up: below the rows above it that are newer still.
            dest = sum(
                1 for other in self._ids[:pos] if wanted.get(other, len(new)) < wanted[fresh]
            )
            if dest != pos and self.beginMoveRows(QModelIndex(), pos, pos, QModelIndex(), dest):
                self._ids.insert(dest, self._ids.pop(pos))
                self.endMoveRows()

    def _refresh_ids(self, changes: ChangeSet) -> None:
        generation = self._generation
        ids_query = self._ids_query()
        changed = changes.messages_changed | changes.messages_added
        changed |= {m for m, r in self._rows.items() if r.conversation_id in changes.conversations}
        now = self._now()

        def query(s: Session) -> tuple[list[int], list[MessageRow]]:
            ids = ids_query(s)
            present = set(ids)
            return ids, view_rows.rows_for(s, [m for m in changed if m in present], now=now)

        # On the bulk reader: at 100,000 messages this takes a tenth of a second,
        # which opening a message or a new search should not wait for.
        self._bridge.read(query, lambda result: self._merge(generation, *result), lane="bulk")

    def _merge(
        self, generation: int, new: list[int], rows: list[MessageRow], *, asked: bool = False
    ) -> None:
        if generation != self._generation:
            return
        if not asked and (unknown := self._new_lines_unread(new, rows)):
            # A chat's row is leaving: read the newest unknown rows first, one of them may
            # be its new line (a list completed in the background brings no rows).
            now = self._now()
            self._bridge.read(
                lambda s: view_rows.rows_for(s, unknown, now=now),
                lambda more: self._merge(generation, new, rows + more, asked=True),
            )
            return
        self._follow_chats(new, rows)
        if not diff_ok(self._ids, new):
            self._generation += 1
            self._loaded(self._generation, new, [r for r in rows if r.id in set(new)])
            return
        keep = set(new)
        n = len(self._ids) - 1
        while n >= 0:  # remove runs of vanished rows, from the bottom up
            if self._ids[n] in keep:
                n -= 1
                continue
            end = n
            while n >= 0 and self._ids[n] not in keep:
                n -= 1
            self.beginRemoveRows(QModelIndex(), n + 1, end)
            for mid in self._ids[n + 1 : end + 1]:
                self._rows.pop(mid, None)
            del self._ids[n + 1 : end + 1]
            self.endRemoveRows()
        n = 0
        while n < len(new):  # insert runs of new rows where they belong
            if n < len(self._ids) and self._ids[n] == new[n]:
                n += 1
                continue
            if n >= len(self._ids):
                end = len(new)
            else:  # up to the next row we already show (it is in `new`: _diff_ok)
                anchor = self._ids[n]
                end = n
                while new[end] != anchor:
                    end += 1
            self.beginInsertRows(QModelIndex(), n, end - 1)
            self._ids[n:n] = new[n:end]
            self.endInsertRows()
            n = end
        for r in rows:
            self._rows[r.id] = r
            if r.chat:
                self._chats[r.id] = r.conversation_id
        self._announce({r.id for r in rows})
        self.rows_changed.emit()
