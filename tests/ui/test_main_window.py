"""The main window as a user drives it: models, keyboard, search, changes, shortcuts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from unibox.core.items import FlagUpdate
from unibox.store import folders as store_folders
from unibox.store.schema import MessageLocation
from unibox.store.view_rows import MessageRow
from unibox.store.views import View, ViewKind
from unibox.ui.main_window import MainWindow
from unibox.ui.models.message_list import Role


def _row(window: MainWindow, n: int) -> MessageRow:
    row = window.messages.index(n).data(Role.ROW)
    assert isinstance(row, MessageRow)
    return row


def _rows(qtbot: Any, window: MainWindow) -> list[MessageRow]:
    """Every row of the list, once loaded."""
    model = window.messages
    for n in range(model.rowCount()):
        model.index(n).data(Role.ROW)  # asks for the pages
    qtbot.waitUntil(
        lambda: all(model.cached_row(n) is not None for n in range(model.rowCount())),
        timeout=15_000,
    )
    return [_row(window, n) for n in range(model.rowCount())]


def _shown_subject(window: MainWindow) -> str:
    content = window.message_view.content
    return content.subject if content is not None else ""


def test_models_pass_the_model_tester(qtbot: Any, qtmodeltester: Any, window: MainWindow) -> None:
    qtmodeltester.check(window.messages)
    qtmodeltester.check(window.sidebar_model)
    # Still watched by the tester: pages arriving, a view switch, a search.
    _rows(qtbot, window)
    with qtbot.waitSignal(window.messages.loaded):
        window.messages.show_view(View(ViewKind.SENT))
    with qtbot.waitSignal(window.messages.loaded):
        window.search.setText("nordlys")


def test_first_view_is_the_unified_inbox_newest_first(qtbot: Any, window: MainWindow) -> None:
    rows = _rows(qtbot, window)
    assert window.windowTitle() == "unibox"
    assert len(rows) == 69
    assert [r.date for r in rows] == sorted((r.date for r in rows), reverse=True)
    assert window.list_title.text() == "Unified inbox"
    qtbot.waitUntil(lambda: window.list_subtitle.text() == "69 messages · 15 unread")
    assert _shown_subject(window) == rows[0].subject
    assert "153 messages" in window.totals.text()
    sidebar = window.sidebar_model
    inbox = sidebar.index_of(View(ViewKind.INBOX))
    assert inbox.data(Qt.ItemDataRole.DisplayRole) == "Unified inbox"
    assert sidebar.data(inbox, Qt.ItemDataRole.UserRole + 2) == 15


def test_j_and_k_move_and_the_reading_pane_follows(qtbot: Any, window: MainWindow) -> None:
    rows = _rows(qtbot, window)
    window.message_list.setFocus()
    qtbot.keyClick(window.message_list, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: _shown_subject(window) == rows[1].subject)
    assert window.message_list.currentIndex().row() == 1
    qtbot.keyClick(window.message_list, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: _shown_subject(window) == rows[2].subject)
    qtbot.keyClick(window.message_list, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: _shown_subject(window) == rows[1].subject)
    # From the reading pane too, and u goes back to the list.
    qtbot.keyClick(window.message_list, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is window.message_view.body
    qtbot.keyClick(window.message_view.body, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: _shown_subject(window) == rows[2].subject)
    qtbot.keyClick(window.message_view.body, Qt.Key.Key_U)
    assert QApplication.focusWidget() is window.message_list


def test_search_filters_as_you_type_and_esc_goes_back(qtbot: Any, window: MainWindow) -> None:
    qtbot.keyClick(window.message_list, Qt.Key.Key_Slash)
    assert QApplication.focusWidget() is window.search
    with qtbot.waitSignal(window.messages.loaded, timeout=15_000):
        qtbot.keyClicks(window.search, "nordlys")
    rows = _rows(qtbot, window)
    assert window.list_title.text() == "Search results"
    assert 3 <= len(rows) < 20
    for r in rows:
        haystack = f"{r.subject} {r.snippet} {r.sender_name} {r.recipients}".lower()
        assert "nordlys" in haystack or "søren" in haystack
    assert any(r.outgoing for r in rows)  # search covers Sent too
    qtbot.waitUntil(lambda: _shown_subject(window) == rows[0].subject)
    # j works from the results while the field keeps the query.
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is window.message_list
    assert window.search.text() == "nordlys"
    with qtbot.waitSignal(window.messages.loaded):
        qtbot.keyClick(window.message_list, Qt.Key.Key_Escape)
    assert window.search.text() == ""
    assert window.messages.rowCount() == 69


def test_search_results_come_first_and_the_preview_once_typing_pauses(
    qtbot: Any, window: MainWindow
) -> None:
    """Each letter's results show at once; reading the first one waits for a pause."""
    inbox = _rows(qtbot, window)
    qtbot.waitUntil(lambda: _shown_subject(window) == inbox[0].subject)
    window.keys.focus_search()
    for text in ("no", "nor", "nord"):
        with qtbot.waitSignal(window.messages.loaded, timeout=15_000):
            window.search.setText(text)
            window.search.flush()
        # The first result is selected; the pane is not asked for it yet.
        assert window.message_list.currentIndex().row() == 0
        assert window.reader.current == inbox[0].id
    first = _row(window, 0)
    qtbot.waitUntil(lambda: _shown_subject(window) == first.subject, timeout=3000)
    assert window.message_view.content is not None
    assert window.message_view.content.id == first.id
    # Moving through the results opens each one at once.
    second = _rows(qtbot, window)[1]
    window.message_list.setFocus()
    qtbot.keyClick(window.message_list, Qt.Key.Key_J)
    assert window.reader.current == second.id
    qtbot.waitUntil(lambda: _shown_subject(window) == second.subject)


def test_letters_typed_into_search_are_text_not_shortcuts(qtbot: Any, window: MainWindow) -> None:
    window.keys.focus_search()
    current = window.message_list.currentIndex().row()
    with qtbot.waitSignal(window.messages.loaded, timeout=15_000):
        qtbot.keyClicks(window.search, "juergen ku")
    assert window.search.text() == "juergen ku"
    assert QApplication.focusWidget() is window.search
    assert not window.overlay.isVisible()
    assert current == 0


def test_search_operators_and_a_bad_one(qtbot: Any, window: MainWindow) -> None:
    with qtbot.waitSignal(window.messages.loaded, timeout=15_000):
        window.search.setText("is:flagged")
    assert all(r.is_flagged for r in _rows(qtbot, window))
    assert window.messages.rowCount() == 7
    with qtbot.waitSignal(window.messages.loaded, timeout=15_000):
        window.search.setText("from:zoë has:attachment")
    rows = _rows(qtbot, window)
    assert rows and all(r.sender_name == "Zoë Müller" and r.has_attachments for r in rows)
    with qtbot.waitSignal(window.search.search_error, timeout=15_000) as bad:
        window.search.setText("is:bogus")
    assert "is:bogus" in bad.args[0]
    assert window.search.property("invalid") is True
    assert window.messages.rowCount() == len(rows)  # the last good results stay
    problem = window.list_pane.search_problem
    assert problem.isVisible() and "is:bogus" in problem.text()


def test_a_malformed_search_says_what_is_wrong(qtbot: Any, window: MainWindow) -> None:
    problem = window.list_pane.search_problem
    for text, said in (("from:", "“from:” needs something"), ('"march plan', "left open")):
        with qtbot.waitSignal(window.search.search_error, timeout=15_000):
            window.search.setText(text)
        qtbot.waitUntil(lambda said=said: problem.isVisible() and said in problem.text())
        assert window.messages.rowCount() > 0  # not an empty list
    with qtbot.waitSignal(window.messages.loaded, timeout=15_000):
        window.search.setText("from:zoë")
    assert not problem.isVisible()
    window.search.setText("from:")
    qtbot.waitUntil(problem.isVisible)
    window.flow.leave_search()
    assert not problem.isVisible()


def test_sidebar_switches_views(qtbot: Any, window: MainWindow) -> None:
    # The sidebar reads its rows on its own lane: they may come after the first message.
    qtbot.waitUntil(lambda: window.sidebar_model.index_of(View(ViewKind.SENT)).isValid())
    sent = window.sidebar_model.index_of(View(ViewKind.SENT))
    with qtbot.waitSignal(window.messages.loaded):
        window.sidebar.setCurrentIndex(sent)
    rows = _rows(qtbot, window)
    assert len(rows) == 43 and all(r.outgoing for r in rows)
    assert window.list_title.text() == "Sent"
    qtbot.waitUntil(lambda: _shown_subject(window) == rows[0].subject)
    archive_folder = window.sidebar_model.index_of(View(ViewKind.FOLDER, 3))
    assert archive_folder.data() == "Archive"
    with qtbot.waitSignal(window.messages.loaded):
        window.sidebar.setCurrentIndex(archive_folder)
    assert window.messages.rowCount() == 41


def test_a_flag_change_refreshes_only_that_row(qtbot: Any, window: MainWindow) -> None:
    rows = _rows(qtbot, window)
    target = next(n for n, r in enumerate(rows) if not r.is_flagged)
    resets: list[int] = []
    changed: list[tuple[int, int]] = []
    window.messages.modelReset.connect(lambda: resets.append(1))
    window.messages.dataChanged.connect(lambda a, b, _r=None: changed.append((a.row(), b.row())))
    store = window.bridge._store
    with store.read() as s:
        uid, folder_id = s.execute(
            select(MessageLocation.uid, MessageLocation.folder_id).where(
                MessageLocation.message_id == rows[target].id
            )
        ).one()
    with store.write() as s:
        changes = store_folders.apply_flags(
            s, folder_id, [FlagUpdate(uid, ("\\Seen", "\\Flagged"))]
        )
    window.bridge.post_changes(changes)
    qtbot.waitUntil(lambda: _row(window, target).is_flagged)
    assert resets == []
    assert changed == [(target, target)]
    assert _row(window, target).is_seen


def test_new_mail_appears_on_top_without_a_reset(qtbot: Any, window: MainWindow) -> None:
    from tests.ui.hostile import ingest_raw

    _rows(qtbot, window)
    window.message_list.step(1)
    current = window.message_list.currentIndex().data(Role.MESSAGE_ID)
    # Opening it reads it: the inbox count settles at 14 before the new mail comes.
    qtbot.waitUntil(lambda: window.sidebar_model.loaded_once)
    qtbot.waitUntil(
        lambda: (
            window.sidebar_model.index_of(View(ViewKind.INBOX)).data(Qt.ItemDataRole.UserRole + 2)
            == 14
        ),
        timeout=10_000,
    )
    resets: list[int] = []
    window.messages.modelReset.connect(lambda: resets.append(1))
    raw = (
        b"From: Priya Natarajan <priya@lumenhealth.example>\r\nTo: mira@castell-studio.example\r\n"
        b"Subject: We are ready to sign\r\nMessage-ID: <sign@lumenhealth.example>\r\n"
        b"Date: Fri, 14 Mar 2025 09:20:00 +0000\r\n\r\nContract attached tomorrow.\r\n"
    )
    with qtbot.waitSignal(window.messages.rows_changed, timeout=15_000):
        ingest_raw(window, raw, uid=900)
    assert resets == []
    assert window.messages.rowCount() == 70
    assert _row(window, 0).subject == "We are ready to sign"
    assert window.message_list.currentIndex().data(Role.MESSAGE_ID) == current
    qtbot.waitUntil(
        lambda: (
            window.sidebar_model.index_of(View(ViewKind.INBOX)).data(Qt.ItemDataRole.UserRole + 2)
            == 15
        )
    )


def test_question_mark_shows_the_shortcuts(qtbot: Any, window: MainWindow) -> None:
    window.message_list.setFocus()
    qtbot.keyClick(window.message_list, Qt.Key.Key_Question)
    assert window.overlay.isVisible()
    keys = {k for ks, _what in window.overlay.shortcuts for k in ks}
    assert {"j", "k", "/", "Esc", "u", "?"} <= keys
    assert window.overlay.geometry() == window.rect()
    qtbot.keyClick(window.overlay, Qt.Key.Key_Escape)
    assert not window.overlay.isVisible()


def test_a_long_list_shows_its_head_first_then_the_rest(
    qtbot: Any, qtmodeltester: Any, window: MainWindow, monkeypatch: Any
) -> None:
    """At 100,000 messages the newest rows come from a fast query; the rest follow."""
    from unibox.ui.models import message_list

    monkeypatch.setattr(message_list, "HEAD", 10)
    qtmodeltester.check(window.messages)
    resets: list[int] = []
    window.messages.modelReset.connect(lambda: resets.append(1))
    with qtbot.waitSignal(window.messages.completed, timeout=15_000) as done:
        window.messages.show_view(View(ViewKind.ARCHIVE))
    assert resets == [1]  # the head replaced the old view; the rest was appended
    assert done.args == [41]
    rows = _rows(qtbot, window)
    assert len(rows) == 41
    assert [r.date for r in rows] == sorted((r.date for r in rows), reverse=True)
    with qtbot.waitSignal(window.messages.completed, timeout=15_000) as done:
        window.search.setText("the")
    assert window.list_subtitle.text() == f"{done.args[0]:,} found"
    assert done.args[0] > 10
    with qtbot.waitSignal(window.messages.completed, timeout=15_000):
        window.messages.set_grouped(True)
    grouped = _rows(qtbot, window)
    assert len({r.conversation_id for r in grouped}) == len(grouped)


def test_stray_letters_in_the_list_do_not_jump_around(qtbot: Any, window: MainWindow) -> None:
    _rows(qtbot, window)
    window.message_list.setFocus()
    window.message_list.select_row(3)
    for key in (Qt.Key.Key_Z, Qt.Key.Key_S, Qt.Key.Key_P):
        qtbot.keyClick(window.message_list, key)
    assert window.message_list.currentIndex().row() == 3


def test_the_mode_switcher_shows_its_labels_whole(qtbot: Any, window: MainWindow) -> None:
    # "Calendar" was drawn as "Ca…ar": the side pane's fixed minimum was narrower than the labels.
    window.panes.setSizes([1, 400, 560, 230])  # the user drags the sidebar as narrow as it goes
    qtbot.waitUntil(lambda: window.mode_switcher.isVisible())
    for button in window.mode_switcher.buttons.values():
        assert button.width() >= button.sizeHint().width(), button.text()
