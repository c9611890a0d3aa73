"""The sidebar: smart views, then channels, then each account's folders, with counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from unibox.core.items import ChangeSet
from unibox.core.triage import Clock, utc_now
from unibox.store import folder_tree, view_counts
from unibox.store.channels import channel_of, present_channels
from unibox.store.folder_tree import AccountEntry
from unibox.store.view_counts import Counts
from unibox.store.views import View, ViewKind
from unibox.ui.bridge import Bridge

_Index = QModelIndex | QPersistentModelIndex

SMART_VIEWS = (
    (ViewKind.INBOX, "Unified inbox", "inbox"),
    (ViewKind.NEEDS_REPLY, "Needs reply", "reply"),
    (ViewKind.FOLLOWUP, "Needs follow-up", "followup"),
    (ViewKind.SNOOZED, "Snoozed", "snooze"),
    (ViewKind.FLAGGED, "Flagged", "flag"),
    (ViewKind.UNREAD, "Unread", "unread"),
    (ViewKind.SENT, "Sent", "sent"),
    (ViewKind.ARCHIVE, "Archive", "archive"),
)
_ROLE_TITLES = {
    "inbox": ("Inbox", "inbox"),
    "sent": ("Sent", "sent"),
    "archive": ("Archive", "archive"),
    "drafts": ("Drafts", "file"),
    "trash": ("Trash", "trash"),
    "junk": ("Junk", "warning"),
    "flagged": ("Flagged", "flag"),
}


class Role(IntEnum):
    VIEW = Qt.ItemDataRole.UserRole + 1  # View, or None for an account heading
    COUNT = Qt.ItemDataRole.UserRole + 2  # unread (flagged: all flagged) messages
    ICON = Qt.ItemDataRole.UserRole + 3  # icon name in resources/icons
    HEADING = Qt.ItemDataRole.UserRole + 4  # True for a heading (an account, "Channels")


@dataclass(eq=False)
class _Node:
    title: str
    icon: str
    view: View | None
    parent: _Node | None = None
    count: int = 0
    tooltip: str = ""
    account: bool = False  # an account's heading
    children: list[_Node] = field(default_factory=list)

    def add(self, child: _Node) -> _Node:
        child.parent = self
        self.children.append(child)
        return child


def _tree(accounts: list[AccountEntry], shown: list[tuple[str, str, str]]) -> _Node:
    """The sidebar's nodes; `shown`: the channels present (store/channels.present_channels)."""
    root = _Node("", "", None)
    for kind, title, icon in SMART_VIEWS:
        root.add(_Node(title, icon, View(kind)))
    if shown:
        group = root.add(_Node("Channels", "", None))
        for key, title, icon in shown:
            group.add(_Node(title, icon, View(ViewKind.CHANNEL, channel=key)))
    for account in accounts:
        if not account.folders and (
            account.kind == "import" or channel_of(account.kind) not in ("", "email")
        ):
            continue  # a chat (or imported history) has no folders: it is under Channels
        title = account.display_name or account.name
        tooltip = f"{account.name}: {account.email}"
        heading = root.add(_Node(title, "", None, tooltip=tooltip, account=True))
        for f in account.folders:
            name, icon = _ROLE_TITLES.get(f.role, (f.name, "folder"))
            heading.add(_Node(name, icon, View(ViewKind.FOLDER, f.id), tooltip=f.name))
    return root


def _shape(node: _Node) -> list[Any]:
    return [(c.title, c.view, _shape(c)) for c in node.children]


class SidebarModel(QAbstractItemModel):
    """A two-level tree; counts refresh in place when a ChangeSet arrives.

    Signals:
        loaded(): the tree is (re)built.
        counts_changed(Counts): fresh totals for the whole store.
    """

    loaded = Signal()
    counts_changed = Signal(object)

    def __init__(
        self, bridge: Bridge, parent: QObject | None = None, *, clock: Clock = utc_now
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.clock = clock
        self._root = _Node("", "", None)
        self.loaded_once = False
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)  # a sync sends bursts of ChangeSets
        self._refresh_timer.timeout.connect(self.reload)

    def reload(self) -> None:
        now = int(self.clock().timestamp())

        def query(s: Any) -> tuple[list[AccountEntry], list[tuple[str, str, str]], Counts]:
            accounts = folder_tree.accounts_and_folders(s)
            return accounts, present_channels(s), view_counts.counts(s, now)

        self._bridge.read(query, lambda result: self._update(*result), lane="side")

    def apply_changes(self, changes: ChangeSet) -> None:
        if changes:
            self._refresh_timer.start()

    def _update(
        self, accounts: list[AccountEntry], channels: list[tuple[str, str, str]], counts: Counts
    ) -> None:
        fresh = _tree(accounts, channels)
        if _shape(fresh) != _shape(self._root):
            self.beginResetModel()
            self._root = fresh
            self._set_counts(self._root, counts, announce=False)
            self.endResetModel()
            self.loaded_once = True
            self.loaded.emit()
        else:
            self._set_counts(self._root, counts, announce=True)
        self.counts_changed.emit(counts)

    def _set_counts(self, node: _Node, counts: Counts, *, announce: bool) -> None:
        for n, child in enumerate(node.children):
            view = child.view
            if view is None:
                value = 0
            elif view.kind is ViewKind.FOLDER:
                value = counts.folders.get(view.folder_id or 0, 0)
            elif view.kind is ViewKind.CHANNEL:
                value = counts.channels.get(view.channel, 0)
            elif view.kind in view_counts.COUNTED_VIEWS:
                value = counts.views.get(view.kind, 0)
            else:
                value = 0
            if value != child.count:
                child.count = value
                if announce:
                    index = self.createIndex(n, 0, child)
                    self.dataChanged.emit(index, index, [Role.COUNT])
            self._set_counts(child, counts, announce=announce)

    # -- Qt model interface ----------------------------------------------------

    def _node(self, index: _Index) -> _Node:
        if index.isValid():
            node = index.internalPointer()
            assert isinstance(node, _Node)
            return node
        return self._root

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._node(parent)
        if column != 0 or not 0 <= row < len(node.children):
            return QModelIndex()
        return self.createIndex(row, 0, node.children[row])

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self._node(index).parent
        if node is None or node is self._root or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.children.index(node), 0, node)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._node(index).view is None:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return node.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.tooltip or None
        if role == Role.VIEW:
            return node.view
        if role == Role.COUNT:
            return node.count
        if role == Role.ICON:
            return node.icon
        if role == Role.HEADING:
            return node.view is None
        return None

    @property
    def has_accounts(self) -> bool:
        return any(child.account for child in self._root.children)

    def index_of(self, view: View) -> QModelIndex:
        """The index showing `view`, or an invalid index."""
        for n, child in enumerate(self._root.children):
            if child.view == view:
                return self.createIndex(n, 0, child)
            for m, grandchild in enumerate(child.children):
                if grandchild.view == view:
                    return self.createIndex(m, 0, grandchild)
        return QModelIndex()
