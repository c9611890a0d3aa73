"""Loads the one message the reading pane shows, off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from unibox.core.items import ChangeSet
from unibox.store.message_content import MessageContent, message_content
from unibox.ui.bridge import Bridge


class MessageLoader(QObject):
    """Fetches MessageContent by id; only the answer for the latest request is delivered.

    Signals:
        loaded(MessageContent): the message to show.
        cleared(): nothing to show (no selection, or the message is gone).
    """

    loaded = Signal(object)
    cleared = Signal()

    def __init__(self, bridge: Bridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._generation = 0
        self.current: int | None = None

    def load(self, message_id: int | None) -> None:
        self._generation += 1
        self.current = message_id
        if message_id is None:
            self.cleared.emit()
            return
        generation = self._generation
        self._bridge.read(
            lambda s: message_content(s, message_id),
            lambda content: self._done(generation, content),
        )

    def apply_changes(self, changes: ChangeSet) -> None:
        current = self.current
        if current is not None and current in changes.messages_changed | changes.messages_removed:
            self.load(current)

    def _done(self, generation: int, content: MessageContent | None) -> None:
        if generation != self._generation:
            return
        if content is None:
            self.current = None
            self.cleared.emit()
        else:
            self.loaded.emit(content)
