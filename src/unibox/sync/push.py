"""Pushing pending operations (flags, keywords, moves, expunges) to the IMAP server.

Operations go in the order the user made them; neighbours of one kind go
in one command. A UID the store is unsure of (a placeholder, or the folder
was renumbered) is looked up by Message-ID. A lost connection stops the
push with everything still pending; a refusal by the server counts an
attempt, and after a few the operation fails with a sentence and a move
gives the message back its place. Nothing here ever loses a message: a
move whose message is no longer where it was only drops the local
placeholder, and the next sync finds the message wherever it now is.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from unibox.channels.imap import ImapSession
from unibox.channels.imap_write import ImapWriter
from unibox.core.errors import ChannelError, ConnectionLost
from unibox.core.items import ChangeSet
from unibox.core.triage import is_triage_keyword
from unibox.store import pending_ops
from unibox.store.intent import intent_write
from unibox.store.pending_ops import OpItem, Place
from unibox.store.store import Store
from unibox.store.triage import mark_mirrored

log = logging.getLogger("unibox.sync")

BATCH = 500


@dataclass(slots=True)
class PushReport:
    pushed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    changes: ChangeSet = field(default_factory=ChangeSet)


def _batches(ops: list[OpItem]) -> Iterator[list[OpItem]]:
    batch: list[OpItem] = []
    for op in ops:
        if batch and (op.batch_key != batch[0].batch_key or len(batch) >= BATCH):
            yield batch
            batch = []
        batch.append(op)
    if batch:
        yield batch


class OpPusher:
    """Pushes one account's pending operations over an open session."""

    def __init__(self, store: Store, account_id: int) -> None:
        self.store = store
        self.account_id = account_id
        self.report = PushReport()

    def push(self, imap: ImapSession) -> PushReport:
        with self.store.read() as s:
            ops = pending_ops.pending_for(s, self.account_id)
        if not ops:
            return self.report
        writer = ImapWriter(imap)
        try:
            for batch in _batches(ops):
                try:
                    self._push(writer, batch)
                except ConnectionLost:
                    raise  # all still pending; the next run goes on from here
                except ChannelError as exc:
                    self._refused(batch, str(exc))
        finally:
            try:
                writer.done()
            except ChannelError:
                log.debug("leaving the folder after pushing failed", exc_info=True)
        return self.report

    def _push(self, writer: ImapWriter, batch: list[OpItem]) -> None:
        kind = batch[0].kind
        if kind in ("add_flags", "remove_flags"):
            self._flags(writer, batch, add=kind == "add_flags")
        elif kind == "move":
            self._move(writer, batch)
        elif kind == "expunge":
            self._expunge(writer, batch)
        else:
            self._refused(batch, f"unibox does not know the operation “{kind}”.")

    def _refused(self, batch: list[OpItem], error: str) -> None:
        log.info("server refused %d operation(s): %s", len(batch), error)
        with intent_write(self.store) as s:
            spent = set(pending_ops.mark_retry(s, [op.id for op in batch], error))
            for op in batch:
                if op.id in spent and op.kind == "move":
                    pending_ops.undo_move(s, op.id, error)
        if spent:
            self.report.failed += len(spent)
            self.report.errors.append(error)

    # -- kinds ----------------------------------------------------------------------------

    def _resolve(self, writer: ImapWriter, place: Place, op: OpItem) -> list[int]:
        """The UIDs of a message at a place, looked up by Message-ID when unsure."""
        validity, _ = writer.select(place.folder)
        if place.uid is not None and place.uidvalidity == validity:
            return [place.uid]
        return writer.find(place.folder, op.message_id_header, op.content_key)

    def _flags(self, writer: ImapWriter, batch: list[OpItem], *, add: bool) -> None:
        flags = batch[0].flags
        by_folder: dict[str, set[int]] = {}
        with self.store.read() as s:
            places = {op.id: pending_ops.places_now(s, op.message_id) for op in batch}
        for op in batch:
            for place in places[op.id]:
                found = self._resolve(writer, place, op)
                by_folder.setdefault(place.folder, set()).update(found)
        skipped = False
        for folder, uids in by_folder.items():
            _, keywords_ok = writer.select(folder)
            allowed = [f for f in flags if f.startswith("\\") or keywords_ok]
            skipped |= len(allowed) < len(flags)
            writer.store_flags(folder, sorted(uids), allowed, add=add)
        note = "The server does not allow keywords; kept on this computer." if skipped else ""
        with intent_write(self.store) as s:
            pending_ops.mark_done(s, [op.id for op in batch], note)
            if not skipped and any(is_triage_keyword(f) for f in flags):
                mark_mirrored(s, {op.message_id for op in batch})
        self.report.pushed += len(batch)
        self.report.changes.messages_changed |= {op.message_id for op in batch}

    def _move(self, writer: ImapWriter, batch: list[OpItem]) -> None:
        source = batch[0].source
        target = batch[0].target
        if source is None or not target:
            self._refused(batch, "The folder of this move no longer exists.")
            return
        uid_of: dict[int, int] = {}
        for op in batch:
            assert op.source is not None
            found = self._resolve(writer, op.source, op)
            if found:
                uid_of[op.id] = found[0]
        moved = writer.move(source.folder, sorted(set(uid_of.values())), target)
        results: dict[int, int | None] = {}
        for op in batch:
            old = uid_of.get(op.id)
            new = moved.get(old) if old is not None else None
            if new is None:
                # No COPYUID, or it had left the source already: look where it should be.
                found = writer.find(target, op.message_id_header, op.content_key)
                new = max(found) if found else None
            results[op.id] = new
        with intent_write(self.store) as s:
            for op_id, new_uid in results.items():
                pending_ops.finish_move(s, op_id, new_uid)
        self.report.pushed += len(batch)
        self.report.changes.messages_changed |= {op.message_id for op in batch}

    def _expunge(self, writer: ImapWriter, batch: list[OpItem]) -> None:
        source = batch[0].source
        if source is not None:
            uids: set[int] = set()
            for op in batch:
                assert op.source is not None
                uids.update(self._resolve(writer, op.source, op))
            writer.expunge(source.folder, sorted(uids))
        with intent_write(self.store) as s:
            pending_ops.mark_done(s, [op.id for op in batch])
        self.report.pushed += len(batch)
