"""What a CalDAV client says and reads in XML: the request bodies and the multistatus answers.

The namespaces, the properties asked for, the PROPFIND, sync-collection and
calendar-multiget bodies (so one request answers for many events), and the
readers of a server's `<d:response>`: a calendar's name, colour, tags and
rights, an href spelled one way whatever the server's quoting, a size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

DAV, CAL = "DAV:", "urn:ietf:params:xml:ns:caldav"
CS, ICAL = "http://calendarserver.org/ns/", "http://apple.com/ns/ical/"
NS = {"d": DAV, "c": CAL, "cs": CS, "i": ICAL}
_XMLNS = f'xmlns:d="{DAV}" xmlns:c="{CAL}" xmlns:cs="{CS}" xmlns:i="{ICAL}"'
# Listing calendars leaves out the ctag and sync token: a server may compute them
# from every event, and `state` asks for them when a calendar is synced.
LIST_PROPS = (
    "<d:resourcetype/><d:displayname/><i:calendar-color/>"
    "<d:current-user-privilege-set/><c:supported-calendar-component-set/>"
)
STATE_PROPS = LIST_PROPS + "<cs:getctag/>"


@dataclass(frozen=True, slots=True)
class RemoteCalendar:
    url: str
    display_name: str
    color: str = ""
    ctag: str = ""
    sync_token: str = ""
    read_only: bool = False
    events: bool = True  # it holds VEVENTs (not only tasks)


def propfind_body(props: str) -> str:
    return f"<d:propfind {_XMLNS}><d:prop>{props}</d:prop></d:propfind>"


def sync_collection_body(sync_token: str, props: str) -> str:
    return (
        f"<d:sync-collection {_XMLNS}><d:sync-token>{esc(sync_token)}</d:sync-token>"
        f"<d:sync-level>1</d:sync-level><d:prop>{props}</d:prop></d:sync-collection>"
    )


def multiget_body(hrefs: Iterable[str]) -> str:
    return (
        f"<c:calendar-multiget {_XMLNS}><d:prop><d:getetag/><c:calendar-data/></d:prop>"
        + "".join(f"<d:href>{esc(h)}</d:href>" for h in hrefs)
        + "</c:calendar-multiget>"
    )


def remote_calendar(url: str, response: Any) -> RemoteCalendar:
    comps = [c.get("name", "") for c in response.iterfind(".//c:comp", NS)]
    privileges = {p.tag.split("}")[-1] for p in response.iterfind(".//d:privilege/*", NS)}
    read_only = bool(privileges) and not privileges & {"all", "write", "write-content"}
    return RemoteCalendar(
        url=url,
        display_name=response.findtext(".//d:displayname", "", NS) or href_path(url).rstrip("/"),
        color=(response.findtext(".//i:calendar-color", "", NS) or "")[:20],
        ctag=response.findtext(".//cs:getctag", "", NS) or "",
        sync_token=response.findtext(".//d:sync-token", "", NS) or "",
        read_only=read_only,
        events=not comps or "VEVENT" in comps,
    )


def response_href(response: Any) -> str:
    return href_path(response.findtext("d:href", "", NS) or "")


def href_path(url: str) -> str:
    """The path of a URL or href, quoted one way whatever the server's spelling
    (a calendar's URL spelled as the hrefs of its events are)."""
    return quote(unquote(urlsplit(url).path), safe="/-_.~!$&'()*+,;=:@")


def response_size(response: Any) -> int:
    text = response.findtext(".//d:getcontentlength", "", NS) or ""
    return int(text) if text.strip().isdigit() else -1


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
