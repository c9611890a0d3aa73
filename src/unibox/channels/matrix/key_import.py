"""Room keys from an export file (Element's "Export E2E room keys", nio's export_keys)."""

from __future__ import annotations

from pathlib import Path

from nio import AsyncClient
from nio.exceptions import EncryptionError

from unibox.core.errors import ChannelError


def import_export(client: AsyncClient, path: Path, passphrase: str, scratch: Path) -> int:
    """The file's room keys into the device's store (`scratch`: a file of its own to write):
    how many were new to it. A wrong passphrase or file is said in words."""
    olm, store = client.olm, client.store
    assert olm is not None and store is not None
    # nio reads the file with "\n" line ends only: one saved on Windows ends in "\r\n".
    try:
        raw = path.read_bytes()
        scratch.write_bytes(raw.replace(b"\r", b"").strip() + b"\n")
        sessions = olm.import_keys_static(str(scratch), passphrase)
    except EncryptionError as exc:
        raise ChannelError(_import_problem(str(exc)), retryable=False) from exc
    except OSError as exc:
        raise ChannelError(f"Cannot read {path}: {exc.strerror or exc}.", retryable=False) from exc
    finally:
        scratch.unlink(missing_ok=True)
    new = 0
    for session in sessions:
        if olm.inbound_group_store.add(session):
            store.save_inbound_group_session(session)
            new += 1
    return new


def _import_problem(why: str) -> str:
    if "HMAC" in why:
        return "The passphrase is wrong for this room-key file (nothing was imported)."
    if "format" in why or "version" in why or "parsing" in why.lower():
        return (
            f"This is not a room-key export file, or it is damaged ({why}); nothing was imported."
        )
    return f"The room keys could not be read ({why}); nothing was imported."
