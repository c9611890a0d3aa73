"""CardDAV (RFC 6352): discover address books, list ETags, fetch and write vCards.

Plain WebDAV over http.client: PROPFIND for discovery and ETags, the
addressbook-multiget REPORT for the cards that changed, PUT with If-Match
(or If-None-Match for new cards) so a card changed on the server meanwhile
is never overwritten: that answers 412 and the caller merges. TLS is
verified (a CA file for self-hosted servers); plain HTTP only to loopback.
Knows nothing of the store.
"""

from __future__ import annotations

import base64
import http.client
import ssl
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from unibox.channels.imap_conn import is_loopback
from unibox.core.errors import UserError

DAV, CARD = "DAV:", "urn:ietf:params:xml:ns:carddav"
NS = {"d": DAV, "c": CARD}
_MULTIGET_CHUNK = 100


class CardDavError(UserError):
    """The address book server refused or could not be reached; said in words.

    `retryable` says whether trying again later may help (the server is down)
    or not (a refused password, a certificate, a wrong address).
    """

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class Conflict(CardDavError):
    """The card changed on the server since we read it (412): fetch, merge, retry."""


@dataclass(frozen=True, slots=True)
class DavAccount:
    url: str  # the server, a principal, or an address book
    username: str
    password: str
    ca_file: str = ""
    timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class RemoteBook:
    url: str
    name: str


@dataclass(frozen=True, slots=True)
class RemoteCard:
    href: str  # the path as the server names it
    etag: str
    vcard: str


def _propfind_body(*props: str) -> bytes:
    inner = "".join(props)
    return (
        f'<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="{DAV}" xmlns:c="{CARD}">'
        f"<d:prop>{inner}</d:prop></d:propfind>"
    ).encode()


class CardDavClient:
    """One connection to one server; not thread-safe (use one per sync)."""

    def __init__(self, account: DavAccount) -> None:
        self.account = account
        parts = urlsplit(account.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CardDavError(f"“{account.url}” is not an http(s) address.", retryable=False)
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            raise CardDavError(
                f"Unencrypted CardDAV is allowed only to this computer, not to {parts.hostname}.",
                retryable=False,
            )
        self._scheme, self._host, self._port = parts.scheme, parts.hostname, parts.port
        token = base64.b64encode(f"{account.username}:{account.password}".encode()).decode()
        self._auth = f"Basic {token}"
        self._conn: http.client.HTTPConnection | None = None

    # -- HTTP --------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            if self._scheme == "https":
                ctx = ssl.create_default_context(cafile=self.account.ca_file or None)
                self._conn = http.client.HTTPSConnection(
                    self._host, self._port, timeout=self.account.timeout, context=ctx
                )
            else:
                self._conn = http.client.HTTPConnection(
                    self._host, self._port, timeout=self.account.timeout
                )
        return self._conn

    def _request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        path = urlsplit(urljoin(self.account.url, url))
        target = path.path + (f"?{path.query}" if path.query else "")
        all_headers = {"Authorization": self._auth, **(headers or {})}
        for attempt in (1, 2):  # a kept-alive connection the server closed: reconnect once
            try:
                conn = self._connection()
                conn.request(method, target or "/", body, all_headers)
                response = conn.getresponse()
                data = response.read()
                return response.status, {k.lower(): v for k, v in response.getheaders()}, data
            except ConnectionRefusedError:
                self.close()
                raise CardDavError(
                    f"The address book server {self._host} is unreachable: it refused the "
                    "connection (is it running?)."
                ) from None
            except (http.client.HTTPException, ConnectionError) as exc:
                self.close()
                if attempt == 2:
                    raise CardDavError(f"The address book server broke off: {exc}.") from None
            except ssl.SSLError as exc:
                self.close()
                raise CardDavError(
                    f"The server's certificate was not accepted: {exc}.", retryable=False
                ) from None
            except OSError as exc:
                self.close()
                raise CardDavError(f"The address book server is unreachable: {exc}.") from None
        raise AssertionError("unreachable")

    def _check(self, status: int, what: str) -> None:
        if status == 401:
            raise CardDavError(
                "The address book server refused the user name or password.", retryable=False
            )
        if status == 412:
            raise Conflict(f"{what}: the card changed on the server.")
        if status >= 400:
            raise CardDavError(f"{what} failed: the server answered {status}.")

    def _propfind(self, url: str, depth: str, *props: str) -> ET.Element:
        status, _h, data = self._request(
            "PROPFIND",
            url,
            _propfind_body(*props),
            {"Depth": depth, "Content-Type": "application/xml; charset=utf-8"},
        )
        self._check(status, "Reading the address book")
        return ET.fromstring(data)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # -- discovery ---------------------------------------------------------

    def discover(self) -> list[RemoteBook]:
        """The user's address books, from the account URL (server, principal or book)."""
        books = self._books_at(self.account.url)
        if books:
            return books
        root = self._propfind(self.account.url, "0", "<d:current-user-principal/>")
        principal = root.findtext(".//d:current-user-principal/d:href", None, NS)
        homes = self._propfind(principal or self.account.url, "0", "<c:addressbook-home-set/>")
        found: list[RemoteBook] = []
        for href in homes.findall(".//c:addressbook-home-set/d:href", NS):
            found.extend(self._books_at(href.text or ""))
        return found

    def _books_at(self, url: str) -> list[RemoteBook]:
        root = self._propfind(url, "1", "<d:resourcetype/>", "<d:displayname/>")
        books = []
        for response in root.findall("d:response", NS):
            if response.find(".//d:resourcetype/c:addressbook", NS) is not None:
                href = response.findtext("d:href", "", NS)
                name = response.findtext(".//d:displayname", "", NS) or href.rstrip("/")
                books.append(RemoteBook(urljoin(self.account.url, href), name))
        return books

    # -- cards -------------------------------------------------------------

    def etags(self, book_url: str) -> dict[str, str]:
        """href -> ETag of every card in the book (one PROPFIND)."""
        root = self._propfind(book_url, "1", "<d:getetag/>", "<d:resourcetype/>")
        found = {}
        for response in root.findall("d:response", NS):
            if response.find(".//d:resourcetype/d:collection", NS) is not None:
                continue
            etag = response.findtext(".//d:getetag", "", NS)
            if etag:
                found[response.findtext("d:href", "", NS)] = etag
        return found

    def fetch(self, book_url: str, hrefs: list[str]) -> list[RemoteCard]:
        """The cards at `hrefs`, with their ETags (addressbook-multiget, in chunks)."""
        cards: list[RemoteCard] = []
        for start in range(0, len(hrefs), _MULTIGET_CHUNK):
            chunk = hrefs[start : start + _MULTIGET_CHUNK]
            body = (
                f'<?xml version="1.0" encoding="utf-8"?>'
                f'<c:addressbook-multiget xmlns:d="{DAV}" xmlns:c="{CARD}">'
                "<d:prop><d:getetag/><c:address-data/></d:prop>"
                + "".join(f"<d:href>{_xml(h)}</d:href>" for h in chunk)
                + "</c:addressbook-multiget>"
            )
            status, _h, data = self._request(
                "REPORT",
                book_url,
                body.encode(),
                {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
            )
            self._check(status, "Fetching cards")
            for response in ET.fromstring(data).findall("d:response", NS):
                text = response.findtext(".//c:address-data", None, NS)
                etag = response.findtext(".//d:getetag", "", NS)
                if text is not None:
                    cards.append(RemoteCard(response.findtext("d:href", "", NS), etag, text))
        return cards

    def new_href(self, book_url: str, uid: str) -> str:
        safe = quote(uid.replace("/", "_").replace(":", "-"), safe="-_.")
        return urlsplit(urljoin(self.account.url, book_url)).path.rstrip("/") + f"/{safe}.vcf"

    def put(self, href: str, vcard: str, etag: str | None) -> str:
        """Write a card; `etag` None creates it (fails if it exists). Returns the new ETag."""
        headers = {"Content-Type": "text/vcard; charset=utf-8"}
        headers["If-Match" if etag else "If-None-Match"] = etag or "*"
        status, got, _data = self._request("PUT", href, vcard.encode("utf-8"), headers)
        self._check(status, "Saving a card")
        if got.get("etag"):
            return got["etag"]
        root = self._propfind(href, "0", "<d:getetag/>")  # servers may leave it out
        return root.findtext(".//d:getetag", "", NS)

    def delete(self, href: str, etag: str) -> None:
        status, _h, _d = self._request("DELETE", href, None, {"If-Match": etag})
        if status != 404:
            self._check(status, "Deleting a card")


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
