"""A real Prosody 0.12 (XMPP) on free loopback ports, for tests and benchmarks.

    with Prosody() as server:
        server.register("alice")
        jid = server.jid("alice")         # alice@localhost
        server.port, server.tls_port      # plain-with-STARTTLS, and direct TLS

Runs ``prosody -F --config CONF`` as a child process with everything (config,
data, pidfile, certificates, log) inside one temp dir. The plain port offers
STARTTLS but does not require it, so a client may also log in plainly over
loopback; the direct-TLS port presents the session's test certificate for
``localhost``. MAM (XEP-0313) archives every one-to-one chat
(``default_archive_policy = true``), carbons (XEP-0280) are on, rooms live on
``conference.localhost`` (XEP-0045) with their own archive (muc_mam);
mod_offline is off, or an offline message would arrive twice (pushed on
presence, and again from MAM). ``mam=False`` gives a server without any archive.
Needs root (Prosody is told to stay root) and Debian's ``prosody``.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import weakref
from pathlib import Path

from .ports import LOOPBACK, ServerStartError, free_ports, wait_for_port
from .server_process import ServerProcess
from .tls import TlsFiles, session_tls_files

DEFAULT_PASSWORD = "xmpp-secret"
DOMAIN = "localhost"
MUC_DOMAIN = "conference.localhost"
_DIR_PREFIX = "unibox-prosody-"
_user_counter = itertools.count(1)
_running: weakref.WeakSet[Prosody] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    for server in list(_running):
        with contextlib.suppress(Exception):
            server.stop()


def prosody_binary() -> str | None:
    return shutil.which("prosody") or (
        "/usr/bin/prosody" if os.access("/usr/bin/prosody", os.X_OK) else None
    )


def prosodyctl_binary() -> str | None:
    return shutil.which("prosodyctl") or (
        "/usr/bin/prosodyctl" if os.access("/usr/bin/prosodyctl", os.X_OK) else None
    )


# Prosody drops a parent-death signal when it sets its user (even to root), so a small
# keeper runs it: it reads a pipe from the test process and kills Prosody at EOF, which
# comes when that process ends in any way, kill -9 included.
_KEEPER = """
import signal, subprocess, sys, threading
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)
def stop(*_):
    child.terminate()
signal.signal(signal.SIGTERM, stop)
def watch():
    sys.stdin.buffer.read()
    child.kill()
threading.Thread(target=watch, daemon=True).start()
sys.exit(child.wait())
"""


def _greets(sock: object) -> bool:
    """Readiness: the server answers a stream header with its own."""
    import socket

    assert isinstance(sock, socket.socket)
    sock.settimeout(2.0)
    try:
        sock.sendall(
            b"<?xml version='1.0'?><stream:stream to='localhost' version='1.0' "
            b"xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
        )
        data = b""
        while b"stream:features" not in data and len(data) < 65536:
            chunk = sock.recv(4096)
            if not chunk:
                return False
            data += chunk
        sock.sendall(b"</stream:stream>")
        return True
    except OSError:
        return False


class Prosody(ServerProcess):
    """A Prosody instance in a temp dir. Use as a context manager or call start()/stop()."""

    stderr_name = "prosody.stderr"

    def __init__(
        self,
        *,
        mam: bool = True,
        tls: TlsFiles | None = None,
        password: str = DEFAULT_PASSWORD,
        max_stanza_size: int = 4 * 1024 * 1024,
    ) -> None:
        self.mam = mam
        self.tls: TlsFiles = tls if tls is not None else session_tls_files()
        self.password = password
        self.max_stanza_size = max_stanza_size
        # "sql" needs Debian's lua-dbi-sqlite3; "internal" is Prosody's file storage.
        self.archive_storage = "sql" if _has_lua_sqlite() else "internal"
        self._dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._ports: dict[str, int] = {}
        self._lock = threading.Lock()

    @staticmethod
    def available() -> bool:
        return prosody_binary() is not None and os.geteuid() == 0

    host = LOOPBACK
    domain = DOMAIN
    muc_domain = MUC_DOMAIN

    @property
    def port(self) -> int:
        """Plain c2s: STARTTLS offered, not required."""
        return self._ports["c2s"]

    @property
    def tls_port(self) -> int:
        """Direct TLS c2s (XEP-0368), the certificate signed by ``ca_file``."""
        return self._ports["c2s_tls"]

    @property
    def ca_file(self) -> Path:
        return self.tls.ca_cert

    @property
    def directory(self) -> Path:
        if self._dir is None:
            raise RuntimeError("Prosody not started")
        return self._dir

    @property
    def config_path(self) -> Path:
        return self.directory / "prosody.cfg.lua"

    @property
    def log_path(self) -> Path:
        return self.directory / "prosody.log"

    @property
    def pid(self) -> int | None:
        """Prosody's own process id (from its pidfile), None when it is not running."""
        try:
            return int((self.directory / "prosody.pid").read_text().strip())
        except (OSError, ValueError, RuntimeError):
            return None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def jid(self, user: str) -> str:
        return f"{user}@{self.domain}"

    def room(self, name: str) -> str:
        return f"{name}@{self.muc_domain}"

    # ------------------------------------------------------------------ lifecycle

    def start(self, timeout: float = 10.0, attempts: int = 3) -> Prosody:
        if self.running:
            return self
        binary = prosody_binary()
        if binary is None:
            raise ServerStartError("prosody not found (scripts/install-system-deps.sh)")
        if os.geteuid() != 0:
            raise ServerStartError("the Prosody test server needs root")
        if self._dir is None:
            # tmpfs when roomy: every archived message is an SQLite commit (an fsync on disk).
            shm = Path("/dev/shm")
            roomy = shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 2**30
            parent = shm if roomy else Path(tempfile.gettempdir())
            _remove_stale_dirs(parent)
            self._dir = Path(tempfile.mkdtemp(prefix=_DIR_PREFIX, dir=parent))
            (self._dir / "owner.pid").write_text(f"{os.getpid()}\n")
            for sub in ("data", "certs"):
                (self._dir / sub).mkdir()
            # Prosody finds a host's certificate by its name in the certificates folder.
            shutil.copy(self.tls.server_cert, self._dir / "certs" / f"{DOMAIN}.crt")
            shutil.copy(self.tls.server_key, self._dir / "certs" / f"{DOMAIN}.key")
        last: ServerStartError | None = None
        for _ in range(attempts):
            try:
                self._start_once(binary, timeout)
                _running.add(self)
                return self
            except ServerStartError as exc:
                last = exc
                self._kill()
                if "in use" not in str(exc).lower():
                    break
        assert last is not None
        raise last

    def _start_once(self, binary: str, timeout: float, *, same_ports: bool = False) -> None:
        if not same_ports or not self._ports:
            self._ports = dict(zip(("c2s", "c2s_tls"), free_ports(2), strict=True))
        self.config_path.write_text(self._config())
        stderr = open(self.directory / "prosody.stderr", "wb")  # noqa: SIM115
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", _KEEPER, binary, "-F", "--config", str(self.config_path)],
                stdin=subprocess.PIPE,  # its EOF tells the keeper that we are gone
                stdout=stderr,
                stderr=stderr,
                start_new_session=True,
            )
        finally:
            stderr.close()
        wait_for_port(
            self.port,
            self.host,
            timeout=timeout,
            process=self._proc,
            what="prosody",
            ready=_greets,
            log_tail=self.log_tail,
        )

    def restart(self, timeout: float = 10.0) -> None:
        """Stop the server (every session drops) and start it again on the same ports."""
        binary = prosody_binary()
        assert binary is not None
        self._kill(timeout)
        self._start_once(binary, timeout, same_ports=True)

    def pause(self) -> None:
        """Stop the server, keeping its data and ports for resume()."""
        self._kill()

    def resume(self, timeout: float = 10.0) -> None:
        binary = prosody_binary()
        assert binary is not None
        self._start_once(binary, timeout, same_ports=True)

    def stop(self, timeout: float = 10.0) -> None:
        _running.discard(self)
        self._kill(timeout)
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def _kill(self, timeout: float = 10.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)

    # ------------------------------------------------------------------ users

    def register(self, user: str, password: str | None = None) -> str:
        """Create an account (works before and while the server runs); its JID."""
        ctl = prosodyctl_binary()
        if ctl is None:
            raise ServerStartError("prosodyctl not found")
        if self._dir is None or not self.config_path.exists():
            raise RuntimeError("start() the server before registering users")
        subprocess.run(
            [
                ctl,
                "--config",
                str(self.config_path),
                "register",
                user,
                self.domain,
                password if password is not None else self.password,
            ],
            check=True,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
        )
        return self.jid(user)

    def new_user(self, base: str = "user", password: str | None = None) -> str:
        """Register a user no other test has; returns the local part."""
        name = f"{base}{next(_user_counter)}".lower()
        self.register(name, password)
        return name

    # ------------------------------------------------------------------ config

    def _config(self) -> str:
        d = self.directory
        mam = '"mam";' if self.mam else ""
        muc_mam = 'modules_enabled = { "muc_mam" }' if self.mam else ""
        return f"""\
run_as_root = true
prosody_user = "root"
daemonize = false
pidfile = "{d}/prosody.pid"
data_path = "{d}/data"
certificates = "{d}/certs"
interfaces = {{ "{LOOPBACK}" }}
local_interfaces = {{ "{LOOPBACK}" }}
c2s_ports = {{ {self._ports["c2s"]} }}
c2s_direct_tls_ports = {{ {self._ports["c2s_tls"]} }}
c2s_direct_tls_ssl = {{ certificate = "{d}/certs/{DOMAIN}.crt"; key = "{d}/certs/{DOMAIN}.key" }}
s2s_ports = {{ }}
http_ports = {{ }}
https_ports = {{ }}
component_ports = {{ }}
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_hashed"
-- Archives in SQLite (indexed), as busy servers keep them: the "internal" file storage
-- reads a whole archive for every page (~1.5 s a query at 10,000 messages).
storage = {{ archive = "{self.archive_storage}"; muc_log = "{self.archive_storage}" }}
default_storage = "internal"
sql = {{ driver = "SQLite3"; database = "{d}/data/prosody.sqlite" }}
c2s_stanza_size_limit = {self.max_stanza_size}
limits = {{ c2s = {{ rate = "100mb/s" }} }}
modules_enabled = {{
    "roster"; "saslauth"; "tls"; "disco"; "carbons"; "pep"; "private";
    "bookmarks"; "ping"; "presence"; "message"; "iq"; "posix"; "limits";
    {mam}
}}
modules_disabled = {{ "s2s"; "offline"; "http"; "admin_telnet" }}
default_archive_policy = true
archive_expires_after = "never"
max_archive_query_results = 250
log = {{ {{ levels = {{ min = "info" }}, to = "file", filename = "{d}/prosody.log" }} }}

VirtualHost "{DOMAIN}"
    ssl = {{ certificate = "{d}/certs/{DOMAIN}.crt"; key = "{d}/certs/{DOMAIN}.key" }}

Component "{MUC_DOMAIN}" "muc"
    {muc_mam}
    muc_log_by_default = true
    muc_log_all_rooms = true
    muc_log_expires_after = "never"
    restrict_room_creation = false
    muc_room_locking = false
    muc_room_default_persistent = true
    muc_room_default_public = true
"""


def _has_lua_sqlite() -> bool:
    return any(
        Path(p).exists()
        for p in (
            "/usr/lib/x86_64-linux-gnu/lua/5.4/dbd/sqlite3.so",
            "/usr/lib/x86_64-linux-gnu/lua/5.3/dbd/sqlite3.so",
            "/usr/lib/x86_64-linux-gnu/lua/5.2/dbd/sqlite3.so",
            "/usr/lib/x86_64-linux-gnu/lua/5.1/dbd/sqlite3.so",
        )
    ) or bool(list(Path("/usr/lib").glob("*/lua/*/dbd/sqlite3.so")))


def _remove_stale_dirs(root: Path) -> None:
    """Delete server dirs of test processes that died without stop()."""
    with contextlib.suppress(OSError):
        for path in root.glob(_DIR_PREFIX + "*"):
            try:
                owner = int((path / "owner.pid").read_text().strip())
            except (OSError, ValueError):
                continue
            if owner == os.getpid() or _alive(owner):
                continue
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
