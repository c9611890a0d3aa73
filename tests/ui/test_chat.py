"""Chats in the window: a row with its badge, bubbles, a reply box that queues, the panel."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from tests.helpers.chat import chat as chat_item
from unibox.config import store_path
from unibox.core.items import ChatAddress
from unibox.store.chat import ChatIngestor
from unibox.store.chat_accounts import chat_accounts
from unibox.store.schema import Account
from unibox.store.schema_chat import ChatOutbox
from unibox.store.store import Store
from unibox.store.views import View, ViewKind
from unibox.ui.main_window import MainWindow
from unibox.ui.models.message_list import Role
from unibox.ui.models.sidebar import Role as SidebarRole
from unibox.ui.tray import TrayPresenter, attach_tray
from unibox.ui.widgets.avatar import channel_badge_rect
from unibox.ui.widgets.message_delegate import AVATAR, PAD_X, PAD_Y

JID = "mira@chat.castell-studio.example"


@pytest.fixture
def chat_window(qtbot: Any, chat_demo_template: Path, tmp_path: Path) -> Iterator[MainWindow]:
    """The main window on the whole demo, its XMPP chats included."""
    from unibox.app import build_window
    from unibox.ui.theme import apply_theme

    for f in chat_demo_template.iterdir():
        shutil.copy(f, tmp_path / f.name)
    store = Store(store_path(tmp_path))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=False)
    window = build_window(store, demo=True)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(lambda: window.message_view.content is not None, timeout=10_000)
    yield window
    window.close()
    window.bridge.close()
    store.close()


def _row_of(qtbot: Any, window: MainWindow, name: str, chat: bool = True) -> int:
    model = window.messages
    for n in range(model.rowCount()):
        model.index(n).data()
    qtbot.waitUntil(lambda: all(model.cached_row(n) for n in range(model.rowCount())))
    return next(
        n
        for n in range(model.rowCount())
        if (r := model.cached_row(n)) is not None and r.sender_name == name and bool(r.chat) == chat
    )


def _open_chat(qtbot: Any, window: MainWindow, name: str) -> None:
    window.message_list.select_row(_row_of(qtbot, window, name))
    window.message_list.setFocus()
    qtbot.waitUntil(
        lambda: (
            window.reading_pane.currentWidget() is window.chat_view
            and window.chat_view.shown is not None
            and window.chat_view.shown.title == name
        )
    )


def _badge(window: MainWindow, row: int) -> QImage:
    """The channel badge at the corner of the row's avatar, as painted."""
    view = window.message_list
    view.scrollTo(window.messages.index(row))
    rect = view.visualRect(window.messages.index(row))
    avatar = QRect(rect.left() + PAD_X, rect.top() + PAD_Y + 1, AVATAR, AVATAR)
    # The icon inside the badge's ring (the ring's edge blends with the avatar's colour).
    return view.viewport().grab(channel_badge_rect(avatar).adjusted(3, 3, -3, -3)).toImage()


def test_a_chat_row_carries_the_chat_badge_not_the_mail_one(
    qtbot: Any, chat_window: MainWindow
) -> None:
    window = chat_window
    chat_row = _row_of(qtbot, window, "Marcus Lee")
    mail_row = _row_of(qtbot, window, "Søren Kjær", chat=False)  # neither is selected
    other_mail = _row_of(qtbot, window, "Slotbook", chat=False)
    row = window.messages.cached_row(chat_row)
    assert row is not None and row.channel == "xmpp" and row.subject.startswith("Invoice")
    assert _badge(window, mail_row) == _badge(window, other_mail)  # the same mail badge
    assert _badge(window, chat_row) != _badge(window, mail_row)


def test_a_chat_opens_as_bubbles_newest_at_the_bottom_mine_on_the_right(
    qtbot: Any, chat_window: MainWindow
) -> None:
    window = chat_window
    _open_chat(qtbot, window, "Zoë Müller")
    view = window.chat_view
    qtbot.waitUntil(lambda: len(view.lines.bubbles) == 9)
    bubbles = view.lines.bubbles
    qtbot.waitUntil(lambda: bubbles[-1].mapTo(view.lines, QPoint(0, 0)).y() > 0)  # laid out
    dates = [b.line.sent_at for b in bubbles]
    assert dates == sorted(dates)
    tops = [b.mapTo(view.lines, QPoint(0, 0)).y() for b in bubbles]
    assert tops == sorted(tops)
    assert bubbles[-1].text.text().startswith("Otherwise we're good")
    bar = view.scroller.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())  # opened at the newest line
    middle = view.lines.width() // 2
    for bubble in bubbles:
        left = bubble.mapTo(view.lines, QPoint(0, 0)).x()
        if bubble.mine:
            assert left > middle - bubble.width() // 2 and left + bubble.width() > middle
        else:
            assert left < middle
    days = [d.text() for d in view.lines.days]  # three days of it, each named once
    assert len(days) == len(set(days)) == 3
    # Opening the chat read it: its row is no longer unread.
    row = _row_of(qtbot, window, "Zoë Müller")
    qtbot.waitUntil(lambda: bool(window.messages.index(row).data(Role.ROW).is_seen))
    assert window.message_view.content is None  # no letter is shown behind the chat


@pytest.mark.parametrize(
    "keys", [Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier]
)
def test_enter_in_the_reply_box_queues_the_reply_and_shows_it_sending(
    qtbot: Any, chat_window: MainWindow, keys: Qt.KeyboardModifier
) -> None:
    window = chat_window
    _open_chat(qtbot, window, "Marcus Lee")
    view = window.chat_view
    view.input.setFocus()
    qtbot.keyClicks(view.input, "Thanks, paying it today.")
    qtbot.keyClick(view.input, Qt.Key.Key_Return, keys)
    qtbot.waitUntil(lambda: view.lines.bubbles[-1].line.text == "Thanks, paying it today.")
    last = view.lines.bubbles[-1]
    assert last.mine and "Sending…" in last.when.text()
    assert view.input.toPlainText() == ""
    # The chat stays open, its row (now the newest line) still the one selected.
    current = window.message_list.currentIndex().data(Role.ROW)
    assert current is not None and current.conversation_id == view.shown.conversation_id
    assert window.reading_pane.currentWidget() is view
    with window.bridge.store.read() as s:
        queued = s.execute(select(ChatOutbox.text, ChatOutbox.state)).all()
    assert queued == [("Thanks, paying it today.", "queued")]
    qtbot.waitUntil(
        lambda: any(
            (r := window.messages.cached_row(n)) is not None
            and r.subject == "You: Thanks, paying it today."
            for n in range(window.messages.rowCount())
        )
    )


def test_shift_enter_is_a_new_line_not_a_send(qtbot: Any, chat_window: MainWindow) -> None:
    window = chat_window
    _open_chat(qtbot, window, "Hannah Becker")
    view = window.chat_view
    qtbot.keyClicks(view.input, "First line")
    qtbot.keyClick(view.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(view.input, "second")
    assert view.input.toPlainText() == "First line\nsecond"
    with window.bridge.store.read() as s:
        assert s.scalar(select(ChatOutbox.id)) is None


def test_the_person_panel_lists_their_chats(qtbot: Any, chat_window: MainWindow) -> None:
    window = chat_window
    _open_chat(qtbot, window, "Zoë Müller")
    panel = window.person_panel
    qtbot.waitUntil(lambda: panel.card is not None and panel.card.name == "Zoë Müller")
    texts = [b.text() for b in panel.buttons if hasattr(b, "entry")]
    assert any(t.startswith("Zoë Müller\nChat · 9 lines") for t in texts), texts
    assert any(t.startswith("Brightwave launch\nGroup chat · 8 lines") for t in texts), texts
    assert any("messages" in t for t in texts)  # her mail is there too


def test_the_sidebar_lists_xmpp_only_where_an_xmpp_account_is(
    qtbot: Any, chat_window: MainWindow, window: MainWindow
) -> None:
    xmpp = View(ViewKind.CHANNEL, channel="xmpp")
    qtbot.waitUntil(lambda: chat_window.sidebar_model.index_of(xmpp).isValid())
    assert chat_window.sidebar_model.index_of(xmpp).data() == "XMPP"
    qtbot.waitUntil(lambda: window.sidebar_model.index_of(View(ViewKind.INBOX)).isValid())
    assert not window.sidebar_model.index_of(xmpp).isValid()  # the mail-only demo


def _all_rows(qtbot: Any, window: MainWindow) -> list[Any]:
    model = window.messages
    for n in range(model.rowCount()):
        model.index(n).data()
    qtbot.waitUntil(lambda: all(model.cached_row(n) for n in range(model.rowCount())))
    return [model.cached_row(n) for n in range(model.rowCount())]


def test_a_channel_in_the_sidebar_counts_and_lists_its_own_conversations_only(
    qtbot: Any, chat_window: MainWindow
) -> None:
    model = chat_window.sidebar_model
    email, xmpp = View(ViewKind.CHANNEL, channel="email"), View(ViewKind.CHANNEL, channel="xmpp")
    qtbot.waitUntil(lambda: model.index_of(xmpp).isValid() and model.index_of(email).isValid())
    channels = model.index_of(xmpp).parent()
    assert [model.index(n, 0, channels).data() for n in range(model.rowCount(channels))] == [
        "Email",
        "XMPP",
        "Mastodon",
        "Matrix",  # the demo's bridged Telegram and WhatsApp chats
    ]
    counts: dict[str, int] = {}
    for view in (xmpp, email):
        with qtbot.waitSignal(chat_window.messages.loaded):
            chat_window.sidebar.setCurrentIndex(model.index_of(view))
        rows = _all_rows(qtbot, chat_window)
        assert rows
        assert all(bool(r.chat) == (view is xmpp) for r in rows), view
        counts[view.channel] = sum(not r.is_seen for r in rows)
        assert model.index_of(view).data(SidebarRole.COUNT) == counts[view.channel]
    assert counts["xmpp"] > 0  # the demo's chats have unread lines


def test_chats_in_the_store_bring_their_channel_to_the_sidebar_without_an_account_of_it(
    qtbot: Any, window: MainWindow
) -> None:
    """An import (or the demo) may bring chats into an account of another kind."""
    store = window.bridge.store
    with store.write() as s:
        account = s.scalar(select(Account.id).order_by(Account.id))
        ChatIngestor(account, ["me@chat.example"]).ingest(
            s, [chat_item("imported-1", "from the import", peer="ann@chat.example")]
        )
    window.sidebar_model.reload()
    xmpp = View(ViewKind.CHANNEL, channel="xmpp")
    qtbot.waitUntil(lambda: window.sidebar_model.index_of(xmpp).isValid())
    with qtbot.waitSignal(window.messages.loaded):
        window.sidebar.setCurrentIndex(window.sidebar_model.index_of(xmpp))
    rows = _all_rows(qtbot, window)
    assert [(r.chat, r.sender_name) for r in rows] == [("chat", "Ann")]
    email = window.sidebar_model.index_of(View(ViewKind.CHANNEL, channel="email"))
    with qtbot.waitSignal(window.messages.loaded):
        window.sidebar.setCurrentIndex(email)
    assert not any(r.chat for r in _all_rows(qtbot, window))  # Email: mail only


def _live(window: MainWindow, text: str, remote_id: str, *, history: bool) -> None:
    store = window.bridge.store
    with store.read() as s:
        (account,) = [a for a in chat_accounts(s) if a.kind == "xmpp"]
    item = chat_item(remote_id, text, peer="leo.castell@chat.mailbox.example", name="Leo Castell")
    item = item.__class__(
        **{
            **{f: getattr(item, f) for f in item.__dataclass_fields__},
            "sent_at": datetime.now(UTC),
            "is_history": history,
            "sender": ChatAddress("xmpp", "leo.castell@chat.mailbox.example", "Leo Castell"),
        }
    )
    with store.write() as s:
        changes = ChatIngestor(account.id, [JID]).ingest(s, [item])
    window.bridge.post_changes(changes)


def test_a_live_chat_line_is_told_and_counted_but_history_is_not(
    qtbot: Any, chat_window: MainWindow
) -> None:
    window = chat_window
    tray = attach_tray(window, TrayPresenter(window))
    xmpp = View(ViewKind.CHANNEL, channel="xmpp")

    def unread() -> int | None:
        found = window.sidebar_model.index_of(xmpp).data(Qt.ItemDataRole.UserRole + 2)
        return found if isinstance(found, int) else None

    qtbot.waitUntil(lambda: unread() is not None)
    before = unread()
    assert before is not None
    _live(window, "An old line from a backfill", "mam-old-1", history=True)
    _live(window, "Are you home tonight?", "mam-live-1", history=False)
    qtbot.waitUntil(lambda: len(tray.shown) == 1, timeout=10_000)
    told = tray.shown[0]
    assert (told.title, told.body) == ("Leo Castell", "Are you home tonight?")
    qtbot.waitUntil(lambda: unread() == before + 1)  # the backfilled line is read


def test_a_reply_the_server_refused_says_so_in_its_bubble(
    qtbot: Any, chat_window: MainWindow
) -> None:
    from unibox.store.chat import chat_failed
    from unibox.store.chat_view import delivery_changes
    from unibox.store.intent import intent_write

    window = chat_window
    _open_chat(qtbot, window, "Leo Castell")
    view = window.chat_view
    view.input.setFocus()
    qtbot.keyClicks(view.input, "On my way")
    qtbot.keyClick(view.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.lines.bubbles[-1].line.text == "On my way")
    store = window.bridge.store
    with intent_write(store) as s:
        (outbox_id,) = s.scalars(select(ChatOutbox.id))
        chat_failed(s, outbox_id, "the server refused it (forbidden)", final=True)
        changes = delivery_changes(s, outbox_id)
    window.bridge.post_changes(changes)  # as the chat engine does after each attempt
    qtbot.waitUntil(lambda: "Not sent" in view.lines.bubbles[-1].when.text())
    assert "forbidden" in view.lines.bubbles[-1].when.text()


def test_a_long_chat_opens_at_its_newest_page_and_reads_back_on_request(
    qtbot: Any, chat_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import unibox.ui.chat_pane

    monkeypatch.setattr(unibox.ui.chat_pane, "PAGE", 4)
    window = chat_window
    _open_chat(qtbot, window, "Zoë Müller")
    view = window.chat_view
    qtbot.waitUntil(lambda: len(view.lines.bubbles) == 4)
    assert view.lines.bubbles[-1].text.text().startswith("Otherwise we're good")
    assert view.older.isVisible()
    qtbot.mouseClick(view.older, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(view.lines.bubbles) == 8)
    qtbot.mouseClick(view.older, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(view.lines.bubbles) == 9)
    assert not view.older.isVisible()  # that is all of it
    assert view.lines.bubbles[0].text.text().startswith("Quick one before I run")


def test_a_group_chat_shows_who_wrote_its_newest_line_in_the_panel(
    qtbot: Any, chat_window: MainWindow
) -> None:
    window = chat_window
    _open_chat(qtbot, window, "Brightwave launch")
    panel = window.person_panel
    qtbot.waitUntil(lambda: panel.card is not None and panel.card.name == "Felix Brandt")


def test_r_on_a_chat_goes_to_its_reply_box_not_to_a_mail_reply(
    qtbot: Any, chat_window: MainWindow
) -> None:
    window = chat_window
    _open_chat(qtbot, window, "Marcus Lee")
    window.message_list.setFocus()
    qtbot.keyClick(window.message_list, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: window.chat_view.input.hasFocus())
    assert not [
        w
        for w in QApplication.topLevelWidgets()
        if w.objectName() == "ComposeWindow" and w.isVisible()
    ]
