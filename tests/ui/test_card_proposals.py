"""Card proposals (a handle in someone's signature) on the People page: Add to card, Dismiss."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from tests.helpers.items import new_store
from tests.unit.test_signature_evidence import ANA, Inbox
from unibox.core.items import Address
from unibox.store.person_edit import find_person
from unibox.store.persons import person_record
from unibox.store.signature_evidence import card_suggestions, scan_signatures
from unibox.store.store import Store
from unibox.ui.main_window import MainWindow

BRUNO = Address("bruno@globex.example", "Bruno Costa")
ANA_SIGNED = "Hi,\n\nthe draft is attached.\n\nBest regards,\nAna Lima\nT +41 44 668 18 00\n"
BRUNO_SIGNED = "Thanks!\n\n--\nBruno Costa\nMobile +41 79 555 12 34\n"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """Two signed messages ingested as a sync does, then read for signatures as it does."""
    store = new_store(tmp_path)
    box = Inbox(store)
    ids = [box.mail(ANA, "Contract draft", ANA_SIGNED), box.mail(BRUNO, "Lunch", BRUNO_SIGNED)]
    with store.write() as s:
        scan_signatures(s, ids, "CH")
    yield store
    store.close()


@pytest.fixture
def window(qtbot: Any, store: Store) -> Iterator[MainWindow]:
    from unibox.app import build_window

    w = build_window(store)
    qtbot.addWidget(w)
    w.resize(1300, 820)
    w.show()
    yield w
    w.close()
    w.bridge.close()


def _texts(widget: Any) -> str:
    return " | ".join(label.text() for label in widget.findChildren(QLabel))


def _button(card: Any, text: str) -> QPushButton:
    return next(b for b in card.findChildren(QPushButton) if b.text() == text)


def test_a_proposal_shows_its_reason_and_add_to_card_puts_the_number_on_the_card(
    qtbot: Any, window: MainWindow, store: Store
) -> None:
    with qtbot.waitSignal(window.people.page.view.model.loaded, timeout=15_000):
        qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    view = window.people.page.view
    proposals = view.suggestion_pane.proposals
    # No merge to suggest, two numbers for cards: the chip counts them, so they are found.
    qtbot.waitUntil(lambda: view.merges.text() == "Suggested merges (2)")
    assert view.merges.toolTip() == "0 to merge, 2 to add to cards"
    view.merges.click()
    qtbot.waitUntil(lambda: len(proposals.cards) == 2)
    assert proposals.isVisible() and proposals.heading.text() == "Add to cards (2)"
    ana = next(c for c in proposals.cards if "Ana Lima" in _texts(c))
    assert "Ana Lima’s signature in “Contract draft”" in _texts(ana)
    assert "lists +41 44 668 18 00" in _texts(ana)
    assert "Ana Lima  ·  phone number +41 44 668 18 00" in _texts(ana)
    with qtbot.waitSignal(window.people.page.status, timeout=15_000) as said:
        _button(ana, "Add to card").click()
    assert said.args == ["Added +41 44 668 18 00 to Ana Lima’s card."]
    qtbot.waitUntil(lambda: len(proposals.cards) == 1)
    assert proposals.heading.text() == "Add to cards (1)"
    with store.read() as s:
        ana_id, bruno_id = find_person(s, ANA.email), find_person(s, BRUNO.email)
        assert ana_id is not None and bruno_id is not None
        assert "+41446681800" in {h.value for h in person_record(s, ana_id).handles}
    # Dismiss: nothing is added, and it is never proposed again.
    [bruno] = proposals.cards
    with qtbot.waitSignal(window.people.page.status, timeout=15_000) as said:
        _button(bruno, "Dismiss").click()
    assert said.args == ["+41 79 555 12 34 stays off Bruno Costa’s card."]
    qtbot.waitUntil(lambda: not proposals.cards)
    assert not proposals.isVisible() and view.merges.text() == "Suggested merges"
    with store.read() as s:
        assert "+41795551234" not in {h.value for h in person_record(s, bruno_id).handles}
        assert card_suggestions(s) == []


def test_screenshot_card_proposals_light_and_dark(qtbot: Any, window: MainWindow) -> None:
    """Renders the proposals to artifacts/screenshots for people to look at."""
    from tests.ui.test_screenshot import SHOTS
    from unibox.ui.theme import DARK, LIGHT, apply_theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    with qtbot.waitSignal(window.people.page.view.model.loaded, timeout=15_000):
        qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    view = window.people.page.view
    view.merges.click()
    qtbot.waitUntil(lambda: len(view.suggestion_pane.proposals.cards) == 2)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for dark, scheme in ((False, LIGHT), (True, DARK)):
        apply_theme(app, dark=dark)
        card = view.suggestion_pane.proposals.cards[0]
        qtbot.waitUntil(  # the new palette reaches the widgets with the next events
            lambda card=card, scheme=scheme: (
                card.palette().color(card.backgroundRole()).name() == scheme.base
            )
        )
        assert window.grab().save(
            str(SHOTS / f"people_card_proposals{'_dark' if dark else ''}.png")
        )
    apply_theme(app, dark=False)
