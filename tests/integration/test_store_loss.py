"""A deleted, emptied or damaged store never becomes deletions (or moves) on the server."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import simple_message
from tests.integration.cli_helpers import add_account, run, stats
from unibox.config import store_path

pytestmark = pytest.mark.integration

Server = dict[str, set[tuple[int, frozenset[bytes]]]]


def _server(dovecot: Dovecot, user: str) -> Server:
    """Every folder's (UID, flags) as a second client sees them."""
    client = dovecot.imap(user)
    try:
        found: Server = {}
        for _flags, _sep, name in client.list_folders():
            folder = name.decode() if isinstance(name, bytes) else str(name)
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            flags = client.get_flags(uids) if uids else {}
            found[folder] = {(int(u), frozenset(flags[u])) for u in uids}
        return found
    finally:
        client.logout()


def _delete(db: Path) -> None:
    for p in db.parent.glob(db.name + "*"):
        p.unlink()


def _empty(db: Path) -> None:
    os.truncate(db, 0)


def _garbage(db: Path) -> None:
    with db.open("r+b") as f:
        f.write(os.urandom(4096))


@pytest.mark.parametrize("lose", [_delete, _empty, _garbage], ids=["deleted", "0 bytes", "garbage"])
def test_a_lost_store_changes_nothing_on_the_server(
    dovecot: Dovecot,
    mail_user: str,
    profile: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    lose: Callable[[Path], None],
) -> None:
    for i in range(6):
        dovecot.deliver(mail_user, simple_message(f"Keep {i}", "body"))
    dovecot.deliver(mail_user, simple_message("Archived", "body"), folder="Archive")
    assert add_account(dovecot, mail_user, security="plain", monkeypatch=monkeypatch) == 0
    assert run("sync") == 0
    assert run("mark", "1", "read") == 0  # a change of the user's own, pushed: the baseline
    before = _server(dovecot, mail_user)
    db = store_path(profile)
    lose(db)
    capsys.readouterr()
    code = run("sync")
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1  # no accounts, or a damaged store: one line
    assert _server(dovecot, mail_user) == before
    if lose is _delete:  # the user starts over on purpose: everything comes back, untouched
        assert add_account(dovecot, mail_user, security="plain", monkeypatch=monkeypatch) == 0
        assert run("sync") == 0
        assert stats(capsys)["messages"] == 7
        assert _server(dovecot, mail_user) == before
    else:
        assert "is damaged" in err
