"""How far a Matrix account trusts the devices it encrypts for and reads from.

A device seen for the first time is trusted on first use (nio's "ignored": it
gets the room keys, it is not "verified"). A message is marked with how its
sender's device stands: "verified", "tofu", "changed" (the keys it was sent
with are not the ones first seen for that device: never trusted silently),
"unknown" (a device not yet seen), "own" (this device), or "undecrypted".
"""

from __future__ import annotations

import logging
from typing import Any

from nio import AsyncClient
from nio.crypto import TrustState

from unibox.channels.matrix.pending import Keys, PendingEvents

log = logging.getLogger("unibox.channels.matrix")
Changed = list[tuple[str, str, str, str]]  # user, device, ed25519, curve25519


def device_keys(client: AsyncClient) -> dict[tuple[str, str], Keys]:
    """Each known device's keys, by (user, device id)."""
    store = client.device_store
    return {(u, d.id): (d.ed25519, d.curve25519) for u in store.users
            for d in store.active_user_devices(u)}  # fmt: skip


def distrust_changed(
    client: AsyncClient, answer: dict[str, Any], before: dict[tuple[str, str], Keys], *,
    name: str, pending: PendingEvents | None,
) -> None:  # fmt: skip
    """A known device whose keys are not the ones first seen is never trusted silently:
    it is blocked (no room keys from here) and its messages say "changed"."""
    for user, devices in answer.items():
        for device_id, payload in (devices or {}).items():
            keys = (payload or {}).get("keys") or {}
            now = (keys.get(f"ed25519:{device_id}"), keys.get(f"curve25519:{device_id}"))
            first = before.get((user, device_id))
            device = client.device_store[user].get(device_id)
            if first is None or now == first or device is None:
                continue
            log.warning("%s: the keys of %s's device %s changed", name, user, device_id)
            if pending is not None:
                pending.changed(user, device_id, now)
            client.blacklist_device(device)


def trust_new_devices(client: AsyncClient) -> None:
    """Trust on first use: a device never seen before gets room keys (nio's "ignored")."""
    store = client.device_store
    for user in list(store.users):
        for device in store.active_user_devices(user):
            if device.trust_state == TrustState.unset and device.id != client.device_id:
                client.ignore_device(device)


def trust_of(client: AsyncClient, event: Any, changed: Changed) -> str:
    """How the device that encrypted `event` stands: verified, tofu, changed, unknown, own."""
    sender, key = str(getattr(event, "sender", "")), getattr(event, "sender_key", "")
    olm = client.olm
    if olm is None:
        return "unknown"
    if sender == client.user_id and key == olm.account.identity_keys["curve25519"]:
        return "own"
    if any(u == sender and key == curve for u, _d, _ed, curve in changed):
        return "changed"
    devices = client.device_store.active_user_devices(sender)
    for device in devices:
        if device.curve25519 == key:
            if device.trust_state == TrustState.verified:
                return "verified"
            if device.trust_state == TrustState.blacklisted:
                return "changed"
            return "tofu"
    return "unknown"


def changed_words(changed: list[tuple[str, str]]) -> str:
    if not changed:
        return ""
    which = ", ".join(f"{user}'s device {device}" for user, device in changed)
    return (
        f"The encryption keys of {which} changed since unibox first saw it: it is not "
        "trusted (it gets no keys from here, and its messages are marked). Check with them."
    )
