"""Settings › Address books on a server with its own certificate: the CA file (real Radicale
over HTTPS with a throwaway CA)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.helpers.radicale import Radicale
from tests.helpers.tls import TlsFiles
from tests.ui.test_book_sync import _card, _people
from tests.ui.test_settings_books import store, window  # noqa: F401  (fixtures)
from tests.ui.test_sync import close_window, open_window
from unibox.channels.carddav import CardDavClient, DavAccount
from unibox.channels.importers.vcf_write import to_vcard
from unibox.secrets import SecretStore
from unibox.store import address_books as books
from unibox.store.store import Store
from unibox.ui.main_window import MainWindow
from unibox.ui.people.switcher import PEOPLE
from unibox.ui.settings.books import BookDialog
from unibox.ui.widgets.sync_status import SyncState

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def radicale_tls(tls_files: TlsFiles) -> Iterator[Radicale]:
    with Radicale(tls=tls_files) as server:
        yield server


def _answer(qtbot: Any, dialog: BookDialog, button: Any) -> str:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=15_000)
    return dialog.message.text()


def test_a_ca_file_is_checked_in_words_then_used_to_test_add_and_sync(
    qtbot: Any,
    radicale_tls: Radicale,
    tls_files: TlsFiles,
    store: Store,  # noqa: F811
    window: MainWindow,  # noqa: F811
    tmp_path: Path,
) -> None:
    user = "selfhosted"
    radicale_tls.add_user(user, "pw")
    url = radicale_tls.make_address_book(user, "pw", "contacts")
    server = CardDavClient(DavAccount(radicale_tls.url, user, "pw", str(tls_files.ca_cert)))
    uid = "urn:uuid:tls1"
    server.put(
        server.new_href(url, uid), to_vcard(_card(uid, "Rui Costa", "rui@x.org"), "3.0"), None
    )
    server.close()
    section = window.open_settings("Accounts").accounts.books
    dialog = section.open_add()
    assert dialog is not None
    dialog.name.setText("Home")
    qtbot.keyClicks(dialog.url, radicale_tls.url)
    qtbot.keyClicks(dialog.username, user)
    qtbot.keyClicks(dialog.password, "pw")

    # Without the CA, the server's certificate is refused in words.
    said = _answer(qtbot, dialog, dialog.test_button)
    assert "certificate was not accepted" in said

    # Files that are not a CA certificate are refused before anything is sent.
    notes = tmp_path / "notes.txt"
    notes.write_text("not a certificate\n")
    damaged = tmp_path / "damaged.pem"
    damaged.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    for path, sentence in (
        (tmp_path / "missing.pem", "does not exist"),
        (notes, "is not a PEM certificate"),
        (damaged, "is damaged or incomplete"),
    ):
        dialog.ca_file.setText(str(path))
        assert sentence in _answer(qtbot, dialog, dialog.test_button), path
    said = _answer(qtbot, dialog, dialog.add_button)
    assert "is damaged or incomplete" in said
    assert dialog.isVisible() and dialog.ca_file.text() == str(damaged)  # nothing typed is lost
    with store.read() as s:
        assert books.list_books(s) == []

    # The right CA: Test connection works, Add keeps its path, and the book syncs with it.
    dialog.ca_file.setText(str(tls_files.ca_cert))
    assert _answer(qtbot, dialog, dialog.test_button).startswith("It works")
    with qtbot.waitSignal(section.added, timeout=15_000) as added:
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert added.args[0].ca_file == str(tls_files.ca_cert.resolve())
    with store.read() as s:
        assert books.get_book(s, "Home").ca_file == str(tls_files.ca_cert.resolve())
    status = window.sync_status
    qtbot.waitUntil(
        lambda: (
            status.accounts.get("Address book Home") is not None
            and status.accounts["Address book Home"].state is SyncState.IDLE
        ),
        timeout=20_000,
    )
    window.people.show(PEOPLE)
    qtbot.waitUntil(lambda: _people(qtbot, window) == ["Rui Costa"], timeout=10_000)
    qtbot.waitUntil(lambda: section.list.count() == 1)
    assert f"CA file: {tls_files.ca_cert.resolve()}" in section.list.item(0).toolTip()


def test_a_book_refused_for_its_certificate_gets_a_ca_file_in_edit_and_syncs(
    qtbot: Any,
    radicale_tls: Radicale,
    tls_files: TlsFiles,
    store: Store,  # noqa: F811
    tmp_path: Path,
) -> None:
    user = "rotated"
    radicale_tls.add_user(user, "pw")
    url = radicale_tls.make_address_book(user, "pw", "contacts")
    server = CardDavClient(DavAccount(radicale_tls.url, user, "pw", str(tls_files.ca_cert)))
    uid = "urn:uuid:tls2"
    server.put(
        server.new_href(url, uid), to_vcard(_card(uid, "Ines Faria", "ines@x.org"), "3.0"), None
    )
    server.close()
    SecretStore().set("carddav:Home", "pw")
    with store.write() as s:
        books.add_book(s, name="Home", url=url, username=user, secret_ref="carddav:Home")
    gui = open_window(qtbot, store)
    try:
        status = gui.sync_status
        qtbot.waitUntil(
            lambda: (
                status.accounts.get("Address book Home") is not None
                and status.accounts["Address book Home"].state is SyncState.ERROR
            ),
            timeout=20_000,
        )
        section = gui.open_settings("Accounts").accounts.books
        qtbot.waitUntil(lambda: section.list.count() == 1)
        assert "certificate was not accepted" in section.list.item(0).text()
        qtbot.mouseClick(section.edit_button, Qt.MouseButton.LeftButton)
        dialog = section.findChild(BookDialog)
        assert dialog is not None and dialog.isVisible()
        assert (dialog.name.isEnabled(), dialog.url.text(), dialog.username.text()) == (
            False,
            url,
            user,
        )
        assert dialog.password.text() == ""  # the keyring keeps it

        notes = tmp_path / "notes.txt"
        notes.write_text("not a certificate\n")
        dialog.ca_file.setText(str(notes))
        assert "is not a PEM certificate" in _answer(qtbot, dialog, dialog.add_button)
        with store.read() as s:
            assert books.get_book(s, "Home").ca_file == ""  # nothing kept

        dialog.ca_file.setText(str(tls_files.ca_cert))
        said = _answer(qtbot, dialog, dialog.test_button)
        assert said == "It works: found “contacts”. Nothing was saved yet."
        with store.read() as s:
            assert books.get_book(s, "Home").ca_file == ""
        with qtbot.waitSignal(dialog.saved, timeout=15_000):
            qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        with store.read() as s:
            assert books.get_book(s, "Home").ca_file == str(tls_files.ca_cert.resolve())
        assert SecretStore().get("carddav:Home") == "pw"
        qtbot.waitUntil(
            lambda: status.accounts["Address book Home"].state is SyncState.IDLE, timeout=20_000
        )
        gui.people.show(PEOPLE)
        qtbot.waitUntil(lambda: _people(qtbot, gui) == ["Ines Faria"], timeout=10_000)
    finally:
        close_window(gui)
