"""The composition root: builds the store, the bridge and the window, then runs Qt."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from unibox.config import SYNC_INTERVAL, THEME, Settings, profile_dir, store_path
from unibox.core.errors import UserError
from unibox.core.items import ChangeSet
from unibox.store.store import Store
from unibox.ui.bridge import Bridge
from unibox.ui.icons import app_icon
from unibox.ui.main_window import MainWindow
from unibox.ui.theme import apply_theme, follow_system, set_theme_choice, theme_choice

if TYPE_CHECKING:
    from unibox.secrets import SecretStore

log = logging.getLogger("unibox.app")

# Set to 1 and the app prints "unibox-first-paint <unix time>" to stderr when
# the message list first paints real rows (benchmarks/bench_ui.py reads it).
FIRST_PAINT_ENV = "UNIBOX_REPORT_FIRST_PAINT"


def application() -> QApplication:
    """The one QApplication, themed (created if needed)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
        app.setApplicationName("unibox")
        app.setDesktopFileName("unibox")
        app.setWindowIcon(app_icon())
        apply_theme(app)
        follow_system(app)
    return app


@contextmanager
def open_profile(profile: str | None, demo: bool) -> Iterator[Store]:
    """The store of the profile; for the demo, a fresh one in a temporary directory."""
    if not demo:
        store = Store(store_path(profile_dir(profile)))
        try:
            yield store
        finally:
            store.close()
        return
    from unibox.demo import build_demo_profile

    folder = Path(tempfile.mkdtemp(prefix="unibox-demo-"))
    store = Store(store_path(folder))
    try:
        build_demo_profile(store, imports=True)
        yield store
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)


def build_window(
    store: Store,
    *,
    demo: bool = False,
    sync: bool = False,
    secrets: SecretStore | None = None,
) -> MainWindow:
    """The main window on a store, loading its first view.

    With `sync`, every mail account starts syncing on its own background
    thread (see start_syncing); the caller stops them with window.syncs.stop().
    Settings live beside the store, in its profile folder.
    """
    settings = Settings(store.path.parent)
    _apply_saved_theme(settings)
    window = MainWindow(Bridge(store), demo=demo, settings=settings)
    window.start()
    if sync:
        start_syncing(window, store, secrets)
    return window


def _apply_saved_theme(settings: Settings) -> None:
    """Light or dark as chosen in Settings › General; "system" leaves the theme as it is."""
    app = QApplication.instance()
    choice = settings.get(THEME)
    if isinstance(app, QApplication) and choice != theme_choice(app):
        set_theme_choice(app, choice)


def start_syncing(window: MainWindow, store: Store, secrets: SecretStore | None = None) -> None:
    """SyncRunner.watch for every mail account, each on its own thread, never the GUI's.

    Imported and started only now: the sync engine and the keyring cost
    a few hundred milliseconds to load, which the first paint does not wait for.
    """
    from unibox.secrets import SecretStore
    from unibox.store.accounts import list_accounts
    from unibox.ui.sync_service import SyncService

    bridge = window.bridge
    syncs = SyncService(
        store,
        secrets or SecretStore(),
        interval=float(Settings(store.path.parent).get(SYNC_INTERVAL)),
        on_progress=bridge.post_progress,
        on_changes=bridge.post_changes,
        on_failure=bridge.post_failure,
    )
    window.attach_syncs(syncs)
    with store.read() as s:
        accounts = list_accounts(s)
    syncs.start(accounts)
    window.accounts.show_syncing(syncs.account_names + syncs.start_books())


def read_stored_invitations(window: MainWindow) -> None:
    """Once per stored message: the invitations of mail stored before events existed."""

    def work() -> ChangeSet:
        from unibox.store.event_backfill import backfill_invitations

        return backfill_invitations(window.bridge.store)

    def failed(exc: Exception) -> None:
        log.warning("stored invitations could not be read: %s", exc)

    window.bridge.run(work, window.bridge.post_changes, failed)


def check_store_in_background(window: MainWindow) -> None:
    """SQLite's quick_check on a task thread once the inbox is painted: damage inside the
    file is said in words (the CLI's sentence) before some query trips on it."""
    store = window.bridge.store

    def shown(problems: list[str]) -> None:
        if not problems:
            return
        from PySide6.QtWidgets import QMessageBox

        from unibox.store.health import damage_sentence

        sentence = damage_sentence(store.path, f"SQLite's check: {problems[0]}")
        box = QMessageBox(QMessageBox.Icon.Warning, "The store is damaged", sentence, parent=window)
        box.setObjectName("StoreDamagedBox")
        box.open()

    window.bridge.run(store.quick_check, shown, lambda exc: shown([str(exc)]))


class _FirstPaint(QObject):
    """Prints the moment the message list is first painted with loaded rows."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        window.message_list.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._window.messages.cached_row(0) is not None:
            stamp = time.time()
            watched.removeEventFilter(self)
            print(f"unibox-first-paint {stamp:.6f}", file=sys.stderr, flush=True)
        return False


def _after_first_list(window: MainWindow, then: Callable[[], object]) -> None:
    """Run `then` once the first list has arrived and had a moment to paint (at most 2 s on)."""
    pending = [True]

    def run() -> None:
        if pending[0]:
            pending[0] = False
            then()

    def loaded(_count: int) -> None:
        window.messages.loaded.disconnect(loaded)
        QTimer.singleShot(50, run)

    window.messages.loaded.connect(loaded)
    QTimer.singleShot(2000, run)  # a profile whose first list never comes still syncs


def _quit_on_signals(window: MainWindow) -> QTimer:
    """Ctrl+C and SIGTERM quit like Ctrl+Q (even from the tray), so a demo profile is cleaned up."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_args: window.quit())
    # Python runs signal handlers only between bytecodes: wake it now and then.
    wake = QTimer()
    wake.start(300)
    wake.timeout.connect(lambda: None)
    return wake


def run_gui(profile: str | None, demo: bool) -> int:
    app = application()
    try:
        with open_profile(profile, demo) as store:
            window = build_window(store, demo=demo)
            if os.environ.get(FIRST_PAINT_ENV):
                _FirstPaint(window)
            window.show()
            from unibox.ui.tray import attach_tray

            attach_tray(window)  # the tray icon, and a notification for new mail
            if not demo:  # once the inbox is painted: loading the sync side takes ~0.4 s
                _after_first_list(window, lambda: start_syncing(window, store))
                _after_first_list(window, lambda: read_stored_invitations(window))
                _after_first_list(window, lambda: check_store_in_background(window))
            wake = _quit_on_signals(window)
            code = app.exec()
            wake.stop()
            if window.syncs is not None:
                window.syncs.stop()  # the window is already gone; this may take a few seconds
            window.bridge.close()
            return code
    except UserError as exc:
        return _cannot_start(str(exc))
    except OSError as exc:
        return _cannot_start(f"The profile could not be opened: {exc.strerror or exc}.")


def _cannot_start(sentence: str) -> int:
    """The reason the window cannot open, in a dialog (and on stderr for a terminal)."""
    from PySide6.QtWidgets import QMessageBox

    print(f"unibox: {sentence}", file=sys.stderr)
    QMessageBox.critical(None, "unibox cannot open your mail", sentence)
    return 1
