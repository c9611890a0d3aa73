"""A real SMTP submission server for tests: aiosmtpd on a loopback port picked at run time.

Modes: "starttls" (STARTTLS required before anything else, then AUTH), "ssl"
(implicit TLS) and "plain" (loopback only, AUTH without TLS). The server keeps
what it accepted in `messages`; `reject` maps a recipient to the reply the
server gives it (e.g. "550 5.1.1 No such user"). `after_accept` runs once a
message is kept and before the "250" leaves (a test kills the client there),
and `drop_replies` makes the server cut the connection instead of replying
to DATA: both are a server that took the message while the client never
heard so.

Import the fixtures into a test module: `from tests.helpers.smtp import smtp_server`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.helpers.ports import free_port
from tests.helpers.tls import TlsFiles, session_tls_files

# aiosmtpd says this for every connection of the "ssl" and "plain" modes, both
# deliberate here: mark test modules with pytest.mark.filterwarnings(SMTP_WARNING).
SMTP_WARNING = "ignore:Requiring AUTH while not requiring TLS:UserWarning"

Mode = Literal["starttls", "ssl", "plain"]
USER = "sender"
PASSWORD = "smtp-secret-5f1c"


@dataclass(frozen=True)
class Received:
    """One message as the server accepted it."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    authenticated_as: str


@dataclass
class _Handler:
    messages: list[Received] = field(default_factory=list)
    reject: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    after_accept: Callable[[], None] | None = None
    drop_replies: int = 0

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.lower() in self.reject:
            return self.reject[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        login = session.auth_data.login if isinstance(session.auth_data, LoginPassword) else b""
        received = Received(
            str(envelope.mail_from),
            tuple(envelope.rcpt_tos),
            bytes(envelope.original_content or b""),
            login.decode() if isinstance(login, bytes) else str(login),
        )
        with self.lock:
            self.messages.append(received)
            drop = self.drop_replies > 0
            self.drop_replies -= drop
        if self.after_accept is not None:
            self.after_accept()
        if drop and server.transport is not None:
            server.transport.abort()  # kept, but the client never hears the "250"
        return "250 2.0.0 Accepted"


@dataclass
class _OAuthHandler(_Handler):
    """Also SASL XOAUTH2 and OAUTHBEARER: each token is checked at the issuer's userinfo."""

    userinfo_url: str = ""

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        return await self._bearer(server, args)

    async def auth_OAUTHBEARER(self, server: SMTP, args: list[str]) -> AuthResult:
        return await self._bearer(server, args)

    async def _bearer(self, server: SMTP, args: list[str]) -> AuthResult:
        if len(args) == 1:
            blob = await server.challenge_auth("")
            if not isinstance(blob, bytes):
                return AuthResult(success=False, handled=True)
        else:
            blob = base64.b64decode(args[1])
        fields = dict(part.split("=", 1) for part in blob.decode().split("\x01") if "=" in part)
        user = fields.get("user") or fields.get("n,a", "").rstrip(",")
        token = fields.get("auth", "").removeprefix("Bearer ")
        email = await asyncio.get_running_loop().run_in_executor(None, self._email_of, token)
        if email and email.lower() == user.lower():
            return AuthResult(success=True, auth_data=LoginPassword(user.encode(), b""))
        # As Gmail does: an error challenge (RFC 7628 §3.2.2), then 535 once answered.
        await server.challenge_auth(json.dumps({"status": "401", "schemes": "bearer"}))
        return AuthResult(success=False, handled=False, message="535 5.7.8 Token not accepted")

    def _email_of(self, token: str) -> str:
        req = urllib.request.Request(
            self.userinfo_url, headers={"Authorization": f"Bearer {token}"}
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return str(json.load(resp).get("email", ""))
        except (urllib.error.URLError, ValueError):
            return ""


@dataclass
class _Authenticator:
    users: dict[bytes, bytes] = field(default_factory=lambda: {USER.encode(): PASSWORD.encode()})

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and self.users.get(auth_data.login) == bytes(
            auth_data.password
        ):
            return AuthResult(success=True, auth_data=auth_data)
        # handled=False: aiosmtpd then answers 535; with handled=True the client would hang.
        return AuthResult(success=False, handled=False)


class SmtpServer:
    """aiosmtpd with AUTH; STARTTLS, implicit TLS or (loopback) plain."""

    def __init__(
        self,
        mode: Mode = "starttls",
        *,
        tls: TlsFiles | None = None,
        size_limit: int = 10 * 1024 * 1024,
        oauth_userinfo_url: str = "",
    ) -> None:
        """`oauth_userinfo_url` also offers XOAUTH2/OAUTHBEARER, tokens checked there."""
        self.mode = mode
        self.tls = tls or session_tls_files()
        self.size_limit = size_limit
        self.username = USER
        self.password = PASSWORD
        self.port = 0
        self._handler = (
            _OAuthHandler(userinfo_url=oauth_userinfo_url) if oauth_userinfo_url else _Handler()
        )
        self._auth = _Authenticator()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[Received]:
        with self._handler.lock:
            return list(self._handler.messages)

    @property
    def reject(self) -> dict[str, str]:
        return self._handler.reject

    def after_accept(self, hook: Callable[[], None] | None) -> None:
        """Run `hook` after each message is kept, before the reply is sent."""
        self._handler.after_accept = hook

    def drop_replies(self, count: int) -> None:
        """Keep the next `count` messages but cut the connection instead of replying."""
        with self._handler.lock:
            self._handler.drop_replies = count

    def add_user(self, login: str, password: str) -> None:
        """Let another login submit mail (e.g. the Dovecot test user and password)."""
        self._auth.users[login.encode()] = password.encode()

    @property
    def ca_file(self) -> Path:
        return self.tls.ca_cert

    def _server_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(self.tls.server_cert), str(self.tls.server_key))
        return ctx

    def start(self) -> SmtpServer:
        params: dict[str, Any] = {
            "authenticator": self._auth,
            "auth_required": True,
            "data_size_limit": self.size_limit,
            "server_hostname": "localhost",
        }
        if self.mode == "starttls":
            params.update(tls_context=self._server_context(), require_starttls=True)
        else:
            # aiosmtpd 1.4 does not see implicit TLS as TLS and would then hide AUTH;
            # the connection is encrypted all the same ("ssl"), or loopback ("plain").
            params.update(auth_require_tls=False)
        extra = {"ssl_context": self._server_context()} if self.mode == "ssl" else {}
        for attempt in range(3):
            self.port = free_port()
            controller = Controller(
                self._handler, hostname="127.0.0.1", port=self.port, **extra, **params
            )
            try:
                controller.start()
            except Exception:
                if attempt == 2:
                    raise
                continue
            self._controller = controller
            break
        return self

    def stop(self) -> None:
        if self._controller is not None:
            with contextlib.suppress(Exception):
                self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A STARTTLS + AUTH submission server, fresh for each test."""
    server = SmtpServer("starttls").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_factory() -> Iterator[Any]:
    """Starts servers of a chosen mode; all stopped after the test."""
    started: list[SmtpServer] = []

    def make(mode: Mode = "starttls", **kw: Any) -> SmtpServer:
        server = SmtpServer(mode, **kw).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
