"""The compose window: completion, reply/reply all/forward, send, undo, send later, drafts."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QMimeData, Qt, QUrl
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import select, update

from unibox.demo import DEMO_EMAIL
from unibox.store import outbox
from unibox.store.schema import Account, Message
from unibox.store.store import Store
from unibox.ui.compose.completion import SuggestionModel
from unibox.ui.compose.launcher import ComposeLauncher
from unibox.ui.compose.window import ComposeWindow
from unibox.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def kicked(window: MainWindow, demo_store: Store) -> list[str]:
    """The demo account made a sending one; what the launcher asks the engine to deliver."""
    with demo_store.write() as s:
        s.execute(update(Account).values(kind="imap"))
    calls: list[str] = []
    window.composer.deliverer = lambda: calls.append
    return calls


def message_id(store: Store, subject: str, direction: str = "in") -> int:
    with store.read() as s:
        found = s.scalar(
            select(Message.id)
            .where(Message.subject == subject, Message.direction == direction)
            .order_by(Message.id)
        )
    assert found is not None, subject
    return found


def show_message(qtbot: Any, window: MainWindow, mid: int) -> None:
    window.reader.load(mid)
    qtbot.waitUntil(
        lambda: window.message_view.content is not None and window.message_view.content.id == mid,
        timeout=15_000,
    )
    window.message_list.setFocus()


def opened(qtbot: Any, launcher: ComposeLauncher, press: Callable[[], None]) -> ComposeWindow:
    before = launcher.opened
    press()
    qtbot.waitUntil(lambda: launcher.opened is not None and launcher.opened is not before)
    compose = launcher.opened
    assert compose is not None
    qtbot.waitExposed(compose)
    compose.activateWindow()
    qtbot.waitActive(compose)
    return compose


def items(store: Store) -> list[outbox.OutboxItem]:
    with store.read() as s:
        return outbox.list_items(s, include_finished=True)


def raw(store: Store, outbox_id: int) -> email.message.EmailMessage:
    with store.read() as s:
        data = outbox.raw_of(s, outbox_id)
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed


def send_with_keys(qtbot: Any, compose: ComposeWindow, store: Store) -> outbox.OutboxItem:
    before = len(items(store))
    qtbot.keyClick(compose.body, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: len(items(store)) == before + 1)
    return items(store)[0]


def test_completion_lists_a_person_by_name_and_fills_the_address(
    qtbot: Any, qtmodeltester: Any, window: MainWindow
) -> None:
    compose = opened(qtbot, window.composer, lambda: qtbot.keyClick(window.message_list, "c"))
    to = compose.fields.to
    qtbot.waitUntil(to.hasFocus)
    qtbot.keyClicks(to, "Aoi")
    completer = to.completer_
    popup = completer.popup()
    qtbot.waitUntil(lambda: popup.isVisible())
    model = completer.suggestions
    qtmodeltester.check(model)
    assert "Aoife O'Brien" in model.index(0, 0).data()
    assert "aoife@greenleaf.example" in model.index(0, 0).data()
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert to.text() == "Aoife O'Brien <aoife@greenleaf.example>"
    assert [chip.name.text() for chip in to.chips] == ["Aoife O'Brien"]
    assert to.editor.text() == ""
    assert not popup.isVisible()
    # A second recipient completes on its own, the first stays as it was.
    qtbot.keyClicks(to, "Leo")
    qtbot.waitUntil(lambda: popup.isVisible())
    assert "leo.castell@mailbox.example" in model.index(0, 0).data()
    qtbot.keyClick(popup, Qt.Key.Key_Tab)  # Tab takes the suggestion too
    assert to.text() == (
        "Aoife O'Brien <aoife@greenleaf.example>, Leo Castell <leo.castell@mailbox.example>"
    )
    assert [chip.name.text() for chip in to.chips] == ["Aoife O'Brien", "Leo Castell"]
    # Someone already in the field is not suggested again.
    with qtbot.waitSignal(model.updated, timeout=15_000):
        qtbot.keyClicks(to, "aoi")
    assert model.asked == "aoi"
    assert model.rowCount() == 0
    assert not popup.isVisible()


def test_recipients_become_chips_as_they_are_typed_pasted_and_removed(
    qtbot: Any, window: MainWindow
) -> None:
    compose = opened(qtbot, window.composer, window.composer.new)
    to = compose.fields.to
    to.setFocus()
    qtbot.waitUntil(to.hasFocus)
    # A comma ends an address; a quoted name keeps its comma.
    qtbot.keyClicks(to, 'ann@example.org,"Lee, Bo" <bo@example.org>;')
    assert [chip.entry for chip in to.chips] == ["ann@example.org", '"Lee, Bo" <bo@example.org>']
    assert [chip.name.text() for chip in to.chips] == ["ann@example.org", "Lee, Bo"]
    assert to.chips[1].toolTip() == '"Lee, Bo" <bo@example.org>'
    # Pasted: one chip per address, the last one when Enter is pressed.
    to.editor.insert("cy@example.org, dee@example.org")
    assert len(to.chips) == 3
    qtbot.keyClick(to, Qt.Key.Key_Return)
    assert [chip.entry for chip in to.chips][-2:] == ["cy@example.org", "dee@example.org"]
    assert to.text() == (
        'ann@example.org, "Lee, Bo" <bo@example.org>, cy@example.org, dee@example.org'
    )
    # Backspace in the empty line selects the last chip, a second removes it.
    qtbot.keyClick(to, Qt.Key.Key_Backspace)
    assert to.chips[-1].property("selected") is True
    qtbot.keyClick(to, Qt.Key.Key_Backspace)
    assert [chip.entry for chip in to.chips][-1] == "cy@example.org"
    # The × removes one; a double-click puts one back into the line to correct it.
    to.chips[0].remove.click()
    assert [chip.entry for chip in to.chips] == ['"Lee, Bo" <bo@example.org>', "cy@example.org"]
    qtbot.mouseDClick(to.chips[1], Qt.MouseButton.LeftButton)
    assert to.editor.text() == "cy@example.org"
    assert [chip.entry for chip in to.chips] == ['"Lee, Bo" <bo@example.org>']
    # Switching to another window mid-word keeps the word; tabbing away makes it a chip.
    to.setText("")
    qtbot.keyClicks(to, "ann@exa")
    QApplication.sendEvent(
        to.editor, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.ActiveWindowFocusReason)
    )
    assert to.chips == [] and to.editor.text() == "ann@exa"
    tabbed = QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.TabFocusReason)
    QApplication.sendEvent(to.editor, tabbed)
    assert [chip.entry for chip in to.chips] == ["ann@exa"]
    # An address that cannot be read is marked, with its sentence; chips set anew
    # replace the old ones at once.
    to.setText("ann@example.org, bob@")
    laid_out = [to.layout().itemAt(n).widget() for n in range(to.layout().count())]
    assert laid_out == [*to.chips, to.editor]
    assert to.chips[1].property("invalid") is True
    assert "bob@" in to.chips[1].toolTip()
    assert to.chips[0].property("invalid") is False
    assert to.check() is not None


def test_completion_model_passes_the_model_tester_empty_and_full(
    qtbot: Any, qtmodeltester: Any, window: MainWindow
) -> None:
    model = SuggestionModel(window.bridge)
    qtmodeltester.check(model)
    with qtbot.waitSignal(model.updated):
        model.ask("a")
    assert model.rowCount() > 1
    qtmodeltester.check(model)


def test_r_replies_with_quote_and_threading(
    qtbot: Any, window: MainWindow, demo_store: Store, kicked: list[str]
) -> None:
    mid = message_id(demo_store, "Photos from Lisbon")
    show_message(qtbot, window, mid)
    content = window.message_view.content
    assert content is not None
    compose = opened(qtbot, window.composer, lambda: qtbot.keyClick(window.message_list, "r"))
    assert content.sender.email in compose.fields.to.text()
    assert compose.fields.subject.text() == "Re: Photos from Lisbon"
    body = compose.body.toPlainText()
    assert "wrote:" in body
    assert "\n> " in body
    assert compose.body.textCursor().position() == 0  # above the quote
    qtbot.waitUntil(compose.body.hasFocus)
    qtbot.keyClicks(compose.body, "Lovely, thanks!")
    item = send_with_keys(qtbot, compose, demo_store)
    assert item.state == outbox.QUEUED
    assert item.reply_to_message_id == mid
    sent = raw(demo_store, item.id)
    with demo_store.read() as s:
        original_id = s.scalar(select(Message.message_id_header).where(Message.id == mid))
    assert sent["In-Reply-To"] == f"<{original_id}>"
    assert f"<{original_id}>" in sent["References"]
    text = sent.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert text.startswith("Lovely, thanks!")
    assert "> " in text
    qtbot.waitUntil(lambda: window.composer.windows == [])  # closed after Send


def test_reply_all_leaves_out_my_own_addresses(
    qtbot: Any, window: MainWindow, demo_store: Store, kicked: list[str]
) -> None:
    mid = message_id(demo_store, "Brightwave website relaunch - kickoff")
    show_message(qtbot, window, mid)
    compose = opened(qtbot, window.composer, lambda: qtbot.keyClick(window.message_list, "a"))
    content = window.message_view.content
    assert content is not None
    everyone = compose.fields.to.text() + ", " + compose.fields.cc.text()
    assert DEMO_EMAIL not in everyone  # the original went to me: I am left out
    assert content.sender.email in compose.fields.to.text()
    others = [c.email for c in (*content.to, *content.cc) if c.email != DEMO_EMAIL]
    assert others
    assert all(o in compose.fields.cc.text() for o in others)
    assert compose.fields.cc.isVisible()  # shown, since it is not empty


def test_forward_carries_the_attachments(
    qtbot: Any, window: MainWindow, demo_store: Store, kicked: list[str]
) -> None:
    mid = message_id(demo_store, "Photos from Lisbon")
    show_message(qtbot, window, mid)
    content = window.message_view.content
    assert content is not None and content.attachments
    names = [name for name, _type, _size in content.attachments]
    compose = opened(qtbot, window.composer, lambda: qtbot.keyClick(window.message_list, "f"))
    assert compose.fields.subject.text() == "Fwd: Photos from Lisbon"
    assert [a.name for a in compose.attachments.refs] == names
    assert compose.attachments.isVisible()
    assert "Forwarded message" in compose.body.toPlainText()
    compose.fields.to.setText("ann@example.org")
    item = send_with_keys(qtbot, compose, demo_store)
    sent = raw(demo_store, item.id)
    assert [p.get_filename() for p in sent.iter_attachments()] == names


def test_undo_cancels_and_reopens_the_same_message(
    qtbot: Any, window: MainWindow, demo_store: Store, kicked: list[str], tmp_path: Path
) -> None:
    note = tmp_path / "agenda.txt"
    note.write_text("1. coffee\n")
    compose = opened(qtbot, window.composer, window.composer.new)
    compose.fields.to.setText("Ann Lee <ann@example.org>")
    compose.fields.reveal(compose.fields.cc)
    compose.fields.cc.setText("bob@example.org")
    compose.fields.subject.setText("Tuesday")
    compose.body.setPlainText("See you at ten.")
    compose.add_files([note])
    item = send_with_keys(qtbot, compose, demo_store)
    assert item.send_at > datetime.now().timestamp() + 5  # the undo delay (10 s)
    notice = window.composer.notice
    qtbot.waitUntil(notice.isVisible)
    assert notice.label.text().startswith("Sending to Ann Lee and 1 more in ")
    qtbot.waitUntil(lambda: window.composer.windows == [])
    first = window.composer.opened
    qtbot.mouseClick(notice.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: items(demo_store)[0].state == outbox.CANCELLED)
    qtbot.waitUntil(lambda: window.composer.opened not in (None, first))
    again = window.composer.opened
    assert again is not None
    assert again.fields.to.text() == "Ann Lee <ann@example.org>"
    assert again.fields.cc.text() == "bob@example.org"
    assert again.fields.cc.isVisible()
    assert again.fields.subject.text() == "Tuesday"
    assert again.body.toPlainText() == "See you at ten."
    assert [a.name for a in again.attachments.refs] == ["agenda.txt"]
    assert kicked == []  # nothing was due


def test_send_later_stores_the_chosen_time(
    qtbot: Any, window: MainWindow, demo_store: Store, kicked: list[str]
) -> None:
    compose = opened(qtbot, window.composer, window.composer.new)
    compose.fields.to.setText("ann@example.org")
    compose.fields.subject.setText("Monday plan")
    qtbot.keyClick(compose.body, Qt.Key.Key_Return, CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(compose.footer.later_menu.isVisible)
    shown = [a.text() for a in compose.footer.later_menu.actions() if a.text()]
    assert shown == ["In 1 hour", "Tomorrow 08:00", "Monday 08:00", "Pick date and time…"]
    compose.footer.later_menu.hide()
    tomorrow = [a for a in compose.footer.later_menu.actions() if a.text() == "Tomorrow 08:00"]
    before = datetime.now()
    tomorrow[0].trigger()
    qtbot.waitUntil(lambda: len(items(demo_store)) == 1)
    [item] = items(demo_store)
    expected = (before + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
    assert item.send_at == int(expected.timestamp())
    assert item.state == outbox.QUEUED
    notice = window.composer.notice
    qtbot.waitUntil(notice.isVisible)
    assert "tomorrow 08:00" in notice.label.text()


def test_an_unreadable_attachment_gets_a_sentence(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    compose = opened(qtbot, window.composer, window.composer.new)
    missing = tmp_path / "gone.pdf"
    compose.add_files([missing])
    assert compose.problem.isVisible()
    assert compose.problem.text().startswith("“gone.pdf” cannot be read")
    assert compose.attachments.refs == []
    # A file dropped on the body becomes an attachment, not its path as text.
    present = tmp_path / "plan.pdf"
    present.write_bytes(b"%PDF-1.4 tiny")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(present))])
    compose.body.insertFromMimeData(mime)
    assert [a.name for a in compose.attachments.refs] == ["plan.pdf"]
    assert compose.body.toPlainText() == ""
    compose.attachments.setCurrentRow(0)
    qtbot.keyClick(compose.attachments, Qt.Key.Key_Delete)
    assert compose.attachments.refs == []


def test_an_invalid_address_blocks_sending_with_a_sentence(
    qtbot: Any, window: MainWindow, demo_store: Store, kicked: list[str]
) -> None:
    compose = opened(qtbot, window.composer, window.composer.new)
    compose.fields.to.setText("ann@example.org, bob@")
    compose.fields.subject.setText("Hello")
    qtbot.keyClick(compose.body, Qt.Key.Key_Return, CTRL)
    assert compose.problem.isVisible()
    assert compose.problem.text().startswith("To: ")
    assert "bob@" in compose.problem.text()
    assert compose.fields.to.property("invalid") is True
    assert compose.isVisible()
    assert items(demo_store) == []
    compose.fields.to.setText("")
    qtbot.keyClick(compose.body, Qt.Key.Key_Return, CTRL)
    assert compose.problem.text() == "Add at least one recipient in To, Cc or Bcc."


def test_a_message_without_subject_asks_once(
    qtbot: Any, window: MainWindow, demo_store: Store, kicked: list[str]
) -> None:
    compose = opened(qtbot, window.composer, window.composer.new)
    compose.fields.to.setText("ann@example.org")
    compose.body.setPlainText("Just a quick note")
    qtbot.keyClick(compose.body, Qt.Key.Key_Return, CTRL)
    assert compose.problem.text().startswith("This message has no subject.")
    assert items(demo_store) == []
    qtbot.keyClick(compose.fields.subject, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: len(items(demo_store)) == 1)
    assert items(demo_store)[0].subject == ""


def test_the_demo_says_that_sending_needs_an_account(
    qtbot: Any, window: MainWindow, demo_store: Store
) -> None:
    compose = opened(qtbot, window.composer, window.composer.new)
    compose.fields.to.setText("ann@example.org")
    compose.fields.subject.setText("Hello")
    qtbot.keyClick(compose.body, Qt.Key.Key_Return, CTRL)
    assert compose.problem.isVisible()
    assert "sending needs a mail account" in compose.problem.text()
    assert items(demo_store) == []
    assert compose.isVisible()


def test_a_draft_is_autosaved_and_offered_back(
    qtbot: Any, window: MainWindow, demo_store: Store
) -> None:
    launcher = window.composer
    assert launcher.drafts is not None
    compose = opened(qtbot, launcher, launcher.new)
    compose.fields.to.setText("ann@example.org")
    compose.fields.subject.setText("Half written")
    compose.body.setPlainText("Where was I")
    drafts = launcher.drafts
    qtbot.waitUntil(lambda: [d.body for d in drafts.load_all()] == ["Where was I"], timeout=15_000)
    compose.close_keeping_draft()  # as when unibox quits (or crashes after the autosave)
    qtbot.waitUntil(lambda: launcher.opened is None)
    launcher.offer_kept_drafts()
    notice = launcher.notice
    qtbot.waitUntil(notice.isVisible)
    assert notice.label.text() == "An unsent message was kept: “Half written”."
    qtbot.mouseClick(notice.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: launcher.opened is not None)
    restored = launcher.opened
    assert restored is not None
    assert restored.fields.to.text() == "ann@example.org"
    assert restored.body.toPlainText() == "Where was I"


def test_esc_on_an_edited_message_asks_and_discard_drops_it(qtbot: Any, window: MainWindow) -> None:
    launcher = window.composer
    compose = opened(qtbot, launcher, launcher.new)
    compose.body.setPlainText("Never mind")
    compose.save_draft(wait=True)
    assert launcher.drafts is not None and launcher.drafts.load_all()
    qtbot.keyClick(compose.body, Qt.Key.Key_Escape)
    prompt = compose.close_prompt
    assert prompt is not None and prompt.isVisible()
    discard = next(b for b in prompt.buttons() if b.text() == "Discard")
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: launcher.opened is None)
    assert launcher.drafts.load_all() == []
    # An untouched window closes at once.
    fresh = opened(qtbot, launcher, launcher.new)
    qtbot.keyClick(fresh.body, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: launcher.opened is None)


def test_compose_commands_in_menus_context_menu_and_overlay(
    qtbot: Any, window: MainWindow, demo_store: Store
) -> None:
    commands = window.commands
    message_menu = [a.text().replace("&", "") for a in commands.menus["message"].actions()]
    assert message_menu[:3] == ["Reply", "Reply to all", "Forward"]
    context = [a.text().replace("&", "") for a in commands.context.actions()]
    assert context[:3] == ["Reply", "Reply to all", "Forward"]
    mail_menu = [a.text().replace("&", "") for a in commands.menus["mail"].actions()]
    assert mail_menu[:2] == ["New message", "Outbox…"]
    window.message_list.setFocus()
    qtbot.keyClick(window.message_list, Qt.Key.Key_Question)
    qtbot.waitUntil(window.overlay.isVisible)
    listed = {what: keys for keys, what in window.overlay.shortcuts}
    assert listed["Reply"] == ("r",)
    assert listed["Reply to all"] == ("a",)
    assert listed["Forward"] == ("f",)
    assert listed["Write a new message"] == ("c",)
    # The context menu's Forward acts on the message right-clicked.
    mid = message_id(demo_store, "Photos from Lisbon")
    window.reader.load(mid)
    compose = opened(qtbot, window.composer, window.composer.actions["Forward"].trigger)
    assert compose.fields.subject.text() == "Fwd: Photos from Lisbon"
    compose.finish()


def test_the_date_time_picker_schedules_the_chosen_moment(
    qtbot: Any, window: MainWindow, demo_store: Store, kicked: list[str]
) -> None:
    from PySide6.QtCore import QDateTime

    from unibox.ui.compose.later import SendTimeDialog

    compose = opened(qtbot, window.composer, window.composer.new)
    compose.fields.to.setText("ann@example.org")
    compose.fields.subject.setText("Birthday wishes")
    [pick] = [a for a in compose.footer.later_menu.actions() if a.text() == "Pick date and time…"]
    pick.trigger()
    dialog = compose.findChild(SendTimeDialog)
    assert dialog is not None and dialog.isVisible()
    chosen = (datetime.now() + timedelta(days=3)).replace(
        hour=9, minute=15, second=0, microsecond=0
    )
    dialog.edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(chosen.timestamp())))
    dialog.accept()
    qtbot.waitUntil(lambda: len(items(demo_store)) == 1)
    assert items(demo_store)[0].send_at == int(chosen.timestamp())
