"""A person's page opens in two steps: the head and the first timeline page, then the numbers.

The numbers read every message with the person (20,000 for some), so they must
never hold up the name, the card, the tasks or the timeline. Each test holds
one read back on its lane (a gate, no timing) and looks at what is on screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.items import new_store
from tests.helpers.people import Mailbox
from unibox.core.items import Address
from unibox.store import persons
from unibox.store.person_edit import add_task
from unibox.store.store import Store
from unibox.ui.bridge import Bridge
from unibox.ui.people import record_loader
from unibox.ui.people.page import PeoplePage

ANN = Address("ann@example.org", "Ann Archer")


@pytest.fixture
def page(qtbot: Any, tmp_path: Path) -> Iterator[tuple[PeoplePage, int]]:
    store: Store = new_store(tmp_path)
    box = Mailbox(store)
    box.hear(ANN, "Quote for the roof", 0)
    box.say(ANN, "Re: Quote for the roof", 2)
    box.hear(ANN, "Photos", 30)
    pid = box.person(ANN.email)
    with store.write() as s:
        add_task(s, pid, "Send the signed quote")
    bridge = Bridge(store)
    view = PeoplePage(bridge)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    yield view, pid
    view.close()
    bridge.close()
    store.close()


def _gated(monkeypatch: pytest.MonkeyPatch, name: str, real: Callable[..., Any]) -> threading.Event:
    """Make the loader's `name` read wait (on its lane's thread) until the gate opens."""
    gate = threading.Event()

    def held(*args: Any, **kwargs: Any) -> Any:
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(record_loader, name, held)
    return gate


def test_head_and_first_timeline_page_show_before_the_numbers(
    qtbot: Any, page: tuple[PeoplePage, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    view, pid = page
    gate = _gated(monkeypatch, "person_activity", persons.person_activity)
    record = view.record
    try:
        view.open_person(pid)
        qtbot.waitUntil(lambda: record.head is not None and record.timeline.rowCount() == 3)
        # Name, card and tasks are on screen while the numbers are still being counted.
        assert record.name.text() == "Ann Archer"
        assert record.sections.isVisible()
        assert [c.text().split("  —")[0] for c in record.pending.checks] == [
            "Send the signed quote"
        ]
        assert record.pending.looking is not None and record.pending.looking.isVisible()
        assert record.numbers.counting
        assert {v.text() for v in record.numbers.values.values()} == {"…"}
        assert record.record is None
        assert not record.chips.buttons()  # which channels: the numbers will say
    finally:
        gate.set()
    qtbot.waitUntil(lambda: record.record is not None)
    assert not record.numbers.counting
    assert record.numbers.values["Messages"].text() == "3"
    assert record.numbers.values["From them / to them"].text() == "2 / 1"
    assert record.pending.looking is None
    assert [b.text() for b in record.chips.buttons()] == [
        "All",
        "Mail",
        "Calls && notes",
        "Meetings",
    ]


def test_the_numbers_are_counted_only_once_the_head_is_in(
    qtbot: Any, page: tuple[PeoplePage, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    view, pid = page
    heads: list[int] = []
    counted: list[tuple[int, list[int]]] = []  # who, and the heads read by then

    def head(session: Any, person_id: int, **kwargs: Any) -> persons.PersonHead:
        found = persons.person_head(session, person_id, **kwargs)
        heads.append(person_id)
        return found

    def activity(session: Any, person_id: int, **kwargs: Any) -> persons.PersonActivity:
        counted.append((person_id, list(heads)))
        return persons.person_activity(session, person_id, **kwargs)

    monkeypatch.setattr(record_loader, "person_head", head)
    monkeypatch.setattr(record_loader, "person_activity", activity)
    record = view.record
    view.open_person(pid)
    qtbot.waitUntil(lambda: record.record is not None)
    # Never competing with the head (or the first timeline page behind it on its lane).
    assert counted == [(pid, [pid])]
    assert record.numbers.values["Messages"].text() == "3"


def test_an_edit_keeps_the_numbers_on_screen_until_new_ones_are_in(
    qtbot: Any, page: tuple[PeoplePage, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    view, pid = page
    record = view.record
    view.open_person(pid)
    qtbot.waitUntil(lambda: record.record is not None)
    gate = _gated(monkeypatch, "person_activity", persons.person_activity)
    try:
        with qtbot.waitSignal(record.loader.head_loaded):
            record.loader.add_task("Call about the gutters", None, "")
        # The new task shows at once; the numbers shown stay (no flash of placeholders).
        titles = [c.text().split("  —")[0] for c in record.pending.checks]
        assert "Call about the gutters" in titles
        assert record.numbers.values["Messages"].text() == "3"
        assert not record.numbers.counting
        assert record.pending.looking is None
    finally:
        gate.set()
