"""The content of fetched messages: body, raw source, attachments, full-text entry.

Written for messages new to the store and for those known only by their headers
until now, all or nothing; the invitations they carry become events apart, so a
failure there never costs the mail.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection

from unibox.core.items import ChangeSet, IncomingMessage, Invitation, ParsedMessage
from unibox.core.rawcodec import RAW_CODEC, compress_raw
from unibox.store.people import HandleResolver
from unibox.store.schema import Attachment, MessageBody, MessageRaw, insert_rows, table

log = logging.getLogger("unibox.ingest")


def write_content(
    conn: Connection,
    handles: HandleResolver,
    done: list[tuple[int, IncomingMessage]],
    changes: ChangeSet,
) -> None:
    """Body, raw source, attachments and the full-text entry, all or nothing."""
    if not done:
        return
    bodies, raws, attachments, fts = [], [], [], []
    for mid, item in done:
        p = item.parsed
        names, addrs = _search_people(p)
        bodies.append(
            {
                "message_id": mid,
                "text": p.text,
                "html": p.html,
                "names": names,
                "addresses": addrs,
            }
        )
        assert item.raw is not None
        if item.raw_codec:
            codec, data = item.raw_codec, item.raw
        else:
            codec, data = RAW_CODEC, compress_raw(item.raw)
        raws.append({"message_id": mid, "codec": codec, "data": data})
        for pos, a in enumerate(p.attachments):
            attachments.append(
                {
                    "message_id": mid,
                    "position": pos,
                    "filename": a.filename,
                    "content_type": a.content_type,
                    "size": a.size,
                    "content_id": a.content_id,
                    "inline": a.inline,
                }
            )
        fts.append((mid, p.subject, p.text, names, addrs))
    insert_rows(conn, table(MessageBody), bodies)
    insert_rows(conn, table(MessageRaw), raws)
    if attachments:
        insert_rows(conn, table(Attachment), attachments)
    conn.exec_driver_sql(
        "INSERT INTO message_fts(rowid, subject, body, names, addresses) VALUES (?,?,?,?,?)",
        fts,
    )
    invitations = [(mid, inv) for mid, it in done if (inv := it.parsed.invitation) is not None]
    if invitations:  # rare: the event tables are loaded only then
        _record_invitations(conn, handles, invitations, changes)


def _record_invitations(
    conn: Connection,
    handles: HandleResolver,
    found: list[tuple[int, Invitation]],
    changes: ChangeSet,
) -> None:
    """The events of invitations; a failure here never costs the mail itself."""
    from unibox.store.event_ingest import record_invitations

    try:
        with conn.begin_nested():
            record_invitations(conn, handles, found, changes)
    except Exception:
        log.warning("the invitations of %d messages were not recorded", len(found), exc_info=True)


def _search_people(p: ParsedMessage) -> tuple[str, str]:
    everyone = [*p.from_, *p.to, *p.cc, *p.bcc, *p.reply_to]
    names = " ".join(dict.fromkeys(a.name for a in everyone if a.name))
    addrs = " ".join(dict.fromkeys(a.email for a in everyone if a.email))
    return names, addrs
