"""Mail ▸ Outbox…: waiting, scheduled and failed messages with Cancel, Edit and Send now."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select, update

from unibox.demo import DEMO_ACCOUNT
from unibox.store import outbox
from unibox.store.intent import intent_write
from unibox.store.schema import Account
from unibox.store.store import Store
from unibox.ui.compose.outbox_model import OutboxModel
from unibox.ui.compose.sending import queue_composed
from unibox.ui.compose.state import ComposeState
from unibox.ui.main_window import MainWindow


@pytest.fixture
def kicked(window: MainWindow, demo_store: Store) -> list[str]:
    with demo_store.write() as s:
        s.execute(update(Account).values(kind="imap"))
    calls: list[str] = []
    window.composer.deliverer = lambda: calls.append
    return calls


def schedule(store: Store, subject: str, hours: float = 5) -> outbox.OutboxItem:
    with store.read() as s:
        account_id = s.scalar(select(Account.id))
    state = ComposeState(
        account_id=account_id, to="Ann Lee <ann@example.org>", subject=subject, body="Hi Ann"
    )
    when = datetime.now().astimezone() + timedelta(hours=hours)
    item, _account = queue_composed(store, state, send_at=when, undo_seconds=10)
    return item


def states(store: Store) -> dict[str, str]:
    with store.read() as s:
        return {i.subject: i.state for i in outbox.list_items(s, include_finished=True)}


def test_outbox_lists_waiting_and_failed_messages_in_words(
    qtbot: Any, qtmodeltester: Any, window: MainWindow, demo_store: Store, kicked: list[str]
) -> None:
    schedule(demo_store, "Later today")
    broken = schedule(demo_store, "Refused", hours=0)
    with intent_write(demo_store) as s:
        outbox.mark_failed(s, broken.id, "The server refused ann@example.org (550 no such user).")
    dialog = window.composer.show_outbox()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    qtmodeltester.check(dialog.model)
    rows = {
        dialog.model.index(r, 0).data(): dialog.model.index(r, 3).data()
        for r in range(dialog.model.rowCount())
    }
    assert rows == {
        "Later today": "Scheduled",
        "Refused": "Not sent: The server refused ann@example.org (550 no such user).",
    }
    assert dialog.model.index(0, 1).data() == "ann@example.org"


def test_send_now_cancel_and_edit(
    qtbot: Any, window: MainWindow, demo_store: Store, kicked: list[str]
) -> None:
    schedule(demo_store, "Go now")
    schedule(demo_store, "Never mind")
    schedule(demo_store, "Fix a typo")
    dialog = window.composer.show_outbox()
    model: OutboxModel = dialog.model
    qtbot.waitUntil(lambda: model.rowCount() == 3)

    def choose(subject: str) -> None:
        row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == subject)
        dialog.view.setCurrentIndex(model.index(row, 0))
        assert dialog.send_button.isEnabled()

    choose("Go now")
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kicked == [DEMO_ACCOUNT])
    with demo_store.read() as s:
        [go] = [i for i in outbox.list_items(s) if i.subject == "Go now"]
    assert go.send_at <= datetime.now().timestamp() + 1

    choose("Never mind")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: states(demo_store)["Never mind"] == outbox.CANCELLED)
    qtbot.waitUntil(lambda: model.rowCount() == 2)

    choose("Fix a typo")
    qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.composer.opened is not None)
    compose = window.composer.opened
    assert compose is not None
    assert compose.fields.subject.text() == "Fix a typo"
    assert compose.fields.to.text() == "Ann Lee <ann@example.org>"
    assert compose.body.toPlainText().strip() == "Hi Ann"
    assert states(demo_store)["Fix a typo"] == outbox.CANCELLED  # it cannot leave meanwhile
    compose.finish()


def test_a_refused_message_is_reported_in_the_status_bar(
    qtbot: Any,
    window: MainWindow,
    demo_store: Store,
    kicked: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from unibox.ui.compose import launcher as launcher_module

    launcher = window.composer
    monkeypatch.setattr(launcher_module, "WATCH_MS", 50)
    compose_opened = launcher.opened
    launcher.new()
    qtbot.waitUntil(lambda: launcher.opened not in (None, compose_opened))
    compose = launcher.opened
    assert compose is not None
    compose.fields.to.setText("Ann Lee <ann@example.org>")
    compose.fields.subject.setText("Refused")
    launcher.undo_seconds = lambda: 0
    compose.send()
    qtbot.waitUntil(lambda: "Refused" in states(demo_store))
    with intent_write(demo_store) as s:
        [item] = outbox.list_items(s)
        outbox.mark_failed(s, item.id, "The server refused ann@example.org (550 no such user).")
    notice = launcher.notice
    qtbot.waitUntil(lambda: notice.label.text().startswith("Not sent to Ann Lee: "), timeout=15_000)
    assert "550 no such user" in notice.label.text()
    assert notice.button.text() == "Outbox…"
    qtbot.mouseClick(notice.button, Qt.MouseButton.LeftButton)
    assert launcher.outbox_dialog is not None and launcher.outbox_dialog.isVisible()


def test_a_message_that_may_have_been_sent_waits_for_send_again_or_discard(
    qtbot: Any, window: MainWindow, demo_store: Store, kicked: list[str]
) -> None:
    now = int(datetime.now().timestamp())
    for subject in ("Went?", "Gone?"):
        item = schedule(demo_store, subject, hours=0)
        with intent_write(demo_store) as s:  # the server's reply never came; not in Sent
            assert outbox.claim(s, item.id, now)
            outbox.mark_unconfirmed(s, item.id, now)
            outbox.await_decision(s, item.id)
    dialog = window.composer.show_outbox()
    model: OutboxModel = dialog.model
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    assert {model.index(r, 3).data() for r in range(2)} == {outbox.MAY_HAVE_BEEN_SENT}
    assert outbox.MAY_HAVE_BEEN_SENT.startswith("May have been sent: the server did not confirm")

    def choose(subject: str) -> None:
        row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == subject)
        dialog.view.setCurrentIndex(model.index(row, 0))
        assert dialog.send_button.text() == "Send again" and dialog.send_button.isEnabled()
        assert dialog.cancel_button.text() == "Discard" and dialog.cancel_button.isEnabled()
        assert not dialog.edit_button.isEnabled()

    choose("Went?")
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kicked == [DEMO_ACCOUNT])
    assert states(demo_store)["Went?"] == outbox.QUEUED
    choose("Gone?")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: states(demo_store)["Gone?"] == outbox.CANCELLED)
