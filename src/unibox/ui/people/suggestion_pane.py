"""Suggested merges on the People page: a card each (Merge / Not the same person), and Undo."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from unibox.store.merge_suggestions import Suggestion, suggestions
from unibox.ui.bridge import Bridge
from unibox.ui.people.card_proposals import CardProposals
from unibox.ui.people.proposal_card import proposal_card
from unibox.ui.people.record_loader import RecordLoader

SUGGESTIONS_SHOWN = 25  # cards built at a time; "Show more" builds the next


class SuggestionPane(QScrollArea):
    """The suggested merges, then the handles proposed for cards (CardProposals).

    Signals:
        loaded(int): the suggested merges were read: how many.
        status(str): a sentence for the status bar.
    """

    loaded = Signal(int)
    status = Signal(str)

    def __init__(self, bridge: Bridge, writer: RecordLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._writer = writer
        self.suggestions: list[Suggestion] = []
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(self)
        body.setObjectName("SuggestionBody")
        self.setWidget(body)
        self._col = QVBoxLayout(body)
        self._col.setContentsMargins(16, 8, 16, 16)
        self._col.setSpacing(10)
        # Handles proposed for cards, below the merge cards (inserted above it).
        self.proposals = CardProposals(bridge, body)
        self.proposals.status.connect(self.status)
        self._col.addWidget(self.proposals)
        self._col.addStretch(1)
        self.suggestion_cards: list[QWidget] = []
        self.more_button: QPushButton | None = None

    def load(self) -> None:
        self._bridge.read(lambda s: suggestions(s), self._show, lane="side")
        self.proposals.load()

    def _show(self, found: list[Suggestion]) -> None:
        self.suggestions = found
        self.loaded.emit(len(found))
        for card in self.suggestion_cards:
            card.deleteLater()
        self.suggestion_cards = []
        self.more_button = None
        if not found:
            empty = self._empty()
            self._col.insertWidget(0, empty)
            self.suggestion_cards.append(empty)
        self._more()

    def _more(self) -> None:
        """Cards for the next few suggestions: thousands of widgets would stall the window."""
        shown = [c for c in self.suggestion_cards if c.objectName() == "RecordBox"]
        if self.more_button is not None:
            self.more_button.deleteLater()
            self.suggestion_cards.remove(self.more_button)
            self.more_button = None
        batch = self.suggestions[len(shown) : len(shown) + SUGGESTIONS_SHOWN]
        at = len(self.suggestion_cards)
        for n, s in enumerate(batch):
            card = self._card(s)
            self._col.insertWidget(at + n, card)
            self.suggestion_cards.append(card)
        left = len(self.suggestions) - len(shown) - len(batch)
        if left > 0:
            more = QPushButton(f"Show more ({left:,} left)")
            more.setObjectName("LinkButton")
            more.clicked.connect(self._more)
            self._col.insertWidget(len(self.suggestion_cards), more)
            self.suggestion_cards.append(more)
            self.more_button = more

    def _empty(self) -> QFrame:
        frame = QFrame()
        row = QVBoxLayout(frame)
        label = QLabel("No merges to suggest: everyone looks like one person each.", frame)
        label.setObjectName("Muted")
        row.addWidget(label)
        return frame

    def _card(self, s: Suggestion) -> QFrame:
        card, merge, apart = proposal_card(
            f"{s.person_name}  ·  {s.other_name}", s.detail, "Merge", "Not the same person"
        )
        text = f"Merged {s.other_name} and {s.person_name}."
        merge.clicked.connect(lambda _c=False: self._writer.accept_suggestion(s.id, text))
        apart.clicked.connect(lambda _c=False: self._writer.dismiss_suggestion(s.id))
        return card


class MergeUndoBar(QFrame):
    """ "Merged Ann and Ann Lee." with Undo, after a merge made on this page."""

    def __init__(self, writer: RecordLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._writer = writer
        self._last_merge: int | None = None
        self.setObjectName("NoticeBar")
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 6, 16, 6)
        self.label = QLabel("", self)
        self.undo_button = QToolButton(self)
        self.undo_button.setObjectName("NoticeAction")
        self.undo_button.setText("Undo")
        self.undo_button.clicked.connect(self._undo)
        row.addWidget(self.label, 1)
        row.addWidget(self.undo_button)
        self.hide()
        writer.merged.connect(self._merged)

    def _merged(self, record_id: int, text: str) -> None:
        self._last_merge = record_id
        self.label.setText(text)
        self.undo_button.show()
        self.show()

    def _undo(self) -> None:
        if self._last_merge is not None:
            self._writer.undo_merge(self._last_merge)
            self._last_merge = None
            self.hide()
