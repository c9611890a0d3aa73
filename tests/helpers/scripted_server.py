"""A tiny scripted TCP server for protocol transcripts a real server will not produce
on demand (a PREAUTH greeting before TLS, a refused STARTTLS), as Trojitá's tests do.

The script is a greeting and a list of (pattern, reply) rules: each line the client
sends is recorded, and the first rule whose pattern the line matches gives the reply
(``{tag}`` is the IMAP tag of the line; a reply ending in ``{close}`` closes the
connection after it). A line no rule matches closes the connection.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Transcript:
    """What the client sent, line by line, and where the server listens."""

    port: int = 0
    received: list[bytes] = field(default_factory=list)

    @property
    def text(self) -> str:
        return b"\n".join(self.received).decode("latin-1")


def _serve(
    conn: socket.socket, greeting: bytes, rules: list[tuple[str, bytes]], log: Transcript
) -> None:
    with conn:
        conn.settimeout(10)
        conn.sendall(greeting)
        buffer = b""
        while True:
            try:
                chunk = conn.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b"\r\n" in buffer:
                line, buffer = buffer.split(b"\r\n", 1)
                log.received.append(line)
                text = line.decode("latin-1")
                tag = text.split(" ", 1)[0]
                reply = next((r for p, r in rules if re.search(p, text, re.I)), None)
                if reply is None:
                    return
                conn.sendall(reply.replace(b"{tag}", tag.encode()).replace(b"{close}", b""))
                if reply.endswith(b"{close}"):
                    return


@contextmanager
def scripted_server(greeting: bytes, rules: list[tuple[str, bytes]]) -> Iterator[Transcript]:
    """Listen on a free loopback port; each connection plays the script from the start."""
    log = Transcript()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    log.port = listener.getsockname()[1]
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            _serve(conn, greeting, rules, log)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield log
    finally:
        stop.set()
        thread.join(5)
        listener.close()
