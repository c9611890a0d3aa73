"""A real Dovecot 2.3 (IMAP, IMAPS, POP3) on free loopback ports, for tests and benchmarks.

One server per pytest session is enough: the passdb is static (any user name,
one password), so each test logs in as a fresh user and sees only its own mail.

    with Dovecot() as dc:
        dc.deliver("alice", simple_message("Hi", "Hello"))
        client = dc.imap("alice")

Runs ``dovecot -F -c CONF`` as a child process, everything (config, sockets,
state, log, mail) inside one temp dir. Needs root (Dovecot switches to the
``nobody`` user for mail access) and Debian's dovecot-imapd/dovecot-pop3d.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import datetime as dt
import email.utils
import grp
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Literal

from imapclient import IMAPClient, imap_utf7
from imapclient.exceptions import IMAPClientAbortError

from .ports import LOOPBACK, ServerStartError, free_ports, wait_for_port
from .server_process import ServerProcess
from .tls import TlsFiles, session_tls_files

DEFAULT_PASSWORD = "secret-pw"

#: (IMAP name, SPECIAL-USE attribute) of the folders every user gets, subscribed.
SPECIAL_FOLDERS: tuple[tuple[str, str], ...] = (
    ("Drafts", "\\Drafts"),
    ("Sent", "\\Sent"),
    ("Archive", "\\Archive"),
    ("Junk", "\\Junk"),
    ("Trash", "\\Trash"),
)

#: Hierarchy separator the test server presents (the on-disk layout is Maildir++).
SEPARATOR = "/"

_MAILDIR_FLAG_LETTERS = {
    "\\Draft": "D",
    "\\Flagged": "F",
    "\\Answered": "R",
    "\\Seen": "S",
    "\\Deleted": "T",
}
_USER_RE = re.compile(r"^[a-z0-9._@-]{1,100}$")
_DATE_RE = re.compile(rb"^Date:[ \t]*(.*?)\r?\n(?![ \t])", re.IGNORECASE | re.MULTILINE | re.DOTALL)
_delivery_counter = itertools.count(1)
_DIR_PREFIX = "unibox-dovecot-"
_DELIVER_SESSIONS = 4
_running: weakref.WeakSet[Dovecot] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    """Stop servers a script forgot to stop (the temp dirs go with them)."""
    for server in list(_running):
        with contextlib.suppress(Exception):
            server.stop(graceful=False)


FlagsArg = Sequence[str] | Callable[[int], Sequence[str]]


def _find_binary(name: str, *candidates: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for cand in candidates:
        if os.access(cand, os.X_OK):
            return cand
    return None


def dovecot_binary() -> str | None:
    """Path of the ``dovecot`` master binary (found even when PATH lacks sbin)."""
    return _find_binary("dovecot", "/usr/sbin/dovecot", "/usr/local/sbin/dovecot")


def doveadm_binary() -> str | None:
    """Path of ``doveadm``."""
    return _find_binary("doveadm", "/usr/bin/doveadm", "/usr/local/bin/doveadm")


def _die_with_parent() -> None:  # runs in the child between fork and exec
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def _read_greeting(
    prefix: bytes, logout: bytes, tls: ssl.SSLContext | None = None
) -> Callable[[socket.socket], bool]:
    """Readiness probe: (TLS handshake,) greeting, then a clean logout.

    Closing a login process's connection abruptly (e.g. mid-handshake) leaves
    it busy for a while, and a graceful stop then waits ~6 s for it.
    """

    def ready(sock: socket.socket) -> bool:
        sock.settimeout(2.0)
        try:
            conn = tls.wrap_socket(sock, server_hostname="localhost") if tls else sock
            line = conn.recv(512)
            if not line.startswith(prefix):
                return False
            conn.sendall(logout)
            with contextlib.suppress(OSError):
                while conn.recv(512):
                    pass
            return True
        except OSError:
            return False

    return ready


class Dovecot(ServerProcess):
    """A Dovecot instance in a temp dir. Use as a context manager or call start()/stop()."""

    stderr_name = "dovecot.stderr"

    def __init__(
        self,
        *,
        starttls: bool = True,
        tls: TlsFiles | None = None,
        password: str = DEFAULT_PASSWORD,
        root_dir: Path | str | None = None,
        keep_dir: bool | None = None,
        max_userip_connections: int = 200,
        oauth2_introspection_url: str = "",
    ) -> None:
        """Prepare (not start) a server.

        ``starttls=False`` gives an instance with ``ssl = no``: the plain IMAP
        port does not offer STARTTLS and there is no IMAPS listener.
        ``root_dir`` is where the temp dir is made (default: $UNIBOX_DOVECOT_ROOT,
        else /dev/shm if it has 2 GiB free, else the system temp dir).
        ``keep_dir`` keeps the temp dir after stop() (default: env
        ``UNIBOX_KEEP_DOVECOT`` set). ``max_userip_connections`` is Dovecot's
        ``mail_max_userip_connections`` (logins beyond it are refused).
        ``oauth2_introspection_url`` adds SASL XOAUTH2 and OAUTHBEARER, checked by an
        oauth2 passdb that asks that URL (an OpenID userinfo endpoint) about each token
        and takes its ``email`` claim as the user; passwords keep working beside it.
        """
        self.oauth2_introspection_url = oauth2_introspection_url
        self.max_userip_connections = max_userip_connections
        self.starttls = starttls
        self.tls: TlsFiles = tls if tls is not None else session_tls_files()
        self._password = password
        self._root_parent = Path(root_dir) if root_dir is not None else None
        self.keep_dir = (
            bool(os.environ.get("UNIBOX_KEEP_DOVECOT")) if keep_dir is None else keep_dir
        )
        self._dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._ports: dict[str, int] = {}
        self._clients: list[IMAPClient] = []
        self._lock = threading.Lock()
        # Kept-open sessions for deliver(), most recently used last; a few only,
        # since each holds a server process (service imap has a process limit).
        self._deliver_clients: OrderedDict[str, IMAPClient] = OrderedDict()
        self._deliver_lock = threading.RLock()
        self.start_seconds: float = 0.0
        self.stop_seconds: float = 0.0
        pw = pwd.getpwnam("nobody")
        self._uid = pw.pw_uid
        self._gid = grp.getgrnam("nogroup").gr_gid

    @staticmethod
    def available() -> bool:
        """True if a Dovecot test server can run here (binary installed, running as root)."""
        return dovecot_binary() is not None and os.geteuid() == 0

    # ------------------------------------------------------------------ properties

    @property
    def host(self) -> str:
        return LOOPBACK

    @property
    def password(self) -> str:
        return self._password

    @property
    def imap_port(self) -> int:
        """Plain IMAP (STARTTLS offered unless ``starttls=False``)."""
        return self._port("imap")

    @property
    def imaps_port(self) -> int:
        """Implicit-TLS IMAP. Raises on a ``starttls=False`` instance (it has no TLS)."""
        if not self.starttls:
            raise RuntimeError("this Dovecot instance runs with ssl = no: no IMAPS port")
        return self._port("imaps")

    @property
    def pop3_port(self) -> int:
        """Plain POP3 (STLS offered unless ``starttls=False``)."""
        return self._port("pop3")

    @property
    def pop3s_port(self) -> int:
        """Implicit-TLS POP3. Raises on a ``starttls=False`` instance (it has no TLS)."""
        if not self.starttls:
            raise RuntimeError("this Dovecot instance runs with ssl = no: no POP3S port")
        return self._port("pop3s")

    @property
    def ca_file(self) -> Path:
        """CA certificate that verifies the server (subjectAltName localhost, 127.0.0.1)."""
        return self.tls.ca_cert

    @property
    def fingerprint_sha256(self) -> str:
        """SHA-256 of the server certificate (DER), lowercase hex, for pinning tests."""
        return self.tls.fingerprint_sha256

    @property
    def directory(self) -> Path:
        if self._dir is None:
            raise RuntimeError("Dovecot not started")
        return self._dir

    @property
    def log_path(self) -> Path:
        return self.directory / "dovecot.log"

    @property
    def config_path(self) -> Path:
        return self.directory / "dovecot.conf"

    @property
    def mail_root(self) -> Path:
        """Parent of every user's home (``mail_root / user / "Maildir"``)."""
        return self.directory / "home"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _port(self, name: str) -> int:
        try:
            return self._ports[name]
        except KeyError:
            raise RuntimeError("Dovecot not started") from None

    # ------------------------------------------------------------------ lifecycle

    def start(self, timeout: float = 10.0, attempts: int = 3) -> Dovecot:
        """Start the server and wait until every listener greets. Returns self."""
        if self.running:
            return self
        binary = dovecot_binary()
        if binary is None:
            raise ServerStartError(
                "dovecot not found (install dovecot-imapd dovecot-pop3d: "
                "scripts/install-system-deps.sh)"
            )
        if os.geteuid() != 0:
            raise ServerStartError("the Dovecot test server needs root (it switches to nobody)")
        t0 = time.monotonic()
        if self._dir is None:
            parent = str(self._root_parent or _default_root() or "") or None
            _remove_stale_dirs(Path(parent or tempfile.gettempdir()))
            self._dir = Path(tempfile.mkdtemp(prefix=_DIR_PREFIX, dir=parent))
            self._dir.chmod(0o755)  # mkdtemp makes 0700; nobody must traverse it
            (self._dir / "owner.pid").write_text(f"{os.getpid()}\n")
            for sub in ("run", "state"):
                (self._dir / sub).mkdir(mode=0o755)
            self.mail_root.mkdir(mode=0o755)
            os.chown(self.mail_root, self._uid, self._gid)
        last_error: ServerStartError | None = None
        for _ in range(attempts):
            try:
                self._start_once(binary, timeout)
                self.start_seconds = time.monotonic() - t0
                _running.add(self)
                return self
            except ServerStartError as exc:
                last_error = exc
                self._kill()
                if "Address already in use" not in str(exc):
                    break  # a port race is worth a retry; anything else is not
        assert last_error is not None
        raise last_error

    def _start_once(self, binary: str, timeout: float) -> None:
        names = ["imap", "pop3"] + (["imaps", "pop3s"] if self.starttls else [])
        self._ports = dict(zip(names, free_ports(len(names)), strict=True))
        self.config_path.write_text(self._config())
        stderr = open(self.directory / "dovecot.stderr", "wb")  # noqa: SIM115
        preexec = (
            _die_with_parent if threading.current_thread() is threading.main_thread() else None
        )
        try:
            self._proc = subprocess.Popen(
                [binary, "-F", "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                start_new_session=True,
                preexec_fn=preexec,
            )
        finally:
            stderr.close()
        deadline = time.monotonic() + timeout
        imap_probe = _read_greeting(b"* OK", b"a LOGOUT\r\n")
        checks = [("imap", imap_probe), ("pop3", _read_greeting(b"+OK", b"QUIT\r\n"))]
        if self.starttls:
            tls_probe = _read_greeting(b"* OK", b"a LOGOUT\r\n", self.tls.client_context())
            checks.append(("imaps", tls_probe))
            pop3s_probe = _read_greeting(b"+OK", b"QUIT\r\n", self.tls.client_context())
            checks.append(("pop3s", pop3s_probe))
        for name, probe in checks:
            wait_for_port(
                self._ports[name],
                self.host,
                timeout=max(0.1, deadline - time.monotonic()),
                process=self._proc,
                log_path=self.log_path,
                what=f"dovecot ({name})",
                ready=probe,
                log_tail=self.log_tail,
            )

    def stop(self, timeout: float = 10.0, *, graceful: bool = True) -> None:
        """Terminate the server, wait for it, and remove the temp dir (unless kept).

        Graceful (SIGTERM to the master, which takes about 1 s to exit) by
        default; ``graceful=False`` SIGKILLs the whole process group at once
        (~10 ms), for throwaway data.
        """
        t0 = time.monotonic()
        _running.discard(self)
        with self._lock:
            clients, self._clients = self._clients, []
        with self._deliver_lock:
            clients += self._deliver_clients.values()
            self._deliver_clients.clear()
        for client in clients:
            with contextlib.suppress(Exception):
                client.shutdown()
        self._kill(timeout, graceful=graceful)
        self.stop_seconds = time.monotonic() - t0
        if self._dir is not None and not self.keep_dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def _kill(self, timeout: float = 10.0, *, graceful: bool = True) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if not graceful and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout)
        elif proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        # Children of the master (its own process group) that outlived it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)

    # ------------------------------------------------------------------ config

    def _config(self) -> str:
        d = self.directory
        p = self._ports
        if self.starttls:
            ssl_block = (
                "ssl = yes\n"
                f"ssl_cert = <{self.tls.server_cert}\n"
                f"ssl_key = <{self.tls.server_key}\n"
                "ssl_min_protocol = TLSv1.2\n"
            )
            imaps = f"  inet_listener imaps {{\n    port = {p['imaps']}\n    ssl = yes\n  }}\n"
            pop3s = f"  inet_listener pop3s {{\n    port = {p['pop3s']}\n    ssl = yes\n  }}\n"
        else:
            ssl_block = "ssl = no\n"
            imaps = "  inet_listener imaps {\n    port = 0\n  }\n"
            pop3s = "  inet_listener pop3s {\n    port = 0\n  }\n"
        mailboxes = "".join(
            f"  mailbox {name} {{\n    special_use = {attr}\n    auto = subscribe\n  }}\n"
            for name, attr in SPECIAL_FOLDERS
        )
        return f"""\
# Generated by tests/helpers/dovecot.py
protocols = imap pop3
listen = {self.host}
base_dir = {d}/run
state_dir = {d}/state
instance_name = unibox-test-{d.name}
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
debug_log_path = {d}/dovecot.log
auth_verbose = yes
{ssl_block}
disable_plaintext_auth = no
auth_mechanisms = plain login{" xoauth2 oauthbearer" if self.oauth2_introspection_url else ""}
auth_username_format = %Lu
auth_failure_delay = 0
passdb {{
  driver = static
  args = password={self._password}
  mechanisms = plain login
}}
{self._oauth2_passdb()}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={self.mail_root}/%u
}}
first_valid_uid = 1
mail_location = maildir:~/Maildir
mail_fsync = never
mail_max_userip_connections = {self.max_userip_connections}
mailbox_idle_check_interval = 1 secs
namespace inbox {{
  inbox = yes
  separator = {SEPARATOR}
{mailboxes}}}
# Reuse processes (every user is nobody): a login takes ~2 ms instead of ~20 ms.
service imap-login {{
  service_count = 0
  process_min_avail = 1
  inet_listener imap {{
    port = {p["imap"]}
  }}
{imaps}}}
service imap {{
  service_count = 0
}}
service auth {{
  client_limit = 2000
}}
service pop3-login {{
  service_count = 0
  inet_listener pop3 {{
    port = {p["pop3"]}
  }}
{pop3s}}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""

    def _oauth2_passdb(self) -> str:
        if not self.oauth2_introspection_url:
            return ""
        conf = self.directory / "dovecot-oauth2.conf.ext"
        conf.write_text(
            f"introspection_url = {self.oauth2_introspection_url}\n"
            "introspection_mode = auth\n"
            "username_attribute = email\n"
        )
        return (
            "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
            f"  args = {conf}\n}}\n"
        )

    # ------------------------------------------------------------------ paths

    @staticmethod
    def _norm_user(user: str) -> str:
        name = user.lower()
        if not _USER_RE.match(name):
            raise ValueError(f"test user name must match {_USER_RE.pattern}: {user!r}")
        return name

    def home(self, user: str) -> Path:
        return self.mail_root / self._norm_user(user)

    def maildir(self, user: str, folder: str = "INBOX") -> Path:
        """On-disk Maildir++ directory of ``folder`` (INBOX is the Maildir root)."""
        root = self.home(user) / "Maildir"
        if folder.upper() == "INBOX":
            return root
        encoded: str = bytes(imap_utf7.encode(folder)).decode("ascii")
        return root / ("." + encoded.replace(SEPARATOR, "."))

    # ------------------------------------------------------------------ clients

    def imap(self, user: str, *, mode: Literal["plain", "starttls", "tls"] = "plain") -> IMAPClient:
        """A logged-in IMAPClient for ``user`` (an independent second client in tests).

        ``mode``: "plain" (loopback, no TLS), "starttls" or "tls" (implicit,
        port imaps_port); both TLS modes verify against :attr:`ca_file`.
        Closed by stop() if still open.
        """
        ctx = self.tls.client_context()
        if mode == "tls":
            client = IMAPClient(
                self.host, port=self.imaps_port, ssl=True, ssl_context=ctx, timeout=30
            )
        else:
            client = IMAPClient(self.host, port=self.imap_port, ssl=False, timeout=30)
            if mode == "starttls":
                client.starttls(ctx)
        client.login(user, self._password)
        with self._lock:
            self._clients = [c for c in self._clients if c._imap.state != "LOGOUT"]
            self._clients.append(client)
        return client

    @contextlib.contextmanager
    def _session(self, user: str) -> Iterator[IMAPClient]:
        client = IMAPClient(self.host, port=self.imap_port, ssl=False, timeout=60)
        try:
            client.login(user, self._password)
            yield client
        finally:
            with contextlib.suppress(Exception):
                client.logout()

    def _with_cached_client(self, user: str, action: Callable[[IMAPClient], bytes]) -> bytes:
        """Run ``action`` on a kept-open session of ``user`` (one login per user, not per call)."""
        name = self._norm_user(user)
        with self._deliver_lock:
            for attempt in (1, 2):
                client = self._deliver_clients.get(name)
                if client is None:
                    while len(self._deliver_clients) >= _DELIVER_SESSIONS:
                        self._drop_cached_client(next(iter(self._deliver_clients)), logout=True)
                    client = IMAPClient(self.host, port=self.imap_port, ssl=False, timeout=60)
                    client.login(name, self._password)
                    self._deliver_clients[name] = client
                else:
                    self._deliver_clients.move_to_end(name)
                try:
                    return action(client)
                except (IMAPClientAbortError, OSError):
                    # Session ended under us (kick, server restart): log in again once.
                    self._drop_cached_client(name)
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")

    def _drop_cached_client(self, name: str, *, logout: bool = False) -> None:
        client = self._deliver_clients.pop(name, None)
        if client is not None:
            with contextlib.suppress(Exception):
                if logout:
                    client.logout()
                else:
                    client.shutdown()

    @staticmethod
    def _ensure_folder(client: IMAPClient, folder: str) -> None:
        if folder.upper() != "INBOX" and not client.folder_exists(folder):
            client.create_folder(folder)
            client.subscribe_folder(folder)

    # ------------------------------------------------------------------ delivery

    def deliver(
        self,
        user: str,
        raw: bytes,
        folder: str = "INBOX",
        flags: Sequence[str] = (),
        internal_date: dt.datetime | None = None,
    ) -> int:
        """APPEND one message as ``user`` over IMAP (creating ``folder``); return its UID."""

        def append(client: IMAPClient) -> bytes:
            self._ensure_folder(client, folder)
            resp = client.append(folder, raw, flags=tuple(flags), msg_time=internal_date)
            return resp if isinstance(resp, bytes) else b""

        resp = self._with_cached_client(user, append)
        match = re.search(rb"APPENDUID \d+ (\d+)", resp)
        if match is None:
            raise RuntimeError(f"APPEND to {folder!r} gave no APPENDUID: {resp!r}")
        return int(match.group(1))

    def deliver_many(
        self,
        user: str,
        raws: Sequence[bytes],
        folder: str = "INBOX",
        flags: FlagsArg = (),
        *,
        dates_from_headers: bool = True,
    ) -> list[int]:
        """Bulk-deliver by writing straight into the user's Maildir; return the UIDs.

        Fast (no IMAP per message): each message goes to ``tmp/`` then is renamed
        into ``new/`` (no flags) or ``cur/`` (``:2,<flags>``), owned by nobody.
        UIDs follow the order of ``raws``. ``flags`` is one flag list for all or a
        function of the message index. With ``dates_from_headers`` the file
        mtime (Dovecot's INTERNALDATE) is the message's Date header.
        Checks that Dovecot sees every message before returning.
        """
        with self._session(user) as client:
            self._ensure_folder(client, folder)
            before = client.select_folder(folder, readonly=True)
            uidnext = int(before[b"UIDNEXT"])
            exists = int(before[b"EXISTS"])
            client.close_folder()
        base = self.maildir(user, folder)
        for sub in ("tmp", "new", "cur"):
            if not (base / sub).is_dir():
                raise RuntimeError(f"{base / sub} missing after Dovecot created {folder!r}")
        pid = os.getpid()
        now = int(time.time())
        uid, gid = self._uid, self._gid
        tmp_dir, new_dir, cur_dir = str(base / "tmp"), str(base / "new"), str(base / "cur")
        for i, raw in enumerate(raws):
            fl = flags(i) if callable(flags) else flags
            q = next(_delivery_counter)
            size = len(raw)
            vsize = size + raw.count(b"\n") - raw.count(b"\r\n")
            # Dovecot orders new files by the leading seconds, then .M microseconds.
            name = f"{now + i // 1_000_000}.M{i % 1_000_000}P{pid}Q{q}.unibox,S={size},W={vsize}"
            tmp_path = f"{tmp_dir}/{name}"
            fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, raw)
                os.fchown(fd, uid, gid)
                if dates_from_headers:
                    stamp = _header_timestamp(raw)
                    if stamp is not None:
                        os.utime(fd, (stamp, stamp))
            finally:
                os.close(fd)
            if fl:
                letters = "".join(sorted(_MAILDIR_FLAG_LETTERS[f] for f in fl))
                os.rename(tmp_path, f"{cur_dir}/{name}:2,{letters}")
            else:
                os.rename(tmp_path, f"{new_dir}/{name}")
        with self._session(user) as client:
            after = client.select_folder(folder, readonly=True)
            client.close_folder()
        got = int(after[b"EXISTS"]) - exists
        new_next = int(after[b"UIDNEXT"])
        if got != len(raws) or new_next - uidnext != len(raws):
            raise RuntimeError(
                f"deliver_many: wrote {len(raws)} files into {base} but Dovecot shows "
                f"{got} new messages (UIDNEXT {uidnext} -> {new_next})\n{self.log_tail()}"
            )
        return list(range(uidnext, new_next))

    # ------------------------------------------------------------------ UIDVALIDITY

    def reset_uidvalidity(self, user: str, folder: str = "INBOX") -> tuple[int, int]:
        """Give ``folder`` a new UIDVALIDITY and new UIDs, keeping every message.

        Rewrites the folder's ``dovecot-uidlist`` (new UIDVALIDITY, UIDs renumbered
        from the old UIDNEXT + 1000, same order) and deletes its index files and
        the mailbox list index, so Dovecot rebuilds them: what a client sees after
        a server-side restore or migration. Every open session of ``user`` is
        disconnected first (see :meth:`kick`): clients must reconnect, as they
        would after a real server restore. Returns (old, new) UIDVALIDITY.
        """
        with self._session(user) as client:
            self._ensure_folder(client, folder)
            info = client.select_folder(folder, readonly=True)  # syncs the uidlist
            old_validity = int(info[b"UIDVALIDITY"])
            old_next = int(info[b"UIDNEXT"])
            count = int(info[b"EXISTS"])
            client.close_folder()
        # A live imap process keeps the old index in memory and would write it back.
        self.kick(user)
        base = self.maildir(user, folder)
        uidlist = base / "dovecot-uidlist"
        lines = uidlist.read_text("utf-8").splitlines() if uidlist.exists() else ["3"]
        entries: list[str] = []
        for line in lines[1:]:
            if not line.strip():
                continue
            _uid, _, rest = line.partition(" ")
            entries.append(rest)
        if len(entries) != count:
            raise RuntimeError(f"{uidlist}: {len(entries)} entries but EXISTS is {count}")
        new_validity = max(old_validity + 1, int(time.time()))
        first = old_next + 1000
        body = [f"3 V{new_validity} N{first + len(entries)}"]
        body += [f"{first + i} {rest}" for i, rest in enumerate(entries)]
        tmp = base / f"dovecot-uidlist.unibox-{os.getpid()}"
        tmp.write_text("\n".join(body) + "\n", "utf-8")
        os.chown(tmp, self._uid, self._gid)
        tmp.chmod(0o600)
        os.replace(tmp, uidlist)
        for index_dir, prefix in (
            (base, "dovecot.index"),
            (self.maildir(user), "dovecot.list.index"),
        ):
            for path in index_dir.glob(prefix + "*"):
                path.unlink(missing_ok=True)
        with self._session(user) as client:
            info = client.select_folder(folder, readonly=True)
            client.close_folder()
        if int(info[b"UIDVALIDITY"]) != new_validity or int(info[b"EXISTS"]) != count:
            raise RuntimeError(
                f"reset_uidvalidity({folder!r}): server reports UIDVALIDITY "
                f"{info[b'UIDVALIDITY']} / EXISTS {info[b'EXISTS']}, expected "
                f"{new_validity} / {count}\n{self.log_tail()}"
            )
        return old_validity, new_validity

    # ------------------------------------------------------------------ sessions

    def session_pids(self, user: str) -> list[int]:
        """PIDs of the imap/pop3 processes serving ``user`` now (``doveadm who``)."""
        name = self._norm_user(user)
        out = self.doveadm("who", name, check=False).stdout
        pids: list[int] = []
        for line in out.splitlines():
            fields = line.split(None, 1)
            if fields and fields[0] == name:
                match = re.search(r"\(([\d ]+)\)", line)
                if match:
                    pids += [int(p) for p in match.group(1).split()]
        return pids

    def kick(self, user: str, timeout: float = 5.0) -> int:
        """Disconnect every session of ``user`` and wait for their processes to end.

        Clients see the connection drop (as on a server restart). Returns the
        number of server processes ended.
        """
        with self._deliver_lock:
            self._drop_cached_client(self._norm_user(user))
        pids = self.session_pids(user)
        if not pids:
            return 0
        self.doveadm("kick", self._norm_user(user), check=False)
        deadline = time.monotonic() + timeout
        alive = list(pids)
        while alive:
            alive = [pid for pid in alive if _pid_alive(pid)]
            if not alive:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"kick({user!r}): processes {alive} still running\n{self.log_tail()}"
                )
            time.sleep(0.01)
        return len(pids)

    # ------------------------------------------------------------------ doveadm

    def doveadm(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``doveadm -c CONF ARGS`` against this instance."""
        binary = doveadm_binary()
        if binary is None:
            raise RuntimeError("doveadm not found")
        return subprocess.run(
            [binary, "-c", str(self.config_path), *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=60,
        )

    def ssl_context(self) -> ssl.SSLContext:
        """A verifying client SSL context that trusts this server's CA."""
        return self.tls.client_context()


def _remove_stale_dirs(root: Path) -> None:
    """Delete server dirs left by test processes that died without stop().

    Only dirs made by this helper (name prefix and owner.pid file) whose owner
    process and Dovecot master are both gone; a still-running server is left alone.
    """
    with contextlib.suppress(OSError):
        for path in root.glob(_DIR_PREFIX + "*"):
            try:
                owner = int((path / "owner.pid").read_text().strip())
            except (OSError, ValueError):
                continue
            if owner == os.getpid() or _pid_alive(owner):
                continue
            try:
                master = int((path / "run" / "master.pid").read_text().strip())
            except (OSError, ValueError):
                master = 0
            if master and _pid_alive(master):
                continue
            shutil.rmtree(path, ignore_errors=True)


def _default_root() -> Path | None:
    """Where server dirs go: $UNIBOX_DOVECOT_ROOT, else /dev/shm when it is a roomy
    tmpfs (disk here is slow to create files after many deletions), else the temp dir."""
    env = os.environ.get("UNIBOX_DOVECOT_ROOT")
    if env:
        return Path(env)
    shm = Path("/dev/shm")
    try:
        st = os.statvfs(shm)
    except OSError:
        return None
    if os.access(shm, os.W_OK | os.X_OK) and st.f_bavail * st.f_frsize >= 2 * 2**30:
        return shm
    return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by the dovecot master) counts as ended.
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except OSError:
        return False


def _header_timestamp(raw: bytes) -> float | None:
    end = raw.find(b"\r\n\r\n")
    head = raw[: end if end >= 0 else 8192]
    match = _DATE_RE.search(head)
    if match is None:
        return None
    try:
        when = email.utils.parsedate_to_datetime(match.group(1).decode("ascii", "replace"))
    except (TypeError, ValueError):
        return None
    return when.timestamp()
