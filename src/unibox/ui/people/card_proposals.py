"""Handles proposed for a card (signature evidence), below the suggested merges.

"Ana Lima’s signature in “Contract draft” lists +41 44 668 18 00": Add to card
puts the handle on the person, Dismiss says never again. Both are written
off the GUI thread and announce a ChangeSet (people), so views refresh.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from unibox.core.errors import UserError
from unibox.core.items import ChangeSet
from unibox.store.intent import intent_write
from unibox.store.signature_evidence import (
    CardSuggestion,
    accept_card,
    card_suggestions,
    dismiss_card,
)
from unibox.ui.bridge import Bridge
from unibox.ui.people.proposal_card import proposal_card

SHOWN = 25  # cards at a time: thousands of widgets would stall the window
_KIND_WORDS = {
    "phone": "phone number",
    "email": "address",
    "xmpp": "XMPP address",
    "matrix": "Matrix id",
    "mastodon": "fediverse account",
}


def shown(kind: str, value: str) -> str:
    """A handle as people write it: "+41 44 668 18 00", not the stored "+41446681800"."""
    if kind == "phone" and value.startswith("+"):
        import phonenumbers

        try:
            number = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            return value
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return value


def chip_text(merges: int, cards: int) -> tuple[str, str]:
    """The Suggested merges chip's text and tooltip: card proposals are counted too."""
    total = merges + cards
    text = f"Suggested merges ({total:,})" if total else "Suggested merges"
    tip = f"{merges:,} to merge, {cards:,} to add to cards" if cards else ""
    return text, tip


class CardProposals(QWidget):
    """The pending card proposals; hidden while there are none.

    Signals:
        status(str): a sentence for the status bar (what was done, or why not).
        counted(int): how many proposals are pending, once loaded.
    """

    status = Signal(str)
    counted = Signal(int)

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.proposals: list[CardSuggestion] = []
        self.cards: list[QFrame] = []
        self.more_button: QPushButton | None = None
        self._busy: set[int] = set()  # being written: their buttons stay disabled
        self._col = QVBoxLayout(self)
        self._col.setContentsMargins(0, 8, 0, 0)
        self._col.setSpacing(10)
        self.heading = QLabel("Add to cards", self)
        self.heading.setObjectName("SectionTitle")
        self._col.addWidget(self.heading)
        self.hide()

    def load(self) -> None:
        self._bridge.read(lambda s: card_suggestions(s), self._show, lane="side")

    def _show(self, found: list[CardSuggestion]) -> None:
        self.proposals = found
        self._busy &= {p.id for p in found}
        n = len(found)
        self.heading.setText(f"Add to cards ({n:,})")
        for card in self.cards:
            card.deleteLater()
        self.cards = []
        if self.more_button is not None:
            self.more_button.deleteLater()
            self.more_button = None
        self.setVisible(bool(found))
        self.show_more()
        self.counted.emit(n)

    def show_more(self) -> None:
        """Cards for the next few proposals."""
        if self.more_button is not None:
            self.more_button.deleteLater()
            self.more_button = None
        batch = self.proposals[len(self.cards) : len(self.cards) + SHOWN]
        for proposal in batch:
            card = self._card(proposal)
            self._col.addWidget(card)
            self.cards.append(card)
        left = len(self.proposals) - len(self.cards)
        if left > 0:
            self.more_button = QPushButton(f"Show more ({left:,} left)", self)
            self.more_button.setObjectName("LinkButton")
            self.more_button.clicked.connect(self.show_more)
            self._col.addWidget(self.more_button)

    def _card(self, p: CardSuggestion) -> QFrame:
        words = _KIND_WORDS.get(p.kind, p.kind)
        title = f"{p.person_name}  ·  {words} {shown(p.kind, p.value)}"
        card, add, dismiss = proposal_card(title, p.detail, "Add to card", "Dismiss", self)
        add.setToolTip(f"Add {shown(p.kind, p.value)} to {p.person_name}’s card")
        dismiss.setToolTip("unibox will not propose it again")
        buttons = (add, dismiss)
        add.clicked.connect(lambda _c=False: self.accept(p, buttons))
        dismiss.clicked.connect(lambda _c=False: self.dismiss(p, buttons))
        if p.id in self._busy:
            for b in buttons:
                b.setEnabled(False)
        return card

    def accept(self, p: CardSuggestion, buttons: tuple[QPushButton, ...] = ()) -> None:
        self._write(
            p,
            lambda s: accept_card(s, p.id),
            f"Added {shown(p.kind, p.value)} to {p.person_name}’s card.",
            buttons,
        )

    def dismiss(self, p: CardSuggestion, buttons: tuple[QPushButton, ...] = ()) -> None:
        def work(s: Session) -> ChangeSet:
            dismiss_card(s, p.id)
            return ChangeSet(people={p.person_id})

        sentence = f"{shown(p.kind, p.value)} stays off {p.person_name}’s card."
        self._write(p, work, sentence, buttons)

    def _write(
        self,
        p: CardSuggestion,
        work: Callable[[Session], ChangeSet],
        sentence: str,
        buttons: tuple[QPushButton, ...],
    ) -> None:
        store = self._bridge.store
        self._busy.add(p.id)
        for b in buttons:
            b.setEnabled(False)

        def run() -> ChangeSet:
            with intent_write(store) as session:
                return work(session)

        def done(changes: ChangeSet) -> None:
            self._bridge.post_changes(changes)
            self.status.emit(sentence)
            self.load()

        def failed(exc: Exception) -> None:
            self._busy.discard(p.id)
            self.status.emit(str(exc) if isinstance(exc, UserError) else f"Not saved: {exc}")
            self.load()  # decided elsewhere meanwhile, or taken by someone else: show what is

        self._bridge.run(run, done, failed)
