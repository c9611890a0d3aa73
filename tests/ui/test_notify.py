"""New mail in the tray: one notification per batch, the unread count, the tray menu."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.helpers.items import item, parsed
from unibox.core.items import Address
from unibox.store import accounts, folders
from unibox.store.ingest import Ingestor
from unibox.ui.main_window import MainWindow
from unibox.ui.preferences import QUIET_ACCOUNTS
from unibox.ui.tray import TrayPresenter, attach_tray, badged_icon

_uids = iter(range(90_000, 99_999))


def _deliver(
    window: MainWindow, subject: str, *, old: bool = False, sender: str = "Ana Lima"
) -> int:
    """A message into the demo account's inbox, the way a sync writes it; its id."""
    store = window.bridge.store
    with store.read() as s:
        account = accounts.get_account(s, "Demo")
        inbox = next(f for f in folders.list_folders(s, account.id) if f.role == "inbox")
    days = 0 if old else (datetime.now(UTC) - parsed().date).days + 1
    mail = parsed(
        subject,
        message_id=f"{subject.replace(' ', '-')}@notify.example",
        from_=(Address("ana@lima.example", sender),),
        to=(Address("mira@castell-studio.example", "Mira Castell"),),
        day=days,
    )
    with store.write() as s:
        changes = Ingestor(account.id, inbox.id, ["mira@castell-studio.example"]).ingest(
            s, [item(next(_uids), mail)]
        )
    window.bridge.post_changes(changes)
    (added,) = changes.messages_added
    return added


def _tray(window: MainWindow) -> TrayPresenter:
    presenter = TrayPresenter(window)
    assert presenter.icon is None  # no system tray on the offscreen platform: still works
    return attach_tray(window, presenter)


def test_new_mail_is_told_once_and_clicking_opens_it(qtbot: Any, window: MainWindow) -> None:
    tray = _tray(window)
    # Old mail (from before the account was added: a first sync's history) says nothing;
    # the side lane answers in order, so once the second batch is told the first was decided.
    _deliver(window, "Quarterly archive", old=True)
    fresh = _deliver(window, "Contract draft")
    qtbot.waitUntil(lambda: len(tray.shown) == 1)
    told = tray.shown[0]
    assert (told.title, told.body, told.message_id) == ("Ana Lima", "Contract draft", fresh)
    window.showMinimized()
    tray.clicked()
    qtbot.waitUntil(lambda: window.message_view.content is not None)
    qtbot.waitUntil(lambda: window.message_view.content.id == fresh)  # type: ignore[union-attr]
    assert not window.isMinimized()


def test_a_batch_is_one_notification_and_quiet_accounts_say_nothing(
    qtbot: Any, window: MainWindow
) -> None:
    tray = _tray(window)
    assert tray.notifier is not None
    window.prefs.set(QUIET_ACCOUNTS, ["Demo"])
    with qtbot.waitSignal(tray.notifier.decided) as quiet:
        _deliver(window, "Muted one")
    assert quiet.args == [None] and tray.shown == []
    window.prefs.set(QUIET_ACCOUNTS, [])
    # Written in one transaction, announced as one ChangeSet: one notification.
    store = window.bridge.store
    with store.read() as s:
        account = accounts.get_account(s, "Demo")
        inbox = next(f for f in folders.list_folders(s, account.id) if f.role == "inbox")
    days = (datetime.now(UTC) - parsed().date).days + 1
    batch = [
        item(next(_uids), parsed(f"Batch {n}", message_id=f"b{n}@notify.example", day=days,
                                 from_=(Address(f"s{n}@x.example", f"Sender {n}"),)))
        for n in range(5)
    ]  # fmt: skip
    with store.write() as s:
        changes = Ingestor(account.id, inbox.id, ["mira@castell-studio.example"]).ingest(s, batch)
    with qtbot.waitSignal(tray.notifier.decided):
        window.bridge.post_changes(changes)
    (told,) = tray.shown
    assert told.title == "5 new messages in Demo"
    assert told.body.startswith("From Sender") and told.body.endswith("and 2 more")
    assert told.message_id in changes.messages_added and told.count == 5


def test_the_tray_shows_the_inbox_unread_count_and_its_menu_works(
    qtbot: Any, window: MainWindow
) -> None:
    tray = _tray(window)
    window.sidebar_model.reload()
    qtbot.waitUntil(lambda: tray.unread == 15)
    assert tray.tooltip == "unibox · 15 unread in the inbox"
    assert not badged_icon(15).isNull()
    assert [a.text() for a in tray.menu.actions() if a.text()] == [
        "Open unibox", "Sync now", "Quit",
    ]  # fmt: skip
    window.showMinimized()
    tray.open_action.trigger()
    assert not window.isMinimized() and window.isVisible()
    with qtbot.waitSignal(tray.sync_requested):
        tray.sync_action.trigger()
    tray.quit_action.trigger()
    assert not window.isVisible()
