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

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross from sync worker processes; keep the keyword argument.
        return (_rebuild, (type(self), str(self), self.retryable))


def _rebuild(cls: type[ChannelError], message: str, retryable: bool) -> ChannelError:
    error = ChannelError.__new__(cls)
    ChannelError.__init__(error, message, retryable=retryable)
    return error


class AuthError(ChannelError):
    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


class SecurityError(ChannelError):
    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


class ConnectionLost(ChannelError):
    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=True)


class Unreachable(ConnectionLost):
    """The server could not be reached at all: refused, not found, or no greeting in time.

    Waiting may help (a watch tries again later), but trying again at once does not:
    a one-shot sync reports it without retrying.
    """


def with_detail(exc: ChannelError, detail: str) -> ChannelError:
    """The same kind of error, its sentence ending with `detail` in parentheses."""
    text = str(exc).rstrip()
    text = text[:-1] if text.endswith(".") else text
    return _rebuild(type(exc), f"{text} ({detail}).", exc.retryable)
