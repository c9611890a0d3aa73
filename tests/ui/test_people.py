"""The People page: switching to it, the list (search, sort, going cold, merges), the record."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from unibox.channels.importers.vcf import read_vcards
from unibox.demo import DEMO_EMAIL
from unibox.store.contacts_import import import_cards
from unibox.store.merge_suggestions import refresh_suggestions
from unibox.store.person_card import read_card
from unibox.store.person_edit import find_person
from unibox.store.persons import person_record
from unibox.store.store import Store
from unibox.ui.main_window import MainWindow
from unibox.ui.people.list_model import Column
from unibox.ui.people.switcher import MAIL, PEOPLE

VCARDS = """BEGIN:VCARD
VERSION:3.0
FN:Zoë Müller
ORG:Brightwave GmbH
TITLE:Head of Design
EMAIL:zoe@private.example
TEL:+49 30 1234567
CATEGORIES:design
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Nadia Okafor
ORG:Keystone Partners
TITLE:Buyer
EMAIL:nadia@keystone.example
CATEGORIES:important,client
END:VCARD
"""


@pytest.fixture
def people_window(qtbot: Any, demo_store: Store) -> Iterator[MainWindow]:
    """The demo's mail, plus two vCards imported (one names a second Zoë Müller)."""
    from unibox.app import build_window
    from unibox.ui.theme import apply_theme

    with demo_store.write() as s:
        import_cards(s, read_vcards(VCARDS).cards, "DE")
    with demo_store.write() as s:
        refresh_suggestions(s)  # as a sync or an import does
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=False)
    w = build_window(demo_store, demo=True)
    qtbot.addWidget(w)
    w.resize(1400, 860)
    w.show()
    w.activateWindow()
    qtbot.waitActive(w)
    qtbot.waitUntil(lambda: w.message_view.content is not None, timeout=10_000)
    yield w
    w.close()
    w.bridge.close()


def _people(qtbot: Any, window: MainWindow) -> list[str]:
    """The names the People list shows, once every row has arrived."""
    model = window.people.page.view.model
    for n in range(model.rowCount()):
        model.index(n, 0).data()
    qtbot.waitUntil(lambda: all(model.cached(n) for n in range(model.rowCount())))
    return [model.index(n, Column.NAME).data() for n in range(model.rowCount())]


def _go_people(qtbot: Any, window: MainWindow) -> None:
    with qtbot.waitSignal(window.people.page.view.model.loaded, timeout=15_000):
        qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)


def _open(qtbot: Any, window: MainWindow, name: str, *, timeline: bool = True) -> None:
    view = window.people.page.view
    qtbot.keyClicks(view.search, name)
    qtbot.waitUntil(lambda: _people(qtbot, window)[:1] == [name])
    qtbot.keyClick(view.search, Qt.Key.Key_Down)
    qtbot.keyClick(view.list, Qt.Key.Key_Return)
    record = window.people.page.record
    qtbot.waitUntil(lambda: record.record is not None and record.record.display_name == name)
    if timeline:
        qtbot.waitUntil(lambda: window.people.page.record.timeline.rowCount() > 0)


def _person(store: Store, handle: str) -> int:
    with store.read() as s:
        pid = find_person(s, handle)
    assert pid is not None
    return pid


def test_keyboard_switches_between_mail_and_people(
    qtbot: Any, qtmodeltester: Any, people_window: MainWindow
) -> None:
    window = people_window
    people = window.people
    _go_people(qtbot, window)
    assert window.pages.currentWidget() is people.page
    assert people.page.view.search.hasFocus()
    assert people.page.switcher.buttons[PEOPLE].isChecked()
    qtmodeltester.check(people.page.view.model)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.panes
    assert window.mode_switcher.buttons[MAIL].isChecked()
    window.message_list.setFocus()
    qtbot.keyClick(window.message_list, Qt.Key.Key_G)
    qtbot.keyClick(window.message_list, Qt.Key.Key_P)
    assert window.pages.currentWidget() is people.page
    window.mode_switcher.buttons[MAIL].click()  # the mail sidebar's own switcher
    assert window.pages.currentWidget() is window.panes
    assert people.mode == MAIL


def test_the_people_list_is_read_when_people_is_first_shown_not_at_startup(
    qtbot: Any, people_window: MainWindow
) -> None:
    """At startup the inbox and its first message read first (the list by last contact
    took 0.8 s at 100,000 messages, on the reader the first message waits on)."""
    window = people_window
    window.bridge.wait_idle()
    qtbot.wait(50)
    assert window.pages.count() == 2  # mail and the welcome page: People is built when asked
    model = window.people.page.view.model
    assert window.pages.count() == 3
    assert model.rowCount() == 0
    _go_people(qtbot, window)
    assert model.rowCount() > 0


def test_mail_keys_leave_the_hidden_mail_alone_on_the_people_page(
    qtbot: Any, people_window: MainWindow, demo_store: Store
) -> None:
    window = people_window
    shown = window.message_view.content
    assert shown is not None
    flagged = shown.is_flagged
    _go_people(qtbot, window)
    _open(qtbot, window, "Aoife O'Brien")
    button = window.people.page.record.log_button
    button.setFocus()
    for key in (Qt.Key.Key_S, Qt.Key.Key_E, Qt.Key.Key_NumberSign):  # flag, archive, delete
        qtbot.keyClick(button, key)
    window.bridge.wait_idle()
    qtbot.wait(200)
    from unibox.store.message_content import message_content

    with demo_store.read() as s:
        still = message_content(s, shown.id)
    assert still is not None and still.is_flagged == flagged
    assert window.pages.currentWidget() is window.people.page
    # "g i" goes back to Mail's inbox, where the mail keys work again.
    qtbot.keyClick(button, Qt.Key.Key_G)
    qtbot.keyClick(button, Qt.Key.Key_I)
    assert window.pages.currentWidget() is window.panes
    assert window.commands.actions["Flag or unflag"].isEnabled()


def test_people_list_search_sort_and_no_own_identity(
    qtbot: Any, people_window: MainWindow, demo_store: Store
) -> None:
    window = people_window
    _go_people(qtbot, window)
    view = window.people.page.view
    names = _people(qtbot, window)
    assert "Aoife O'Brien" in names and "Nadia Okafor" in names
    me = _person(demo_store, DEMO_EMAIL)
    model = view.model
    assert me not in [model.person_id(n) for n in range(model.rowCount())]
    assert all(DEMO_EMAIL not in (model.cached(n).handle or "") for n in range(model.rowCount()))  # type: ignore[union-attr]
    assert view.subtitle.text() == f"{len(names)} people"

    # Search narrows as you type: a company from a vCard, then a tag.
    qtbot.keyClicks(view.search, "keyst")
    qtbot.waitUntil(lambda: _people(qtbot, window) == ["Nadia Okafor"])
    assert view.subtitle.text() == "1 found"
    view.search.clear()
    qtbot.keyClicks(view.search, "aoife")
    qtbot.waitUntil(lambda: _people(qtbot, window) == ["Aoife O'Brien"])
    view.search.clear()
    qtbot.waitUntil(lambda: len(_people(qtbot, window)) == len(names))

    # A click on the Name header sorts by name.
    header = view.list.header()
    with qtbot.waitSignal(model.loaded, timeout=15_000):
        header.sectionClicked.emit(Column.NAME)
        header.setSortIndicator(Column.NAME, Qt.SortOrder.AscendingOrder)
    by_name = _people(qtbot, window)
    assert by_name == sorted(by_name, key=str.casefold)
    assert by_name != names  # by last touch it was another order


def test_going_cold_shows_important_people_out_of_touch(
    qtbot: Any, people_window: MainWindow, demo_store: Store
) -> None:
    window = people_window
    _go_people(qtbot, window)
    view = window.people.page.view
    with qtbot.waitSignal(view.model.loaded, timeout=15_000):
        view.cold.click()
    cold = _people(qtbot, window)
    # Tagged important on her vCard, never written to: cold whatever N is.
    assert "Nadia Okafor" in cold
    # Written to once only: not someone the user keeps in touch with.
    assert "Hostwell Support" not in cold
    assert view.subtitle.text() == f"{len(cold)} going cold"
    # Logging a call today takes Nadia off the list.
    nadia = _person(demo_store, "nadia@keystone.example")
    from unibox.store.intent import intent_write
    from unibox.store.person_edit import log_touch_point

    with intent_write(demo_store) as s:
        log_touch_point(s, nadia, "call", "Catch-up")
    with qtbot.waitSignal(view.model.loaded, timeout=15_000):
        view.cold_days.setValue(7)
    assert "Nadia Okafor" not in _people(qtbot, window)


def test_record_shows_card_pending_numbers_and_first_timeline_page(
    qtbot: Any, qtmodeltester: Any, people_window: MainWindow
) -> None:
    window = people_window
    _go_people(qtbot, window)
    _open(qtbot, window, "Aoife O'Brien")
    record = window.people.page.record
    assert record.name.text() == "Aoife O'Brien"
    assert "aoife@greenleaf.example" in record.handles.text()
    assert record.numbers.values["Messages"].text() == "7"
    assert record.numbers.values["From them / to them"].text() == "4 / 3"
    # The demo's mail is a year old: nothing awaits a reply any more, nothing is pending.
    assert not record.pending.waiting and not record.pending.checks
    # Add a task from the keyboard; it shows with its owner and due date; tick it off.
    pending = record.pending
    qtbot.keyClicks(pending.task_title, "Send the print quote")
    with qtbot.waitSignal(window.people.page.loader.saved, timeout=15_000):
        qtbot.keyClick(pending.task_title, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(pending.checks) == 1)
    assert pending.checks[0].text().startswith("Send the print quote  —  you · due ")
    with qtbot.waitSignal(window.people.page.loader.saved, timeout=15_000):
        pending.checks[0].click()
    qtbot.waitUntil(lambda: not pending.checks)
    # A task for them: the owner is written as their name.
    pending.task_owner.setCurrentIndex(1)
    assert pending.task_owner.currentText() == "Aoife"
    qtbot.keyClicks(pending.task_title, "Send the board deck")
    with qtbot.waitSignal(window.people.page.loader.saved, timeout=15_000):
        qtbot.keyClick(pending.task_title, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(pending.checks) == 1)
    assert "—  Aoife O'Brien · due" in pending.checks[0].text()
    qtmodeltester.check(record.timeline)
    # Another person: their name at once from the list, never Aoife's card under it.
    page = window.people.page
    page.show_list()
    page.view.search.clear()
    qtbot.waitUntil(lambda: "Zoë Müller" in _people(qtbot, window))
    zoe = next(
        page.view.model.person_id(n)
        for n in range(page.view.model.rowCount())
        if page.view.model.index(n, Column.NAME).data() == "Zoë Müller"
    )
    assert zoe is not None
    page.open_person(zoe)
    assert record.name.text() == "Zoë Müller" and not record.sections.isVisible()
    qtbot.waitUntil(lambda: record.sections.isVisible())
    assert record.card.name.text() == "Zoë Müller"
    # Clicking a message in the timeline opens it in Mail.
    qtbot.waitUntil(lambda: record.timeline.rowCount() > 0)
    # (Their meetings are in the timeline too: the first message, not a meeting.)
    row = next(
        i for i in range(record.timeline.rowCount()) if record.timeline.entry(i).kind == "message"
    )
    entry = record.timeline.entry(row)
    assert entry is not None
    record.timeline_view.clicked.emit(record.timeline.index(row))
    assert window.pages.currentWidget() is window.panes
    qtbot.waitUntil(
        lambda: (
            window.message_view.content is not None
            and window.message_view.content.subject == entry.title
        )
    )


def test_editing_the_card_in_place_persists_and_a_bad_phone_gets_a_sentence(
    qtbot: Any, people_window: MainWindow, demo_store: Store
) -> None:
    window = people_window
    _go_people(qtbot, window)
    _open(qtbot, window, "Aoife O'Brien")
    card = window.people.page.record.card
    qtbot.keyClick(card.company, Qt.Key.Key_F2)
    assert card.editing and not card.company.isReadOnly()
    card.company.clear()
    qtbot.keyClicks(card.company, "Greenleaf Co-operative")
    # Esc cancels: nothing stored, the field shows the stored value again.
    qtbot.keyClick(card.company, Qt.Key.Key_Escape)
    assert not card.editing and card.company.text() == ""

    qtbot.keyClick(card.company, Qt.Key.Key_F2)
    qtbot.keyClicks(card.company, "Greenleaf Co-operative")
    card.new_kind.setCurrentIndex(card.new_kind.findData("phone"))
    qtbot.keyClicks(card.new_value, "call me maybe")
    with qtbot.waitSignal(card.problem) as problem:
        qtbot.keyClick(card.company, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "“call me maybe” is not a phone number" in problem.args[0]
    assert card.editing and card.company.text() == "Greenleaf Co-operative"  # nothing lost
    card.new_value.clear()
    qtbot.keyClicks(card.new_value, "+353 1 234 5678")
    with qtbot.waitSignal(window.people.page.loader.saved, timeout=15_000):
        qtbot.keyClick(card.company, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    pid = _person(demo_store, "aoife@greenleaf.example")
    with demo_store.read() as s:
        stored = read_card(s, pid)
    assert stored.company == "Greenleaf Co-operative"
    assert ("phone", "+35312345678") in [(h.kind, h.value) for h in stored.handles]
    record = window.people.page.record
    qtbot.waitUntil(lambda: record.role.text() == "Greenleaf Co-operative")
    # Back to the list and in again: read from the store, still there.
    qtbot.keyClick(record.timeline_view, Qt.Key.Key_Backspace)
    assert window.people.page.stack.currentWidget() is window.people.page.view
    window.people.page.open_person(pid)
    qtbot.waitUntil(lambda: card.company.text() == "Greenleaf Co-operative")


def test_ctrl_l_logs_a_call_that_shows_in_done_and_the_timeline(
    qtbot: Any, people_window: MainWindow
) -> None:
    window = people_window
    _go_people(qtbot, window)
    _open(qtbot, window, "Aoife O'Brien")
    record = window.people.page.record
    qtbot.keyClick(record.timeline_view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    form = record.log_form
    assert form.isVisible() and form.text.hasFocus()
    qtbot.keyClicks(form.text, "Agreed on 24 pages, print run 300")
    with qtbot.waitSignal(window.people.page.loader.saved, timeout=15_000):
        qtbot.keyClick(form.text, Qt.Key.Key_Return)
    assert not form.isVisible()
    qtbot.waitUntil(lambda: any("Agreed on 24 pages" in line for line in record.done.lines))
    assert "by you" in record.done.lines[0]

    def newest_is_call() -> bool:
        e = record.timeline.entry(0)
        return e is not None and e.channel == "call" and "24 pages" in e.snippet

    qtbot.waitUntil(newest_is_call)
    # The channel chips filter the timeline to calls and notes.
    chip = next(b for b in record.chips.buttons() if b.text() == "Calls && notes")
    chip.click()
    qtbot.waitUntil(lambda: record.timeline.rowCount() == 1)


def test_a_suggested_merge_is_accepted_and_undone(
    qtbot: Any, people_window: MainWindow, demo_store: Store
) -> None:
    window = people_window
    _go_people(qtbot, window)
    view = window.people.page.view
    view.merges.click()
    qtbot.waitUntil(lambda: len(view.suggestion_pane.suggestions) == 1)
    assert view.merges.text() == "Suggested merges (1)"
    card = view.suggestion_pane.suggestion_cards[0]
    assert "Both are called “Zoë Müller”" in " ".join(
        w.text() for w in card.findChildren(type(view.title))
    )
    from PySide6.QtWidgets import QPushButton

    button = next(b for b in card.findChildren(QPushButton) if b.text() == "Merge")
    with qtbot.waitSignal(view.writer.merged, timeout=15_000):
        button.click()
    assert view.notice.isVisible() and "Merged" in view.notice.label.text()
    with demo_store.read() as s:
        zoe = person_record(s, _person(demo_store, "zoe@private.example"))
    assert {"zoe.mueller@brightwave.example", "zoe@private.example"} <= {
        h.value for h in zoe.handles
    }
    qtbot.waitUntil(lambda: not view.suggestion_pane.suggestions)
    with qtbot.waitSignal(view.writer.saved, timeout=15_000):
        view.notice.undo_button.click()
    a = _person(demo_store, "zoe@private.example")
    b = _person(demo_store, "zoe.mueller@brightwave.example")
    assert a != b


def test_the_person_panel_opens_the_record(qtbot: Any, people_window: MainWindow) -> None:
    window = people_window
    if not window.person_panel.isVisible():
        window.person_action.trigger()
    qtbot.waitUntil(lambda: window.person_panel.card is not None)
    card = window.person_panel.card
    assert card is not None and window.person_panel.open_button.isVisible()
    window.person_panel.open_button.click()
    assert window.pages.currentWidget() is window.people.page
    record = window.people.page.record
    qtbot.waitUntil(lambda: record.record is not None and record.record.id == card.id)
    assert record.name.text() == card.name
    # A click on the name in the panel does the same.
    window.people.show(MAIL)
    window.people.page.show_list()
    qtbot.mouseClick(window.person_panel.name, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.people.page
    assert window.people.page.stack.currentWidget() is record


def test_a_person_with_20000_messages_opens_with_one_timeline_page(
    qtbot: Any, tmp_path: Any
) -> None:
    from tests.helpers.items import new_store
    from tests.helpers.people_bulk import HEAVY, fill
    from unibox.app import build_window

    store = new_store(tmp_path)
    box = fill(store, messages=21000, people=50, heavy_share=0.97)
    heavy = box.person(HEAVY.email)
    window = build_window(store)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    try:
        window.people.open_person(heavy)
        record = window.people.page.record
        timeline = record.timeline
        qtbot.waitUntil(lambda: timeline.rowCount() > 0, timeout=10_000)
        qtbot.waitUntil(lambda: record.record is not None, timeout=10_000)
        assert record.record is not None
        assert record.record.numbers.messages_by_channel["mail"] > 20000
        assert (timeline.rowCount(), timeline.pages_fetched) == (50, 1)
        view = record.timeline_view
        view.scrollToBottom()  # scrolling to the end asks for the next page, and only that
        qtbot.waitUntil(lambda: timeline.rowCount() == 100, timeout=10_000)
        assert timeline.pages_fetched == 2
        newest, older = timeline.entry(0), timeline.entry(99)
        assert newest is not None and older is not None and older.at <= newest.at
    finally:
        window.close()
        window.bridge.close()
        store.close()


def test_many_suggestions_are_shown_a_few_at_a_time(
    qtbot: Any, demo_store: Store, people_window: MainWindow
) -> None:
    """Thirty more namesakes from an address book: 25 cards, then Show more for the rest."""
    from unibox.store.merge_suggestions import suggestions
    from unibox.store.people_list import PeopleSort, people_ids, people_rows

    with demo_store.read() as s:
        names = [r.display_name for r in people_rows(s, people_ids(s, "", PeopleSort.NAME))]
    namesakes = [n for n in names if n != "Zoë Müller"][:30]
    cards = "".join(
        f"BEGIN:VCARD\nVERSION:3.0\nFN:{n}\nEMAIL:namesake{i}@elsewhere.example\nEND:VCARD\n"
        for i, n in enumerate(namesakes)
    )
    with demo_store.write() as s:
        import_cards(s, read_vcards(cards).cards, "DE")
    with demo_store.write() as s:
        refresh_suggestions(s)
    with demo_store.read() as s:
        pending = len(suggestions(s))
    assert pending > 25
    window = people_window
    _go_people(qtbot, window)
    view = window.people.page.view
    view.merges.click()
    qtbot.waitUntil(lambda: len(view.suggestion_pane.suggestions) == pending)
    assert view.merges.text() == f"Suggested merges ({pending})"
    pane = view.suggestion_pane
    more = pane.more_button
    assert more is not None and more.text() == f"Show more ({pending - 25} left)"
    assert len([c for c in pane.suggestion_cards if c.objectName() == "RecordBox"]) == 25
    more.click()
    assert len([c for c in pane.suggestion_cards if c.objectName() == "RecordBox"]) == pending
    assert pane.more_button is None


def test_new_mail_reaches_people_and_the_open_record(qtbot: Any, people_window: MainWindow) -> None:
    """A sync brings mail from someone new and from Aoife: the list and her record follow."""
    from tests.ui.hostile import ingest_raw

    window = people_window
    _go_people(qtbot, window)
    before = _people(qtbot, window)
    assert "Quinn Harper" not in before
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    raw = (
        b"From: Quinn Harper <quinn@harper-legal.example>\r\n"
        b"To: mira@castell-studio.example\r\nSubject: Contract review\r\n"
        b"Message-ID: <quinn-1@harper-legal.example>\r\n"
        b"Date: Fri, 14 Mar 2025 09:31:00 +0000\r\n\r\nCould we talk on Monday?\r\n"
    )
    ingest_raw(window, raw, uid=950)
    qtbot.wait(500)  # while Mail is shown, People waits
    with qtbot.waitSignal(window.people.page.view.model.loaded, timeout=15_000):
        qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Quinn Harper" in _people(qtbot, window))

    _open(qtbot, window, "Aoife O'Brien")
    record = window.people.page.record
    assert record.timeline.rowCount() == 7
    raw = (
        b"From: Aoife O'Brien <aoife@greenleaf.example>\r\n"
        b"To: mira@castell-studio.example\r\nSubject: Seed swap photos\r\n"
        b"Message-ID: <aoife-new@greenleaf.example>\r\n"
        b"Date: Fri, 14 Mar 2025 09:35:00 +0000\r\n\r\nPhotos attached.\r\n"
    )
    ingest_raw(window, raw, uid=951)
    qtbot.waitUntil(lambda: record.timeline.rowCount() == 8, timeout=15_000)
    newest = record.timeline.entry(0)
    assert newest is not None and newest.title == "Seed swap photos"
    qtbot.waitUntil(lambda: record.numbers.values["Messages"].text() == "8")


def test_a_handle_split_off_becomes_a_person_and_undo_brings_it_back(
    qtbot: Any, people_window: MainWindow, demo_store: Store
) -> None:
    window = people_window
    _go_people(qtbot, window)
    _open(qtbot, window, "Nadia Okafor", timeline=False)
    record = window.people.page.record
    qtbot.waitUntil(lambda: record.timeline_empty.isVisible())
    card = record.card
    # Nadia's card from the vCard has one address; give her a phone, then split it off.
    qtbot.keyClick(card.company, Qt.Key.Key_F2)
    card.new_kind.setCurrentIndex(card.new_kind.findData("phone"))
    qtbot.keyClicks(card.new_value, "+44 20 7946 0018")
    qtbot.keyClick(card.new_value, Qt.Key.Key_Return)
    with qtbot.waitSignal(window.people.page.loader.saved, timeout=15_000):
        qtbot.keyClick(card.company, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len([r for r in card._rows if r.split.isVisibleTo(card)]) == 2)
    phone = next(r for r in card._rows if r.kind == "phone")
    with qtbot.waitSignal(window.people.page.loader.saved, timeout=15_000):
        phone.split.click()
    nadia = _person(demo_store, "nadia@keystone.example")
    other = _person(demo_store, "+442079460018")
    assert other != nadia
    qtbot.waitUntil(lambda: len(record.merges.undo_buttons) == 1)
    assert "+442079460018" not in record.handles.text()
    with qtbot.waitSignal(window.people.page.loader.saved, timeout=15_000):
        record.merges.undo_buttons[0].click()
    assert _person(demo_store, "+442079460018") == nadia
    qtbot.waitUntil(lambda: "+442079460018" in record.handles.text())
