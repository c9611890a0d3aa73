"""One OAuth2 sign-in at a time: the work on a task thread, the system browser opened here.

services.oauth.sign_in blocks until the browser comes back; it runs on the
bridge's task pool and hands the provider's page to `open_url`, which this
queues to the GUI thread for QDesktopServices (RFC 8252: the person's own
browser, never a form of ours). Cancel sets the event the sign-in waits on,
so its loopback port closes at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QByteArray, QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices

from unibox.ui.bridge import Bridge

log = logging.getLogger("unibox.ui.oauth")
T = TypeVar("T")
OpenUrl = Callable[[str], None]


class BrowserSignIn(QObject):
    """Runs `work(open_url, cancel)` on a task thread; answers of a cancelled run are dropped.

    Signals:
        page_opened(str, bool): the provider's page, and whether a browser took it
            (if not, the caller shows the address to open by hand).
    """

    page_opened = Signal(str, bool)
    _open = Signal(str)

    def __init__(self, bridge: Bridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._cancel: threading.Event | None = None
        self._open.connect(self._open_here, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        return self._cancel is not None

    def start(
        self,
        work: Callable[[OpenUrl, threading.Event], T],
        done: Callable[[T], None],
        failed: Callable[[Exception], None],
    ) -> None:
        """Start a sign-in (one that is still running is cancelled first)."""
        self.cancel()
        cancel = self._cancel = threading.Event()

        def open_url(url: str) -> None:
            if cancel.is_set():
                return
            try:
                self._open.emit(url)
            except RuntimeError:  # the dialog is gone: nobody is left to sign in
                cancel.set()

        def finished(result: T) -> None:
            if self._cancel is cancel:
                self._cancel = None
                done(result)

        def not_finished(exc: Exception) -> None:
            if self._cancel is cancel:
                self._cancel = None
                failed(exc)

        self._bridge.run(lambda: work(open_url, cancel), finished, not_finished)

    def cancel(self) -> None:
        """Stop waiting for the browser; whatever the sign-in answers later is dropped."""
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None

    @Slot(str)
    def _open_here(self, url: str) -> None:
        # Strict: the URL is already encoded; re-encoding could change `state`.
        qurl = QUrl.fromEncoded(QByteArray(url.encode("ascii")), QUrl.ParsingMode.StrictMode)
        opened = qurl.isValid() and QDesktopServices.openUrl(qurl)
        if not opened:
            log.warning("no browser took the sign-in page")
        self.page_opened.emit(url, bool(opened))
