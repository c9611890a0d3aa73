"""A bridge in tests: the test Synapse's application service for a network, posting as its
puppets and its bot the way mautrix bridges do (the AS token, ``?user_id=`` to act as one).

    bridge = MatrixBridge(server, "telegram")
    olga = bridge.puppet("123456", "Olga Petrova (Telegram)")   # @telegram_123456:localhost
    room = olga.direct_chat(alice.user_id)                       # alice joins it
    olga.say(room, "Привет!")
    bridge.bot.notice(room, "Telegram connection restored")
"""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import quote

import requests

from .synapse import AppService, MatrixUser, Synapse

_txn = itertools.count(1)


class MatrixBridge:
    """One network's bridge: registers puppets in its namespace and acts as them."""

    def __init__(self, server: Synapse, network: str) -> None:
        self.server = server
        self.service: AppService = server.bridge(network)
        self.bot = self._register(self.service.bot_localpart)  # as a bridge does on start

    def api(self, user_id: str, method: str, path: str, body: Any = None) -> Any:
        """One client-server call as `user_id` (a puppet or the bot), with the AS token."""
        sep = "&" if "?" in path else "?"
        response = requests.request(
            method,
            f"{self.server.url}/_matrix/client/v3{path}{sep}user_id={quote(user_id)}",
            json=body,
            headers={"Authorization": f"Bearer {self.service.as_token}"},
            timeout=30,
        )
        if not response.ok:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()

    def device(self, user: BridgedUser) -> MatrixUser:
        """A device of its own for a puppet or the bot (AS login), as a bridge that encrypts
        has: hand it to E2EPeer."""
        body = {
            "type": "m.login.application_service",
            "identifier": {"type": "m.id.user", "user": user.user_id},
        }
        response = requests.post(
            f"{self.server.url}/_matrix/client/v3/login",
            json=body,
            headers={"Authorization": f"Bearer {self.service.as_token}"},
            timeout=30,
        )
        if not response.ok:
            raise RuntimeError(f"logging in {user.user_id}: {response.status_code} {response.text}")
        data = response.json()
        return MatrixUser(data["user_id"], "", data["access_token"], data["device_id"])

    def puppet(self, remote_id: str, display_name: str = "") -> BridgedUser:
        """Register `<prefix><remote_id>` (as the bridge does on first sight) and name it."""
        user = self._register(self.service.puppet_prefix + remote_id)
        if display_name:
            user.set_name(display_name)
        return user

    def _register(self, localpart: str) -> BridgedUser:
        body = {"type": "m.login.application_service", "username": localpart}
        response = requests.post(
            f"{self.server.url}/_matrix/client/v3/register",
            json=body,
            headers={"Authorization": f"Bearer {self.service.as_token}"},
            timeout=30,
        )
        if not response.ok and response.json().get("errcode") != "M_USER_IN_USE":
            raise RuntimeError(f"registering {localpart}: {response.status_code} {response.text}")
        return BridgedUser(self, self.server.user_id(localpart))


class BridgedUser:
    """A puppet (or the bridge bot): makes rooms, joins, writes, as the bridge would."""

    def __init__(self, bridge: MatrixBridge, user_id: str) -> None:
        self.bridge = bridge
        self.user_id = user_id

    def api(self, method: str, path: str, body: Any = None) -> Any:
        return self.bridge.api(self.user_id, method, path, body)

    def set_name(self, display_name: str) -> None:
        body = {"displayname": display_name}
        self.api("PUT", f"/profile/{quote(self.user_id)}/displayname", body)

    def direct_chat(self, other: str) -> str:
        body = {"invite": [other], "is_direct": True, "preset": "trusted_private_chat"}
        return str(self.api("POST", "/createRoom", body)["room_id"])

    def room(self, name: str, invite: list[str]) -> str:
        """A named group, as a bridge makes one for a remote group chat."""
        body = {"name": name, "invite": invite, "preset": "private_chat"}
        return str(self.api("POST", "/createRoom", body)["room_id"])

    def invite(self, room_id: str, user_id: str) -> None:
        self.api("POST", f"/rooms/{room_id}/invite", {"user_id": user_id})

    def join(self, room_id: str) -> None:
        self.api("POST", f"/join/{room_id}", {})

    def send(self, room_id: str, content: dict[str, Any], *, ts: int = 0) -> str:
        """Post a message; `ts` (Unix ms) dates it, as a bridge dates what it relays."""
        path = f"/rooms/{room_id}/send/m.room.message/bridge{next(_txn)}"
        if ts:
            path += f"?ts={ts}"
        return str(self.api("PUT", path, content)["event_id"])

    def say(self, room_id: str, text: str, *, ts: int = 0) -> str:
        return self.send(room_id, {"msgtype": "m.text", "body": text}, ts=ts)

    def notice(self, room_id: str, text: str, *, ts: int = 0) -> str:
        return self.send(room_id, {"msgtype": "m.notice", "body": text}, ts=ts)
