"""Import history… in the window: the export imported in the background, a progress bar,
then the report; the new channel in the sidebar; whose export it is asked when unclear."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers.sms_backup_export import generate_sms
from tests.helpers.whatsapp_export import write_export
from tests.ui.test_people import people_window  # noqa: F401  (a fixture)
from unibox.ui.main_window import MainWindow

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _sidebar_titles(window: MainWindow) -> list[str]:
    model = window.sidebar_model
    found = []
    for row in range(model.rowCount()):
        parent = model.index(row, 0)
        found.append(parent.data())
        found.extend(model.index(r, 0, parent).data() for r in range(model.rowCount(parent)))
    return found


def test_the_menu_offers_it_and_an_sms_backup_imports_with_progress_and_report(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    monkeypatch.setenv("LANG", "de_DE.UTF-8")  # the phone region: numbers without +49
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_TELEPHONE", raising=False)
    monkeypatch.delenv("LC_CTYPE", raising=False)
    w = people_window
    assert (
        "Import history…" in w.commands.actions and "Import history folder…" in w.commands.actions
    )
    folder = tmp_path / "backup"
    folder.mkdir()
    for f in (FIXTURES / "sms_backup").iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    generate_sms(folder / "sms-big.xml", 5000)  # read in several batches: progress shows
    dialog = w.history_import.import_path(folder)
    seen: list[str] = []
    dialog._progressed.connect(lambda _p: seen.append(dialog.step.text()))
    assert not dialog.close_button.isEnabled() and dialog.bar.isVisible()
    with qtbot.waitSignal(dialog.imported, timeout=60_000):
        pass
    assert any("sms-big.xml" in text and "read" in text for text in seen)
    assert dialog.title.text() == "Imported 5,006 messages in 23 conversations."
    facts = dialog.facts.text()
    assert "SMS Backup & Restore" in facts and "3 logged calls." in facts
    assert "People: " in facts and "created" in facts
    rows = [
        (dialog.skipped.topLevelItem(i).text(0), dialog.skipped.topLevelItem(i).text(1))
        for i in range(dialog.skipped.topLevelItemCount())
    ]
    assert ("sms-20241201.xml line 9", "No date, or one that cannot be read") in rows
    assert dialog.close_button.isEnabled() and not dialog.bar.isVisible()
    qtbot.waitUntil(lambda: "SMS" in _sidebar_titles(w), timeout=10_000)
    dialog.accept()

    # The imported chat opens as history: no reply box that could never send.
    from sqlalchemy import select

    from unibox.store.schema import Conversation

    with w.bridge.store.read() as s:
        cid = s.scalar(select(Conversation.id).where(Conversation.remote_ref == "+4915123456789"))
    assert cid is not None
    w.chat.open(cid)
    qtbot.waitUntil(lambda: w.chat_view.shown is not None and w.chat_view.shown.imported)
    assert w.chat_view.title.text() == "Jonas Weber"
    assert w.chat_view.imported_note.text() == "Imported SMS history: answer in SMS itself."
    assert w.chat_view.input.isHidden() and w.chat_view.send_button.isHidden()


def test_an_export_whose_owner_is_unclear_asks_and_imports_as_that_person(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    chat = tmp_path / "WhatsApp Chat with Team.txt"
    write_export(chat, 40, me="Mira", peer="Jonas")  # a title that is none of the senders
    dialog = people_window.history_import.import_path(chat)
    with qtbot.waitSignal(dialog.failed, timeout=20_000):
        pass
    assert dialog.me_field.isVisible() and "--me" not in dialog.step.text()
    assert "Who exported this chat is not clear" in dialog.step.text()
    dialog.me_field.setText("Mira")
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        dialog.retry_button.click()
    assert dialog.title.text().startswith("Imported 40 messages")
    assert "you are “Mira”" in dialog.facts.text()
    dialog.accept()


def test_screenshot_history_import_report(
    qtbot: Any,
    people_window: MainWindow,  # noqa: F811
) -> None:
    from tests.ui.test_screenshot import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog = people_window.history_import.import_path(FIXTURES / "linkedin")
    assert dialog.grab().save(str(SHOTS / "history_import_progress.png"))
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: dialog.skipped.isVisible())
    assert dialog.grab().save(str(SHOTS / "history_import_report.png"))
    dialog.accept()
