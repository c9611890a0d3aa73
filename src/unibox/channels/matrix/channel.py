"""MatrixChannel: one Matrix account as a Channel (channels/base.py), with matrix-nio.

A direct chat (a room without a name of the user and one other person) is
the conversation with that person, keyed by their user id; any other room is
a group keyed by its room id. Messages are keyed by event id, so an event
seen live, in a sync and in a room's history is stored once.

`connect` restores the session from the keyring (token and device id, see
session.py) and makes one sync that learns the rooms, the invitations and each
room's newest events. The histories: "" is that sync (the newest of every
room, and the invitations: a first sync shows them at once); then one per
room, read forward from its stored cursor (`newest`: a sync or pagination
token) and, until complete, back from `oldest`. `live()` long-polls /sync.
Sending uses the outbox row's origin id as the transaction id, so the
homeserver takes a retried send once; into an invited room, it first accepts
the invitation; to a person without a direct chat, it starts one. With a
`keys_dir` setting it does end-to-end encryption (crypto.py): encrypted rooms
are read and written, and each encrypted message comes with an "e2e" change
saying how its sender's device is trusted.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from unibox.channels.base import Capabilities
from unibox.channels.matrix.connection import FIRST_TIMELINE, LAZY, PAGE, Item
from unibox.channels.matrix.crypto import ImportResult
from unibox.channels.matrix.devices import DeviceView, list_devices, verify_device
from unibox.channels.matrix.history import HISTORY_FILTER, History, page
from unibox.channels.matrix.live import LIVE_TIMEOUT_MS, Live
from unibox.channels.matrix.rooms import LISTED_MEMBERS
from unibox.channels.matrix.sending import Sending
from unibox.core.errors import ChannelError

__all__ = [
    "FIRST_TIMELINE", "HISTORY_FILTER", "LAZY", "LISTED_MEMBERS", "LIVE_TIMEOUT_MS", "PAGE",
    "Item", "MatrixChannel", "page",
]  # fmt: skip


class MatrixChannel(History, Live, Sending):
    """A Matrix account: direct chats and rooms, their history, live sync, sending.

    Its parts: connection.py (session, syncs, room views), rooms.py (direct or group),
    history.py (backfill), live.py (live sync), sending.py (messages, files, read markers).
    """

    kind: ClassVar[str] = "matrix"
    capabilities: ClassVar[Capabilities] = Capabilities(
        group_chats=True, history=True, threads=True, read_markers=True, edits=True,
        reactions=True, attachments=True,
    )  # fmt: skip

    # ------------------------------------------------------------------ end-to-end

    async def import_keys(self, path: Path, passphrase: str) -> ImportResult:
        """Room keys from an export file, and the waiting messages they decrypt."""
        if self.e2e is None:
            raise ChannelError("This account keeps no end-to-end keys.", retryable=False)
        return await self.e2e.import_keys(self._require(), path, passphrase, self.view)

    def devices(self) -> list[DeviceView]:
        """The devices this account's encryption knows, with their trust."""
        return list_devices(self._require())

    def verify_device(self, user: str, device_id: str, seen: str) -> DeviceView:
        return verify_device(self._require(), user, device_id, seen)
