"""Address books sync from the window: against a real Radicale, never on the GUI thread."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.helpers.radicale import Radicale
from tests.ui.test_sync import close_window, open_window
from unibox.channels.carddav import CardDavClient, DavAccount
from unibox.channels.importers.vcf_write import to_vcard
from unibox.config import store_path
from unibox.core.contacts import CardHandle, ContactCard
from unibox.secrets import SecretStore
from unibox.store import address_books as books
from unibox.store.store import Store
from unibox.ui.main_window import MainWindow
from unibox.ui.people.list_model import Column
from unibox.ui.widgets.sync_status import SyncState

pytestmark = pytest.mark.integration
_users = itertools.count(1)


def _card(uid: str, name: str, email: str) -> ContactCard:
    return ContactCard(uid=uid, full_name=name, handles=(CardHandle("email", email),))


@pytest.fixture
def profile_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("UNIBOX_INSECURE_TEST_KEYRING", str(tmp_path / "keyring.cfg"))
    store = Store(store_path(tmp_path / "profile"))
    yield store
    store.close()


def _book(radicale: Radicale, store: Store, password: str) -> tuple[CardDavClient, str, str]:
    """A fresh user's book on the server, set up here as "Home" with `password`."""
    user = f"window{next(_users)}"
    radicale.add_user(user, "pw")
    url = radicale.make_address_book(user, "pw", "contacts")
    SecretStore().set("carddav:Home", password)
    with store.write() as s:
        books.add_book(s, name="Home", url=url, username=user, secret_ref="carddav:Home")
    return CardDavClient(DavAccount(radicale.url, user, "pw")), url, user


def _people(qtbot: Any, window: MainWindow) -> list[str]:
    model = window.people.page.view.model
    for n in range(model.rowCount()):
        model.index(n, 0).data()
    qtbot.waitUntil(lambda: all(model.cached(n) for n in range(model.rowCount())))
    return [model.index(n, Column.NAME).data() for n in range(model.rowCount())]


def test_a_card_added_on_the_server_shows_in_people_on_sync_now(
    qtbot: Any, radicale: Radicale, profile_store: Store
) -> None:
    server, url, user = _book(radicale, profile_store, "pw")
    server.put(
        server.new_href(url, "urn:uuid:a"),
        to_vcard(_card("urn:uuid:a", "Ana Lima", "ana@example.org"), "3.0"),
        None,
    )
    window = open_window(qtbot, profile_store)
    status = window.sync_status
    try:
        assert "Address book Home" in status.accounts
        qtbot.waitUntil(
            lambda: status.accounts["Address book Home"].state is SyncState.IDLE, timeout=20_000
        )
        assert status.sentence.startswith("Address book Home: up to date")
        with qtbot.waitSignal(window.people.page.view.model.loaded, timeout=15_000):
            qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: _people(qtbot, window) == ["Ana Lima"], timeout=10_000)
        # A card added on the server while the window is open: F5 fetches it.
        server.put(
            server.new_href(url, "urn:uuid:b"),
            to_vcard(_card("urn:uuid:b", "Bruno Costa", "bruno@example.org"), "3.0"),
            None,
        )
        qtbot.keyClick(window, Qt.Key.Key_F5)
        qtbot.waitUntil(
            lambda: _people(qtbot, window) == ["Ana Lima", "Bruno Costa"], timeout=20_000
        )
        # A book added meanwhile elsewhere (`unibox addressbook add`): F5 starts it.
        with profile_store.write() as s:
            books.add_book(s, name="Work", url=url, username=user, secret_ref="carddav:Home")
        qtbot.keyClick(window, Qt.Key.Key_F5)
        qtbot.waitUntil(
            lambda: (
                "Address book Work" in status.accounts
                and status.accounts["Address book Work"].state is SyncState.IDLE
            ),
            timeout=20_000,
        )
    finally:
        close_window(window)
        server.close()


def test_a_refused_password_is_said_in_the_status_bar_and_retry_syncs_again(
    qtbot: Any, radicale: Radicale, profile_store: Store
) -> None:
    server, url, _user = _book(radicale, profile_store, "not the password")
    server.put(
        server.new_href(url, "urn:uuid:c"),
        to_vcard(_card("urn:uuid:c", "Carla Dias", "carla@example.org"), "3.0"),
        None,
    )
    window = open_window(qtbot, profile_store)
    status = window.sync_status
    try:
        qtbot.waitUntil(
            lambda: status.accounts["Address book Home"].state is SyncState.ERROR, timeout=20_000
        )
        assert status.sentence == (
            "Address book Home: The address book server refused the user name or password."
        )
        assert status.retry.isVisible()
        SecretStore().set("carddav:Home", "pw")  # the user fixed the password
        qtbot.mouseClick(status.retry, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: status.accounts["Address book Home"].state is SyncState.IDLE, timeout=20_000
        )
        assert not status.retry.isVisible()
        with profile_store.read() as s:
            assert books.get_book(s, "Home").last_error == ""
    finally:
        close_window(window)
        server.close()
