"""Remote images of a message, fetched only after the person allowed them.

Runs on a task thread, never the GUI thread. Only http and https, no
cookies, no Referer, bounded in count, size and time; a failed image is
left out (the pane keeps its placeholder).
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

log = logging.getLogger("unibox.ui")

MAX_IMAGES = 60
MAX_IMAGE_BYTES = 5 * 1024 * 1024
TIMEOUT_SECONDS = 15.0
PARALLEL = 4
_ALLOWED = ("http", "https")


def is_remote(url: str) -> bool:
    return urllib.parse.urlsplit(url).scheme.lower() in _ALLOWED


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects between http(s) URLs only (never to file:, ftp:, …)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not is_remote(newurl):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    # Built by hand so no FileHandler, FTPHandler or cookie processor is installed.
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        _HttpOnlyRedirects(),
        urllib.request.HTTPErrorProcessor(),
        urllib.request.HTTPDefaultErrorHandler(),
    ):
        opener.add_handler(handler)
    return opener


def fetch_one(url: str, opener: urllib.request.OpenerDirector | None = None) -> bytes | None:
    """The body at url when it is an image of a sane size, else None."""
    if not is_remote(url):
        return None
    request = urllib.request.Request(
        url, headers={"User-Agent": "Mozilla/5.0 (unibox)", "Accept": "image/*"}
    )
    try:
        with (opener or _opener()).open(request, timeout=TIMEOUT_SECONDS) as reply:
            kind = reply.headers.get_content_type()
            if not kind.startswith("image/"):
                return None
            data: bytes = reply.read(MAX_IMAGE_BYTES + 1)
    except (OSError, ValueError, urllib.error.URLError) as exc:
        log.debug("remote image %s not loaded: %s", url[:80], exc)
        return None
    return data if len(data) <= MAX_IMAGE_BYTES else None


def fetch_images(urls: Iterable[str]) -> dict[str, bytes]:
    """Fetch the distinct http(s) URLs (at most MAX_IMAGES) in parallel; url -> bytes."""
    wanted = [u for u in dict.fromkeys(urls) if is_remote(u)][:MAX_IMAGES]
    if not wanted:
        return {}
    opener = _opener()
    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(wanted))) as pool:
        bodies = list(pool.map(lambda u: fetch_one(u, opener), wanted))
    return {u: b for u, b in zip(wanted, bodies, strict=True) if b}
