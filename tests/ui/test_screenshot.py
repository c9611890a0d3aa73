"""Renders the demo window, light and dark, to artifacts/screenshots for people to look at."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from unibox.app import build_window
from unibox.config import store_path
from unibox.demo import build_demo_profile
from unibox.store.store import Store
from unibox.ui.main_window import MainWindow
from unibox.ui.theme import apply_theme

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
SIZE = (1400, 860)


@pytest.fixture
def todays_demo(qtbot: Any, tmp_path: Path) -> Iterator[MainWindow]:
    """The demo as `unibox --demo` shows it: dates moved so the newest mail is today."""
    store = Store(store_path(tmp_path))
    build_demo_profile(store)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=False)
    window = build_window(store, demo=True)
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(lambda: window.message_view.content is not None, timeout=10_000)
    yield window
    window.close()
    window.bridge.close()
    apply_theme(app, dark=False)
    store.close()


def _open(qtbot: Any, window: MainWindow, subject_start: str) -> None:
    model = window.messages
    for n in range(model.rowCount()):
        model.index(n).data()
    qtbot.waitUntil(lambda: all(model.cached_row(n) for n in range(model.rowCount())))
    row = next(
        n
        for n in range(model.rowCount())
        if (r := model.cached_row(n)) is not None and r.subject.startswith(subject_start)
    )
    window.message_list.select_row(row)
    window.message_list.setFocus()
    qtbot.waitUntil(
        lambda: (
            window.message_view.content is not None
            and window.message_view.content.subject.startswith(subject_start)
        )
    )


def _save(qtbot: Any, window: MainWindow, name: str) -> QImage:
    for _ in range(3):  # what was opened has been marked read, and the counts say so
        window.bridge.wait_idle()
        qtbot.wait(150)
    SHOTS.mkdir(parents=True, exist_ok=True)
    image = window.grab().toImage()
    assert image.save(str(SHOTS / name))
    return image


def _colourful(image: QImage) -> int:
    step = 23
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
    )


def test_screenshot_light_and_dark(qtbot: Any, todays_demo: MainWindow) -> None:
    window = todays_demo
    _open(qtbot, window, "Re: Homepage v3 ready for review")
    light = _save(qtbot, window, "main_window.png")
    assert (light.width(), light.height()) == SIZE
    assert _colourful(light) > 40  # a populated window, not a blank one

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=True)
    _open(qtbot, window, "Pixel Weekly")
    dark = _save(qtbot, window, "main_window_dark.png")
    assert _colourful(dark) > 40
    assert window.message_view.header.remote_notice.isVisible()

    if os.environ.get("QT_QPA_PLATFORM") == "xcb" and shutil.which("import"):
        apply_theme(app, dark=False)
        _open(qtbot, window, "Re: Homepage v3 ready for review")
        qtbot.wait(300)
        target = SHOTS / "main_window_xvfb.png"
        subprocess.run(["import", "-window", "root", str(target)], check=True, timeout=30)
        assert target.stat().st_size > 10_000


@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X server (xvfb-run)")
def test_screenshot_on_a_real_x_server_fits_the_screen(tmp_path: Path) -> None:
    """The window as X draws it (xcb, not offscreen), at its first size and at 1600x1000.

    This process's Qt is on the offscreen platform (tests/ui/conftest.py), so a child
    process opens the window on xcb and grabs the screen.
    """
    import json
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": os.pathsep.join(
        [str(root / "src"), str(root), os.environ.get("PYTHONPATH", "")]
    )}  # fmt: skip
    SHOTS.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.xcb_window", str(SHOTS), str(tmp_path)],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["full"]["size"] == [1600, 1000]
    for shot in report.values():
        image = QImage(shot["file"])
        assert (image.width(), image.height()) == tuple(shot["size"])
        assert _colourful(image) > 40  # drawn by X, populated
        assert shot["outside"] == []  # nothing reaches past the window's edges


def test_screenshot_sync_and_conversations(qtbot: Any, todays_demo: MainWindow) -> None:
    """Grouped by conversation, the person panel, and a long sync in the status bar."""
    from unibox.sync.mail import Progress

    window = todays_demo
    with qtbot.waitSignal(window.messages.loaded, timeout=15_000):
        window.group_action.trigger()
    _open(qtbot, window, "Re: Homepage v3 ready for review")
    qtbot.waitUntil(lambda: window.person_panel.card is not None)
    status = window.sync_status
    status.watch(["Work"])
    status.on_progress(Progress("Work", "INBOX", "bodies", 12_400, 48_000))
    image = _save(qtbot, window, "main_window_grouped_syncing.png")
    assert _colourful(image) > 40
    assert status.bar.isVisible() and "12,400 of 48,000" in status.sentence
    window.group_action.trigger()  # the demo profile's settings are thrown away anyway


def test_screenshot_first_run_and_add_account(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    store = Store(store_path(tmp_path / "empty"))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=False)
    window = build_window(store, sync=True)
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.welcome)
        _save(qtbot, window, "first_run.png")
        dialog = window.accounts.add_account()
        assert dialog is not None
        dialog.display_name.setText("Mira Castell")
        dialog.email.setText("mira@castell-studio.example")
        dialog.imap.set_security("plain")
        dialog.submit()  # refused before anything is sent: plain text to a remote host
        qtbot.wait(200)
        SHOTS.mkdir(parents=True, exist_ok=True)
        assert dialog.grab().toImage().save(str(SHOTS / "add_account.png"))
        assert "Unencrypted IMAP" in dialog.message.text()
        dialog.reject()
    finally:
        assert window.syncs is not None
        window.syncs.stop()
        window.close()
        window.bridge.close()
        store.close()


def test_screenshot_people_and_a_person_record(qtbot: Any, todays_demo: MainWindow) -> None:
    """The People view and Zoë's record, light and dark, with a card, tasks and a logged call."""
    from datetime import datetime, timedelta

    from unibox.channels.importers.vcf import read_vcards
    from unibox.store.contacts_import import import_cards
    from unibox.store.intent import intent_write
    from unibox.store.merge_suggestions import refresh_suggestions
    from unibox.store.person_edit import add_task, find_person, log_touch_point

    window = todays_demo
    store = window.bridge.store
    vcards = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Zoë Müller\nORG:Brightwave GmbH\nTITLE:Head of Design\n"
        "EMAIL:zoe.mueller@brightwave.example\nTEL:+49 30 1234567\nCATEGORIES:important,design\n"
        "BDAY:1988-06-02\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Zoë Müller\nEMAIL:zoe@private.example\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Nadia Okafor\nORG:Keystone Partners\nTITLE:Buyer\n"
        "EMAIL:nadia@keystone.example\nCATEGORIES:important,client\nEND:VCARD\n"
    )
    with store.write() as s:
        import_cards(s, read_vcards(vcards).cards, "DE")
    with store.write() as s:
        refresh_suggestions(s)
    now = datetime.now().astimezone()
    with intent_write(store) as s:
        zoe = find_person(s, "zoe.mueller@brightwave.example")
        assert zoe is not None
        log_touch_point(
            s, zoe, "call", "Walked through homepage v3; she wants the hero image larger.",
            at=now - timedelta(hours=3),
        )  # fmt: skip
        log_touch_point(
            s, zoe, "meeting", "Kick-off at Brightwave with Felix", at=now - timedelta(days=9),
            done_by="Felix Brandt",
        )  # fmt: skip
        add_task(s, zoe, "Send the revised hero image", due=now + timedelta(days=2))
        add_task(s, zoe, "Sign-off on the style guide", due=now + timedelta(days=6), owner="Zoë")
    people = window.people
    with qtbot.waitSignal(people.page.view.model.loaded, timeout=15_000):
        people.show("people")
    model = people.page.view.model
    qtbot.waitUntil(lambda: all(model.cached(n) for n in range(min(15, model.rowCount()))))
    image = _save(qtbot, window, "people.png")
    assert _colourful(image) > 40
    people.open_person(zoe)
    record = people.page.record
    qtbot.waitUntil(lambda: record.record is not None and record.timeline.rowCount() > 0)
    assert record.role.text() == "Head of Design · Brightwave GmbH"
    _save(qtbot, window, "person_record.png")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=True)
    _save(qtbot, window, "person_record_dark.png")
    people.page.show_list()
    _save(qtbot, window, "people_dark.png")


def _open_chat(qtbot: Any, window: MainWindow, title: str) -> None:
    model = window.messages
    for n in range(model.rowCount()):
        model.index(n).data()
    qtbot.waitUntil(lambda: all(model.cached_row(n) for n in range(model.rowCount())))
    row = next(
        n
        for n in range(model.rowCount())
        if (r := model.cached_row(n)) is not None and r.chat and r.sender_name == title
    )
    window.message_list.select_row(row)
    window.message_list.setFocus()
    qtbot.waitUntil(
        lambda: window.chat_view.shown is not None and window.chat_view.shown.title == title
    )


def test_screenshot_chats_light_and_dark(qtbot: Any, todays_demo: MainWindow) -> None:
    """A one-to-one chat with a reply being written, and a group chat in the dark."""
    window = todays_demo
    _open_chat(qtbot, window, "Zoë Müller")
    qtbot.waitUntil(lambda: window.person_panel.card is not None)
    window.chat_view.input.setPlainText("Great, I'll fix 'anually' before it goes out.")
    light = _save(qtbot, window, "chat.png")
    assert _colourful(light) > 40
    assert window.chat_view.lines.bubbles[-1].line.text.startswith("Otherwise")

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=True)
    _open_chat(qtbot, window, "Brightwave launch")
    dark = _save(qtbot, window, "chat_group_dark.png")
    assert _colourful(dark) > 40
    apply_theme(app, dark=False)

    if os.environ.get("QT_QPA_PLATFORM") == "xcb" and shutil.which("import"):
        _open_chat(qtbot, window, "Zoë Müller")
        qtbot.wait(300)
        target = SHOTS / "chat_xvfb.png"
        subprocess.run(["import", "-window", "root", str(target)], check=True, timeout=30)
        assert target.stat().st_size > 10_000


def test_screenshot_a_chat_bridged_from_telegram(qtbot: Any, todays_demo: MainWindow) -> None:
    """A Matrix chat with a Telegram puppet: the header says which network it came via."""
    window = todays_demo
    _open_chat(qtbot, window, "Aoife O'Brien")
    subtitle = window.chat_view.subtitle.text()
    assert subtitle.startswith("Chat on Matrix · via Telegram · @telegram_5120447731:")
    assert window.chat_view.shown is not None and window.chat_view.shown.kind == "chat"
    assert window.messages.cached_row(window.message_list.currentIndex().row()).snippet == (
        "Chat · Matrix · via Telegram"
    )
    image = _save(qtbot, window, "chat_bridged.png")
    assert _colourful(image) > 40
    if os.environ.get("QT_QPA_PLATFORM") == "xcb" and shutil.which("import"):
        qtbot.wait(300)
        target = SHOTS / "chat_bridged_xvfb.png"
        subprocess.run(["import", "-window", "root", str(target)], check=True, timeout=30)
        assert target.stat().st_size > 10_000

    # Her record: the Telegram lines beside her mail, each saying where it came from.
    from unibox.store.person_edit import find_person
    from unibox.ui.people.timeline_model import ENTRY_ROLE

    with window.bridge.store.read() as s:
        aoife = find_person(s, "aoife@greenleaf.example")
    assert aoife is not None
    window.people.open_person(aoife)
    record = window.people.page.record
    timeline = record.timeline
    qtbot.waitUntil(lambda: record.record is not None and timeline.rowCount() > 0)
    entries = [timeline.index(n, 0).data(ENTRY_ROLE) for n in range(timeline.rowCount())]
    assert {(e.channel, e.via) for e in entries if e.channel != "mail"} >= {("matrix", "telegram")}
    _save(qtbot, window, "person_record_bridged.png")
