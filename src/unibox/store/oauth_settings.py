"""How an OAuth2 mail account signs in, as its settings keep it (no ORM: the quick
no-change sync reads it too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class OAuthSettings:
    """How an OAuth2 account signs in (the refresh token itself is in the keyring)."""

    provider: str  # "google", "microsoft" or "custom"
    issuer: str
    client_id: str
    scopes: tuple[str, ...]
    authorization_endpoint: str
    token_endpoint: str

    @staticmethod
    def from_raw(raw: dict[str, Any]) -> OAuthSettings:
        return OAuthSettings(
            provider=str(raw.get("provider", "custom")),
            issuer=str(raw.get("issuer", "")),
            client_id=str(raw.get("client_id", "")),
            scopes=tuple(raw.get("scopes", ())),
            authorization_endpoint=str(raw.get("authorization_endpoint", "")),
            token_endpoint=str(raw.get("token_endpoint", "")),
        )
