"""A chat in the reading pane: read off the GUI thread, kept fresh, replies queued."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, Signal

from unibox.core.items import ChangeSet
from unibox.services import chat as chat_service
from unibox.store.chat_view import PAGE, ChatThread, chat_thread
from unibox.ui.bridge import Bridge
from unibox.ui.widgets.chat_view import ChatView


class ChatPane(QObject):
    """Opens a chat conversation in a ChatView and writes its replies through services.chat.

    Signals:
        opened(object): the ChatThread now shown.
    """

    opened = Signal(object)

    def __init__(
        self,
        bridge: Bridge,
        view: ChatView,
        clock: Callable[[], datetime],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.view = view
        self._clock = clock
        self._generation = 0
        self.conversation_id: int | None = None
        self.limit = PAGE  # how many of the newest lines are shown
        view.reply_requested.connect(self.reply)
        view.older_requested.connect(self.show_older)

    def open(self, conversation_id: int) -> None:
        """Show this chat; opening it reads it."""
        fresh = conversation_id != self.conversation_id
        self.conversation_id = conversation_id
        if fresh:
            self.limit = PAGE
        self._load()
        if fresh:
            store = self._bridge.store
            self._bridge.run(
                lambda: chat_service.read_chat(store, conversation_id), self._bridge.post_changes
            )

    def close(self) -> None:
        """Another message (a letter) took the pane."""
        self.conversation_id = None
        self._generation += 1

    def show_older(self) -> None:
        """The page of lines before the first one shown, too."""
        self.limit += PAGE
        self._load()

    def apply_changes(self, changes: ChangeSet) -> None:
        if self.conversation_id is not None and self.conversation_id in changes.conversations:
            self._load()

    def reply(self, text: str) -> None:
        thread = self.view.shown
        if thread is None:
            return
        store = self._bridge.store

        def failed(exc: Exception) -> None:
            self._bridge.error.emit(f"The message could not be queued: {exc}")

        self._bridge.run(
            lambda: chat_service.reply_in_chat(store, thread.account_id, thread.address, text),
            self._bridge.post_changes,
            failed,
        )

    def _load(self) -> None:
        self._generation += 1
        generation, cid, limit = self._generation, self.conversation_id, self.limit
        if cid is None:
            return
        self._bridge.read(
            lambda s: chat_thread(s, cid, limit=limit),
            lambda thread: self._loaded(generation, thread),
        )

    def _loaded(self, generation: int, thread: ChatThread | None) -> None:
        if generation != self._generation or thread is None:
            return
        self.view.show_thread(thread, self._clock())
        self.opened.emit(thread)
