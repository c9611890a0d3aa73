"""Sending from a Matrix account: messages, files and read markers.

Sending uses the outbox row's origin id as the transaction id, so the
homeserver takes a retried send once; into an invited room, it first accepts
the invitation; to a person without a direct chat, it starts one, encrypted
(an account without end-to-end keys starts none: it is said, not sent in clear).
"""

from __future__ import annotations

from typing import Any

from nio import RoomPreset

from unibox.channels.base import SendResult
from unibox.channels.matrix.connection import Connection
from unibox.core.errors import ChannelError
from unibox.core.identity import normalize_matrix

# A chat unibox starts is end-to-end encrypted, as Element's are (a state event at creation).
ENCRYPTED_ROOM = {"type": "m.room.encryption", "state_key": "",
                  "content": {"algorithm": "m.megolm.v1.aes-sha2"}}  # fmt: skip


class Sending(Connection):
    """Messages, files and read markers to a conversation (a person or a room)."""

    async def _room_for(self, conversation: str) -> str:
        client = self._require()
        invited = [rid for rid, m in self._invites.items() if conversation in (rid, m.conversation)]
        if invited:
            await self._call(client.join(invited[0]), "accept the invitation")
            self._invites.pop(invited[0], None)
            return invited[0]
        if conversation.startswith("!"):
            return conversation
        peer = normalize_matrix(conversation)
        if not peer:
            raise ChannelError(f"“{conversation}” is not a Matrix user or room.", retryable=False)
        for room in client.rooms.values():
            if self._view(room).ref == peer:
                return str(room.room_id)
        if peer not in self._started:
            if self.e2e is None:  # never a new chat in clear text (docs/decisions.md)
                raise ChannelError(
                    f"{self.account.name} cannot start an encrypted chat with {peer}: it keeps "
                    "no end-to-end keys. unibox starts no unencrypted chats.", retryable=False
                )  # fmt: skip
            created = await self._call(
                client.room_create(is_direct=True, preset=RoomPreset.trusted_private_chat,
                                   invite=[peer], initial_state=[ENCRYPTED_ROOM]),
                "start an encrypted chat (unibox starts no unencrypted chats)",
            )  # fmt: skip
            self._started[peer] = str(created.room_id)
        return self._started[peer]

    async def send(
        self, conversation: str, text: str, *, origin_id: str, reply_to: str = ""
    ) -> SendResult:
        client = self._require()
        room_id = await self._room_for(conversation)
        content: dict[str, Any] = {"msgtype": "m.text", "body": text}
        if reply_to.startswith("$"):
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
        if self.e2e is not None and room_id not in client.rooms:
            await self._learn_rooms()  # just made or joined: nio must know it to encrypt
        sent = await self._call(
            client.room_send(room_id, "m.room.message", content, tx_id=origin_id or None,
                             ignore_unverified_devices=True), "send the message")  # fmt: skip
        return SendResult(str(sent.event_id))

    async def upload_file(
        self, conversation: str, filename: str, content_type: str, data: bytes
    ) -> tuple[str, str]:
        """Put a file on the homeserver for `conversation`: its mxc URI and `details` (for an
        encrypted room the file is encrypted first and `details` holds its keys)."""
        from unibox.channels.matrix import media_send as media

        client = self._require()
        room_id = await self._room_for(conversation)
        if self.e2e is not None and room_id not in client.rooms:
            await self._learn_rooms()  # just made or joined: is it encrypted?
        room = client.rooms.get(room_id)
        details = ""
        if room is not None and room.encrypted:
            data, details = media.encrypt(data)
            content_type = "application/octet-stream"
        uri = await media.upload(
            self.url, self.session.access_token, data, filename=filename,
            content_type=content_type, account=self.account.name, ca_file=self.account.ca_file,
        )  # fmt: skip
        return uri, details

    async def send_file(
        self, conversation: str, *, filename: str, content_type: str, size: int, remote: str,
        details: str, caption: str, origin_id: str, reply_to: str = "",
    ) -> SendResult:  # fmt: skip
        """Send a file already uploaded (`remote`, from upload_file) as an m.file/m.image/…"""
        from unibox.channels.matrix import media_send as media

        client = self._require()
        room_id = await self._room_for(conversation)
        content = media.file_content(
            filename=filename, content_type=content_type, size=size, remote=remote,
            details=details, caption=caption,
        )  # fmt: skip
        if reply_to.startswith("$"):
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
        if self.e2e is not None and room_id not in client.rooms:
            await self._learn_rooms()
        sent = await self._call(
            client.room_send(room_id, "m.room.message", content, tx_id=origin_id or None,
                             ignore_unverified_devices=True), "send the file")  # fmt: skip
        return SendResult(str(sent.event_id))

    async def mark_read(self, conversation: str, remote_id: str) -> None:
        """The user read `conversation` up to `remote_id` here: tell the homeserver."""
        client = self._require()
        room_id = await self._room_for(conversation)
        await self._call(
            client.room_read_markers(room_id, remote_id, remote_id), "mark the chat read"
        )
