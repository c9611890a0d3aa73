"""The invitation card's Accept / Tentative / Decline: the answer queued, then sent by the sync."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from unibox.config import UNDO_SEND_SECONDS
from unibox.core.errors import UserError
from unibox.ui.bridge import Bridge
from unibox.ui.preferences import Preferences
from unibox.ui.widgets.message_view import MessageView

if TYPE_CHECKING:
    from unibox.services.event_actions import Answered

log = logging.getLogger("unibox.ui")

KICK_AFTER_MS = 1500  # after the undo delay, so the sync finds the REPLY due
_SAID = {"accepted": "Accepted", "tentative": "Answered tentative", "declined": "Declined"}


class InvitationAnswers(QObject):
    """Turns an answer on the card into a REPLY in the outbox (off the GUI thread).

    The REPLY waits the undo delay like any message, so a change of mind in
    that time replaces it; then the account's sync is asked to send it.
    """

    def __init__(
        self,
        bridge: Bridge,
        view: MessageView,
        prefs: Preferences,
        syncs: Callable[[], Any],
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._bridge = bridge
        self._prefs = prefs
        self._syncs = syncs
        self._window = window
        self._card = view.header.invitation
        view.invitation_answered.connect(self.answer)

    def answer(self, uid: str, answer: str) -> None:
        from unibox.services.event_actions import respond  # the send path loads on first use

        store, undo = self._bridge.store, int(self._prefs.get(UNDO_SEND_SECONDS))
        self._bridge.run(
            lambda: respond(store, uid, answer, undo_seconds=undo), self._done, self._failed
        )

    def _done(self, answered: Answered) -> None:
        shown = self._card.invitation
        if shown is not None and shown.meeting.uid == answered.uid:
            self._card.show_my_status(answered.partstat)  # over a reload read before the write
        said = _SAID.get(answered.partstat, "Answered")
        if answered.item is None or answered.account is None:
            self._say(f"{said}; the organizer already has this answer.")
            return
        where = f" It is in “{answered.calendar}”." if answered.calendar else ""
        self._say(f"{said}; the organizer is told by mail.{where}")
        name = answered.account.name
        due = (answered.item.send_at - datetime.now(UTC).timestamp()) * 1000
        QTimer.singleShot(max(0, int(due)) + KICK_AFTER_MS, self, lambda: self._kick(name))

    def _kick(self, account: str) -> None:
        syncs = self._syncs()
        if syncs is not None:
            syncs.sync_now(account)

    def _failed(self, exc: Exception) -> None:
        if not isinstance(exc, UserError):
            log.error("answering an invitation failed", exc_info=exc)
        self._say(str(exc) if isinstance(exc, UserError) else "The answer could not be queued.")

    def _say(self, text: str) -> None:
        status = getattr(self._window, "statusBar", None)
        if status is not None:
            status().showMessage(text, 8000)
