"""What the window's own keys do: go to a view, snooze, search, back to the list, read, scroll.

window_menus.py binds them; each moves the focus between the search field,
the message list and the reading pane as a keyboard user expects.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from unibox.store.views import View

if TYPE_CHECKING:
    from unibox.ui.main_window import MainWindow


class WindowKeys:
    """The slots of the list and reading keys of one window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def go_to(self, view: View) -> None:
        """Show a smart view (g then i, n, f, s, z), leaving any search."""
        w = self.window
        w.sidebar.select_view(view)
        w.flow.show_view(view)
        w.message_list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def open_snooze(self) -> None:
        w = self.window
        if not w.triage.selected_ids():
            w.notice.say("Select a message first.", False)
            return
        count = len(w.triage.selected_ids())
        title = "Snooze until…" if count == 1 else f"Snooze {count} messages until…"
        w.snooze_picker.open(w.clock(), title)

    def snooze_chosen(self, when: datetime) -> None:
        """The snooze picker's answer: snooze the selection, back in the list."""
        self.window.message_list.setFocus(Qt.FocusReason.PopupFocusReason)
        self.window.triage.snooze(when)

    def focus_search(self) -> None:
        self.window.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.window.search.selectAll()

    def back_to_list(self) -> None:
        w = self.window
        if w.overlay.isVisible():
            w.overlay.hide()
        elif w.search.hasFocus() or w.message_list.hasFocus() is False:
            w.message_list.setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif w.search.active:
            w.flow.leave_search()
        if not w.message_list.currentIndex().isValid():
            w.message_list.step(1)

    def enter_results(self) -> None:
        """Down from the search field: into the results, the first one selected."""
        w = self.window
        w.message_list.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not w.message_list.currentIndex().isValid():
            w.message_list.step(1)

    def read(self) -> None:
        w = self.window
        if w.reading_pane.currentWidget() is w.chat_view:  # a chat: write in it
            w.chat_view.input.setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif w.message_view.content is not None:
            w.message_view.body.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def scroll_body(self) -> None:
        bar = self.window.message_view.body.verticalScrollBar()
        bar.setValue(bar.value() + bar.pageStep())
