"""Settings › Accounts › Address books: add (tested against a real Radicale), sync, remove."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from tests.helpers.radicale import Radicale
from tests.ui.test_book_sync import _card, _people
from tests.ui.test_screenshot import SHOTS
from tests.ui.test_sync import close_window, open_window
from unibox.channels.carddav import CardDavClient, DavAccount
from unibox.channels.importers.vcf_write import to_vcard
from unibox.config import store_path
from unibox.core.errors import UserError
from unibox.secrets import SecretStore
from unibox.store import address_books as books
from unibox.store.store import Store
from unibox.ui.main_window import MainWindow
from unibox.ui.people.switcher import PEOPLE
from unibox.ui.settings.books import BookDialog
from unibox.ui.theme import DARK, LIGHT, apply_theme
from unibox.ui.widgets.sync_status import SyncState

pytestmark = pytest.mark.integration
_users = itertools.count(1)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    store = Store(store_path(tmp_path / "profile"))
    yield store
    store.close()


@pytest.fixture
def window(qtbot: Any, store: Store) -> Iterator[MainWindow]:
    w = open_window(qtbot, store)
    yield w
    close_window(w)


def _fill(qtbot: Any, dialog: BookDialog, url: str, user: str, password: str) -> None:
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Home")
    qtbot.keyClicks(dialog.url, url)
    qtbot.keyClicks(dialog.username, user)
    qtbot.keyClicks(dialog.password, password)


def test_a_book_is_tested_added_synced_and_removed_from_settings(
    qtbot: Any, radicale: Radicale, store: Store, window: MainWindow
) -> None:
    user = f"settings{next(_users)}"
    radicale.add_user(user, "pw")
    url = radicale.make_address_book(user, "pw", "contacts")
    server = CardDavClient(DavAccount(radicale.url, user, "pw"))
    uid = "urn:uuid:s1"
    server.put(
        server.new_href(url, uid), to_vcard(_card(uid, "Ana Lima", "ana@x.org"), "3.0"), None
    )
    server.close()
    settings = window.open_settings("Accounts")
    section = settings.accounts.books
    qtbot.waitUntil(lambda: section.empty.isVisible())
    assert "No address book yet" in section.empty.text()
    dialog = section.open_add()
    assert dialog is not None
    _fill(qtbot, dialog, radicale.url, user, "wrong")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "refused" in dialog.message.text(), timeout=10_000)
    assert dialog.message.text() == "The address book server refused the user name or password."
    # Nothing typed is lost: the password is corrected, tested and the book added.
    assert (dialog.name.text(), dialog.username.text()) == ("Home", user)
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "pw")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.text().startswith("It works"), timeout=10_000)
    with qtbot.waitSignal(section.added, timeout=10_000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: section.list.count() == 1)
    assert section.list.item(0).text().startswith(f"Home  ·  {user} at {url}")
    assert SecretStore().get("carddav:Home") == "pw"
    # It syncs at once, in the status bar, and its people reach the People page.
    status = window.sync_status
    qtbot.waitUntil(
        lambda: (
            status.accounts.get("Address book Home") is not None
            and status.accounts["Address book Home"].state is SyncState.IDLE
        ),
        timeout=20_000,
    )
    window.people.show(PEOPLE)  # (the Settings dialog has the keyboard)
    qtbot.waitUntil(lambda: _people(qtbot, window) == ["Ana Lima"], timeout=10_000)
    section.confirm = lambda question: "Kept: the people it brought" in question
    with qtbot.waitSignal(section.removed, timeout=30_000):
        qtbot.mouseClick(section.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.empty.isVisible())
    assert "Address book Home" not in status.accounts
    assert window.syncs is not None and window.syncs.books.labels == []
    with store.read() as s:
        assert books.list_books(s) == []
    with pytest.raises(UserError, match="No password is stored"):
        SecretStore().get("carddav:Home")
    assert _people(qtbot, window) == ["Ana Lima"]  # the people it brought stay


def test_a_new_password_from_settings_syncs_a_refused_book_again(
    qtbot: Any, radicale: Radicale, store: Store
) -> None:
    user = f"settings{next(_users)}"
    radicale.add_user(user, "pw")
    url = radicale.make_address_book(user, "pw", "contacts")
    SecretStore().set("carddav:Home", "wrong")
    with store.write() as s:
        books.add_book(s, name="Home", url=url, username=user, secret_ref="carddav:Home")
    window = open_window(qtbot, store)
    try:
        status = window.sync_status
        qtbot.waitUntil(
            lambda: status.accounts["Address book Home"].state is SyncState.ERROR, timeout=20_000
        )
        section = window.open_settings("Accounts").accounts.books
        qtbot.waitUntil(lambda: section.list.count() == 1)
        assert "refused the user name or password" in section.list.item(0).text()
        qtbot.keyClicks(section.password, "pw")
        qtbot.keyClick(section.password, Qt.Key.Key_Return)
        qtbot.waitUntil(
            lambda: status.accounts["Address book Home"].state is SyncState.IDLE, timeout=20_000
        )
        assert section.password.text() == ""
        assert SecretStore().get("carddav:Home") == "pw"
    finally:
        close_window(window)


def test_a_book_without_a_name_or_password_gets_a_sentence(
    qtbot: Any, window: MainWindow, store: Store
) -> None:
    section = window.open_settings("Accounts").accounts.books
    dialog = section.open_add()
    assert dialog is not None
    dialog.name.clear()
    qtbot.keyClicks(dialog.url, "dav.example.com")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.message.text()))
    assert dialog.message.text() == "Give the address book a name (“Home”, “Work”)."
    assert dialog.isVisible() and dialog.url.text() == "dav.example.com"
    with store.read() as s:
        assert books.list_books(s) == []
    dialog.close()


def test_screenshot_address_books_in_settings_light_and_dark(
    qtbot: Any, window: MainWindow, store: Store
) -> None:
    SecretStore().set("carddav:Home", "pw")
    with store.write() as s:
        books.add_book(
            s, name="Home", url="https://dav.example.com/ana/contacts/", username="ana",
            secret_ref="carddav:Home",
        )  # fmt: skip
        work = books.add_book(
            s, name="Work", url="https://cloud.acme.example/remote.php/dav/", username="ana.lima",
            secret_ref="carddav:Work",
        )  # fmt: skip
        books.set_sync_result(
            s, work.id, "The address book server refused the user name or password."
        )
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    SHOTS.mkdir(parents=True, exist_ok=True)
    settings = window.open_settings("Accounts")
    section = settings.accounts.books
    qtbot.waitUntil(lambda: section.list.count() == 2)
    dialog = section.open_add()
    assert dialog is not None
    for dark, scheme in ((False, LIGHT), (True, DARK)):
        apply_theme(app, dark=dark)
        qtbot.wait(100)
        suffix = "_dark" if dark else ""
        assert settings.grab().save(str(SHOTS / f"settings_address_books{suffix}.png"))
        assert dialog.grab().save(str(SHOTS / f"settings_add_address_book{suffix}.png"))
        image = settings.grab().toImage()  # the list follows the palette (no light box in dark)
        inside = section.list.mapTo(settings, section.list.rect().bottomRight()) - QPoint(20, 10)
        assert QColor(image.pixel(inside)).name() == scheme.base
    apply_theme(app, dark=False)
    dialog.close()
