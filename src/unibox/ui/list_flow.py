"""What the message list shows, its title and size, and what opens in the reading pane."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTimer

from unibox.core.query import SearchQuery
from unibox.store import views
from unibox.store.views import View, ViewKind
from unibox.ui.bridge import Bridge
from unibox.ui.list_pane import ListPane
from unibox.ui.models.message_list import MessageListModel
from unibox.ui.models.reader import MessageLoader
from unibox.ui.models.sidebar import SMART_VIEWS, SidebarModel

_TITLES = {kind: title for kind, title, _icon in SMART_VIEWS}

# Search results select their first row, but open it only once typing has paused
# this long: reading and rendering a message (and its sender's panel) for every
# letter would compete with the next letter's results, which people wait for.
PREVIEW_SETTLE_MS = 300


class ListFlow(QObject):
    """Switches views and searches, keeps the list's heading true, opens the current row.

    A new view or search selects its first row (opened "quietly": it stays
    unread); a search opens it once typing pauses (PREVIEW_SETTLE_MS), any
    other move at once.
    """

    def __init__(
        self,
        bridge: Bridge,
        messages: MessageListModel,
        pane: ListPane,
        reader: MessageLoader,
        sidebar: SidebarModel,
        clock: Callable[[], datetime],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._messages = messages
        self._pane = pane
        self._list = pane.message_list
        self._reader = reader
        self._sidebar = sidebar
        self._clock = clock
        self.select_first = True
        self.quiet_open: int | None = None  # opened by the list itself: stays unread
        self._settling = False
        self._preview = QTimer(self)
        self._preview.setSingleShot(True)
        self._preview.setInterval(PREVIEW_SETTLE_MS)
        self._preview.timeout.connect(self._open_current)
        messages.loaded.connect(self._loaded)
        messages.completed.connect(self._completed)
        messages.rows_changed.connect(self.count_view)
        self._list.current_message_changed.connect(self._current_changed)

    # -- what is shown ---------------------------------------------------------

    def show_view(self, view: View) -> None:
        """Show a view, leaving any search (nothing happens if it is already shown)."""
        if view == self._messages.view and self._messages.search is None:
            return
        self._pane.search.clear_search()
        self.select_first = True
        self._messages.show_view(view)

    def search(self, query: SearchQuery | None) -> None:
        self.select_first = True
        self._messages.show_search(query)

    def leave_search(self) -> None:
        self._pane.search.clear_search()
        self.search(None)

    # -- the reading pane follows the current row ------------------------------

    def _current_changed(self, message_id: int | None) -> None:
        if self._settling and message_id is not None:
            self._preview.start()  # the reading pane keeps what it showed meanwhile
            return
        self._preview.stop()
        self._reader.load(message_id)

    def _open_current(self) -> None:
        current = self._list.currentIndex()
        if current.isValid():
            self._reader.load(self._messages.message_id(current.row()))

    # -- reactions -------------------------------------------------------------

    def _loaded(self, count: int) -> None:
        search = self._messages.search
        pane = self._pane
        if search is not None:
            pane.title.setText("Search results")
            pane.subtitle.setText(f"{count:,} found" if count else "")
            self._list.empty_text = "Nothing matches this search."
        else:
            pane.title.setText(self._view_title(self._messages.view))
            self._list.empty_text = (
                "No messages here."
                if self._sidebar.has_accounts
                else "No accounts yet: Mail › Add account…"
            )
        if self.select_first and count:
            self.quiet_open = self._messages.message_id(0)
            self._settling = search is not None
            try:
                self._list.select_row(0)
            finally:
                self._settling = False
            focused = pane.window().focusWidget()
            if focused is None or focused is self._list:
                self._list.setFocus(Qt.FocusReason.OtherFocusReason)
        elif not count:
            self._preview.stop()
            self._reader.load(None)
        self.select_first = False

    def _completed(self, count: int) -> None:
        if self._messages.search is not None:
            self._pane.subtitle.setText(f"{count:,} found" if count else "")
            return
        self.count_view()

    def count_view(self) -> None:
        # Counted once the list is whole, so it never competes with its newest rows.
        if self._messages.search is not None:
            return
        view, grouped = self._messages.view, self._messages.grouped
        now = int(self._clock().timestamp())
        self._bridge.read(
            lambda s: views.view_size(s, view, now=now),
            lambda size: (
                self._show_view_size(size)
                if (self._messages.view, self._messages.grouped) == (view, grouped)
                else None
            ),
            lane="side",
        )

    def _view_title(self, view: View) -> str:
        if view.kind is ViewKind.FOLDER:
            index = self._sidebar.index_of(view)
            return str(index.data() or "Folder") if index.isValid() else "Folder"
        return _TITLES.get(view.kind, "")

    def _show_view_size(self, size: tuple[int, int]) -> None:
        if self._messages.search is not None:
            return
        total, unread = size
        text = f"{total:,} message{'s' if total != 1 else ''}"
        if self._messages.grouped:  # the list knows how many conversations once it is whole
            rows = self._messages.rowCount()
            text = f"{rows:,} conversation{'s' if rows != 1 else ''}"
        if unread:
            text += f" · {unread:,} unread"
        self._pane.subtitle.setText(text)
