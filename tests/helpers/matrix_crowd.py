"""A big Matrix room, made fast: members registered and joined by an application service.

    server = crowd_synapse().start()                  # a Synapse with the "crowd" service
    made = fill_room(server, room_id, 10_000)          # @crowd_1 … @crowd_10000 joined
    made.seconds, made.per_second

One registration (``m.login.application_service``, no login) and one join
(``?user_id=``) per member, a few at a time over keep-alive connections: no
password hashing, no access token, no rate limit. The members never write.
"""

from __future__ import annotations

import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import quote

import requests

from .synapse import AppService, Synapse

CROWD = "crowd"


@dataclass(frozen=True)
class Filled:
    members: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.members / self.seconds if self.seconds else 0.0


def crowd_synapse() -> Synapse:
    """A Synapse (not started) with an application service owning ``@crowd_…``."""
    server = Synapse()
    server.bridges[CROWD] = AppService(CROWD, secrets.token_hex(16), "crowd_", "crowdbot")
    return server


def fill_room(server: Synapse, room_id: str, count: int, *, workers: int = 4) -> Filled:
    """Register `count` members and join them to the (public) room; how long it took."""
    service = server.bridges[CROWD]
    headers = {"Authorization": f"Bearer {service.as_token}"}
    local = threading.local()
    base = f"{server.url}/_matrix/client/v3"

    def one(i: int) -> None:
        http = getattr(local, "http", None)
        if http is None:
            http = local.http = requests.Session()
        localpart = f"{service.puppet_prefix}{i}"
        body = {"type": "m.login.application_service", "username": localpart,
                "inhibit_login": True}  # fmt: skip
        r = http.post(f"{base}/register", json=body, headers=headers, timeout=60)
        if not r.ok and r.json().get("errcode") != "M_USER_IN_USE":
            raise RuntimeError(f"registering {localpart}: {r.status_code} {r.text}")
        user = quote(server.user_id(localpart))
        r = http.post(f"{base}/join/{quote(room_id)}?user_id={user}", json={}, headers=headers,
                      timeout=60)  # fmt: skip
        if not r.ok:
            raise RuntimeError(f"joining {localpart}: {r.status_code} {r.text}")

    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        for _ in pool.map(one, range(1, count + 1)):
            pass
    return Filled(count, time.monotonic() - started)
