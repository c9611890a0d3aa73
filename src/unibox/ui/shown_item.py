"""What the reading pane and the person panel show for the message or chat the list opened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from unibox.store.chat_view import ChatThread
from unibox.store.message_content import MessageContent
from unibox.ui.preferences import PERSON_PANEL
from unibox.ui.window_state import give_back_width, remember_widths

if TYPE_CHECKING:
    from unibox.ui.main_window import MainWindow


class ShownItem:
    """A letter opens in the message view (and is read once it is opened), a chat in the
    chat view; while the person panel is shown, it shows the other person of either."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._shown_id: int | None = None

    def show_message(self, content: MessageContent) -> None:
        w = self.window
        if content.channel != "mail":  # a chat opens as a chat, not as a letter
            self._shown_id = content.id
            w.message_view.clear()
            w.reading_pane.setCurrentWidget(w.chat_view)
            w.chat.open(content.conversation_id)
            return
        w.chat.close()
        w.reading_pane.setCurrentWidget(w.message_view)
        w.reading.show(content)
        # Read once it is opened; not when it is only shown again (it changed,
        # say marked unread), nor when the list opened it by itself.
        opened, self._shown_id = content.id != self._shown_id, content.id
        if opened and not content.is_seen and content.id != w.flow.quiet_open:
            w.triage.mark_seen_quietly(content.id)
        # The other person: the sender, or for mail the user sent, whom it went to.
        other = content.to[0] if content.outgoing and content.to else content.sender
        if w.person_panel.isVisible():
            w.person.load(other.email)

    def nothing_shown(self) -> None:
        w = self.window
        w.chat.close()
        w.reading_pane.setCurrentWidget(w.message_view)
        w.message_view.clear()

    def chat_opened(self, thread: ChatThread) -> None:
        w = self.window
        if not w.person_panel.isVisible():
            return
        if thread.kind == "chat":
            w.person.load(thread.address)
        else:  # a group: whoever wrote its newest line (that is not the user's)
            theirs = [line for line in thread.lines if not line.outgoing]
            w.person.load(theirs[-1].sender_address if theirs else "")

    def toggle_person_panel(self) -> None:
        """View › Person panel: shown or hidden (remembered), filled with who is shown now."""
        w = self.window
        shown = w.person_action.isChecked()
        w.prefs.set(PERSON_PANEL, shown)
        if not shown:
            remember_widths(w.panes, w.prefs)
        w.person_panel.setVisible(shown)
        if shown:
            give_back_width(w.panes, w.panes.indexOf(w.person_panel), w.prefs)
        content = w.message_view.content
        if shown and content is not None:
            self.show_message(content)
        elif shown and w.chat.view.shown is not None and w.chat.conversation_id:
            self.chat_opened(w.chat.view.shown)
