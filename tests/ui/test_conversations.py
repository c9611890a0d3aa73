"""Conversations in the list (one row each) and the person panel beside the message."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.ui.hostile import ingest_raw
from unibox.store.view_rows import MessageRow
from unibox.store.views import View, ViewKind
from unibox.ui.main_window import MainWindow
from unibox.ui.models.message_list import Role
from unibox.ui.preferences import GROUP_CONVERSATIONS


def _rows(qtbot: Any, window: MainWindow) -> list[MessageRow]:
    model = window.messages
    for n in range(model.rowCount()):
        model.index(n).data(Role.ROW)
    qtbot.waitUntil(
        lambda: all(model.cached_row(n) is not None for n in range(model.rowCount())),
        timeout=10_000,
    )
    return [r for n in range(model.rowCount()) if (r := model.cached_row(n)) is not None]


def test_grouping_shows_one_row_per_conversation_newest_first(
    qtbot: Any, qtmodeltester: Any, window: MainWindow
) -> None:
    flat = _rows(qtbot, window)
    with qtbot.waitSignal(window.messages.loaded, timeout=10_000):
        window.group_action.trigger()
    assert window.prefs.get(GROUP_CONVERSATIONS) is True
    rows = _rows(qtbot, window)
    conversations = {r.conversation_id for r in flat}
    assert len(rows) == len(conversations) == 59
    assert len({r.conversation_id for r in rows}) == len(rows)
    assert [r.date for r in rows] == sorted((r.date for r in rows), reverse=True)
    newest = {}
    for r in flat:  # flat is newest first: the first of each conversation is its newest
        newest.setdefault(r.conversation_id, r.id)
    assert all(newest[r.conversation_id] == r.id for r in rows)
    zoe = next(r for r in rows if r.subject == "Re: Homepage v3 ready for review")
    assert zoe.thread_size == 5
    qtbot.waitUntil(lambda: window.list_subtitle.text().startswith("59 conversations"))
    qtmodeltester.check(window.messages)

    # A reply joins its conversation: that row moves to the top, one row per conversation stays.
    resets: list[int] = []
    window.messages.modelReset.connect(lambda: resets.append(1))
    raw = (
        b"From: Zoe Mueller <zoe.mueller@brightwave.example>\r\n"
        b"To: mira@castell-studio.example\r\nSubject: Re: Homepage v3 ready for review\r\n"
        b"Message-ID: <one-more@brightwave.example>\r\n"
        b"In-Reply-To: <8f789de7627936115571@brightwave.example>\r\n"
        b"Date: Fri, 14 Mar 2025 09:29:00 +0000\r\n\r\nOne more thing.\r\n"
    )
    with qtbot.waitSignal(window.messages.rows_changed, timeout=10_000):
        changes = ingest_raw(window, raw, uid=940)
    (mid,) = changes.messages_added
    rows = _rows(qtbot, window)
    assert resets == []
    assert rows[0].id == mid
    assert len(rows) == 59 and len({r.conversation_id for r in rows}) == 59
    assert rows[0].thread_size == 6

    with qtbot.waitSignal(window.messages.loaded, timeout=10_000):
        window.group_action.trigger()
    assert window.messages.rowCount() == 70


def test_the_person_panel_follows_the_sender(qtbot: Any, window: MainWindow) -> None:
    rows = _rows(qtbot, window)
    n = next(i for i, r in enumerate(rows) if r.subject == "Re: Homepage v3 ready for review")
    window.message_list.select_row(n)
    panel = window.person_panel
    qtbot.waitUntil(lambda: panel.card is not None and panel.card.name == "Zoë Müller")
    card = panel.card
    assert card is not None
    assert ("email", "zoe.mueller@brightwave.example") in card.handles
    assert card.messages >= 5 and not card.is_me
    assert panel.name.isVisible() and "Zoë Müller" in panel.name.text()
    subjects = [b.entry.subject for b in panel.buttons]
    assert subjects[0] == "Homepage v3 ready for review"
    lasts = [b.entry.last for b in panel.buttons]
    assert lasts == sorted(lasts, reverse=True)

    # A recent conversation opens in the reading pane.
    target = next(b for b in panel.buttons if b.entry.subject == "Copy for the pricing page")
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            window.message_view.content is not None
            and window.message_view.content.id == target.entry.newest_message_id
        ),
        timeout=10_000,
    )

    # All mail with them: a search on their address.
    with qtbot.waitSignal(window.messages.loaded, timeout=10_000):
        qtbot.mouseClick(panel.all_button, Qt.MouseButton.LeftButton)
    found = _rows(qtbot, window)
    assert window.list_title.text() == "Search results"
    assert len(found) >= 5
    assert all(
        "zoe.mueller@brightwave.example" in (r.sender_email, *(c.email for c in r.recipients))
        or r.sender_email == "mira@castell-studio.example"
        for r in found
    )


def test_for_mail_i_sent_the_panel_shows_whom_it_went_to(qtbot: Any, window: MainWindow) -> None:
    sent = window.sidebar_model.index_of(View(ViewKind.SENT))
    with qtbot.waitSignal(window.messages.loaded, timeout=10_000):
        window.sidebar.setCurrentIndex(sent)
    rows = _rows(qtbot, window)
    window.message_list.select_row(0)
    panel = window.person_panel
    first = rows[0].recipients[0]
    qtbot.waitUntil(
        lambda: panel.card is not None and any(v == first.email for _k, v in panel.card.handles),
        timeout=10_000,
    )
    assert panel.card is not None and not panel.card.is_me
    # The panel can be hidden, and stays so.
    window.person_action.trigger()
    assert not panel.isVisible()
