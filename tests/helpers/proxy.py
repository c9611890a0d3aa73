"""A loopback TCP proxy that injects faults a real server does not make on demand.

`FaultProxy(target_port, [Fault(...)])` forwards 127.0.0.1:proxy.port to a
server (Dovecot, aiosmtpd) and, once a connection's stream reaches a fault's
trigger, acts on that connection:

* "cut": close both sides (the client reads EOF): a connection dropped in the
  middle of a FETCH literal, or a response truncated mid-line;
* "reset": close the client side with a TCP RST (ECONNRESET), e.g. during IDLE;
* "stall": forward nothing more from the server; the connection stays open
  until the client gives up (its timeout) or the proxy closes;
* "watch": nothing; `fired` tells a test that the stream got there (say, IDLE).

A trigger is a byte count in one direction ("down": server to client, "up":
client to server), optionally counted from the first occurrence of a pattern
(`after=b"+ idling\\r\\n"`). A fault fires on the first `times` connections
whose stream reaches it, whichever they are; `fired` counts them.

Import the fixture into a test module: `from tests.helpers.proxy import fault_proxy`.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pytest

Action = Literal["cut", "reset", "stall", "watch"]
Direction = Literal["down", "up"]


@dataclass
class Fault:
    """What to do to a connection, and at which point of which direction's stream."""

    action: Action
    direction: Direction = "down"
    after_bytes: int = 0
    after: bytes = b""  # count after_bytes from the end of this pattern's first occurrence
    times: int = 1
    fired: int = 0


@dataclass
class _Link:
    client: socket.socket
    upstream: socket.socket
    closed: threading.Event = field(default_factory=threading.Event)

    def close(self, *, reset: bool = False) -> None:
        if reset:  # linger 0: close() sends RST instead of FIN
            with contextlib.suppress(OSError):
                self.client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        for s in (self.client, self.upstream):
            # Wakes the other direction's recv() at once: a socket is really closed (and
            # the RST sent) only once no thread is blocked on it. SHUT_RD sends nothing.
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RD if reset and s is self.client else socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                s.close()
        self.closed.set()


class _Stream:
    """One direction of one connection: bytes forwarded so far, where each fault is armed."""

    def __init__(self, faults: Sequence[Fault]) -> None:
        self.faults = faults
        self.sent = 0
        self.tail = b""
        self.armed: dict[int, int] = {i: 0 for i, f in enumerate(faults) if not f.after}
        self.done: set[int] = set()

    def triggers(self, data: bytes) -> list[tuple[int, int]]:
        """(stream offset, fault index) of the faults this chunk reaches, earliest first."""
        seen = self.tail + data
        found = []
        for i, fault in enumerate(self.faults):
            if i in self.done:
                continue
            if i not in self.armed:
                at = seen.find(fault.after)
                if at < 0:
                    continue
                self.armed[i] = self.sent - len(self.tail) + at + len(fault.after)
            trigger = self.armed[i] + fault.after_bytes
            if trigger <= self.sent + len(data):
                found.append((max(trigger, self.sent), i))
        longest = max((len(f.after) for f in self.faults), default=0)
        self.tail = seen[-longest:] if longest > 1 else b""
        return sorted(found)


class FaultProxy:
    """Forwards 127.0.0.1:port to 127.0.0.1:target_port, acting out `faults`."""

    def __init__(self, target_port: int, faults: Sequence[Fault] = ()) -> None:
        self.target_port = target_port
        self.faults = list(faults)
        self.connections = 0
        self._links: list[_Link] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True, name="fault-proxy").start()

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            links = list(self._links)
        for link in links:
            link.close()

    def reset_all(self) -> int:
        """Reset every open connection now; how many there were."""
        with self._lock:
            links = [link for link in self._links if not link.closed.is_set()]
        for link in links:
            link.close(reset=True)
        return len(links)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            link = _Link(client, upstream)
            with self._lock:
                self.connections += 1
                self._links = [x for x in self._links if not x.closed.is_set()] + [link]
            for src, dst, direction in ((client, upstream, "up"), (upstream, client, "down")):
                faults = [f for f in self.faults if f.direction == direction]
                threading.Thread(
                    target=self._pipe, args=(link, src, dst, _Stream(faults)), daemon=True
                ).start()

    def _claim(self, fault: Fault) -> bool:
        with self._lock:
            if fault.fired >= fault.times:
                return False
            fault.fired += 1
            return True

    def _pipe(self, link: _Link, src: socket.socket, dst: socket.socket, stream: _Stream) -> None:
        try:
            while not link.closed.is_set():
                data = src.recv(65536)
                if not data:
                    break
                hit = None
                for at, i in stream.triggers(data):
                    stream.done.add(i)
                    fault = stream.faults[i]
                    # Not claimed: used up on other connections.
                    if self._claim(fault) and fault.action != "watch":
                        hit = (at, fault.action)
                        break
                if hit is None:
                    dst.sendall(data)
                    stream.sent += len(data)
                    continue
                dst.sendall(data[: hit[0] - stream.sent])
                self._act(link, hit[1])
                return
        except OSError:
            pass
        link.close()

    def _act(self, link: _Link, action: Action) -> None:
        if action == "stall":
            while not (link.closed.is_set() or self._stop.is_set()):
                link.closed.wait(0.05)
        link.close(reset=action == "reset")


class CuttingProxy(FaultProxy):
    """The first `cut_connections` connections that receive `cut_after_bytes` are cut there."""

    def __init__(self, target_port: int, cut_after_bytes: int, cut_connections: int = 1) -> None:
        super().__init__(
            target_port, [Fault("cut", after_bytes=cut_after_bytes, times=cut_connections)]
        )

    @property
    def cuts_done(self) -> int:
        return self.faults[0].fired


@pytest.fixture
def fault_proxy() -> Iterator[Callable[..., FaultProxy]]:
    """Makes FaultProxy(target_port, faults); every proxy is closed after the test."""
    made: list[FaultProxy] = []

    def make(target_port: int, *faults: Fault) -> FaultProxy:
        proxy = FaultProxy(target_port, faults)
        made.append(proxy)
        return proxy

    yield make
    for proxy in made:
        proxy.close()
