"""Attachments to open or save, mail or chat: the use case the CLI and the window share.

A mail attachment is read back from the message's raw source. A chat
attachment's bytes are fetched from its server the first time (a Matrix
homeserver's media API, with the account's session from the keyring),
checked (an end-to-end encrypted file against its hash) and kept in the
store, so a second open needs no network.
"""

from __future__ import annotations

import asyncio
import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from unibox.core.errors import UserError
from unibox.store.chat_media import AttachmentRow, ChatMediaSource, attachment_rows
from unibox.store.store import Store

if TYPE_CHECKING:
    from unibox.core.attachments import AttachmentData
    from unibox.secrets import SecretStore


CHAT_FILE_MAX_BYTES = 100 * 1024 * 1024


def read_chat_files(paths: Sequence[Path]) -> list[tuple[str, str, bytes]]:
    """Files to send in a chat: (safe name, type, bytes) each; UserError in words otherwise."""
    from unibox.core.filenames import safe_filename

    found = []
    for path in paths:
        try:
            size = path.stat().st_size
            if size > CHAT_FILE_MAX_BYTES:
                raise UserError(f"“{path.name}” is larger than 100 MB; share it as a link.")
            data = path.read_bytes()
        except OSError as exc:
            raise UserError(f"“{path}” could not be read: {exc.strerror or exc}.") from None
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        found.append((safe_filename(path.name, content_type), content_type, data))
    return found


def list_attachments(store: Store, message_id: int) -> list[AttachmentRow]:
    """A message's attachments; UserError when there is no such message."""
    from sqlalchemy import select

    from unibox.store.schema import Message

    with store.read() as s:
        if s.scalar(select(Message.id).where(Message.id == message_id)) is None:
            raise UserError(f"There is no message {message_id}.")
        return attachment_rows(s, message_id)


def attachment_data(
    store: Store, secrets: SecretStore, message_id: int, position: int
) -> AttachmentData:
    """The attachment's bytes: from the store when they are here, else from its server."""
    from unibox.core.attachments import AttachmentData, extract_attachment
    from unibox.store.chat_media import chat_media_source
    from unibox.store.queries import raw_source

    with store.read() as s:
        source = chat_media_source(s, message_id, position)
        if source is None:
            rows = attachment_rows(s, message_id)
            if not 0 <= position < len(rows):
                raise UserError(f"Message {message_id} has no attachment {position + 1}.")
            raw = raw_source(s, message_id)
            if raw is None:
                raise UserError("This message has not been downloaded yet.")
            return extract_attachment(raw, position, rows[position].filename)
    data = source.data if source.data is not None else fetch_chat_media(store, secrets, source)
    return AttachmentData(source.filename, source.content_type, "", data)


def fetch_chat_media(store: Store, secrets: SecretStore, source: ChatMediaSource) -> bytes:
    """Download one chat attachment, check it, keep it; the bytes."""
    from unibox.store.chat_media import keep_media

    if source.account_kind != "matrix":
        raise UserError(f"unibox cannot download attachments of {source.account_kind} chats.")
    data = _matrix_download(store, secrets, source)
    with store.write() as s:
        keep_media(s, source.attachment_id, data)
    return data


def _matrix_download(store: Store, secrets: SecretStore, source: ChatMediaSource) -> bytes:
    from unibox.channels.matrix import media
    from unibox.channels.matrix.session import Session, homeserver_url
    from unibox.store.chat_accounts import chat_accounts

    with store.read() as s:
        found = [a for a in chat_accounts(s, source.account_name) if a.kind == "matrix"]
    if not found:
        raise UserError(f"The Matrix account of “{source.filename}” is gone.")
    account = found[0]
    session = Session.load(secrets.get(account.secret_ref), account.settings.address)
    if not session.access_token:
        raise UserError(
            f"{account.name} is not signed in. "
            f"Sign in again: unibox account login-matrix {account.name} --password-stdin."
        )
    url = homeserver_url(account.settings.homeserver or account.settings.host)
    if source.size > media.MAX_MEDIA_BYTES:
        raise media.too_large(source.filename, source.size, media.MAX_MEDIA_BYTES)
    got = asyncio.run(
        media.download(
            url, session.access_token, source.remote, name=source.filename,
            account=account.name, ca_file=account.settings.ca_file,
        )
    )  # fmt: skip
    return media.decrypt(got, source.details, source.filename)
