"""Sync now wakes a waiting watch at once; a stop request ends a sync between two batches."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.helpers.dovecot import Dovecot
from tests.helpers.mailgen import generate_mailbox, simple_message
from tests.integration.cli_helpers import add_account
from unibox.channels.imap import ImapSession
from unibox.config import store_path
from unibox.secrets import SecretStore
from unibox.store import accounts
from unibox.store.schema import Message
from unibox.store.store import Store
from unibox.sync import mail as mail_sync
from unibox.sync import runner as sync_runner
from unibox.sync.mail import Progress, SyncStopped
from unibox.sync.runner import SyncRunner, Wake

pytestmark = pytest.mark.integration

# Far longer than any test may wait: only a wake-up can end these waits in time.
FOREVER = 3600.0


def _open(dovecot: Dovecot, user: str, profile: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    assert add_account(dovecot, user, security="plain", monkeypatch=monkeypatch) == 0
    return Store(store_path(profile))


def _account(store: Store) -> accounts.AccountInfo:
    with store.read() as s:
        return accounts.get_account(s, "Work")


def _count(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count(Message.id))) or 0)


def test_sync_now_wakes_a_watch_waiting_in_idle(
    dovecot: Dovecot, mail_user: str, profile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dovecot.deliver(mail_user, simple_message("First", "hello"))
    store = _open(dovecot, mail_user, profile, monkeypatch)
    account = _account(store)
    # Without a wake-up the IDLE below would wait an hour before looking again.
    monkeypatch.setattr(sync_runner, "IDLE_CHECK_SECONDS", FOREVER)
    idling = threading.Event()
    real_idle_wait = ImapSession.idle_wait

    def idle_wait(self: ImapSession, seconds: float, wake: Any = None) -> bool:
        idling.set()
        return real_idle_wait(self, seconds, wake)

    monkeypatch.setattr(ImapSession, "idle_wait", idle_wait)
    runner = SyncRunner(store, SecretStore())
    kick = Wake()
    watch = threading.Thread(target=runner.watch, args=(account, FOREVER, kick), daemon=True)
    watch.start()
    try:
        assert idling.wait(30), "the watch never reached IDLE"
        assert _count(store) == 1
        kick.set()  # what "Sync now" does
        watch.join(30)
        assert not watch.is_alive(), "Sync now did not wake the IDLE wait"
    finally:
        kick.set()
        watch.join(30)
        runner.close()
        kick.close()
        store.close()


def test_sync_now_in_the_window_service_fetches_what_idle_cannot_see(
    dovecot: Dovecot, mail_user: str, profile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unibox.ui.sync_service import SyncService

    dovecot.deliver(mail_user, simple_message("First", "hello"))
    store = _open(dovecot, mail_user, profile, monkeypatch)
    monkeypatch.setattr(sync_runner, "IDLE_CHECK_SECONDS", FOREVER)
    done = threading.Event()

    def progress(p: Progress) -> None:
        if p.phase == "done":
            done.set()

    service = SyncService(
        store,
        SecretStore(),
        interval=FOREVER,
        on_progress=progress,
        on_changes=lambda _c: None,
        on_failure=lambda _f: None,
    )
    service.start([_account(store)])
    try:
        assert done.wait(30)
        done.clear()
        # IDLE watches the inbox only: mail filed elsewhere needs a full sync.
        dovecot.deliver(mail_user, simple_message("Filed", "elsewhere"), folder="Archive")
        assert service.sync_now() == ["Work"]
        assert done.wait(30), "Sync now did not start a sync while IDLE was waiting"
        assert _count(store) == 2
        # Removing the account (Settings › Accounts) ends its sync thread for good.
        assert service.remove("Work")
        assert service.account_names == []
        assert service.sync_now() == []
    finally:
        assert service.stop(timeout=30)
        store.close()


def test_a_stop_request_ends_the_sync_between_batches_and_loses_nothing(
    dovecot: Dovecot, mail_user: str, profile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dovecot.deliver_many(mail_user, generate_mailbox(60, seed=11))
    store = _open(dovecot, mail_user, profile, monkeypatch)
    account = _account(store)
    # Whole messages in batches of ten (no headers-first pass).
    monkeypatch.setattr(mail_sync, "HEADERS_FIRST_THRESHOLD", 0)
    monkeypatch.setattr(mail_sync, "HEADERS_FIRST_WINDOW", 0)
    monkeypatch.setattr(mail_sync, "BODY_JOB_MESSAGES", 10)
    runner = SyncRunner(store, SecretStore())

    def stop_after_first_batch(p: Progress) -> None:
        if p.phase == "bodies" and p.done >= 10:
            runner.request_stop()  # what quitting the window does

    runner.on_progress = stop_after_first_batch
    try:
        with pytest.raises(SyncStopped):
            runner.sync_once(account)
        assert _count(store) == 10  # the batch in flight was written whole, nothing after it
        assert _account(store).last_error == ""  # stopping is not a failure
        # A watch asked to stop returns instead of syncing.
        runner.watch(account, FOREVER, threading.Event())
        assert _count(store) == 10
    finally:
        runner.close()
    again = SyncRunner(store, SecretStore())
    try:
        again.sync_once(account)
    finally:
        again.close()
    assert _count(store) == 60
    store.close()
