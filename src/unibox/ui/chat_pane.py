"""A chat in the reading pane: read off the GUI thread, kept fresh, replies queued."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from unibox.core.items import ChangeSet
from unibox.services import chat as chat_service
from unibox.store.chat_view import PAGE, ChatThread, chat_thread
from unibox.ui.bridge import Bridge
from unibox.ui.widgets.chat_media import is_picture, scaled
from unibox.ui.widgets.chat_view import ChatView

if TYPE_CHECKING:
    from unibox.secrets import SecretStore

log = logging.getLogger("unibox.ui")
# A chat's pictures load when it is shown (from the store, else from the server) up to
# this size; a bigger one waits for a click on its chip, as every other file does.
AUTO_PICTURE_BYTES = 8 * 1024 * 1024
LOADING = "Loading image…"


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
        secrets: Callable[[], SecretStore] | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._secrets = secrets
        self._pictures: dict[tuple[int, int], QImage | str] = {}  # shown, or why not
        self.view = view
        self._clock = clock
        self._generation = 0
        self.conversation_id: int | None = None
        self.limit = PAGE  # how many of the newest lines are shown
        view.reply_requested.connect(self.reply)
        view.file_requested.connect(self.send_file)
        view.older_requested.connect(self.show_older)

    def open(self, conversation_id: int) -> None:
        """Show this chat; opening it reads it."""
        fresh = conversation_id != self.conversation_id
        self.conversation_id = conversation_id
        if fresh:
            self.limit = PAGE
            # A picture that could not be fetched is tried again when its chat opens again.
            self._pictures = {
                k: v for k, v in self._pictures.items() if isinstance(v, QImage) or v == LOADING
            }
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

    def reply(self, text: str, files: tuple[Path, ...] = ()) -> None:
        thread = self.view.shown
        if thread is None:
            return
        store = self._bridge.store

        def failed(exc: Exception) -> None:
            self._bridge.error.emit(f"The message could not be queued: {exc}")

        self._bridge.run(
            lambda: chat_service.reply_in_chat(
                store, thread.account_id, thread.address, text, files=files
            ),
            self._bridge.post_changes,
            failed,
        )

    def send_file(self, caption: str, path: str) -> None:
        """A file into the shown chat, `caption` with it (through the outbox, as a reply)."""
        self.reply(caption, (Path(path),))

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
        self._show_pictures(thread)
        self.opened.emit(thread)

    def _show_pictures(self, thread: ChatThread) -> None:
        for line in thread.lines:
            first = next((a for a in line.attachments if is_picture(a)), None)
            if first is None:
                continue
            key = (line.id, first.position)
            if key in self._pictures:
                self.view.lines.set_picture(*key, self._pictures[key])
            elif first.kept or (self._secrets is not None and first.size <= AUTO_PICTURE_BYTES):
                self._pictures[key] = LOADING  # asked once, whatever comes of it
                self._load_picture(*key)
            else:
                self.view.lines.set_picture(*key, "Open the file to see the image.")

    def _load_picture(self, message_id: int, position: int) -> None:
        from unibox.services.attachments import attachment_data

        store, secrets = self._bridge.store, self._secrets

        def load() -> QImage | str:
            if secrets is None:
                raise RuntimeError("no keyring")
            data = attachment_data(store, secrets(), message_id, position).data
            image = QImage()
            if not image.loadFromData(data):
                return "The image cannot be shown; open the file instead."
            return scaled(image)

        def shown(image: QImage | str) -> None:
            self._pictures[(message_id, position)] = image
            self.view.lines.set_picture(message_id, position, image)

        def failed(exc: Exception) -> None:
            log.info("chat picture %s/%s: %s", message_id, position, exc)
            shown(f"Image not shown: {exc}")

        self._bridge.run(load, shown, failed)
