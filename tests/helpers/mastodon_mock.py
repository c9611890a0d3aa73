"""mastodon-mock (PyPI), a stateful fake of Mastodon's REST API, on a free loopback port.

No Mastodon server can run here (none is packaged for Debian, and Mastodon itself
needs Ruby, PostgreSQL and Redis): the Mastodon tests talk to this mock, not to a
real Mastodon. It is a FastAPI app keeping its state in an in-memory SQLite;
Mastodon.py works against it (accounts, statuses with visibility, mentions and
their notifications, conversations, replies, OAuth apps and codes). Its
`/api/v1/_mock/*` routes make users with tokens and inject faults (a forced
status, a 429).

    with MastodonMock() as server:
        token = server.user("alice")            # alice@social.test
        server.client(token).status_post("@bob hi", visibility="direct")
"""

from __future__ import annotations

import contextlib
import ctypes
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import requests
from mastodon import Mastodon

from .ports import LOOPBACK, ServerStartError, free_port, wait_for_port
from .server_process import ServerProcess

DOMAIN = "social.test"


def _die_with_parent() -> None:  # in the child between fork and exec
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class MastodonMock(ServerProcess):
    """`mastodon_mock serve --in-memory` as a child process; its state lives as long as it."""

    stderr_name = "mastodon-mock.log"
    host = LOOPBACK
    domain = DOMAIN

    def __init__(self) -> None:
        self._dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def directory(self) -> Path:
        if self._dir is None:
            raise RuntimeError("mastodon-mock not started")
        return self._dir

    @property
    def log_path(self) -> Path:
        return self.directory / self.stderr_name

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 30.0) -> MastodonMock:
        if self._proc is not None and self._proc.poll() is None:
            return self
        self._dir = Path(tempfile.mkdtemp(prefix="unibox-mastodon-mock-"))
        self.port = free_port()
        log = open(self.log_path, "wb")  # noqa: SIM115
        preexec = (
            _die_with_parent if threading.current_thread() is threading.main_thread() else None
        )
        argv = [sys.executable, "-m", "mastodon_mock", "serve", "--in-memory"]
        argv += ["--host", self.host, "--port", str(self.port), "--domain", self.domain]
        try:
            self._proc = subprocess.Popen(
                [*argv, "--log-level", "warning"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                cwd=self._dir,
                start_new_session=True,
                preexec_fn=preexec,
            )
        finally:
            log.close()
        wait_for_port(
            self.port, self.host, timeout, process=self._proc, what="mastodon-mock",
            log_tail=self.log_tail,
        )  # fmt: skip
        try:
            requests.get(f"{self.url}/api/v1/instance", timeout=10).raise_for_status()
        except requests.RequestException as exc:
            self.stop()
            raise ServerStartError(f"mastodon-mock does not answer: {exc}") from exc
        return self

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()  # it ignores SIGTERM while a stream is open
                proc.wait(5)
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)

    # ------------------------------------------------------------------ the mock's controls

    def _post(self, path: str, **kwargs: Any) -> requests.Response:
        response = requests.post(f"{self.url}{path}", timeout=10, **kwargs)
        response.raise_for_status()
        return response

    def user(self, username: str, display_name: str = "") -> str:
        """A new local account; its access token."""
        body = {"username": username, "display_name": display_name or username.title()}
        return str(self._post("/api/v1/_mock/dev_user", json=body).json()["access_token"])

    def user_token(self, username: str) -> str:
        """Another access token for an existing account (as if made in its settings)."""
        body = {"username": username}
        return str(self._post("/api/v1/_mock/login", json=body).json()["access_token"])

    def acct(self, username: str) -> str:
        return f"{username}@{self.domain}"

    def client(self, token: str) -> Mastodon:
        return Mastodon(access_token=token, api_base_url=self.url, version_check_mode="none")

    def revoke(self, token: str) -> None:
        self._post("/oauth/revoke", data={"token": token})

    def authorization_code(self, username: str) -> str:
        """What a person who signs in as `username` and allows the app copies from the page."""
        page = self._post(
            "/oauth/authorize",
            data={"username": username, "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"},
        ).text
        found = re.search(r"Authorization code: (\S+?)<", page)
        assert found, page
        return found.group(1)

    def fault(self, path: str, *, status: int = 0, count: int = 1, **effect: Any) -> None:
        """Make the next `count` requests to `path` (a glob) fail: a status, or a 429."""
        kind = "ratelimit" if status == 429 else "status"
        spec = {
            "match": {"path": path},
            "effect": {"type": kind, "status": status or 500, **effect},
            "count": count,
        }
        self._post("/api/v1/_mock/faults", json=spec)

    def clear_faults(self) -> None:
        requests.delete(f"{self.url}/api/v1/_mock/faults", timeout=10).raise_for_status()
