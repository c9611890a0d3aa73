"""CalDAV (RFC 4791, 6578): discover calendars, list what changed, fetch and write events.

Built on the `caldav` library's client (authentication, TLS, the principal
and its calendar home); the sync-collection and calendar-multiget bodies are
our own (caldav_xml) so one request answers for many events. A change is a
PUT with If-Match (If-None-Match for a new event) and a DELETE with If-Match:
an event changed on the server meanwhile answers 412 (`Conflict`) and is
never overwritten. A refusal (403, 507) is `Rejected` for that event only; a
calendar that is gone is `Gone` (caldav_errors). TLS is verified (a CA file
for self-hosted servers); plain HTTP only to loopback. Knows nothing of the
store.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from unibox.channels.caldav_errors import CalDavError, Conflict, Gone, Rejected, check_status, short
from unibox.channels.caldav_xml import (
    LIST_PROPS,
    NS,
    STATE_PROPS,
    RemoteCalendar,
    href_path,
    multiget_body,
    propfind_body,
    remote_calendar,
    response_href,
    response_size,
    sync_collection_body,
)
from unibox.channels.carddav import DavAccount
from unibox.channels.imap_conn import is_loopback

log = logging.getLogger("unibox.caldav")

_MULTIGET_CHUNK = 200
__all__ = [
    "CalDavClient",
    "CalDavError",
    "Changes",
    "Conflict",
    "DavAccount",
    "Gone",
    "Rejected",
    "RemoteCalendar",
    "RemoteEvent",
    "href_path",
]


@dataclass(slots=True)
class Changes:
    """What a calendar says changed: href -> (ETag, size in bytes, -1 unknown)."""

    sync_token: str
    changed: dict[str, tuple[str, int]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    complete: bool = False  # `changed` lists every event: what is not in it is gone


@dataclass(frozen=True, slots=True)
class RemoteEvent:
    href: str
    etag: str
    ics: str


class CalDavClient:
    """One session with one server; not thread-safe (use one per sync)."""

    def __init__(self, account: DavAccount) -> None:
        self.account = account
        parts = urlsplit(account.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CalDavError(f"“{account.url}” is not an http(s) address.", retryable=False)
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            raise CalDavError(
                f"Unencrypted CalDAV is allowed only to this computer, not to {parts.hostname}.",
                retryable=False,
            )
        self._host = parts.hostname
        from caldav.davclient import DAVClient

        self._dav = DAVClient(
            url=account.url,
            username=account.username,
            password=account.password,
            ssl_verify_cert=account.ca_file or True,
            timeout=int(account.timeout),
            enable_rfc6764=False,
            auth_type="basic" if parts.scheme == "https" or is_loopback(parts.hostname) else None,
        )

    def close(self) -> None:
        self._dav.close()

    # -- HTTP --------------------------------------------------------------

    def _call(self, what: str, method: str, url: str, body: str = "", **headers: str) -> Any:
        from caldav.lib import error

        try:
            return self._dav.request(url, method, body, headers)
        except error.AuthorizationError as exc:
            if exc.status == 403 or "403" in str(exc):
                raise Rejected(f"{what}: the server does not allow it (403).") from None
            raise CalDavError(
                "The calendar server refused the user name or password.", retryable=False
            ) from None
        except error.DAVError as exc:
            raise CalDavError(f"{what} failed: {short(exc)}.") from None
        except OSError as exc:
            raise CalDavError(f"{what}: {self._unreachable(exc)}") from None
        except Exception as exc:  # niquests' connection, timeout and TLS errors
            name = type(exc).__name__
            if "SSL" in name or "certificate" in str(exc).lower():
                raise CalDavError(
                    f"The server's certificate was not accepted: {short(exc)}.", retryable=False
                ) from None
            if "Connection" in name or "Timeout" in name:
                raise CalDavError(f"{what}: {self._unreachable(exc)}") from None
            raise

    def _unreachable(self, exc: BaseException) -> str:
        if "refused" in str(exc).lower():
            return f"the calendar server {self._host} refused the connection (is it running?)."
        return f"the calendar server {self._host} is unreachable ({short(exc)})."

    def _xml(self, what: str, method: str, url: str, body: str, depth: str) -> Any:
        response = self._call(
            what,
            method,
            url,
            f'<?xml version="1.0" encoding="utf-8"?>{body}',
            Depth=depth,
            **{"Content-Type": "application/xml; charset=utf-8"},
        )
        if response.status == 404:
            raise Gone(f"{what}: the calendar is not on the server any more.")
        if response.status == 507:
            raise Rejected(f"{what}: the server is out of space (507).")
        if response.status >= 400 or response.tree is None:
            raise CalDavError(f"{what} failed: the server answered {response.status}.")
        return response.tree

    def _propfind(self, url: str, depth: str, props: str) -> Any:
        return self._xml("Reading the calendar", "PROPFIND", url, propfind_body(props), depth)

    # -- calendars ---------------------------------------------------------

    def discover(self) -> list[RemoteCalendar]:
        """The user's calendars of events, from the account URL (server, principal or one)."""
        here = [c for c in self._calendars_at(self.account.url, "0") if c.events]
        if here:
            return here
        home = self._home()
        return [c for c in self._calendars_at(home, "1") if c.events]

    def _home(self) -> str:
        from caldav.lib import error

        try:
            return str(self._dav.principal().calendar_home_set.url)
        except error.AuthorizationError:
            raise CalDavError(
                "The calendar server refused the user name or password.", retryable=False
            ) from None
        except (error.DAVError, KeyError, AttributeError) as exc:
            raise CalDavError(
                f"No calendars were found at {self.account.url} ({short(exc)}).", retryable=False
            ) from None
        except Exception as exc:
            self._call("Finding the calendars", "OPTIONS", self.account.url)  # says it in words
            raise CalDavError(f"No calendars were found ({short(exc)}).") from None

    def _calendars_at(self, url: str, depth: str) -> list[RemoteCalendar]:
        try:
            root = self._propfind(url, depth, LIST_PROPS)
        except Gone:
            return []
        found = []
        for response in root.iterfind("d:response", NS):
            if response.find(".//d:resourcetype/c:calendar", NS) is None:
                continue
            found.append(remote_calendar(self._url(response_href(response)), response))
        return found

    def state(self, calendar_url: str, with_token: bool = False) -> RemoteCalendar:
        """The calendar's name and ctag now (and its sync token `with_token`, or when it
        has no ctag); `Gone` if it was deleted. A server may build a sync token from a
        history of every event (Radicale: 8 s for 5,000 the first time): not asked idly."""
        props = STATE_PROPS + ("<d:sync-token/>" if with_token else "")
        root = self._propfind(calendar_url, "0", props)
        for response in root.iterfind("d:response", NS):
            if response.find(".//d:resourcetype/c:calendar", NS) is not None:
                found = remote_calendar(calendar_url, response)
                if not found.ctag and not with_token:
                    return self.state(calendar_url, True)
                return found
        raise Gone("The calendar is not on the server any more.")

    # -- events ------------------------------------------------------------

    def changes(self, calendar_url: str, sync_token: str, want_token: bool = True) -> Changes:
        """What changed since `sync_token`; with "", every event (and a token to go on
        from, unless not `want_token`: then a plain listing). ETags when the server
        refuses the token."""
        if not sync_token and not want_token:
            return self._etags(calendar_url)
        body = sync_collection_body(sync_token, "<d:getetag/>")
        try:
            root = self._xml("Listing the events", "REPORT", calendar_url, body, "1")
        except Rejected:  # an expired token (403 valid-sync-token), or no sync-collection
            if sync_token:
                log.info("%s: the sync token was refused; listing every event", calendar_url)
            return self._etags(calendar_url)
        except CalDavError as exc:
            if isinstance(exc, Gone) or not str(exc).endswith(("answered 400.", "answered 501.")):
                raise
            return self._etags(calendar_url)
        found = Changes(root.findtext("d:sync-token", "", NS), complete=not sync_token)
        for response in root.iterfind("d:response", NS):
            href = response_href(response)
            etag = response.findtext(".//d:getetag", "", NS)
            status = response.findtext("d:status", "", NS)
            if etag:
                found.changed[href] = (etag, response_size(response))
            elif " 404 " in f"{status} " or not response.findall("d:propstat", NS):
                found.deleted.add(href)
        return found

    def _etags(self, calendar_url: str) -> Changes:
        # No getcontentlength: it costs the server a third more (Radicale, 5,000
        # events); the size is checked on what is fetched.
        root = self._propfind(calendar_url, "1", "<d:getetag/>")
        found = Changes("", complete=True)
        base = href_path(calendar_url)
        for response in root.iterfind("d:response", NS):
            href = response_href(response)
            etag = response.findtext(".//d:getetag", "", NS)
            if etag and href_path(href) != base:
                found.changed[href] = (etag, response_size(response))
        return found

    def fetch(self, calendar_url: str, hrefs: list[str]) -> list[RemoteEvent]:
        """The events at `hrefs` with their ETags (calendar-multiget, in chunks)."""
        got: list[RemoteEvent] = []
        for start in range(0, len(hrefs), _MULTIGET_CHUNK):
            chunk = hrefs[start : start + _MULTIGET_CHUNK]
            body = multiget_body(chunk)
            root = self._xml("Fetching events", "REPORT", calendar_url, body, "1")
            for response in root.iterfind("d:response", NS):
                text = response.findtext(".//c:calendar-data", None, NS)
                if text is not None:
                    etag = response.findtext(".//d:getetag", "", NS)
                    got.append(RemoteEvent(response_href(response), etag, text))
        return got

    def new_href(self, calendar_url: str, uid: str) -> str:
        name = re.sub(r"[^A-Za-z0-9@._-]", "_", uid)[:200] or "event"
        return href_path(calendar_url.rstrip("/") + f"/{name}.ics")

    def put(self, href: str, ics: str, etag: str | None) -> str:
        """Write an event; `etag` None creates it (412 if one is there). Returns its ETag."""
        condition = {"If-Match": etag} if etag else {"If-None-Match": "*"}
        response = self._call(
            "Saving an event",
            "PUT",
            self._url(href),
            ics,
            **condition,
            **{"Content-Type": "text/calendar; charset=utf-8"},
        )
        check_status(response.status, "Saving an event")
        new = response.headers.get("etag", "")
        if new:
            return str(new)
        root = self._propfind(self._url(href), "0", "<d:getetag/>")  # servers may leave it out
        return str(root.findtext(".//d:getetag", "", NS))

    def delete(self, href: str, etag: str) -> None:
        headers = {"If-Match": etag} if etag else {}
        response = self._call("Deleting an event", "DELETE", self._url(href), "", **headers)
        if response.status != 404:  # already gone is what we wanted
            check_status(response.status, "Deleting an event")

    def _url(self, href: str) -> str:
        return urljoin(self.account.url, href)
