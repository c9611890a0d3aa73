"""The rows of the Outbox window: messages waiting, scheduled, sending or failed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from unibox.store import outbox
from unibox.store.outbox import OutboxItem
from unibox.ui.compose.schedule import when_text

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Subject", "To", "When", "Status")
ACTIONABLE = (outbox.QUEUED, outbox.FAILED)


def actionable(item: OutboxItem) -> bool:
    """May the person send, edit or cancel it now? (A maybe-sent one: send again or discard.)"""
    return item.state in ACTIONABLE or item.awaits_decision


def status_text(item: OutboxItem, now: float) -> str:
    """The state in words, with the error when there is one."""
    if item.state == outbox.QUEUED:
        if item.last_error:
            return f"Will try again: {item.last_error}"
        return "Scheduled" if item.send_at > now + 60 else "Waiting to send"
    if item.state == outbox.SENDING:
        return "Sending…"
    if item.state == outbox.UNCONFIRMED:
        if item.awaits_decision:
            return item.last_error or outbox.MAY_HAVE_BEEN_SENT
        return "May have been sent: the server did not confirm; looking for it in Sent…"
    if item.state == outbox.ACCEPTED:
        return "Sent; being filed in Sent" + (f" ({item.last_error})" if item.last_error else "")
    if item.state == outbox.FAILED:
        return f"Not sent: {item.last_error or 'the server refused it.'}"
    if item.state == outbox.DONE:
        return "Sent"
    return "Cancelled"


def shown(items: list[OutboxItem]) -> list[OutboxItem]:
    """Open messages and failed ones (the person must decide about those)."""
    return [i for i in items if i.state in outbox.OPEN_STATES or i.state == outbox.FAILED]


class OutboxModel(QAbstractTableModel):
    """Outbox items as rows; `set_items` updates changed rows in place when the list is the same."""

    ITEM = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[OutboxItem] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == self.ITEM:
            return item
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        now = datetime.now().astimezone()
        column = index.column()
        if column == 0:
            return item.subject or "(no subject)"
        if column == 1:
            return ", ".join(item.recipients)
        if column == 2:
            when = datetime.fromtimestamp(item.send_at).astimezone()
            return when_text(when, now)
        if column == 3:
            return status_text(item, now.timestamp())
        return None

    def item(self, row: int) -> OutboxItem | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def set_items(self, items: list[OutboxItem]) -> None:
        if [i.id for i in items] != [i.id for i in self._items]:
            self.beginResetModel()
            self._items = list(items)
            self.endResetModel()
            return
        for row, (old, new) in enumerate(zip(self._items, items, strict=True)):
            if old != new:
                self._items[row] = new
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
