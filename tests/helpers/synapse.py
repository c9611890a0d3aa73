"""A real Synapse (Matrix homeserver, PyPI ``matrix-synapse``) on a free loopback port.

    with Synapse() as server:
        alice = server.register("alice")     # MatrixUser: user_id, password, access_token
        server.url                           # http://127.0.0.1:PORT
        server.user_id("bob")                # @bob:localhost

Runs ``python -m synapse.app.homeserver`` from the test venv as a child process
(it dies with its parent: PR_SET_PDEATHSIG) with a generated homeserver.yaml
and everything else (SQLite database, signing key, media, log) inside one temp
dir: no federation, no presence, every rate limit at 1000/s unless
``rate_limited=True`` (then messages are limited to a few a second, to test
backing off). Users are registered through the admin API with the
registration shared secret (an HMAC, no extra process per user).

Every start also registers one application service per common bridge
(``BRIDGES``: mautrix-telegram, -whatsapp, …), as a bridge's registration file
does: its ``as_token``, an exclusive namespace of puppets (``@telegram_.*``)
and its bot (``@telegrambot``), and ``url: null`` (Synapse pushes no
transactions; the tests post as the puppets and read as a client).
``server.bridge("telegram")`` is that service (tests/helpers/matrix_bridge.py
registers its puppets and posts as them).
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import hmac
import itertools
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from .ports import LOOPBACK, ServerStartError, free_port, wait_for_port
from .server_process import ServerProcess

DOMAIN = "localhost"
DEFAULT_PASSWORD = "matrix-secret"
_DIR_PREFIX = "unibox-synapse-"
_REFUSE_ENCRYPTION = """\
class RefuseEncryption:
    def __init__(self, config, api):
        api.register_third_party_rules_callbacks(check_event_allowed=self.check)

    @staticmethod
    def parse_config(config):
        return config

    async def check(self, event, state):
        return event.type != "m.room.encryption", None
"""
_user_counter = itertools.count(1)

# network -> (puppet localpart prefix, bot localpart): the default username_template
# ("<network>_{{.}}") and bot username ("<network>bot") of the mautrix bridges.
BRIDGES = {
    "telegram": ("telegram_", "telegrambot"),
    "whatsapp": ("whatsapp_", "whatsappbot"),
    "signal": ("signal_", "signalbot"),
    "slack": ("slack_", "slackbot"),
    "discord": ("discord_", "discordbot"),
    "facebook": ("facebook_", "facebookbot"),
    "instagram": ("instagram_", "instagrambot"),
}

_FAST = {"per_second": 1000, "burst_count": 1000}
_RATE_LIMITS = (
    "rc_message",
    "rc_registration",
    "rc_joins_per_room",
    "rc_3pid_validation",
    "rc_admin_redaction",
    "rc_room_creation",
    "rc_reports",
    "rc_media_create",
    "rc_delayed_event_mgmt",
    "rc_presence",
)


@dataclass(frozen=True)
class MatrixUser:
    """A registered user: its id, password and a first access token (for a peer client)."""

    user_id: str
    password: str
    access_token: str
    device_id: str

    @property
    def localpart(self) -> str:
        return self.user_id[1:].split(":", 1)[0]


@dataclass(frozen=True)
class AppService:
    """One bridge's application-service registration with the homeserver."""

    network: str
    as_token: str
    puppet_prefix: str
    bot_localpart: str


def _die_with_parent() -> None:  # in the child between fork and exec
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def synapse_available() -> bool:
    try:
        import synapse  # noqa: F401
    except ImportError:
        return False
    return True


class Synapse(ServerProcess):
    """One Synapse homeserver in a temp dir. Use as a context manager or call start()/stop()."""

    stderr_name = "synapse.stderr"
    host = LOOPBACK
    domain = DOMAIN

    def __init__(
        self, *, rate_limited: bool = False, max_upload_size: str = "10M",
        refuse_encryption: bool = False,
    ) -> None:  # fmt: skip
        """`refuse_encryption`: a module refuses every m.room.encryption event, as a
        homeserver whose admin disabled encryption does."""
        self.rate_limited = rate_limited
        self.refuse_encryption = refuse_encryption
        self.max_upload_size = max_upload_size
        self.shared_secret = secrets.token_hex(16)
        self.password = DEFAULT_PASSWORD
        self.port = 0
        self._dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.bridges = {
            net: AppService(net, secrets.token_hex(16), prefix, bot)
            for net, (prefix, bot) in BRIDGES.items()
        }
        self._admin: MatrixUser | None = None

    @property
    def directory(self) -> Path:
        if self._dir is None:
            raise RuntimeError("Synapse not started")
        return self._dir

    @property
    def log_path(self) -> Path:
        return self.directory / "homeserver.log"

    @property
    def config_path(self) -> Path:
        return self.directory / "homeserver.yaml"

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def user_id(self, localpart: str) -> str:
        return f"@{localpart}:{self.domain}"

    # ------------------------------------------------------------------ lifecycle

    def start(self, timeout: float = 120.0) -> Synapse:
        if self.running:
            return self
        if self._dir is None:
            # tmpfs when roomy: every event is an SQLite commit (an fsync on disk).
            shm = Path("/dev/shm")
            roomy = shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 2**30
            parent = shm if roomy else Path(tempfile.gettempdir())
            _remove_stale_dirs(parent)
            self._dir = Path(tempfile.mkdtemp(prefix=_DIR_PREFIX, dir=parent))
            (self._dir / "owner.pid").write_text(f"{os.getpid()}\n")
            self._write_signing_key()
            self.port = free_port()
        self._write_config()
        self._spawn(timeout)
        return self

    def _spawn(self, timeout: float) -> None:
        stderr = open(self.directory / self.stderr_name, "wb")  # noqa: SIM115
        preexec = (
            _die_with_parent if threading.current_thread() is threading.main_thread() else None
        )
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "synapse.app.homeserver", "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                cwd=self.directory,
                start_new_session=True,
                preexec_fn=preexec,
            )
        finally:
            stderr.close()
        wait_for_port(
            self.port, self.host, timeout, process=self._proc, what="synapse",
            log_tail=self.log_tail,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/health", timeout=5).ok:
                    return
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self._kill()
                raise ServerStartError(f"synapse does not answer /health\n{self.log_tail()}")
            time.sleep(0.1)

    def pause(self) -> None:
        """Stop the server (a homeserver that is down), keeping its data and port."""
        self._kill()

    def resume(self, timeout: float = 120.0) -> None:
        self._spawn(timeout)

    def stop(self) -> None:
        self._kill()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)

    # ------------------------------------------------------------------ users

    def register(
        self, localpart: str, password: str | None = None, *, admin: bool = False
    ) -> MatrixUser:
        """Create a user with the registration shared secret; it comes with a first login."""
        password = password if password is not None else self.password
        endpoint = f"{self.url}/_synapse/admin/v1/register"
        with self._lock:  # a nonce is good for one registration
            nonce = requests.get(endpoint, timeout=30).json()["nonce"]
            mac = hmac.new(self.shared_secret.encode(), digestmod=hashlib.sha1)
            mac.update(b"\x00".join([nonce.encode(), localpart.encode(), password.encode()]))
            mac.update(b"\x00admin" if admin else b"\x00notadmin")
            body = {
                "nonce": nonce,
                "username": localpart,
                "password": password,
                "admin": admin,
                "mac": mac.hexdigest(),
            }
            response = requests.post(endpoint, json=body, timeout=30)
        if not response.ok:
            raise RuntimeError(f"registering {localpart}: {response.status_code} {response.text}")
        data = response.json()
        return MatrixUser(data["user_id"], password, data["access_token"], data["device_id"])

    def bridge(self, network: str) -> AppService:
        """The application service standing in for that network's bridge."""
        return self.bridges[network]

    def new_user(
        self, base: str = "user", password: str | None = None, *, admin: bool = False
    ) -> MatrixUser:
        """Register a user no other test has."""
        return self.register(f"{base}{next(_user_counter)}".lower(), password, admin=admin)

    def delete_media(self, uri: str) -> None:
        """Delete an uploaded file as the server's admin does (it answers 404 from then on)."""
        if self._admin is None:
            self._admin = self.new_user("admin", admin=True)
        server, _, media_id = uri.removeprefix("mxc://").partition("/")
        response = requests.delete(
            f"{self.url}/_synapse/admin/v1/media/{server}/{media_id}",
            headers={"Authorization": f"Bearer {self._admin.access_token}"},
            timeout=30,
        )
        if not response.ok:
            raise RuntimeError(f"delete media: {response.status_code} {response.text}")

    def api(self, token: str, method: str, path: str, body: Any = None) -> Any:
        """One client-server API call as the token's user (for test set-up and checks)."""
        response = requests.request(
            method,
            f"{self.url}/_matrix/client/v3{path}",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        if not response.ok:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()

    # ------------------------------------------------------------------ config

    def _write_signing_key(self) -> None:
        from signedjson.key import generate_signing_key, write_signing_keys

        with open(self.directory / "signing.key", "w") as fh:
            write_signing_keys(fh, [generate_signing_key("a_test")])

    def _write_config(self) -> None:
        import yaml

        d = self.directory
        (d / "log.yaml").write_text(
            "version: 1\n"
            "formatters: {plain: {format: '%(asctime)s %(levelname)s %(name)s %(message)s'}}\n"
            f"handlers: {{file: {{class: logging.FileHandler, filename: '{d}/homeserver.log',"
            " formatter: plain}}\n"
            "root: {level: WARNING, handlers: [file]}\n"
            "disable_existing_loggers: false\n"
        )
        limit = {"per_second": 2, "burst_count": 3} if self.rate_limited else _FAST
        config: dict[str, Any] = {
            "server_name": DOMAIN,
            "pid_file": str(d / "homeserver.pid"),
            "listeners": [
                {
                    "port": self.port,
                    "bind_addresses": [LOOPBACK],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client", "media"], "compress": False}],
                }
            ],
            "database": {"name": "sqlite3", "args": {"database": str(d / "homeserver.db")}},
            "log_config": str(d / "log.yaml"),
            "media_store_path": str(d / "media"),
            "max_upload_size": self.max_upload_size,
            "signing_key_path": str(d / "signing.key"),
            "registration_shared_secret": self.shared_secret,
            "macaroon_secret_key": secrets.token_hex(16),
            "form_secret": secrets.token_hex(16),
            "report_stats": False,
            "bcrypt_rounds": 4,  # registration and login in milliseconds, not a second
            "enable_metrics": False,
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "federation_domain_whitelist": [],
            "presence": {"enabled": False},
            "url_preview_enabled": False,
            # A sync without a token is otherwise answered from a 2-minute cache: a client
            # that connects again at once would not see the rooms it just joined.
            "caches": {"sync_response_cache_duration": 0},
            **{name: dict(_FAST) for name in _RATE_LIMITS},
            "rc_message": dict(limit),
            "rc_login": {k: dict(_FAST) for k in ("address", "account", "failed_attempts")},
            "rc_joins": {k: dict(_FAST) for k in ("local", "remote")},
            "rc_invites": {k: dict(_FAST) for k in ("per_room", "per_user", "per_issuer")},
            "app_service_config_files": self._write_app_services(),
        }
        if self.refuse_encryption:  # the module is in Synapse's working directory: on its path
            (d / "refuse_encryption.py").write_text(_REFUSE_ENCRYPTION)
            config["modules"] = [{"module": "refuse_encryption.RefuseEncryption", "config": {}}]
        self.config_path.write_text(yaml.safe_dump(config))

    def _write_app_services(self) -> list[str]:
        import yaml

        files = []
        for service in self.bridges.values():
            domain = self.domain.replace(".", "\\.")
            registration = {
                "id": service.network,
                "url": None,  # no bridge process: Synapse pushes no transactions
                "as_token": service.as_token,
                "hs_token": secrets.token_hex(16),
                "sender_localpart": service.bot_localpart,
                "rate_limited": False,
                "namespaces": {
                    "users": [
                        {"exclusive": True, "regex": f"@{service.puppet_prefix}.*:{domain}"},
                        {"exclusive": True, "regex": f"@{service.bot_localpart}:{domain}"},
                    ],
                    "aliases": [],
                    "rooms": [],
                },
            }
            path = self.directory / f"appservice-{service.network}.yaml"
            path.write_text(yaml.safe_dump(registration))
            files.append(str(path))
        return files


def _remove_stale_dirs(root: Path) -> None:
    """Delete server dirs of test processes that died without stop()."""
    with contextlib.suppress(OSError):
        for path in root.glob(_DIR_PREFIX + "*"):
            try:
                owner = int((path / "owner.pid").read_text().strip())
            except (OSError, ValueError):
                continue
            if owner != os.getpid() and not Path(f"/proc/{owner}").exists():
                shutil.rmtree(path, ignore_errors=True)
