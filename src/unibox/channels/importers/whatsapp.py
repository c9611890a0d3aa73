"""WhatsApp chat exports ("Export chat" on Android or iOS) read as chat messages.

Two line forms start a message, in the date order and clock of the phone's
language (English US/UK, German, French, Spanish, Brazilian Portuguese, …):

* Android: ``12/31/24, 9:41 PM - Name: text`` (``31.12.24, 21:41 - …``,
  ``31/12/2024 à 21:41 - …``, ``31/12/24 9:41 p. m. - …``);
* iOS: ``[31.12.24, 21:41:05] Name: text``.

Any other line continues the message above it. Lines without "Name: "
(joins, leaves, the end-to-end encryption notice) and iOS lines whose text
starts with a left-to-right mark are the app's own notices, not messages.
Whether "01/02/24" is the 1st of February or the 2nd of January is decided
from the whole file (`scan`): a first field above 12 says day first.
Reading streams: one pass to scan, one to parse, a line at a time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from unibox.core.identity import normalize_phone

CHANNEL = "whatsapp"
_SPACE = "[ \u00a0\u202f]"
_DATE = r"(?P<a>\d{1,4})[./-](?P<b>\d{1,2})[./-](?P<c>\d{1,4})"
_TIME = (
    r"(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?"
    rf"(?:{_SPACE}*(?P<ampm>[AaPp]\.?{_SPACE}*[Mm]\.?))?"
)
_SEP = rf"(?:,{_SPACE}*|{_SPACE}+(?:à|um|a las|às){_SPACE}+|{_SPACE}+)"
_IOS = re.compile(rf"^\u200e?\[{_DATE}{_SEP}{_TIME}\]{_SPACE}(?P<rest>.*)$")
_ANDROID = re.compile(rf"^\u200e?{_DATE}{_SEP}{_TIME}{_SPACE}+[-–]{_SPACE}(?P<rest>.*)$")
_SENDER = re.compile(r"^(?P<name>[^:]{1,100}?): (?P<text>.*)$", re.DOTALL)
_LOOKS_DATED = re.compile(r"^\u200e?\[?\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
_BIDI = str.maketrans("", "", "\u200e\u200f\u202a\u202b\u202c\u2068\u2069")

# The app's notices that come with a sender in some exports (iOS names the chat).
_NOTICES = (
    "end-to-end encrypted",
    "ende-zu-ende-verschlüsselt",
    "chiffrés de bout en bout",
    "cifrados de extremo a extremo",
    "criptografia de ponta a ponta",
    "this message was deleted",
)
_OMITTED = re.compile(
    r"^<(?:Media omitted|Medien ausgeschlossen|Médias omis|Multimedia omitido|"
    r"Mídia oculta|Arquivo de mídia oculto)>$"
    r"|^(?:image|video|audio|sticker|GIF|document) omitted$",
    re.IGNORECASE,
)
_ATTACHED = re.compile(
    r"^<(?:attached|Anhang|pièce jointe|adjunto|anexado)\s?:\s*(?P<a>[^>]+)>$"
    r"|^(?P<b>\S+\.\w{2,5}) \((?:file attached|Datei angehängt|fichier joint|"
    r"archivo adjunto|arquivo anexado)\)",
    re.IGNORECASE,
)
_PHONE_NAME = re.compile(r"^\+?[\d ()\-\u00a0\u202f]{6,}$")


@dataclass(frozen=True, slots=True)
class Skipped:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class Line:
    """One message as the export wrote it (wall-clock time, no time zone)."""

    line: int
    when: datetime
    sender: str
    text: str
    media: str = ""  # the attached file's name, or "omitted"


@dataclass(slots=True)
class Scan:
    """What a first pass over the file tells: the date order and who writes."""

    day_first: bool | None = None
    senders: dict[str, int] = field(default_factory=dict)  # name -> messages
    month_first_seen: bool = False
    day_first_seen: bool = False
    twelve_hour: bool = False
    dotted: bool = False


def chat_title(file_name: str) -> str:
    """The chat's name from the export's file name ("WhatsApp Chat with Olga.txt")."""
    stem = re.sub(r"\.(txt|zip)$", "", file_name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    stem = re.sub(r" \(\d+\)$", "", stem)  # a second download: "… (1).zip"
    for prefix in (
        "WhatsApp Chat with ",
        "WhatsApp Chat mit ",
        "Discussion WhatsApp avec ",
        "Chat de WhatsApp con ",
        "Conversa do WhatsApp com ",
        "WhatsApp Chat - ",
    ):
        if stem.lower().startswith(prefix.lower()):
            return stem[len(prefix) :].strip()
    return "" if stem in ("_chat", "") else stem.strip()


def _header(raw: str) -> re.Match[str] | None:
    return _IOS.match(raw) or _ANDROID.match(raw)


def starts_message(raw: str) -> bool:
    """Whether a line is a dated "Name: text" line of either form (to recognize an export)."""
    m = _header(raw.rstrip("\r\n").lstrip("\ufeff"))
    return bool(m and _SENDER.match(m["rest"]))


def scan(lines: Iterable[str]) -> Scan:
    """First pass: whether dates are day first, and every sender's name."""
    found = Scan()
    for raw in lines:
        m = _header(raw.rstrip("\r\n"))
        if m is None:
            continue
        a, b = int(m["a"]), int(m["b"])
        if len(m["a"]) <= 2:
            found.day_first_seen |= a > 12
            found.month_first_seen |= b > 12
        found.twelve_hour |= bool(m["ampm"])
        found.dotted |= "." in raw[: m.end("c")]
        said = _SENDER.match(m["rest"])
        if said and not _is_notice(said["text"]) and not _is_notice_name(said["name"]):
            name = said["name"].translate(_BIDI).strip()
            found.senders[name] = found.senders.get(name, 0) + 1
    if found.day_first_seen != found.month_first_seen:
        found.day_first = found.day_first_seen
    else:  # nothing decides: US English writes 12-hour clocks with slashes, most others not
        found.day_first = found.dotted or not found.twelve_hour
    return found


def _is_notice_name(name: str) -> bool:
    """A "sender" that is a notice holding ": " (Sam changed the subject to "a: b")."""
    return any(q in name for q in '"“”«»„')


def _is_notice(text: str) -> bool:
    if text.startswith("\u200e") and not _media(text.translate(_BIDI).strip()):
        return True  # iOS marks the app's own lines (and only media among messages)
    folded = text.casefold()
    return any(n in folded for n in _NOTICES)


def _media(text: str) -> str:
    if _OMITTED.match(text):
        return "omitted"
    m = _ATTACHED.match(text)
    return (m["a"] or m["b"]).strip() if m else ""


def _when(m: re.Match[str], day_first: bool) -> datetime:
    a, b, c = int(m["a"]), int(m["b"]), int(m["c"])
    if len(m["a"]) == 4:
        year, month, day = a, b, c
    else:
        day, month = (a, b) if day_first else (b, a)
        year = c + 2000 if c < 100 else c
    hour = int(m["h"])
    ampm = (m["ampm"] or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError("hour out of range for a 12-hour clock")
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    return datetime(year, month, day, hour, int(m["m"]), int(m["s"] or 0))


def parse(lines: Iterable[str], found: Scan, skipped: list[Skipped]) -> Iterator[Line]:
    """Second pass: the messages, a multi-line one yielded when the next starts."""
    day_first = bool(found.day_first)
    current: list[object] | None = None  # [line, when, sender, text parts]
    for number, raw in enumerate(lines, 1):
        text = raw.rstrip("\r\n")
        if number == 1:
            text = text.lstrip("\ufeff")
        m = _header(text)
        if m is None:
            if current is not None:
                parts = current[3]
                assert isinstance(parts, list)
                parts.append(text)
            elif _LOOKS_DATED.match(text):
                skipped.append(Skipped(number, "a date and time that could not be read"))
            elif text.strip():
                skipped.append(Skipped(number, "not a message: no date and time before it"))
            continue
        if current is not None:
            yield _finish(current)
            current = None
        try:
            when = _when(m, day_first)
        except ValueError:
            skipped.append(Skipped(number, "a date or time that does not exist"))
            continue
        said = _SENDER.match(m["rest"])
        if said is None or _is_notice(said["text"]) or _is_notice_name(said["name"]):
            continue  # the app's notice: joined, left, changed the subject, encrypted
        current = [number, when, said["name"].translate(_BIDI).strip(), [said["text"]]]
    if current is not None:
        yield _finish(current)


def _finish(current: list[object]) -> Line:
    number, when, sender, parts = current
    assert isinstance(number, int) and isinstance(when, datetime)
    assert isinstance(sender, str) and isinstance(parts, list)
    text = "\n".join(parts).translate(_BIDI).strip()
    return Line(number, when, sender, text, _media(text))


def is_phone_name(name: str) -> bool:
    """Whether the sender is shown as a number (someone not in the phone's contacts)."""
    return bool(_PHONE_NAME.match(name)) and sum(c.isdigit() for c in name) >= 6


def sender_handle(name: str, region: str) -> tuple[str, str]:
    """(kind, value): a phone number when the name is one, else the name on WhatsApp."""
    if is_phone_name(name):
        number = normalize_phone(name, region)
        if number:
            return "phone", number
    return CHANNEL, name


def remote_id(chat: str, line: Line, ordinal: int) -> str:
    """A stable content hash: the same message in a later export gets the same id."""
    seed = "\0".join((chat, line.when.isoformat(), line.sender, line.text, str(ordinal)))
    return "wa:" + hashlib.sha256(seed.encode()).hexdigest()[:32]


class Ordinals:
    """Counts identical messages (same minute, sender and text) to tell them apart."""

    def __init__(self) -> None:
        self._when: datetime | None = None
        self._seen: dict[tuple[str, str], int] = {}

    def next(self, line: Line) -> int:
        if line.when != self._when:
            self._when, self._seen = line.when, {}
        key = (line.sender, line.text)
        n = self._seen.get(key, 0)
        self._seen[key] = n + 1
        return n
