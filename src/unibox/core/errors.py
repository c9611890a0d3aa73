"""Errors that carry a sentence meant for the person using unibox."""

from __future__ import annotations


class UserError(Exception):
    """Base class: str(error) is one clear sentence, never a secret."""


class ChannelError(UserError):
    """A remote account could not be reached or refused us.

    `retryable` says whether trying again later may help (network down) or
    not (wrong password, TLS misconfiguration).
    """

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class AuthError(ChannelError):
    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


class SecurityError(ChannelError):
    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


class ConnectionLost(ChannelError):
    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=True)
