"""The client secret that comes with a provider's client id (Google's desktop apps have one).

RFC 8252 §8.5: a desktop app's secret is no real secret, but it is handled as
one here all the same: it lives in the keyring (under "oauth-client:PROVIDER"),
never in settings.json. The client id itself is a setting (unibox.config).
"""

from __future__ import annotations

from unibox.secrets import SecretStore, SecretStoreError


def client_secret_ref(provider: str) -> str:
    return f"oauth-client:{provider}"


def stored_client_secret(secrets: SecretStore, provider: str) -> str:
    """The secret kept for the provider's client id; "" when none is."""
    try:
        return secrets.get(client_secret_ref(provider))
    except SecretStoreError:
        return ""


def keep_client_secret(secrets: SecretStore, provider: str, secret: str) -> None:
    """Keep (or, when empty, forget) the secret of the provider's client id."""
    if secret:
        secrets.set(client_secret_ref(provider), secret)
    else:
        secrets.delete(client_secret_ref(provider))
