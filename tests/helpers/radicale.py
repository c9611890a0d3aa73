"""A real Radicale (CalDAV/CardDAV) on a free loopback port, for tests.

    with Radicale() as server:
        server.add_user("ann", "pw")
        url = server.url  # http://127.0.0.1:PORT/

``Radicale(locked=True)``: a calendar whose name starts with "locked" is
read-only for its owner (a server that refuses changes: 403); make one with
``make_calendar(user, "locked")``, which then writes it on disk.

``Radicale(tls=session_tls_files())`` serves HTTPS with the test CA's certificate
(``url`` is then https://...; clients need ``tls.ca_cert``).

Runs ``python -m radicale`` from the test venv as a child process, with its
config, htpasswd (plain) and collections inside one temp dir. Users can be
added while it runs (htpasswd is re-read per request).
"""

from __future__ import annotations

import http.client
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType

from .ports import LOOPBACK, free_port, tail_file, wait_for_port
from .tls import TlsFiles


class Radicale:
    """One Radicale server; `add_user`, then talk to `url` with basic auth."""

    def __init__(self, tls: TlsFiles | None = None, *, locked: bool = False) -> None:
        self.locked = locked
        self.dir = Path(tempfile.mkdtemp(prefix="unibox-radicale-"))
        self.port = free_port()
        self.tls = tls
        self.url = f"{'https' if tls else 'http'}://{LOOPBACK}:{self.port}/"
        self.htpasswd = self.dir / "users"
        self.log = self.dir / "radicale.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Radicale:
        self.htpasswd.write_text("")
        config = self.dir / "config"
        config.write_text(
            "[server]\n"
            f"hosts = {LOOPBACK}:{self.port}\n"
            f"{self._tls_config()}"
            "[auth]\n"
            "type = htpasswd\n"
            f"htpasswd_filename = {self.htpasswd}\n"
            "htpasswd_encryption = plain\n"
            "delay = 0\n"
            "[storage]\n"
            f"filesystem_folder = {self.dir / 'collections'}\n"
            f"{self._rights()}"
            "[logging]\n"
            "level = warning\n"
        )
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "radicale", "--config", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(
            self.port, process=self.process, log_path=self.log, what="Radicale", timeout=20
        )
        return self

    def _rights(self) -> str:
        if not self.locked:
            return "[rights]\ntype = owner_only\n"
        rules = self.dir / "rights"
        rules.write_text(  # owner_only, except that "locked…" calendars are read-only
            "[root]\nuser: .+\ncollection:\npermissions: R\n"
            "[principal]\nuser: .+\ncollection: {user}\npermissions: RW\n"
            "[locked]\nuser: .+\ncollection: {user}/locked[^/]*\npermissions: r\n"
            "[calendars]\nuser: .+\ncollection: {user}/[^/]+\npermissions: rw\n"
        )
        return f"[rights]\ntype = from_file\nfile = {rules}\n"

    def _tls_config(self) -> str:
        if self.tls is None:
            return ""
        return (  # lines of the [server] section
            f"ssl = True\ncertificate = {self.tls.server_cert}\nkey = {self.tls.server_key}\n"
        )

    def add_user(self, user: str, password: str) -> None:
        with open(self.htpasswd, "a", encoding="utf-8") as fh:
            fh.write(f"{user}:{password}\n")

    def make_address_book(self, user: str, password: str, name: str) -> str:
        """Create an address book with an extended MKCOL; returns its URL."""
        import base64

        path = f"/{user}/{name}/"
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<mkcol xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><set><prop>'
            "<resourcetype><collection/><C:addressbook/></resourcetype>"
            f"<displayname>{name}</displayname></prop></set></mkcol>"
        )
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        conn: http.client.HTTPConnection = (
            http.client.HTTPSConnection(
                LOOPBACK, self.port, timeout=10, context=self.tls.client_context()
            )
            if self.tls
            else http.client.HTTPConnection(LOOPBACK, self.port, timeout=10)
        )
        try:
            conn.request(
                "MKCOL",
                path,
                body.encode(),
                {"Authorization": f"Basic {token}", "Content-Type": "application/xml"},
            )
            response = conn.getresponse()
            response.read()
            if response.status != 201:
                raise RuntimeError(f"MKCOL {path}: {response.status}\n{tail_file(self.log)}")
        finally:
            conn.close()
        return f"{self.url.rstrip('/')}{path}"

    def make_calendar(self, user: str, password: str, name: str, components: str = "VEVENT") -> str:
        """Create a calendar (MKCALENDAR; on disk when it is a locked one); returns its URL."""
        path = f"/{user}/{name}/"
        if name.startswith("locked") and self.locked:
            self.write_collection(user, name, components)
            return f"{self.url.rstrip('/')}{path}"
        comps = "".join(f'<C:comp name="{c}"/>' for c in components.split(","))
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<C:mkcalendar xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><set><prop>'
            f"<displayname>{name}</displayname>"
            f"<C:supported-calendar-component-set>{comps}</C:supported-calendar-component-set>"
            "</prop></set></C:mkcalendar>"
        )
        status = self.request(user, password, "MKCALENDAR", path, body.encode())[0]
        if status != 201:
            raise RuntimeError(f"MKCALENDAR {path}: {status}\n{tail_file(self.log)}")
        return f"{self.url.rstrip('/')}{path}"

    def write_collection(
        self, user: str, name: str, components: str = "VEVENT", items: dict[str, str] | None = None
    ) -> Path:
        """A calendar written straight into the storage (fast for thousands of events)."""
        import json

        folder = self.dir / "collections" / "collection-root" / user / name
        folder.mkdir(parents=True, exist_ok=True)
        props = {"tag": "VCALENDAR", "D:displayname": name}
        props["C:supported-calendar-component-set"] = components
        (folder / ".Radicale.props").write_text(json.dumps(props))
        for file_name, text in (items or {}).items():
            (folder / file_name).write_text(text, encoding="utf-8", newline="")
        return folder

    def request(
        self, user: str, password: str, method: str, path: str, body: bytes = b"", **headers: str
    ) -> tuple[int, dict[str, str], bytes]:
        """One HTTP request as `user` (the other device in a test)."""
        import base64

        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        conn: http.client.HTTPConnection = (
            http.client.HTTPSConnection(
                LOOPBACK, self.port, timeout=30, context=self.tls.client_context()
            )
            if self.tls
            else http.client.HTTPConnection(LOOPBACK, self.port, timeout=30)
        )
        try:
            conn.request(
                method,
                path,
                body,
                {"Authorization": f"Basic {token}", "Content-Type": "application/xml", **headers},
            )
            response = conn.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Radicale:
        return self.start()

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.stop()
