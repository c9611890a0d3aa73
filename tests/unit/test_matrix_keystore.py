"""Two Matrix accounts' key stores used at once in one process (the window runs one chat
engine thread per account; a key import runs beside a sync) keep to their own files."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from nio.crypto import OlmAccount

from unibox.channels.matrix.keystore import KeyStore


def _store(root: Path, user: str) -> KeyStore:
    folder = root / user
    folder.mkdir()
    store = KeyStore(f"@{user}:localhost", "DEVICE", str(folder), "pickle key")
    store.save_account(OlmAccount())
    return store


def test_two_stores_in_two_threads_never_cross(tmp_path: Path) -> None:
    # nio's store binds peewee's model classes to its database for each call, and those
    # are the same classes for every store: two threads at once used to lose the binding
    # ("Query must be bound to a database") or write into the other account's file.
    stores = {name: _store(tmp_path, name) for name in ("alice", "bob")}
    errors: list[BaseException] = []
    seen: dict[str, set[str | None]] = {name: set() for name in stores}

    def hammer(name: str) -> None:
        store = stores[name]
        try:
            for n in range(300):
                store.save_sync_token(f"{name}-{n}")
                seen[name].add(store.load_sync_token())
        except BaseException as exc:  # the test reports what went wrong
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(name,)) for name in stores]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # the threads take turns often, as a loaded machine makes them
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors, errors
    for name, tokens in seen.items():
        assert tokens and all(str(t).startswith(f"{name}-") for t in tokens), name
