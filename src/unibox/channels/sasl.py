"""What a mail server is signed in with: a password, or an OAuth2 bearer token.

A password is a plain `str`, as it always was. An OAuth2 account hands the
channels a `TokenSource`: `token()` gives an access token that is valid now
(renewed ahead of its expiry), `stale(token)` says a server refused it, so the
next `token()` renews it. The channels sign in with SASL XOAUTH2 or
OAUTHBEARER (RFC 7628), whichever the server offers, and after a refusal try
once more with a renewed token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar, runtime_checkable

from unibox.core.errors import AuthError, ChannelError

T = TypeVar("T")


@runtime_checkable
class TokenSource(Protocol):
    """Access tokens for one account (services/oauth.py keeps the refresh token)."""

    @property
    def reauth_hint(self) -> str:
        """What the person does when no token works any more, as a sentence."""
        ...

    def token(self) -> str: ...

    def stale(self, token: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Bearer:
    """One fixed access token: for a worker process, or a check of a token as it is."""

    access_token: str = field(repr=False)
    reauth_hint: str = "Sign in to the account again."

    def token(self) -> str:
        return self.access_token

    def stale(self, token: str) -> None:
        """Nothing to renew with."""


Credential = str | TokenSource


def portable(credential: Credential) -> str | Bearer:
    """What another process can be given: the password, or the token valid now."""
    if isinstance(credential, str):
        return credential
    return Bearer(credential.token(), credential.reauth_hint)


def mechanism(offered: set[str]) -> str:
    """OAUTHBEARER (the standard) where offered, else XOAUTH2 (Google's and Microsoft's)."""
    return "OAUTHBEARER" if "OAUTHBEARER" in offered else "XOAUTH2"


def initial_response(mech: str, user: str, token: str) -> str:
    """The client's first message of XOAUTH2 or OAUTHBEARER (RFC 7628 §3.1)."""
    if mech == "OAUTHBEARER":
        authzid = user.replace("=", "=3D").replace(",", "=2C")
        return f"n,a={authzid},\x01auth=Bearer {token}\x01\x01"
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def after_error(mech: str) -> str:
    """The answer to a server's error challenge: it then says no (RFC 7628 §3.2.3)."""
    return "\x01" if mech == "OAUTHBEARER" else ""


class TokenRefused(ChannelError):
    """A server refused a bearer token; its words (and SMTP's code) kept for the sentence.

    A ChannelError, so `translated` lets it pass to `with_renewal`.
    """

    def __init__(self, said: str, code: int = 0) -> None:
        super().__init__(f"{code} {said}" if code else said, retryable=False)
        self.said = said
        self.code = code


def with_renewal(
    source: TokenSource,
    sign_in: Callable[[str], T],
    error: Callable[[TokenRefused], Exception],
) -> T:
    """`sign_in(token)`; a refused token is renewed and tried once more, else `error` says why.

    Each try is a new connection: Dovecot closes the one whose sign-in failed.
    """
    token = source.token()
    try:
        return sign_in(token)
    except TokenRefused as first:
        source.stale(token)
        fresh = source.token()
        if fresh == token:
            raise error(first) from None
        try:
            return sign_in(fresh)
        except TokenRefused as second:
            raise error(second) from None


def token_not_accepted(
    host: str, username: str, said: str, source: TokenSource, *, temporary: bool
) -> ChannelError:
    """A token refused even once renewed, in words: the server could not check it just
    now (`temporary`: trying later may work), or it refuses the sign-in (sign in again)."""
    if temporary:
        return ChannelError(
            f"{host} could not check the sign-in of {username} just now, a temporary "
            f"failure on its side: {said}",
            retryable=True,
        )
    return AuthError(
        f"{host} did not accept the sign-in of {username}, even with a renewed "
        f"token ({said or 'no reason given'}). {source.reauth_hint}"
    )
