"""Address books on `unibox sync --watch`: synced on the interval beside mail, errors in words."""

from __future__ import annotations

import itertools
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from tests.helpers.dovecot import Dovecot
from tests.helpers.items import new_store
from tests.helpers.mailgen import simple_message
from tests.helpers.radicale import Radicale
from tests.integration.cli_helpers import add_account
from tests.integration.conftest import subprocess_env
from unibox.channels.carddav import CardDavClient, DavAccount
from unibox.channels.importers.vcf import read_vcards
from unibox.channels.importers.vcf_write import to_vcard
from unibox.config import store_path
from unibox.core.contacts import CardHandle, ContactCard
from unibox.secrets import SecretStore
from unibox.store import address_books as books
from unibox.store.person_card import read_card, write_card
from unibox.store.person_edit import find_person
from unibox.store.store import Store
from unibox.sync.book_watch import AddressBookWatch
from unibox.sync.runner import SyncFailure

pytestmark = pytest.mark.integration
_users = itertools.count(1)
CAROL = ContactCard(
    uid="urn:uuid:carol-1",
    full_name="Carol Jones",
    handles=(CardHandle("email", "carol@example.org"),),
)


@pytest.fixture
def book(radicale: Radicale) -> tuple[str, str]:
    user = f"watch{next(_users)}"
    radicale.add_user(user, "pw")
    return radicale.make_address_book(user, "pw", "contacts"), user


def _until(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.1)


def _has_person(store: Store, handle: str) -> bool:
    with store.read() as s:
        return find_person(s, handle) is not None


def _add_book(store: Store, name: str, url: str, user: str, password: str) -> None:
    secrets = SecretStore()
    secrets.set(f"book:{name}", password)
    with store.write() as s:
        books.add_book(s, name=name, url=url, username=user, secret_ref=f"book:{name}")


def test_a_watch_brings_server_cards_here_and_local_edits_there(
    radicale: Radicale, book: tuple[str, str], tmp_path: Path
) -> None:
    url, user = book
    store = new_store(tmp_path)
    _add_book(store, "Home", url, user, "pw")
    server = CardDavClient(DavAccount(radicale.url, user, "pw"))
    stop = threading.Event()
    errors: list[SyncFailure] = []
    watch = AddressBookWatch(store, SecretStore(), region="DE", on_error=errors.append)
    worker = threading.Thread(target=watch.watch, args=(0.3, stop), daemon=True)
    worker.start()
    try:
        server.put(server.new_href(url, CAROL.uid), to_vcard(CAROL, "3.0"), None)
        _until(lambda: _has_person(store, "carol@example.org"), "the server's card here")
        with store.write() as s:
            pid = find_person(s, "carol@example.org")
            assert pid is not None
            write_card(s, pid, replace(read_card(s, pid), company="Globex"), "DE")

        def on_server() -> bool:
            cards = [
                read_vcards(c.vcard).cards[0] for c in server.fetch(url, list(server.etags(url)))
            ]
            return [c.company for c in cards] == ["Globex"]

        _until(on_server, "the local edit on the server")
    finally:
        stop.set()
        worker.join(10)
        server.close()
    assert not worker.is_alive()
    with store.read() as s:
        [listed] = books.list_books(s)
    assert listed.last_error == "" and listed.last_sync_at is not None and errors == []


def test_failures_are_said_in_words_retried_with_backoff_or_given_up(
    radicale: Radicale, book: tuple[str, str], tmp_path: Path
) -> None:
    url, user = book
    store = new_store(tmp_path)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/"
    _add_book(store, "Down", dead, user, "pw")
    _add_book(store, "Wrong", url, user, "not the password")
    failures: list[SyncFailure] = []
    watch = AddressBookWatch(store, SecretStore(), on_error=failures.append)
    waits: list[float] = []

    class Steps(threading.Event):
        """Stands in for the stop event: records the waits, stops after four."""

        def wait(self, timeout: float | None = None) -> bool:
            waits.append(timeout or 0.0)
            if len(waits) >= 4:
                self.set()
            return self.is_set()

    with store.read() as s:
        ids = {b.name: b.id for b in books.list_books(s)}
    watch.watch_book(ids["Wrong"], 300.0, Steps())  # returns: waiting will not change it
    assert waits == []
    watch.watch_book(ids["Down"], 300.0, Steps())  # tried again 5, 15, 30 and 60 s later
    assert waits == [5.0, 15.0, 30.0, 60.0]
    said = [(f.account, f.retryable) for f in failures]
    assert said == [("Wrong", False)] + [("Down", True)] * 4
    assert "user name or password" in failures[0].message
    assert "unreachable" in failures[1].message
    with store.read() as s:
        errors = {b.name: b.last_error for b in books.list_books(s)}
    assert "unreachable" in errors["Down"] and "password" in errors["Wrong"]


def test_sync_watch_runs_books_beside_mail_and_a_hung_server_holds_up_nothing(
    radicale: Radicale,
    book: tuple[str, str],
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    test_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, user = book
    dovecot.deliver(mail_user, simple_message("Quarterly numbers", "Attached."))
    assert add_account(dovecot, mail_user, monkeypatch=monkeypatch) == 0
    store = Store(store_path(profile))
    _add_book(store, "Home", url, user, "pw")
    hung = socket.socket()  # accepts connections and never answers
    hung.bind(("127.0.0.1", 0))
    hung.listen(8)
    _add_book(store, "Hung", f"http://127.0.0.1:{hung.getsockname()[1]}/", user, "pw")
    server = CardDavClient(DavAccount(radicale.url, user, "pw"))
    server.put(server.new_href(url, CAROL.uid), to_vcard(CAROL, "3.0"), None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "unibox.cli", "sync", "--watch"],
        env=subprocess_env(profile, test_keyring),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    db = sqlite3.connect(f"file:{store_path(profile)}?mode=ro", uri=True)

    def count(sql: str) -> int:
        try:
            return int(db.execute(sql).fetchone()[0])
        except sqlite3.OperationalError:  # busy: ask again
            return 0

    try:
        _until(lambda: count("SELECT count(*) FROM message") == 1, "the mail")
        _until(lambda: count("SELECT count(*) FROM person_card") == 1, "the card")
        # (Later passes on the interval: test_a_watch_brings_server_cards_here_and_…)
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=30)
        db.close()
        hung.close()
        server.close()
    assert proc.returncode is not None
    assert b"Traceback" not in err
