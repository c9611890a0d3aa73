"""Throwaway TLS material for test servers, made at run time with the openssl CLI.

One CA and one ``localhost`` server certificate per process (pytest session):
:func:`session_tls_files` caches them in a temp dir removed at exit.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import ssl
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

_CONFIG = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = {san}
"""


@dataclass(frozen=True)
class TlsFiles:
    """Paths of a test CA and a server certificate it signed."""

    directory: Path
    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path
    #: SHA-256 of the server certificate's DER bytes, lowercase hex, no colons
    #: (compare with ``hashlib.sha256(sock.getpeercert(binary_form=True))``).
    fingerprint_sha256: str

    @property
    def fingerprint_sha256_colons(self) -> str:
        """The fingerprint as ``AB:CD:...`` (the form ``openssl x509 -fingerprint`` prints)."""
        fp = self.fingerprint_sha256.upper()
        return ":".join(fp[i : i + 2] for i in range(0, len(fp), 2))

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts only this test CA."""
        return ssl.create_default_context(cafile=str(self.ca_cert))


def _openssl(*args: str, cwd: Path) -> None:
    proc = subprocess.run(
        ["openssl", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"openssl {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr.strip()}"
        )


def cert_fingerprint_sha256(cert_path: Path) -> str:
    """SHA-256 of a PEM certificate's DER encoding, lowercase hex."""
    der = ssl.PEM_cert_to_DER_cert(cert_path.read_text())
    return hashlib.sha256(der).hexdigest()


def make_ca(directory: Path, name: str = "unibox test CA") -> tuple[Path, Path]:
    """Create a self-signed CA in ``directory``; return (cert, key) paths."""
    directory.mkdir(parents=True, exist_ok=True)
    cnf = directory / "openssl-ca.cnf"
    cnf.write_text(_CONFIG.format(san="DNS:unused"))
    cert, key = directory / "ca.crt", directory / "ca.key"
    _openssl(
        "req", "-x509", "-config", str(cnf), "-extensions", "v3_ca",
        "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", str(key), "-out", str(cert), "-days", "30",
        "-subj", f"/CN={name}",
        cwd=directory,
    )  # fmt: skip
    return cert, key


def make_server_cert(
    directory: Path,
    ca_cert: Path,
    ca_key: Path,
    *,
    stem: str = "server",
    common_name: str = "localhost",
    san: str = "DNS:localhost,IP:127.0.0.1",
) -> tuple[Path, Path]:
    """Issue a server certificate signed by the CA; return (cert, key) paths."""
    directory.mkdir(parents=True, exist_ok=True)
    cnf = directory / f"openssl-{stem}.cnf"
    cnf.write_text(_CONFIG.format(san=san))
    cert, key, csr = (directory / f"{stem}{ext}" for ext in (".crt", ".key", ".csr"))
    _openssl(
        "req", "-new", "-config", str(cnf),
        "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", str(key), "-out", str(csr), "-subj", f"/CN={common_name}",
        cwd=directory,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", str(csr), "-CA", str(ca_cert), "-CAkey", str(ca_key),
        "-set_serial", f"0x{hashlib.sha256(str(cert).encode()).hexdigest()[:16]}",
        "-days", "30", "-extfile", str(cnf), "-extensions", "v3_server",
        "-out", str(cert),
        cwd=directory,
    )  # fmt: skip
    csr.unlink()
    key.chmod(0o600)
    return cert, key


def load_tls_files(directory: Path) -> TlsFiles:
    """The TLS files that :func:`make_tls_files` made in ``directory`` (e.g. in a subprocess)."""
    server_cert = directory / "server.crt"
    return TlsFiles(
        directory=directory,
        ca_cert=directory / "ca.crt",
        ca_key=directory / "ca.key",
        server_cert=server_cert,
        server_key=directory / "server.key",
        fingerprint_sha256=cert_fingerprint_sha256(server_cert),
    )


def make_tls_files(directory: Path) -> TlsFiles:
    """Create a CA and a ``localhost``/127.0.0.1 server certificate in ``directory``."""
    ca_cert, ca_key = make_ca(directory)
    server_cert, server_key = make_server_cert(directory, ca_cert, ca_key)
    return TlsFiles(
        directory=directory,
        ca_cert=ca_cert,
        ca_key=ca_key,
        server_cert=server_cert,
        server_key=server_key,
        fingerprint_sha256=cert_fingerprint_sha256(server_cert),
    )


_session_lock = threading.Lock()
_session_files: TlsFiles | None = None


_PREFIX = "unibox-tls-"


def _remove_stale_dirs(root: Path) -> None:
    """Delete TLS dirs of processes that ended without running their atexit cleanup."""
    for path in root.glob(_PREFIX + "*"):
        try:
            owner = int((path / "owner.pid").read_text().strip())
        except (OSError, ValueError):
            continue
        if owner == os.getpid():
            continue
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass


def session_tls_files() -> TlsFiles:
    """The process-wide TLS files, created on first use, removed at interpreter exit."""
    global _session_files
    with _session_lock:
        if _session_files is None:
            root = Path(tempfile.gettempdir())
            _remove_stale_dirs(root)
            directory = Path(tempfile.mkdtemp(prefix=_PREFIX, dir=root))
            directory.chmod(0o755)  # servers that drop privileges must read the certs
            (directory / "owner.pid").write_text(f"{os.getpid()}\n")
            atexit.register(shutil.rmtree, directory, True)
            _session_files = make_tls_files(directory)
        return _session_files
