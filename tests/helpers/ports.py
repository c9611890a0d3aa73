"""Loopback ports for test servers: pick a free one, wait until one answers."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

LOOPBACK = "127.0.0.1"


class ServerStartError(RuntimeError):
    """A test server did not come up; the message carries its log tail."""


def free_port(host: str = LOOPBACK) -> int:
    """Return a TCP port on ``host`` that was free a moment ago (bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def free_ports(count: int, host: str = LOOPBACK) -> list[int]:
    """Return ``count`` distinct free ports (all held open together while picking)."""
    socks: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(sock)
            sock.bind((host, 0))
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for sock in socks:
            sock.close()


def tail_file(path: Path | str | None, lines: int = 40) -> str:
    """The last ``lines`` lines of a text file, or a note that there is none."""
    if path is None:
        return "(no log file)"
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 64 * 1024))
            data = fh.read()
    except OSError as exc:
        return f"(log {path} unreadable: {exc})"
    text = data.decode("utf-8", "replace").splitlines()
    if not text:
        return f"(log {path} is empty)"
    return "\n".join(text[-lines:])


def wait_for_port(
    port: int,
    host: str = LOOPBACK,
    timeout: float = 10.0,
    *,
    process: subprocess.Popen[bytes] | None = None,
    log_path: Path | str | None = None,
    what: str = "server",
    ready: Callable[[socket.socket], bool] | None = None,
    log_tail: Callable[[], str] | None = None,
) -> None:
    """Wait until ``host:port`` accepts TCP connections.

    ``ready`` (optional) is called with each connected socket and must return
    True once the server is really serving (e.g. it read a greeting line).
    ``log_tail`` (optional) replaces the tail of ``log_path`` in error messages.
    Raises :class:`ServerStartError` with the log tail on timeout, or at once
    if ``process`` exits meanwhile.
    """

    def tail() -> str:
        if log_tail is not None:
            return log_tail()
        return f"--- log tail ({log_path}) ---\n{tail_file(log_path)}"

    deadline = time.monotonic() + timeout
    last_error: str = "no attempt"
    delay = 0.005
    while True:
        if process is not None and process.poll() is not None:
            raise ServerStartError(
                f"{what} exited with code {process.returncode} before "
                f"{host}:{port} accepted connections\n{tail()}"
            )
        try:
            with socket.create_connection((host, port), timeout=1.0) as sock:
                if ready is None or ready(sock):
                    return
                last_error = "connected but not ready"
        except OSError as exc:
            last_error = f"{type(exc).__name__}: {exc}"
        if time.monotonic() >= deadline:
            raise ServerStartError(
                f"{what} did not accept connections on {host}:{port} within "
                f"{timeout:.1f}s (last error: {last_error})\n{tail()}"
            )
        time.sleep(delay)
        delay = min(delay * 2, 0.1)
