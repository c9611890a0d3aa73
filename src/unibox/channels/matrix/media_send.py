"""Files unibox sends into Matrix rooms: uploaded through the media API, then an m.file,
m.image, m.video or m.audio event; into an end-to-end encrypted room the file is
encrypted first and the event carries `content.file` (its keys) instead of `content.url`.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from unibox.channels.matrix.media import _mxc, _refused, _ssl
from unibox.core.errors import ConnectionLost, Unreachable

_MSGTYPES = {"image": "m.image", "video": "m.video", "audio": "m.audio"}


def encrypt(data: bytes) -> tuple[bytes, str]:
    """Bytes for an end-to-end encrypted room: the ciphertext, and the keys as `details`."""
    from nio.crypto.attachments import encrypt_attachment

    ciphertext, keys = encrypt_attachment(data)
    file = {"k": keys["key"]["k"], "iv": keys["iv"], "sha256": keys["hashes"]["sha256"]}
    return ciphertext, json.dumps({"file": file}, separators=(",", ":"))


def file_content(
    *, filename: str, content_type: str, size: int, remote: str, details: str, caption: str
) -> dict[str, Any]:
    """The m.room.message content of a file sent: m.image, m.video, m.audio or m.file; an
    encrypted file (its keys in `details`) as `content.file` instead of `content.url`."""
    try:
        info = json.loads(details or "{}")
    except ValueError:
        info = {}
    kind = content_type.partition("/")[0]
    content: dict[str, Any] = {
        "msgtype": _MSGTYPES.get(kind, "m.file"),
        "body": caption.strip() or filename,
        "filename": filename,
        "info": {"mimetype": content_type, "size": size},
    }
    file = info.get("file") if isinstance(info, dict) else None
    if isinstance(file, dict):
        content["file"] = {
            "v": "v2",
            "url": remote,
            "key": {"kty": "oct", "alg": "A256CTR", "ext": True, "k": file["k"],
                    "key_ops": ["encrypt", "decrypt"]},
            "iv": file["iv"],
            "hashes": {"sha256": file["sha256"]},
        }  # fmt: skip
    else:
        content["url"] = remote
    return content


async def upload(
    homeserver: str, token: str, data: bytes, *, filename: str, content_type: str,
    account: str, ca_file: str = "",
) -> str:  # fmt: skip
    """Put a file on the homeserver; its mxc:// URI."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    timeout = aiohttp.ClientTimeout(total=300, sock_connect=20)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as http,
            http.post(
                homeserver + "/_matrix/media/v3/upload", data=data, headers=headers,
                params={"filename": filename}, ssl=_ssl(homeserver, ca_file),
            ) as response,
        ):  # fmt: skip
            if response.status != 200:
                raise await _refused(response, filename, account)
            body = await response.json(content_type=None)
    except aiohttp.ClientConnectorError as exc:
        raise Unreachable(f"Cannot reach the homeserver {homeserver} ({exc.os_error}).") from exc
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise ConnectionLost(
            f"Lost the connection to {homeserver} while sending “{filename}” "
            f"({type(exc).__name__})."
        ) from exc
    uri = body.get("content_uri") if isinstance(body, dict) else None
    if not _mxc(uri):
        raise ConnectionLost(f"The homeserver gave no address for “{filename}”.")
    return str(uri)
