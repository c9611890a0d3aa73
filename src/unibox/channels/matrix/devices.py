"""The devices an account's encryption knows, and verifying one by its fingerprint.

A device is trusted on first use (crypto.py); verifying it is comparing its
fingerprint (its ed25519 key, as Element shows it under the session's details)
with what its owner reads on that device, then saying so here. Its messages
are then marked "verified". A device whose keys changed cannot be verified
with its new keys: unibox keeps the ones first seen (see crypto.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from nio import AsyncClient
from nio.crypto import TrustState

from unibox.core.errors import ChannelError

TRUST_NAMES = {
    TrustState.verified: "verified",
    TrustState.ignored: "trusted on first use",
    TrustState.blacklisted: "not trusted (its keys changed)",
    TrustState.unset: "not trusted yet",
}


@dataclass(frozen=True, slots=True)
class DeviceView:
    user_id: str
    device_id: str
    name: str
    fingerprint: str  # the ed25519 key in groups of four, as Element shows it
    trust: str


def fingerprint(key: str) -> str:
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _plain(text: str) -> str:
    return "".join(text.split())


def list_devices(client: AsyncClient) -> list[DeviceView]:
    store = client.device_store
    return [
        DeviceView(
            user,
            d.id,
            d.display_name or "",
            fingerprint(d.ed25519),
            TRUST_NAMES.get(d.trust_state, str(d.trust_state)),
        )
        for user in sorted(store.users)
        for d in sorted(store.active_user_devices(user), key=lambda d: d.id)
        if not (user == client.user_id and d.id == client.device_id)
    ]


def verify_device(client: AsyncClient, user: str, device_id: str, seen: str) -> DeviceView:
    """Mark the device verified if `seen` (its fingerprint as read on it) is its key."""
    device = client.device_store[user].get(device_id) if user in client.device_store.users else None
    if device is None:
        raise ChannelError(
            f"unibox knows no device {device_id} of {user} (sync first, or check the id).",
            retryable=False,
        )
    if device.blacklisted:
        raise ChannelError(
            f"The keys of {user}'s device {device_id} changed since unibox first saw it; it "
            "cannot be verified with them. Ask them to sign in anew (a new device).",
            retryable=False,
        )
    if _plain(seen) != _plain(device.ed25519):
        raise ChannelError(
            f"That fingerprint is not the one of {user}'s device {device_id}: it was not "
            "verified. Compare again, character by character.",
            retryable=False,
        )
    client.verify_device(device)
    return next(d for d in list_devices(client) if (d.user_id, d.device_id) == (user, device_id))
