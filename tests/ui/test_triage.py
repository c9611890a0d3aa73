"""Keyboard triage in the window: archive, delete, flag, snooze, undo, go-to keys, selection."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from tests.ui.conftest import DEMO_NOW
from unibox.core.items import FolderRole
from unibox.store.schema import Folder, Message, MessageLocation
from unibox.store.schema_actions import PendingOp
from unibox.store.store import Store
from unibox.store.view_rows import MessageRow
from unibox.store.views import View, ViewKind
from unibox.ui.main_window import MainWindow
from unibox.ui.models.message_list import Role
from unibox.ui.models.sidebar import Role as SidebarRole


class Clock:
    """The window's "now", moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(DEMO_NOW)


@pytest.fixture
def triage_window(qtbot: Any, demo_store: Store, clock: Clock) -> Iterator[MainWindow]:
    """The demo window (with its empty Trash and Junk) and a clock the test moves."""
    from PySide6.QtWidgets import QApplication

    from unibox.app import build_window
    from unibox.ui.theme import apply_theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=False)
    w = build_window(demo_store, demo=True)
    w.clock = clock
    w.start()  # again, by the test's clock
    qtbot.addWidget(w)
    w.resize(1400, 860)
    w.show()
    w.activateWindow()
    qtbot.waitActive(w)
    qtbot.waitUntil(lambda: w.message_view.content is not None, timeout=10_000)
    qtbot.waitUntil(lambda: w.sidebar_model.has_accounts, timeout=10_000)
    w.message_list.setFocus()
    yield w
    w.close()
    w.bridge.close()


def ids(qtbot: Any, window: MainWindow) -> list[int]:
    model = window.messages
    return [model.message_id(n) or 0 for n in range(model.rowCount())]


def row(qtbot: Any, window: MainWindow, message_id: int) -> MessageRow:
    model = window.messages
    n = model.row_of(message_id)
    assert n is not None
    model.index(n).data(Role.ROW)
    qtbot.waitUntil(lambda: model.cached_row(n) is not None)
    found = model.cached_row(n)
    assert found is not None
    return found


def current_id(window: MainWindow) -> int | None:
    value = window.message_list.currentIndex().data(Role.MESSAGE_ID)
    return value if isinstance(value, int) else None


def press(qtbot: Any, window: MainWindow, *keys: Any) -> None:
    for key in keys:
        if isinstance(key, tuple):
            qtbot.keyClick(window.message_list, key[0], key[1])
        else:
            qtbot.keyClick(window.message_list, key)


def show(qtbot: Any, window: MainWindow, view: View) -> None:
    index = window.sidebar_model.index_of(view)
    assert index.isValid()
    with qtbot.waitSignal(window.messages.loaded, timeout=10_000):
        window.sidebar.setCurrentIndex(index)


def count(window: MainWindow, view: View) -> int:
    return int(window.sidebar_model.index_of(view).data(SidebarRole.COUNT) or 0)


def places(store: Store, message_id: int) -> set[str]:
    with store.read() as s:
        return set(
            s.scalars(
                select(Folder.role)
                .join(MessageLocation, MessageLocation.folder_id == Folder.id)
                .where(MessageLocation.message_id == message_id)
            )
        )


def pending(store: Store, message_id: int) -> list[tuple[str, str]]:
    with store.read() as s:
        return [
            (op.kind, op.flags)
            for op in s.scalars(
                select(PendingOp).where(
                    PendingOp.message_id == message_id, PendingOp.state == "pending"
                )
            )
        ]


def test_e_archives_the_message_and_selects_the_next(
    qtbot: Any, triage_window: MainWindow, demo_store: Store
) -> None:
    window = triage_window
    press(qtbot, window, Qt.Key.Key_J)
    before = ids(qtbot, window)
    target, following = before[1], before[2]
    assert current_id(window) == target
    qtbot.waitUntil(lambda: window.list_subtitle.text().startswith("69 messages"))
    press(qtbot, window, Qt.Key.Key_E)
    # Gone at once, and the next message is the current one and shown.
    assert window.messages.row_of(target) is None
    assert current_id(window) == following
    qtbot.waitUntil(lambda: window.message_view.content is not None)
    qtbot.waitUntil(lambda: window.message_view.content.id == following)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: "Archived the message" in window.notice.sentence, timeout=10_000)
    assert "Undo" in window.notice.text()
    qtbot.waitUntil(lambda: window.list_subtitle.text().startswith("68 messages"))
    assert places(demo_store, target) == {FolderRole.ARCHIVE.value}
    assert ("move", "") in pending(demo_store, target)  # the server learns it on the next sync
    show(qtbot, window, View(ViewKind.ARCHIVE))
    assert target in ids(qtbot, window)
    assert window.list_title.text() == "Archive"

    # g then i: back to the inbox from another view.
    press(qtbot, window, Qt.Key.Key_G, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: window.list_title.text() == "Unified inbox")
    assert window.messages.view == View(ViewKind.INBOX)
    assert window.sidebar.currentIndex().data(SidebarRole.VIEW) == View(ViewKind.INBOX)
    qtbot.waitUntil(lambda: len(ids(qtbot, window)) == 68)
    assert target not in ids(qtbot, window)


def test_z_undoes_an_archive(qtbot: Any, triage_window: MainWindow, demo_store: Store) -> None:
    window = triage_window
    press(qtbot, window, Qt.Key.Key_J, Qt.Key.Key_J)
    target = current_id(window)
    assert target is not None
    press(qtbot, window, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: window.triage.last is not None, timeout=10_000)
    press(qtbot, window, Qt.Key.Key_Z)
    qtbot.waitUntil(lambda: window.messages.row_of(target) is not None, timeout=10_000)
    qtbot.waitUntil(lambda: current_id(window) == target)
    assert places(demo_store, target) == {FolderRole.INBOX.value}
    assert window.notice.sentence.startswith("Undone: archived")
    # Nothing more to undo.
    press(qtbot, window, Qt.Key.Key_Z)
    assert window.notice.sentence == "There is nothing to undo."


def test_hash_moves_to_trash_and_z_brings_it_back(
    qtbot: Any, triage_window: MainWindow, demo_store: Store
) -> None:
    window = triage_window
    target = current_id(window)
    assert target is not None
    second = ids(qtbot, window)[1]
    press(qtbot, window, "#")
    assert window.messages.row_of(target) is None
    assert current_id(window) == second
    qtbot.waitUntil(lambda: places(demo_store, target) == {FolderRole.TRASH.value})
    qtbot.waitUntil(lambda: window.triage.last is not None, timeout=10_000)
    assert window.notice.sentence == "Moved the message to Trash"
    press(qtbot, window, Qt.Key.Key_Z)
    qtbot.waitUntil(lambda: window.messages.row_of(target) is not None, timeout=10_000)
    assert places(demo_store, target) == {FolderRole.INBOX.value}


def test_s_flags_and_flagged_lists_it_and_z_unflags(
    qtbot: Any, triage_window: MainWindow, demo_store: Store
) -> None:
    window = triage_window
    flagged = count(window, View(ViewKind.FLAGGED))
    all_ids = ids(qtbot, window)
    target = next(m for m in all_ids if not row(qtbot, window, m).is_flagged)
    window.message_list.select_row(all_ids.index(target))
    press(qtbot, window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: row(qtbot, window, target).is_flagged, timeout=10_000)
    assert window.messages.row_of(target) is not None  # flagging keeps it in the inbox
    qtbot.waitUntil(lambda: count(window, View(ViewKind.FLAGGED)) == flagged + 1)
    assert ("add_flags", "\\Flagged") in pending(demo_store, target)
    qtbot.waitUntil(lambda: window.triage.last is not None, timeout=10_000)
    press(qtbot, window, Qt.Key.Key_Z)
    qtbot.waitUntil(lambda: not row(qtbot, window, target).is_flagged, timeout=10_000)
    qtbot.waitUntil(lambda: count(window, View(ViewKind.FLAGGED)) == flagged)
    # s again on it, then g s shows Flagged with it.
    window.message_list.select_row(window.messages.row_of(target) or 0)
    press(qtbot, window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: row(qtbot, window, target).is_flagged, timeout=10_000)
    press(qtbot, window, Qt.Key.Key_G, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.list_title.text() == "Flagged")
    qtbot.waitUntil(lambda: target in ids(qtbot, window))


def test_b_snoozes_until_a_preset_and_the_time_brings_it_back(
    qtbot: Any, triage_window: MainWindow, demo_store: Store, clock: Clock
) -> None:
    window = triage_window
    target = current_id(window)
    assert target is not None
    inbox_size = len(ids(qtbot, window))
    press(qtbot, window, Qt.Key.Key_B)
    picker = window.snooze_picker
    assert picker.isVisible()
    labels = [picker.presets.item(n).text() for n in range(picker.presets.count())]
    # 09:30 on a Friday: every preset is on offer.
    assert labels == [
        "Later today",
        "This evening",
        "Tomorrow morning",
        "Next week",
        "Pick date and time…",
    ]
    qtbot.keyClick(picker.presets, Qt.Key.Key_T)  # tomorrow morning, 08:00
    assert not picker.isVisible()
    assert window.messages.row_of(target) is None
    qtbot.waitUntil(lambda: window.triage.last is not None, timeout=10_000)
    assert window.notice.sentence.startswith("Snoozed the message until Sat 15 Mar 2025, 08:00")
    qtbot.waitUntil(lambda: count(window, View(ViewKind.SNOOZED)) == 1)

    show(qtbot, window, View(ViewKind.SNOOZED))
    assert ids(qtbot, window) == [target]
    wakes = row(qtbot, window, target).snoozed_until
    tomorrow = (clock.now + timedelta(days=1)).astimezone().replace(hour=8, minute=0)
    assert wakes == tomorrow.replace(second=0, microsecond=0)

    # Back to the inbox: still hidden until the clock passes the wake time.
    press(qtbot, window, Qt.Key.Key_G, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: len(ids(qtbot, window)) == inbox_size - 1)
    assert window.messages.row_of(target) is None
    clock.now = tomorrow + timedelta(minutes=1)
    window.waker.check()  # what its timer runs when the wake time comes
    qtbot.waitUntil(lambda: window.messages.row_of(target) is not None, timeout=10_000)
    qtbot.waitUntil(lambda: count(window, View(ViewKind.SNOOZED)) == 0)


def test_z_undoes_a_snooze(qtbot: Any, triage_window: MainWindow) -> None:
    window = triage_window
    target = current_id(window)
    press(qtbot, window, Qt.Key.Key_B)
    qtbot.keyClick(window.snooze_picker.presets, Qt.Key.Key_W)  # next week
    assert target is not None and window.messages.row_of(target) is None
    qtbot.waitUntil(lambda: window.triage.last is not None, timeout=10_000)
    press(qtbot, window, Qt.Key.Key_Z)
    qtbot.waitUntil(lambda: window.messages.row_of(target) is not None, timeout=10_000)
    qtbot.waitUntil(lambda: count(window, View(ViewKind.SNOOZED)) == 0)


def test_the_snooze_picker_takes_a_typed_time_and_esc_closes_it(
    qtbot: Any, triage_window: MainWindow, clock: Clock
) -> None:
    window = triage_window
    target = current_id(window)
    picker = window.snooze_picker
    press(qtbot, window, Qt.Key.Key_B)
    qtbot.keyClick(picker.presets, Qt.Key.Key_Escape)
    assert not picker.isVisible()
    assert window.message_list.hasFocus()  # j and k go on working
    assert window.messages.row_of(target or 0) is not None  # nothing happened
    press(qtbot, window, Qt.Key.Key_B)
    qtbot.keyClick(picker.presets, Qt.Key.Key_P)
    assert picker.edit.isVisible()
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)  # the offered time: tomorrow 09:00
    assert not picker.isVisible()
    qtbot.waitUntil(lambda: window.triage.last is not None, timeout=10_000)
    assert "Sat 15 Mar 2025, 09:00" in window.notice.sentence


def test_shift_j_selects_several_and_e_archives_them_all(
    qtbot: Any, triage_window: MainWindow, demo_store: Store
) -> None:
    window = triage_window
    first_ids = ids(qtbot, window)[:4]
    press(qtbot, window, (Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier))
    press(qtbot, window, (Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier))
    assert window.message_list.selected_ids() == first_ids[:3]
    press(qtbot, window, (Qt.Key.Key_K, Qt.KeyboardModifier.ShiftModifier))
    assert window.message_list.selected_ids() == first_ids[:2]
    press(qtbot, window, (Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier))
    press(qtbot, window, Qt.Key.Key_E)
    assert all(window.messages.row_of(m) is None for m in first_ids[:3])
    assert current_id(window) == first_ids[3]
    assert window.message_list.selected_ids() == [first_ids[3]]
    qtbot.waitUntil(lambda: "Archived 3 messages" in window.notice.sentence, timeout=10_000)
    for m in first_ids[:3]:
        assert places(demo_store, m) == {FolderRole.ARCHIVE.value}
    press(qtbot, window, Qt.Key.Key_Z)
    qtbot.waitUntil(
        lambda: all(window.messages.row_of(m) is not None for m in first_ids[:3]), timeout=10_000
    )


def test_shift_u_and_shift_i_mark_unread_and_read(
    qtbot: Any, triage_window: MainWindow, demo_store: Store
) -> None:
    window = triage_window
    target = ids(qtbot, window)[1]
    unread = count(window, View(ViewKind.INBOX)) - (not row(qtbot, window, target).is_seen)
    press(qtbot, window, Qt.Key.Key_J)  # opening it reads it
    assert current_id(window) == target
    qtbot.waitUntil(lambda: row(qtbot, window, target).is_seen, timeout=10_000)
    qtbot.waitUntil(lambda: count(window, View(ViewKind.INBOX)) == unread)
    press(qtbot, window, (Qt.Key.Key_U, Qt.KeyboardModifier.ShiftModifier))
    qtbot.waitUntil(lambda: not row(qtbot, window, target).is_seen, timeout=10_000)
    qtbot.waitUntil(lambda: count(window, View(ViewKind.INBOX)) == unread + 1)
    assert ("remove_flags", "\\Seen") in pending(demo_store, target)
    press(qtbot, window, (Qt.Key.Key_I, Qt.KeyboardModifier.ShiftModifier))
    qtbot.waitUntil(lambda: row(qtbot, window, target).is_seen, timeout=10_000)
    qtbot.waitUntil(lambda: count(window, View(ViewKind.INBOX)) == unread)


def test_opening_an_unread_message_reads_it(
    qtbot: Any, triage_window: MainWindow, demo_store: Store
) -> None:
    window = triage_window
    unread = count(window, View(ViewKind.INBOX))
    all_ids = ids(qtbot, window)
    opened = current_id(window)  # the list opened it by itself: it stays unread
    n, target = next(
        (n, m) for n, m in enumerate(all_ids) if m != opened and not row(qtbot, window, m).is_seen
    )
    window.message_list.select_row(n)
    qtbot.waitUntil(lambda: row(qtbot, window, target).is_seen, timeout=10_000)
    qtbot.waitUntil(lambda: count(window, View(ViewKind.INBOX)) == unread - 1)
    with demo_store.read() as s:
        assert s.scalar(select(Message.is_seen).where(Message.id == target))


def test_follow_up_toggles_and_shows_when_due(
    qtbot: Any, triage_window: MainWindow, clock: Clock
) -> None:
    window = triage_window
    target = current_id(window)
    assert target is not None
    press(qtbot, window, Qt.Key.Key_H)
    qtbot.waitUntil(lambda: row(qtbot, window, target).followup_due is not None, timeout=10_000)
    assert count(window, View(ViewKind.FOLLOWUP)) == 0  # not due yet
    clock.now += timedelta(days=3, minutes=1)
    window.sidebar_model.reload()
    qtbot.waitUntil(lambda: count(window, View(ViewKind.FOLLOWUP)) == 1)
    press(qtbot, window, Qt.Key.Key_G, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: window.list_title.text() == "Needs follow-up")
    qtbot.waitUntil(lambda: ids(qtbot, window) == [target])
    press(qtbot, window, Qt.Key.Key_H)  # done with it: no follow-up
    assert ids(qtbot, window) == []
    qtbot.waitUntil(lambda: count(window, View(ViewKind.FOLLOWUP)) == 0)


def test_menus_and_overlay_list_every_triage_key(
    qtbot: Any, triage_window: MainWindow, qtmodeltester: Any
) -> None:
    window = triage_window
    menu = window.commands.menus["message"]
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    for wanted in ("Archive", "Delete", "Junk", "Snooze…", "Follow up", "Flag or unflag", "Undo"):
        assert wanted in texts
    context = [a.text() for a in window.commands.context.actions() if not a.isSeparator()]
    assert context == [a.text() for a in menu.actions() if not a.isSeparator()]
    keys = {k for ks, _what in window.overlay.shortcuts for k in ks}
    assert {"e", "#", "!", "s", "b", "h", "z", "Shift+I", "Shift+U", "g then i"} <= keys
    qtmodeltester.check(window.sidebar_model)
    qtmodeltester.check(window.messages)
    press(qtbot, window, Qt.Key.Key_E)  # rows leave under the tester's eyes
    qtbot.waitUntil(lambda: window.triage.last is not None, timeout=10_000)
    press(qtbot, window, Qt.Key.Key_Z)
    qtbot.waitUntil(lambda: len(ids(qtbot, window)) == 69, timeout=10_000)


def test_the_sidebar_has_smart_views_and_channels(qtbot: Any, triage_window: MainWindow) -> None:
    model = triage_window.sidebar_model
    titles = [model.index(n, 0).data(Qt.ItemDataRole.DisplayRole) for n in range(model.rowCount())]
    assert titles[:8] == [
        "Unified inbox",
        "Needs reply",
        "Needs follow-up",
        "Snoozed",
        "Flagged",
        "Unread",
        "Sent",
        "Archive",
    ]
    channels = model.index(titles.index("Channels"), 0)
    assert channels.data(SidebarRole.HEADING)
    email = model.index(0, 0, channels)
    assert email.data(Qt.ItemDataRole.DisplayRole) == "Email"
    assert email.data(SidebarRole.VIEW) == View(ViewKind.CHANNEL, channel="email")
    assert email.data(SidebarRole.COUNT) == model.index_of(View(ViewKind.INBOX)).data(
        SidebarRole.COUNT
    )
    show(qtbot, triage_window, View(ViewKind.NEEDS_REPLY))
    assert triage_window.list_title.text() == "Needs reply"
    assert triage_window.messages.rowCount() == model.index_of(View(ViewKind.NEEDS_REPLY)).data(
        SidebarRole.COUNT
    )


def test_on_a_grouped_list_e_archives_the_whole_conversation(
    qtbot: Any, triage_window: MainWindow, demo_store: Store
) -> None:
    window = triage_window
    with demo_store.read() as s:
        in_inbox = s.execute(
            select(Message.id, Message.conversation_id)
            .join(MessageLocation, MessageLocation.message_id == Message.id)
            .join(Folder, Folder.id == MessageLocation.folder_id)
            .where(Folder.role == FolderRole.INBOX.value)
        ).all()
    members: dict[int, set[int]] = {}
    for mid, cid in in_inbox:
        members.setdefault(cid, set()).add(mid)
    with qtbot.waitSignal(window.messages.loaded, timeout=10_000):
        window.group_action.trigger()
    qtbot.waitUntil(lambda: window.messages.rowCount() > 0)
    shown = ids(qtbot, window)
    target = next(m for m in shown if len(members[row(qtbot, window, m).conversation_id]) > 1)
    conversation = members[row(qtbot, window, target).conversation_id]
    window.message_list.select_row(shown.index(target))
    press(qtbot, window, Qt.Key.Key_E)
    assert window.messages.row_of(target) is None
    qtbot.waitUntil(lambda: window.notice.sentence == "Archived the conversation", timeout=10_000)
    for mid in conversation:
        assert places(demo_store, mid) == {FolderRole.ARCHIVE.value}
    # Nothing of it is left to stand in for it in the inbox.
    qtbot.waitUntil(lambda: not conversation & set(ids(qtbot, window)), timeout=10_000)
    press(qtbot, window, Qt.Key.Key_Z)
    qtbot.waitUntil(lambda: window.messages.row_of(target) is not None, timeout=10_000)
    for mid in conversation:
        assert places(demo_store, mid) == {FolderRole.INBOX.value}


def test_bang_moves_to_junk_and_the_undo_link_brings_it_back(
    qtbot: Any, triage_window: MainWindow, demo_store: Store
) -> None:
    window = triage_window
    target = current_id(window)
    assert target is not None
    press(qtbot, window, "!")
    assert window.messages.row_of(target) is None
    qtbot.waitUntil(lambda: window.notice.sentence == "Moved the message to Junk", timeout=10_000)
    assert places(demo_store, target) == {FolderRole.JUNK.value}
    assert ("add_flags", "$Junk") in pending(demo_store, target)
    window.notice.linkActivated.emit("undo")  # the Undo link in the status bar
    qtbot.waitUntil(lambda: window.messages.row_of(target) is not None, timeout=10_000)
    assert places(demo_store, target) == {FolderRole.INBOX.value}
