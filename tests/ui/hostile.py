"""Helpers for GUI tests: mail arriving while the window is open, and a server that counts."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from unibox.core.items import ChangeSet, IncomingMessage
from unibox.core.mime import parse_message
from unibox.demo import DEMO_EMAIL
from unibox.store.folders import list_folders
from unibox.store.ingest import Ingestor


def ingest_raw(window: Any, raw: bytes, uid: int, folder: str = "INBOX") -> ChangeSet:
    """Ingest one message into a demo folder the way a sync does, and announce it."""
    store = window.bridge._store
    with store.read() as s:
        found = {f.name: f for f in list_folders(s, 1)}[folder]
    item = IncomingMessage(
        uid=uid, flags=(), size=len(raw), internal_date=None, parsed=parse_message(raw), raw=raw
    )
    with store.write() as s:
        changes = Ingestor(found.account_id, found.id, [DEMO_EMAIL]).ingest(s, [item])
    window.bridge.post_changes(changes)
    return changes


@dataclass
class CountingServer:
    """An HTTP listener on 127.0.0.1 that records every request it gets."""

    port: int
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def counting_server() -> Iterator[CountingServer]:
    record = CountingServer(0)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            record.requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/gif")
            self.end_headers()
            self.wfile.write(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")

        do_POST = do_HEAD = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
