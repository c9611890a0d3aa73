"""Matrix media: the files and images of room events, fetched and sent through the media API.

An event's file (`m.file`, `m.image`, `m.video`, `m.audio`, a sticker) becomes
a `ChatAttachment`: its name, type and size as the sender announced them, its
mxc:// URI, and in `details` (JSON) what opening it needs: for an end-to-end
encrypted room the `EncryptedFile`'s key, iv and SHA-256 (the event carries
`content.file` instead of `content.url`), and a thumbnail's URI and the image's
size. Nothing is downloaded at sync time.

`download` reads one through the authenticated media API (`/_matrix/client/v1/
media/download`, Synapse 1.120 and later require it) with the access token,
and through the older `/_matrix/media/v3/download` where a homeserver does not
know the new one; an encrypted file is checked against its hash and decrypted.
Every way it can fail is said in words: the server down, the media deleted,
too large, the sign-in revoked, a file altered on the way.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import aiohttp

from unibox.core.errors import AuthError, ChannelError, ConnectionLost, SecurityError, Unreachable
from unibox.core.filenames import safe_filename
from unibox.core.items import ChatAttachment

MAX_MEDIA_BYTES = 100 * 1024 * 1024  # a bigger file is refused rather than held in memory
MEDIA_TYPES = {
    "m.image": "image",
    "m.file": "file",
    "m.audio": "audio",
    "m.video": "video",
    "m.sticker": "sticker",
}
_DEFAULT_TYPES = {"image": "image/png", "sticker": "image/png", "audio": "audio/ogg",
                  "video": "video/mp4"}  # fmt: skip


def media_kind(event_type: str, content: Mapping[str, Any]) -> str:
    """ "image", "file", "audio", "video" or "sticker" for an event with media; else ""."""
    if event_type == "m.sticker":
        return "sticker"
    return MEDIA_TYPES.get(str(content.get("msgtype") or ""), "") if event_type else ""


def filename_of(content: Mapping[str, Any], kind: str) -> str:
    """The file's name: `filename` (when the body is a caption), else the body."""
    name = content.get("filename")
    if not isinstance(name, str) or not name.strip():
        body = content.get("body")
        name = body if isinstance(body, str) and body.strip() else kind
    return name.strip().splitlines()[0] if name.strip() else kind


def safe_name(content: Mapping[str, Any], kind: str) -> str:
    """The file's name reduced to a safe base name (what is shown and saved)."""
    info = content.get("info")
    mime = info.get("mimetype") if isinstance(info, Mapping) else None
    return safe_filename(filename_of(content, kind), mime if isinstance(mime, str) else "")


def caption_of(content: Mapping[str, Any]) -> str:
    """The text sent with the file (a body that is not just its name), or ""."""
    name, body = content.get("filename"), content.get("body")
    if isinstance(name, str) and isinstance(body, str) and body.strip() and body != name:
        return body
    return ""


def _mxc(value: Any) -> str:
    return value if isinstance(value, str) and value.startswith("mxc://") else ""


def _encrypted(file: Any) -> dict[str, Any] | None:
    """The parts of an EncryptedFile that decrypting needs, or None when it has not them."""
    if not isinstance(file, Mapping) or not _mxc(file.get("url")):
        return None
    key, hashes = file.get("key"), file.get("hashes")
    if not isinstance(key, Mapping) or not isinstance(key.get("k"), str):
        return None
    if not isinstance(hashes, Mapping) or not isinstance(hashes.get("sha256"), str):
        return None
    if not isinstance(file.get("iv"), str):
        return None
    return {"k": key["k"], "iv": file["iv"], "sha256": hashes["sha256"]}


def attachment_of(event_type: str, content: Mapping[str, Any]) -> ChatAttachment | None:
    """The attachment of a media event (plain or encrypted), or None when it names none."""
    kind = media_kind(event_type, content)
    if not kind:
        return None
    info = content.get("info")
    info = info if isinstance(info, Mapping) else {}
    details: dict[str, Any] = {"kind": kind}
    remote = _mxc(content.get("url"))
    encrypted = _encrypted(content.get("file"))
    if not remote and encrypted is not None:
        remote = str(content["file"]["url"])
        details["file"] = encrypted
    if not remote:
        return None
    thumb = _mxc(info.get("thumbnail_url"))
    thumb_file = _encrypted(info.get("thumbnail_file"))
    if thumb:
        details["thumbnail"] = thumb
    elif thumb_file is not None:
        details["thumbnail"] = str(info["thumbnail_file"]["url"])
        details["thumbnail_file"] = thumb_file
    for key in ("w", "h"):
        if isinstance(info.get(key), int):
            details[key] = info[key]
    mime = info.get("mimetype")
    content_type = mime if isinstance(mime, str) and "/" in mime else ""
    content_type = content_type or _DEFAULT_TYPES.get(kind, "application/octet-stream")
    size = info.get("size")
    return ChatAttachment(
        filename=safe_name(content, kind),
        content_type=content_type.lower(),
        size=size if isinstance(size, int) and size >= 0 else 0,
        remote=remote,
        details=json.dumps(details, separators=(",", ":"), sort_keys=True),
    )


# ---------------------------------------------------------------------- download


def _split(remote: str) -> tuple[str, str]:
    server, _, media_id = remote.removeprefix("mxc://").partition("/")
    if not server or not media_id or "/" in media_id:
        raise ChannelError(f"“{remote}” is not a Matrix media address.", retryable=False)
    return quote(server, safe=""), quote(media_id, safe="")


def _ssl(url: str, ca_file: str) -> ssl.SSLContext | bool:
    if url.startswith("https://"):
        return ssl.create_default_context(cafile=ca_file or None)
    return False


async def _errcode(response: aiohttp.ClientResponse) -> tuple[str, str]:
    try:
        body = await response.json(content_type=None)
    except (ValueError, aiohttp.ClientError):
        return "", ""
    if not isinstance(body, dict):
        return "", ""
    return str(body.get("errcode") or ""), str(body.get("error") or "")


async def _read_capped(response: aiohttp.ClientResponse, limit: int, name: str) -> bytes:
    if (response.content_length or 0) > limit:
        raise too_large(name, response.content_length or 0, limit)
    chunks, total = [], 0
    async for chunk in response.content.iter_chunked(1 << 16):
        total += len(chunk)
        if total > limit:
            raise too_large(name, total, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(name: str, size: int, limit: int) -> ChannelError:
    """`size` is as much as is known: the announced size, or what arrived before the limit."""
    mb = 1024 * 1024
    most = f"{limit // mb} MB" if limit >= mb else f"{limit:,} bytes"
    known = f"{size / mb:.1f} MB" if size >= mb else f"{size:,} bytes"
    return ChannelError(
        f"“{name}” is too large to open here ({known} or more; at most {most}).",
        retryable=False,
    )


async def _refused(response: aiohttp.ClientResponse, name: str, account: str) -> ChannelError:
    code, message = await _errcode(response)
    status = response.status
    if code in ("M_UNKNOWN_TOKEN", "M_MISSING_TOKEN") or status == 401:
        return AuthError(
            f"The homeserver no longer accepts the sign-in of {account}, so “{name}” cannot be "
            f"downloaded. Sign in again: unibox account login-matrix {account} --password-stdin."
        )
    if status == 404 or code == "M_NOT_FOUND":
        return ChannelError(
            f"“{name}” is no longer on the homeserver (the media was deleted).", retryable=False
        )
    if code == "M_TOO_LARGE" or status == 413:
        return ChannelError(f"The homeserver says “{name}” is too large to send.", retryable=False)
    if code == "M_LIMIT_EXCEEDED" or status == 429:
        return ConnectionLost(f"The homeserver is rate-limiting {account}; try “{name}” later.")
    if status >= 500:
        return ConnectionLost(
            f"The homeserver failed to give “{name}” ({status}: {message or 'no reason given'})."
        )
    return ChannelError(
        f"The homeserver refused “{name}” ({status}: {message or code or 'no reason given'}).",
        retryable=False,
    )


async def download(
    homeserver: str,
    token: str,
    remote: str,
    *,
    name: str,
    account: str,
    ca_file: str = "",
    limit: int = MAX_MEDIA_BYTES,
) -> bytes:
    """The bytes of an mxc:// URI as the homeserver keeps them (still encrypted if they are)."""
    server, media_id = _split(remote)
    paths = (
        f"/_matrix/client/v1/media/download/{server}/{media_id}",
        f"/_matrix/media/v3/download/{server}/{media_id}",  # before authenticated media
    )
    headers = {"Authorization": f"Bearer {token}"}
    timeout = aiohttp.ClientTimeout(total=300, sock_connect=20)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as http:
            for i, path in enumerate(paths):
                async with http.get(
                    homeserver + path, headers=headers, ssl=_ssl(homeserver, ca_file),
                    params={"allow_redirect": "true"},
                ) as response:  # fmt: skip
                    if response.status == 200:
                        return await _read_capped(response, limit, name)
                    if i == 0 and await _unknown_endpoint(response):
                        continue
                    raise await _refused(response, name, account)
    except aiohttp.ClientConnectorCertificateError as exc:
        raise SecurityError(f"The certificate of {homeserver} is not trusted ({exc}).") from exc
    except aiohttp.ClientConnectorError as exc:
        raise Unreachable(
            f"Cannot reach the homeserver {homeserver} to download “{name}” ({exc.os_error})."
        ) from exc
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise ConnectionLost(
            f"Lost the connection to {homeserver} while downloading “{name}” "
            f"({type(exc).__name__})."
        ) from exc
    raise AssertionError("unreachable")  # pragma: no cover


async def _unknown_endpoint(response: aiohttp.ClientResponse) -> bool:
    """A homeserver from before authenticated media: it does not know the v1 path."""
    if response.status in (400, 405):
        return True
    if response.status != 404:
        return False
    code, _message = await _errcode(response)
    return code == "M_UNRECOGNIZED" or not code


def decrypt(data: bytes, details: str, name: str) -> bytes:
    """The file itself: encrypted media checked against its SHA-256 and decrypted."""
    from nio.crypto.attachments import decrypt_attachment
    from nio.exceptions import EncryptionError

    try:
        info = json.loads(details or "{}")
    except ValueError:
        info = {}
    file = info.get("file") if isinstance(info, dict) else None
    if not isinstance(file, dict):
        return data
    try:
        return bytes(decrypt_attachment(data, file["k"], file["sha256"], file["iv"]))
    except (EncryptionError, KeyError, ValueError) as exc:
        if "digest" in str(exc).lower():
            raise SecurityError(
                f"“{name}” was altered: its contents do not match the hash its sender gave, "
                "so it is not opened."
            ) from exc
        raise SecurityError(f"“{name}” cannot be decrypted ({exc}).") from exc
