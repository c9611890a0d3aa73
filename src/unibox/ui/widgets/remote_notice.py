"""The reading pane's bar about remote content: what was blocked, and the choice to load it."""

from __future__ import annotations

import html
import urllib.parse

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from unibox.ui.widgets.notice_bar import NoticeBar


class RemoteScope:
    """Whether a message's remote images may load, and why."""

    BLOCKED = ""
    MESSAGE = "message"  # this message, once
    SENDER = "sender"  # always for this sender (the allow list in the settings)


class RemoteNotice(NoticeBar):
    """Says which remote images were blocked, and offers to load them (or to stop).

    Signals:
        requested(str): "message" (load this once), "sender" (always for this
            sender) or "stop" (no longer for this sender).
    """

    requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("shield", parent)
        self.load_once = self.add_action(
            "message", "Load for this message", lambda: self.requested.emit("message")
        )
        self.load_always = self.add_action(
            "sender", "Always for this sender", lambda: self.requested.emit("sender")
        )
        self.stop_always = self.add_action(
            "stop", "Stop for this sender", lambda: self.requested.emit("stop")
        )

    def show_blocked(self, urls: list[str], scope: str, *, sender_images_shown: bool) -> None:
        """`urls` the body did not load; `scope` is a RemoteScope; `sender_images_shown`
        when the HTML shown wants remote images that the sender's permission lets load."""
        remote = [u for u in urls if u.lower().startswith(("http:", "https:", "//"))]
        if scope == RemoteScope.SENDER and sender_images_shown:
            self.say("Remote images are shown because you allowed them for this sender.", ("stop",))
            return
        if not urls:
            self.say("")
            return
        hosts = list(dict.fromkeys(urllib.parse.urlsplit(u).hostname or u[:40] for u in urls))
        if len(hosts) > 2:
            where = f"{hosts[0]}, {hosts[1]} and {len(hosts) - 2} more"
        else:
            where = " and ".join(hosts)
        things = "1 remote image was" if len(urls) == 1 else f"{len(urls)} remote images were"
        can_load = bool(remote) and scope == RemoteScope.BLOCKED
        self.say(
            f"<b>Remote content blocked.</b> {things} not loaded from {html.escape(where)}, "
            "so the sender cannot see that you opened this message.",
            ("message", "sender") if can_load else (),
        )
