"""What can go wrong with a calendar server, said in words: the errors and the statuses.

A change an event's server refuses is one of three kinds, each for that
event only: `Conflict` (412, it changed on the server meanwhile), `Rejected`
(403 forbidden, 507 out of space) and `Gone` (404, the calendar was
deleted); anything else is a `CalDavError`, retryable or not.
"""

from __future__ import annotations

from unibox.core.errors import UserError


class CalDavError(UserError):
    """The calendar server refused or could not be reached; said in words.

    `retryable`: trying again later may help (the server is down), or not (a
    refused password, a certificate, a wrong address).
    """

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class Conflict(CalDavError):
    """The event changed on the server since we read it (412)."""


class Rejected(CalDavError):
    """The server refused this one change (403 forbidden, 507 out of space)."""


class Gone(CalDavError):
    """The calendar is no longer on the server (404)."""


def check_status(status: int, what: str) -> None:
    """Raise the error an HTTP status of a PUT or DELETE means; nothing below 400."""
    if status == 412:
        raise Conflict(f"{what}: it changed on the server.")
    if status in (403, 507):
        reason = "the server is out of space" if status == 507 else "the server forbids it"
        raise Rejected(f"{what}: {reason} ({status}).")
    if status == 404:
        raise Gone(f"{what}: the calendar is not on the server any more.")
    if status >= 400:
        raise CalDavError(f"{what} failed: the server answered {status}.")


def short(exc: BaseException) -> str:
    """An exception's text on one line, at most 200 characters."""
    return (" ".join(str(exc).split()) or type(exc).__name__)[:200]
