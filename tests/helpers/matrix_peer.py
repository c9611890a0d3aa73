"""The other side of a Matrix chat in tests: a user of the test Synapse acting through its API."""

from __future__ import annotations

import itertools
from typing import Any

from unibox.channels.base import ChannelAccount

from .synapse import MatrixUser, Synapse

_txn = itertools.count(1)


class MatrixPeer:
    """A registered user who makes rooms, invites, joins, writes, edits, reacts, redacts."""

    def __init__(self, server: Synapse, user: MatrixUser) -> None:
        self.server = server
        self.user = user

    @property
    def user_id(self) -> str:
        return self.user.user_id

    def api(self, method: str, path: str, body: Any = None) -> Any:
        return self.server.api(self.user.access_token, method, path, body)

    def direct_chat(self, other: str) -> str:
        body = {"invite": [other], "is_direct": True, "preset": "trusted_private_chat"}
        return str(self.api("POST", "/createRoom", body)["room_id"])

    def room(self, name: str, invite: list[str]) -> str:
        body = {"name": name, "invite": invite, "preset": "private_chat"}
        return str(self.api("POST", "/createRoom", body)["room_id"])

    def join(self, room_id: str) -> None:
        self.api("POST", f"/join/{room_id}", {})

    def send_event(self, room_id: str, kind: str, content: dict[str, Any]) -> str:
        path = f"/rooms/{room_id}/send/{kind}/peer{next(_txn)}"
        return str(self.api("PUT", path, content)["event_id"])

    def say(self, room_id: str, text: str, *, reply_to: str = "") -> str:
        content: dict[str, Any] = {"msgtype": "m.text", "body": text}
        if reply_to:
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
        return self.send_event(room_id, "m.room.message", content)

    def edit(self, room_id: str, event_id: str, text: str) -> str:
        content = {
            "msgtype": "m.text",
            "body": f"* {text}",
            "m.new_content": {"msgtype": "m.text", "body": text},
            "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
        }
        return self.send_event(room_id, "m.room.message", content)

    def react(self, room_id: str, event_id: str, key: str) -> str:
        rel = {"rel_type": "m.annotation", "event_id": event_id, "key": key}
        return self.send_event(room_id, "m.reaction", {"m.relates_to": rel})

    def redact(self, room_id: str, event_id: str) -> None:
        self.api("PUT", f"/rooms/{room_id}/redact/{event_id}/peer{next(_txn)}", {})

    def upload(self, data: bytes, content_type: str, filename: str = "") -> str:
        """Put a file on the homeserver as this user; its mxc:// URI."""
        import requests

        response = requests.post(
            f"{self.server.url}/_matrix/media/v3/upload",
            params={"filename": filename} if filename else None,
            data=data,
            headers={
                "Authorization": f"Bearer {self.user.access_token}",
                "Content-Type": content_type,
            },
            timeout=30,
        )
        if not response.ok:
            raise RuntimeError(f"upload: {response.status_code} {response.text}")
        return str(response.json()["content_uri"])

    def send_file(
        self,
        room_id: str,
        data: bytes,
        filename: str,
        content_type: str,
        *,
        msgtype: str = "m.file",
        caption: str = "",
        info: dict[str, Any] | None = None,
    ) -> tuple[str, str]:
        """Upload a file and post it (m.file, m.image, …): (event id, mxc URI)."""
        uri = self.upload(data, content_type, filename)
        content: dict[str, Any] = {
            "msgtype": msgtype,
            "body": caption or filename,
            "url": uri,
            "info": {"mimetype": content_type, "size": len(data), **(info or {})},
        }
        if caption:
            content["filename"] = filename
        return self.send_event(room_id, "m.room.message", content), uri

    def send_encrypted_file(
        self, room_id: str, data: bytes, filename: str, content_type: str, *, tamper: bool = False
    ) -> str:
        """Post a file as an end-to-end encrypted room does: `content.file` (EncryptedFile),
        its ciphertext uploaded; with `tamper`, the hash given is of other bytes."""
        from nio.crypto.attachments import encrypt_attachment

        ciphertext, keys = encrypt_attachment(data)
        uri = self.upload(ciphertext, "application/octet-stream")
        if tamper:
            keys["hashes"] = dict(encrypt_attachment(data + b"!")[1]["hashes"])
        content = {
            "msgtype": "m.file",
            "body": filename,
            "file": {"url": uri, **keys},
            "info": {"mimetype": content_type, "size": len(data)},
        }
        return self.send_event(room_id, "m.room.message", content)

    def read_up_to(self, room_id: str, event_id: str) -> None:
        self.api("POST", f"/rooms/{room_id}/receipt/m.read/{event_id}", {})

    def messages(self, room_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """The room's messages as this user sees them, newest first."""
        page = self.api("GET", f"/rooms/{room_id}/messages?dir=b&limit={limit}")
        return [e for e in page["chunk"] if e["type"] == "m.room.message"]

    def logout(self) -> None:
        self.api("POST", "/logout", {})


def matrix_account(server: Synapse, user: MatrixUser, name: str = "mx") -> ChannelAccount:
    """A ChannelAccount for `user` with its first session (as the keyring would hand it)."""
    from unibox.channels.matrix.session import Session

    secret = Session(user.user_id, user.access_token, user.device_id).dump()
    return ChannelAccount(
        name=name, address=user.user_id, secret=secret, settings={"homeserver": server.url}
    )
