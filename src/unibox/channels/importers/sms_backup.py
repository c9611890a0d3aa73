"""SMS Backup & Restore files (the Android app): ``sms-*.xml`` and ``calls-*.xml``.

``<smses>`` holds ``<sms>`` (``type`` 1 received, 2 sent, 3 draft, 4 outbox,
5 failed, 6 queued; ``date`` in milliseconds; ``address``; ``body``;
``contact_name``) and ``<mms>`` (``msg_box`` 1 received, 2 sent; ``address``
the thread's other numbers joined by ``~``; ``<part>`` elements with ``ct``
and ``text``; ``<addr>`` elements whose ``type`` 137 is the sender, 151/130/129
the recipients). ``<calls>`` holds ``<call>`` (``number``, ``duration`` in
seconds, ``type`` 1 incoming, 2 outgoing, 3 missed, 4 voicemail, 5 rejected,
6 blocked).

The app writes an emoji as two character references, one per UTF-16 half
(``&#55357;&#56832;``), which no XML parser accepts: `xml_refs.RepairedXml`
joins them while the bytes stream past. Parsing is expat's, event by event, with nothing kept but
the record being read: a 1 GB backup takes the memory of one MMS.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO
from xml.parsers import expat

from unibox.channels.importers.base import Skip
from unibox.channels.importers.xml_refs import RepairedXml
from unibox.core import calls
from unibox.core.calls import LoggedCall
from unibox.core.identity import normalize_phone
from unibox.core.items import ChatAddress, ChatMessage

CHANNEL = "sms"
_CHUNK = 1 << 16
_RECEIVED_SMS, _SENT_SMS = {"1"}, {"2", "4", "5", "6"}  # 3 is a draft: never sent
_RECEIVED_MMS, _SENT_MMS = {"1"}, {"2", "4"}
_FROM, _RECIPIENTS = "137", {"151", "130", "129"}
_CALL_KINDS = {
    "1": calls.INCOMING,
    "2": calls.OUTGOING,
    "3": calls.MISSED,
    "4": calls.VOICEMAIL,
    "5": calls.REJECTED,
    "6": calls.BLOCKED,
}
_NO_NAME = {"", "(unknown)", "null"}


def phone_address(raw: str, name: str, region: str) -> ChatAddress:
    """A number as a `phone` handle (E.164); a short code or a sender name as an `sms` one."""
    name = "" if name.strip().casefold() in _NO_NAME else name.strip()
    number = normalize_phone(raw, region)
    if number:
        return ChatAddress("phone", number, name)
    return ChatAddress(CHANNEL, raw.strip(), name)


@dataclass(slots=True)
class _Mms:
    line: int
    attrs: dict[str, str]
    texts: list[str] = field(default_factory=list)
    media: int = 0
    sender: str = ""
    recipients: list[str] = field(default_factory=list)


class BackupReader:
    """Reads one backup file into chat messages, logged calls and skipped records.

    `me` is how the user's own messages are sent (the caller's owner address);
    `region` reads numbers written without a country code.
    """

    def __init__(self, where: str, me: ChatAddress, region: str) -> None:
        self.where = where
        self.me = me
        self.region = region
        self._out: list[ChatMessage | LoggedCall | Skip] = []
        self._mms: _Mms | None = None
        self._parser = expat.ParserCreate("utf-8")
        self._parser.buffer_text = True
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end

    def read(self, stream: IO[bytes]) -> Iterator[ChatMessage | LoggedCall | Skip]:
        source = RepairedXml(stream)
        try:
            while chunk := source.read(_CHUNK):
                self._parser.Parse(chunk, False)
                yield from self._drain()
            self._parser.Parse(b"", True)
        except expat.ExpatError as exc:
            yield from self._drain()
            reason = expat.ErrorString(exc.code) if exc.code else str(exc)
            yield Skip(
                self.where,
                f"line {exc.lineno}",
                f"the rest of the file is not readable XML: {reason}",
            )
            return
        yield from self._drain()

    def _drain(self) -> Iterator[ChatMessage | LoggedCall | Skip]:
        out, self._out = self._out, []
        yield from out

    def _skip(self, reason: str, line: int = 0) -> None:
        self._out.append(Skip(self.where, f"line {line or self._parser.CurrentLineNumber}", reason))

    # -- expat events -----------------------------------------------------------------

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        line = self._parser.CurrentLineNumber
        if tag == "sms":
            self._sms(attrs, line)
        elif tag == "call":
            self._call(attrs, line)
        elif tag == "mms":
            self._mms = _Mms(line, attrs)
        elif self._mms is not None and tag == "part":
            ct = attrs.get("ct", "")
            if ct == "text/plain" and attrs.get("text", "null") != "null":
                self._mms.texts.append(attrs["text"])
            elif ct not in ("application/smil", "text/plain"):
                self._mms.media += 1
        elif self._mms is not None and tag == "addr":
            kind, number = attrs.get("type", ""), attrs.get("address", "")
            if kind == _FROM:
                self._mms.sender = number
            elif kind in _RECIPIENTS:
                self._mms.recipients.append(number)

    def _end(self, tag: str) -> None:
        if tag == "mms" and self._mms is not None:
            mms, self._mms = self._mms, None
            self._finish_mms(mms)

    # -- records ----------------------------------------------------------------------

    def _when(self, attrs: dict[str, str], line: int) -> datetime | None:
        try:
            ms = int(attrs.get("date", ""))
            if ms < 10**11:  # some writers give MMS dates in seconds
                ms *= 1000
            return datetime.fromtimestamp(ms / 1000, UTC)
        except (ValueError, OverflowError, OSError):
            self._skip("no date, or one that cannot be read", line)
            return None

    def _sms(self, attrs: dict[str, str], line: int) -> None:
        kind = attrs.get("type", "")
        if kind not in _RECEIVED_SMS | _SENT_SMS:
            if kind != "3":
                self._skip(f"a message of unknown type “{kind}”", line)
            return
        when = self._when(attrs, line)
        raw = attrs.get("address", "").strip()
        if when is None:
            return
        if not raw or raw == "null":
            self._skip("a message without a number", line)
            return
        peer = phone_address(raw, attrs.get("contact_name", ""), self.region)
        body = attrs.get("body", "")
        body = "" if body == "null" else body
        outgoing = kind in _SENT_SMS
        seed = ("sms", peer.value, str(int(when.timestamp() * 1000)), kind, body)
        self._out.append(self._message(seed, peer.value, (peer,), peer, when, body, outgoing))

    def _finish_mms(self, mms: _Mms) -> None:
        box = mms.attrs.get("msg_box", "")
        if box not in _RECEIVED_MMS | _SENT_MMS:
            if box != "3":
                self._skip(f"a multimedia message in unknown box “{box}”", mms.line)
            return
        when = self._when(mms.attrs, mms.line)
        if when is None:
            return
        names = mms.attrs.get("contact_name", "").split(",")
        numbers = [n for n in mms.attrs.get("address", "").split("~") if n.strip()]
        if not numbers:
            numbers = [
                n for n in [mms.sender, *mms.recipients] if n and n != "insert-address-token"
            ]
        if not numbers:
            self._skip("a multimedia message without any number", mms.line)
            return
        others = [
            phone_address(n, names[i] if len(names) == len(numbers) else "", self.region)
            for i, n in enumerate(numbers)
        ]
        # Some phones list the owner's own number among the thread's: it is nobody else.
        others = list({a.value: a for a in others if a.value != self.me.value}.values())
        if not others:
            self._skip("a multimedia message with nobody but you in it", mms.line)
            return
        outgoing = box in _SENT_MMS
        if outgoing:
            sender = self.me
        else:
            raw = mms.sender if mms.sender and mms.sender != "insert-address-token" else numbers[0]
            found = phone_address(raw, "", self.region)
            sender = next((a for a in others if a.value == found.value), found)
        text = "\n".join(t for t in mms.texts if t.strip())
        if mms.media:
            note = f"[{mms.media} attachment{'s' if mms.media > 1 else ''}]"
            text = f"{text}\n{note}" if text else note
        values = sorted(a.value for a in others)
        conversation = values[0] if len(values) == 1 else "mms:" + "~".join(values)
        seed = ("mms", conversation, str(int(when.timestamp() * 1000)), box, text)
        item = self._message(seed, conversation, tuple(others), sender, when, text, outgoing)
        self._out.append(item)

    def _message(
        self,
        seed: tuple[str, ...],
        conversation: str,
        others: tuple[ChatAddress, ...],
        sender: ChatAddress,
        when: datetime,
        text: str,
        outgoing: bool,
    ) -> ChatMessage:
        group = len(others) > 1
        title = ", ".join(a.name or a.value for a in others)
        if outgoing:
            sender = self.me
        participants = others if group or outgoing else (self.me,)
        return ChatMessage(
            channel=CHANNEL,
            remote_id="sms:" + hashlib.sha256("\0".join(seed).encode()).hexdigest()[:32],
            conversation=conversation,
            sender=sender,
            sent_at=when,
            text=text,
            direction="out" if outgoing else "in",
            conversation_name=title,
            is_group=group,
            participants=participants,
            is_history=True,
        )

    def _call(self, attrs: dict[str, str], line: int) -> None:
        direction = _CALL_KINDS.get(attrs.get("type", ""))
        if direction is None:
            self._skip(f"a call of unknown type “{attrs.get('type', '')}”", line)
            return
        when = self._when(attrs, line)
        if when is None:
            return
        raw = attrs.get("number", "").strip()
        if not raw or raw in ("null", "-1", "-2", "-3"):
            self._skip("a call from a hidden number", line)
            return
        peer = phone_address(raw, attrs.get("contact_name", ""), self.region)
        try:
            seconds = max(0, int(attrs.get("duration", "0") or 0))
        except ValueError:
            seconds = 0
        self._out.append(LoggedCall(peer.value, peer.name, when, direction, seconds))


def read_backup(
    stream: IO[bytes], where: str, me: ChatAddress, region: str
) -> Iterator[ChatMessage | LoggedCall | Skip]:
    """The messages and calls of one SMS Backup & Restore file, in file order."""
    yield from BackupReader(where, me, region).read(stream)


def looks_like_backup(head: bytes) -> bool:
    """Whether the first bytes of a file are an SMS Backup & Restore document."""
    text = head[:4096].lstrip(b"\xef\xbb\xbf \r\n\t")
    return text.startswith(b"<?xml") and (b"<smses" in text or b"<calls" in text)
