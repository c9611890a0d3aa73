"""The People list: the ids of a search (or of those going cold), rows fetched in pages."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from unibox.core.items import ChangeSet
from unibox.store.people_list import PeopleSort, PersonRow, going_cold, people_ids, people_rows
from unibox.ui.bridge import Bridge

PAGE = 100
_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    NAME = 0
    COMPANY = 1
    LAST_TOUCH = 2
    OPEN = 3
    CHANNELS = 4
    MESSAGES = 5
    NEXT_MEETING = 6


HEADERS = ("Name", "Company", "Last touch", "Open", "Channels", "Messages", "Next meeting")
# Columns the store can sort by, and the order a click on them starts with.
SORTS = {
    Column.NAME: (PeopleSort.NAME, Qt.SortOrder.AscendingOrder),
    Column.LAST_TOUCH: (PeopleSort.LAST_TOUCH, Qt.SortOrder.DescendingOrder),
    Column.OPEN: (PeopleSort.OPEN_ITEMS, Qt.SortOrder.DescendingOrder),
    Column.MESSAGES: (PeopleSort.MESSAGES, Qt.SortOrder.DescendingOrder),
    Column.NEXT_MEETING: (PeopleSort.NEXT_MEETING, Qt.SortOrder.AscendingOrder),
}
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the PersonRow, or None while its page loads
ID_ROLE = Qt.ItemDataRole.UserRole + 2


def ago(when: datetime | None, now: datetime) -> str:
    """ "today", "yesterday", "3 days ago", "5 weeks ago", "2 years ago", "never"."""
    if when is None:
        return "never"
    days = (now.date() - when.astimezone().date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


class PeopleListModel(QAbstractTableModel):
    """Holds the ids of everyone matching the search; data() never touches the store.

    A row not yet fetched answers placeholders and asks for its page, which
    arrives through the bridge and is announced with dataChanged. With
    `cold_days` set, the list is the people going cold instead of a search.

    Signals:
        loaded(int): a new list is in place with this many people.
    """

    loaded = Signal(int)

    def __init__(self, bridge: Bridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._ids: list[int] = []
        self._rows: dict[int, PersonRow] = {}
        self._asked: set[int] = set()  # pages asked for
        self._generation = 0
        self.query = ""
        self.sort_by = PeopleSort.LAST_TOUCH
        self.cold_days: int | None = None
        self._in_flight = False  # a list read is on its way
        self._again = False  # and another was wished for meanwhile
        self.rows_fetched = 0  # how many rows were read from the store, for tests and benchmarks
        # Nothing is read until the page is first shown: at startup the inbox reads first.
        self.started = False
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(300)  # a sync's bursts refresh the list once
        self._reload_timer.timeout.connect(self.reload)

    # -- what the list shows ---------------------------------------------------

    def set_query(self, text: str) -> None:
        if text.strip() != self.query or self.cold_days is not None:
            self.query = text.strip()
            self.cold_days = None
            self.reload()

    def set_cold(self, days: int | None) -> None:
        """Show the people going cold after `days` without contact; None: everyone."""
        self.cold_days = days
        self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        chosen = SORTS.get(Column(column)) if 0 <= column < len(HEADERS) else None
        if chosen is None or chosen[0] == self.sort_by:
            return
        self.sort_by = chosen[0]
        self.reload()

    def start(self) -> None:
        """The page is shown: read the list, and from now on whenever it changes."""
        self.started = True
        self.reload()

    def reload(self) -> None:
        """Read the list again; while a read runs, only the newest wish is read after it."""
        self._generation += 1
        if not self.started:
            return  # start() reads what is wished for by then (search, sort, going cold)
        if self._in_flight:
            self._again = True  # typing faster than the store answers: skip what is stale
            return
        self._in_flight = True
        self._again = False
        generation = self._generation
        query, sort_by, days = self.query, self.sort_by, self.cold_days
        if days is not None:
            self._bridge.read(
                lambda s: going_cold(s, days=days, limit=500),
                lambda rows: self._cold_done(generation, rows),
            )
            return
        self._bridge.read(
            lambda s: people_ids(s, query, sort_by), lambda ids: self._ids_done(generation, ids)
        )

    def _answered(self, generation: int) -> bool:
        """Whether an answer is the newest wanted; if not, the newest is asked for now."""
        self._in_flight = False
        if self._again or generation != self._generation:
            self._again = False
            self.reload()
            return False
        return True

    def _ids_done(self, generation: int, ids: list[int]) -> None:
        if not self._answered(generation):
            return
        self.beginResetModel()
        self._ids = ids
        self._rows = {}
        self._asked = set()
        self.endResetModel()
        self.loaded.emit(len(ids))

    def _cold_done(self, generation: int, rows: list[PersonRow]) -> None:
        if not self._answered(generation):
            return
        self.beginResetModel()
        self._ids = [r.id for r in rows]
        self._rows = {r.id: r for r in rows}
        self._asked = set(range(0, len(rows), PAGE))
        self.rows_fetched += len(rows)
        self.endResetModel()
        self.loaded.emit(len(rows))

    def apply_changes(self, changes: ChangeSet) -> None:
        if changes.people or changes.messages_added:
            self._reload_timer.start()

    # -- rows --------------------------------------------------------------------

    def person_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, person_id: int) -> int | None:
        try:
            return self._ids.index(person_id)
        except ValueError:
            return None

    def cached(self, row: int) -> PersonRow | None:
        pid = self.person_id(row)
        return None if pid is None else self._rows.get(pid)

    def _want(self, row: int) -> None:
        start = row - row % PAGE
        if start in self._asked:
            return
        self._asked.add(start)
        generation = self._generation
        ids = self._ids[start : start + PAGE]
        self._bridge.read(
            lambda s: people_rows(s, ids), lambda rows: self._page_done(generation, start, rows)
        )

    def _page_done(self, generation: int, start: int, rows: list[PersonRow]) -> None:
        if generation != self._generation:
            return
        self.rows_fetched += len(rows)
        for r in rows:
            self._rows[r.id] = r
        end = min(start + PAGE, len(self._ids)) - 1
        if end >= start:
            self.dataChanged.emit(self.index(start, 0), self.index(end, len(HEADERS) - 1))

    # -- QAbstractTableModel ------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        pid = self._ids[index.row()]
        if role == ID_ROLE:
            return pid
        row = self._rows.get(pid)
        if row is None:
            self._want(index.row())
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if row is None else _text(row, Column(index.column()))
        if role == Qt.ItemDataRole.ToolTipRole and row is not None:
            if index.column() == Column.CHANNELS:
                return ", ".join(row.channels)
            if index.column() == Column.NAME:
                return row.handle
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (
            Column.OPEN,
            Column.MESSAGES,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _text(row: PersonRow, column: Column) -> str:
    if column is Column.NAME:
        return row.display_name or row.handle
    if column is Column.COMPANY:
        return row.company
    if column is Column.LAST_TOUCH:
        return ago(row.last_touch, datetime.now().astimezone())
    if column is Column.OPEN:
        return str(row.open_items) if row.open_items else ""
    if column is Column.CHANNELS:
        return " ".join(row.channels)
    if column is Column.NEXT_MEETING:
        return soon(row.next_meeting, datetime.now().astimezone())
    return f"{row.message_count:,}"


def soon(when: datetime | None, now: datetime) -> str:
    """ "today 14:00", "tomorrow 09:30", "Fri 11 Dec 10:00", "" without one."""
    if when is None:
        return ""
    local = when.astimezone(now.tzinfo)
    days = (local.date() - now.date()).days
    day = {0: "today", 1: "tomorrow"}.get(days) or f"{local:%a} {local.day} {local:%b}"
    return f"{day} {local:%H:%M}"
