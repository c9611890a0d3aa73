"""One proposal on the People page (a merge, a handle for a card): who, why, two buttons."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def proposal_card(
    title: str, reason: str, accept: str, refuse: str, parent: QWidget | None = None
) -> tuple[QFrame, QPushButton, QPushButton]:
    """A card saying `title` and `reason`, with the buttons `accept` (primary) and `refuse`."""
    card = QFrame(parent)
    card.setObjectName("RecordBox")
    col = QVBoxLayout(card)
    col.setContentsMargins(16, 12, 16, 12)
    names = QLabel(title, card)
    names.setObjectName("PersonName")
    why = QLabel(reason, card)
    why.setWordWrap(True)
    why.setObjectName("Muted")
    row = QHBoxLayout()
    yes = QPushButton(accept, card)
    yes.setObjectName("PrimaryButton")
    no = QPushButton(refuse, card)
    row.addWidget(yes)
    row.addWidget(no)
    row.addStretch(1)
    col.addWidget(names)
    col.addWidget(why)
    col.addLayout(row)
    return card, yes, no
