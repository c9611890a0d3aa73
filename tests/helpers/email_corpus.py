"""CPython's email test corpus (`Lib/test/test_email/data/msg_*.txt`): odd real-world mail.

Read where the interpreter keeps its test suite, or from Debian's
`libpython3.11-testsuite` (installed by scripts/install-system-deps.sh); never
copied into this repository.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

_DEBIAN = Path("/usr/lib/python3.11/test/test_email/data")


def corpus_dir() -> Path | None:
    """The folder holding the corpus, or None when no copy is installed."""
    for candidate in (Path(sysconfig.get_paths()["stdlib"]) / "test/test_email/data", _DEBIAN):
        if any(candidate.glob("msg_*.txt")):
            return candidate
    return None


def corpus_messages() -> list[tuple[str, bytes]]:
    """(file name, bytes with CRLF line ends) of every message, in name order."""
    found = corpus_dir()
    if found is None:
        return []
    return [(path.name, _crlf(path.read_bytes())) for path in sorted(found.glob("msg_*.txt"))]


def _crlf(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
