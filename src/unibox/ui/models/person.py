"""Loads the person panel's PersonCard off the GUI thread and keeps it fresh."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from unibox.core.items import ChangeSet
from unibox.store.sender_card import PersonCard, person_card
from unibox.ui.bridge import Bridge


class PersonLoader(QObject):
    """Fetches the PersonCard for an e-mail address; only the latest answer is delivered.

    Signals:
        loaded(object): the PersonCard, or None when nobody has that address.
    """

    loaded = Signal(object)

    def __init__(self, bridge: Bridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._generation = 0
        self.email = ""
        self.card: PersonCard | None = None
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(400)  # new mail comes in bursts; the panel can wait
        self._refresh.timeout.connect(lambda: self.load(self.email, force=True))

    def load(self, email: str, *, force: bool = False) -> None:
        if email == self.email and not force and self.card is not None:
            return
        self._generation += 1
        generation = self._generation
        self.email = email
        if not email:
            self._done(generation, None)
            return
        self._bridge.read(
            lambda s: person_card(s, email), lambda card: self._done(generation, card), lane="side"
        )

    def apply_changes(self, changes: ChangeSet) -> None:
        card = self.card
        touched = changes.messages_added or changes.messages_changed  # e.g. a follow-up set
        if card is not None and (touched or card.id in changes.people):
            self._refresh.start()

    def _done(self, generation: int, card: PersonCard | None) -> None:
        if generation != self._generation:
            return
        self.card = card
        self.loaded.emit(card)
