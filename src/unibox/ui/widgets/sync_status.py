"""The status bar's sync corner: progress per account, offline and error states, Retry."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from unibox.ui.icons import pixmap

if TYPE_CHECKING:  # the sync engine loads after the first paint
    from unibox.sync.mail import Progress
    from unibox.sync.runner import SyncFailure

_PHASES = {
    "folders": "Checking folders",
    "headers": "Downloading the message list",
    "bodies": "Downloading messages",
    "flags": "Updating flags",
    "contacts": "Syncing contacts",  # an address book (ui/book_syncs.py)
}
BOOK_PREFIX = "Address book "  # how an address book's line starts (ui/book_syncs.book_label)


class SyncState(StrEnum):
    WAITING = "waiting"  # started, nothing heard yet
    SYNCING = "syncing"
    IDLE = "idle"  # up to date, watching for new mail
    OFFLINE = "offline"  # the server cannot be reached; retrying by itself
    ERROR = "error"  # stopped until the user acts (password, certificate, disk)


@dataclass(slots=True)
class AccountSync:
    """What the window knows about one account's sync."""

    name: str
    state: SyncState = SyncState.WAITING
    phase: str = ""
    folder: str = ""
    done: int = 0
    total: int = 0
    error: str = ""
    reauth: bool = False  # the error is a refused OAuth2 sign-in
    last_ok: float | None = None
    chat: bool = False  # a chat account (XMPP, …): it waits for messages, not mail

    def progress(self, p: Progress) -> None:
        if p.phase == "done":
            self.state, self.error, self.last_ok = SyncState.IDLE, "", time.time()
            self.phase, self.folder, self.done, self.total = "", "", 0, 0
            return
        self.state = SyncState.SYNCING
        self.error = ""
        self.phase, self.folder, self.done, self.total = p.phase, p.folder, p.done, p.total

    def failed(self, f: SyncFailure) -> None:
        self.state = SyncState.OFFLINE if f.retryable else SyncState.ERROR
        self.error = f.message
        self.reauth = f.reauth

    def kicked(self) -> None:
        """The user asked for a sync: show it at once, before the engine reports."""
        if self.state is not SyncState.SYNCING:
            self.state = SyncState.WAITING
            self.phase = ""

    def line(self) -> str:
        """One sentence about this account, for the bar or its tooltip."""
        if self.state is SyncState.ERROR:
            return f"{self.name}: {self.error}"
        if self.state is SyncState.OFFLINE:
            return f"{self.name} is offline: {self.error} Trying again by itself."
        if self.state is SyncState.WAITING:
            what = "new messages" if self.chat else "new mail"
            if self.name.startswith(BOOK_PREFIX):
                what = "changes"
            return f"{self.name}: checking for {what}…"
        if self.state is SyncState.SYNCING:
            what = _PHASES.get(self.phase, "Syncing")
            where = f" in {self.folder}" if self.folder and self.folder != "INBOX" else ""
            count = f" · {self.done:,} of {self.total:,}" if self.total else ""
            return f"{self.name}: {what}{where}{count}"
        when = f" · checked {_clock(self.last_ok)}" if self.last_ok else ""
        return f"{self.name}: up to date{when}"


def _clock(stamp: float) -> str:
    return f"{datetime.fromtimestamp(stamp):%H:%M}"


def summary(accounts: list[AccountSync]) -> tuple[str, AccountSync | None]:
    """The sentence the bar shows and the account it is about (None: all is well)."""
    order = (SyncState.ERROR, SyncState.OFFLINE, SyncState.SYNCING, SyncState.WAITING)
    for state in order:
        hit = [a for a in accounts if a.state is state]
        if hit:
            more = f" (and {len(hit) - 1} more)" if len(hit) > 1 else ""
            return hit[0].line() + more, hit[0]
    if len(accounts) == 1:
        return accounts[0].line(), None
    latest = max((a.last_ok for a in accounts if a.last_ok), default=None)
    when = f" · checked {_clock(latest)}" if latest else ""
    return f"All {len(accounts)} {_plural(accounts)} up to date{when}", None


def _plural(accounts: list[AccountSync]) -> str:
    books = sum(a.name.startswith(BOOK_PREFIX) for a in accounts)
    if not books:
        return "accounts"
    return "address books" if books == len(accounts) else "accounts and address books"


class SyncStatus(QWidget):
    """Shows how each account's sync is going; hidden while no account syncs.

    Signals:
        retry_requested(str): the Retry button, for this account.
        reauth_requested(str): "Sign in again" instead, for an account whose OAuth2
            sign-in was refused.
    """

    retry_requested = Signal(str)
    reauth_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SyncStatus")
        self.accounts: dict[str, AccountSync] = {}
        self._subject: AccountSync | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        self.icon = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("SyncProgress")
        self.bar.setTextVisible(False)
        self.bar.setFixedSize(110, 6)
        self.text = QLabel(self)
        self.text.setObjectName("SyncText")
        self.retry = QToolButton(self)
        self.retry.setObjectName("RetryButton")
        self.retry.setText("Retry")
        self.retry.setCursor(Qt.CursorShape.PointingHandCursor)
        self.retry.clicked.connect(self._retry)
        row.addWidget(self.icon)
        row.addWidget(self.bar)
        row.addWidget(self.text)
        row.addWidget(self.retry)
        row.addStretch(1)
        self.hide()

    def watch(self, names: list[str], chats: Iterable[str] = ()) -> None:
        """These accounts sync now (added ones are waiting for their first report); `chats`:
        which of them are chat accounts."""
        chat = set(chats)
        for name in names:
            self.accounts.setdefault(name, AccountSync(name)).chat = name in chat
        self._render()

    def forget(self, name: str) -> None:
        """The account is gone (removed in Settings): no line for it any more."""
        if self.accounts.pop(name, None) is not None:
            self._render()

    def on_progress(self, p: Progress) -> None:
        self.accounts.setdefault(p.account, AccountSync(p.account)).progress(p)
        self._render()

    def on_failure(self, f: SyncFailure) -> None:
        self.accounts.setdefault(f.account, AccountSync(f.account)).failed(f)
        self._render()

    def kicked(self, names: list[str]) -> None:
        for name in names:
            self.accounts.setdefault(name, AccountSync(name)).kicked()
        self._render()

    @property
    def sentence(self) -> str:
        return self.text.text()

    def _retry(self) -> None:
        if self._subject is None:
            return
        if self._subject.state is SyncState.ERROR and self._subject.reauth:
            self.reauth_requested.emit(self._subject.name)
        else:
            self.retry_requested.emit(self._subject.name)

    def _render(self) -> None:
        accounts = list(self.accounts.values())
        self.setVisible(bool(accounts))
        if not accounts:
            return
        text, subject = summary(accounts)
        self._subject = subject
        state = subject.state if subject is not None else SyncState.IDLE
        self.text.setText(text)
        self.setToolTip("\n".join(a.line() for a in accounts))
        busy = state in (SyncState.SYNCING, SyncState.WAITING)
        self.bar.setVisible(busy)
        if busy and subject is not None and subject.total:
            self.bar.setRange(0, subject.total)
            self.bar.setValue(min(subject.done, subject.total))
        elif busy:
            self.bar.setRange(0, 0)  # busy: Qt animates it
        self.retry.setVisible(state in (SyncState.ERROR, SyncState.OFFLINE))
        reauth = state is SyncState.ERROR and subject is not None and subject.reauth
        self.retry.setText("Sign in again…" if reauth else "Retry")
        self.retry.setToolTip(
            "Sync this account again now" if subject is None else f"Sync {subject.name} again now"
        )
        if reauth and subject is not None:
            self.retry.setToolTip(f"Sign {subject.name} in again (Settings › Accounts)")
        self.text.setProperty("problem", state is SyncState.ERROR)
        self.text.style().unpolish(self.text)
        self.text.style().polish(self.text)
        icon = {SyncState.ERROR: "warning", SyncState.OFFLINE: "offline"}.get(state, "")
        self.icon.setVisible(bool(icon))
        if icon:
            colour = self.palette().color(
                QPalette.ColorRole.Shadow
                if state is SyncState.OFFLINE
                else QPalette.ColorRole.PlaceholderText
            )
            self.icon.setPixmap(pixmap(icon, "#d9534f" if state is SyncState.ERROR else colour))
