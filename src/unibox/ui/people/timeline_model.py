"""A person's timeline in the record: messages and notes by time, paged with the cursor API."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from unibox.store.timeline import TimelineCursor, TimelineEntry, TimelinePage, timeline
from unibox.ui.bridge import Bridge

PAGE = 50
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


class TimelineModel(QAbstractListModel):
    """Pages of a person's timeline, newest first; the view's scrolling asks for the next.

    Only the first page is read when a person opens; canFetchMore/fetchMore
    read the next page from where the last ended (a keyset cursor), so the
    500th page costs what the first does.

    Signals:
        loaded(int): the first page of a person (or a new channel filter) is in.
    """

    loaded = Signal(int)

    def __init__(self, bridge: Bridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._entries: list[TimelineEntry] = []
        self._cursor: TimelineCursor | None = None
        self._loading = False
        self._generation = 0
        self.person_id: int | None = None
        self.channels: frozenset[str] | None = None
        self.pages_fetched = 0  # for tests and benchmarks: what was read, not how fast

    def show_person(self, person_id: int | None, channels: frozenset[str] | None = None) -> None:
        self._generation += 1
        self.person_id = person_id
        self.channels = channels
        self.beginResetModel()
        self._entries = []
        self._cursor = None
        self._loading = False
        self.endResetModel()
        if person_id is not None:
            self._read(None, first=True)

    def set_channels(self, channels: frozenset[str] | None) -> None:
        if channels != self.channels:
            self.show_person(self.person_id, channels)

    def reload(self) -> None:
        """The newest page again (a touch point was logged); the rows stay until it is in."""
        if self.person_id is None:
            return
        self._generation += 1
        self._read(None, first=True, replace=True)

    def entry(self, row: int) -> TimelineEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def _read(
        self, cursor: TimelineCursor | None, *, first: bool = False, replace: bool = False
    ) -> None:
        pid, channels, generation = self.person_id, self.channels, self._generation
        if pid is None:
            return
        self._loading = True
        self._bridge.read(
            lambda s: timeline(s, pid, before=cursor, limit=PAGE, channels=channels),
            lambda page: self._page_done(generation, page, first, replace),
            lane="main",  # waited for, like the record's head: never behind its numbers
        )

    def _page_done(
        self, generation: int, page: TimelinePage, first: bool, replace: bool = False
    ) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self.pages_fetched += 1
        if replace:
            self.beginResetModel()
            self._entries = []
            self.endResetModel()
        if page.entries:
            start = len(self._entries)
            self.beginInsertRows(QModelIndex(), start, start + len(page.entries) - 1)
            self._entries.extend(page.entries)
            self.endInsertRows()
        self._cursor = page.next_cursor
        if first:
            self.loaded.emit(len(self._entries))

    # -- QAbstractListModel -------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._cursor is not None and not self._loading

    def fetchMore(self, parent: _Index) -> None:
        if self.canFetchMore(parent):
            self._read(self._cursor)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        e = self._entries[index.row()]
        if role == ENTRY_ROLE:
            return e
        if role == Qt.ItemDataRole.DisplayRole:
            return e.title or e.snippet or e.channel
        if role == Qt.ItemDataRole.ToolTipRole:
            return e.snippet or None
        return None
