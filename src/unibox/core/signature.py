"""Signature blocks: the handles a person lists under their own messages.

A signature is the block after the "-- " delimiter (RFC 3676), else the short
lines after a closing ("Best regards,", "Viele Grüße") or after a line that is
the sender's own name, near the end of what they wrote themselves: quoted
text ("> …", "On … wrote:", "-----Original Message-----", a forwarded
message) is cut off first. Work is bounded per message whatever the body:
only its first `MAX_SCAN_CHARS` characters and `MAX_SCAN_LINES` lines are
read, and a signature is at most `MAX_SIGNATURE_LINES` lines of at most
`MAX_LINE_CHARS` characters.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from unibox.core.identity import (
    EMAIL,
    MASTODON,
    MATRIX,
    PHONE,
    XMPP,
    normalize_email,
    normalize_jid,
    normalize_mastodon,
    normalize_matrix,
)

MAX_SCAN_CHARS = 64_000
MAX_SCAN_LINES = 1_500
MAX_SIGNATURE_LINES = 12
MAX_LINE_CHARS = 160
# A closing or name line further up than this is a letter's body, not its end.
_TAIL_LINES = 25

_ATTRIBUTION = re.compile(
    r"^(?:on\b.{0,300}\bwrote|am\b.{0,300}\bschrieb|le\b.{0,300}\ba écrit|"
    r"el\b.{0,300}\bescribió|il\b.{0,300}\bha scritto|op\b.{0,300}\bschreef)\s*:?\s*$",
    re.IGNORECASE,
)
# Where someone else's text begins in a top-posted reply or a forward: a marker line,
# or an Outlook-style header block ("From: …" then "Sent: …" within three lines).
_CUT = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*(?:original message|forwarded message|ursprüngliche nachricht|"
    r"message d'origine|weitergeleitete nachricht|mensaje original)[ \t]*-{2,}"
    r"|begin forwarded message:|_{10,})[ \t]*$"
    r"|^[ \t]*(?:from|von|de|van|da)[ \t]*:[ \t]*\S[^\n]*\n(?:[^\n]*\n){0,2}?"
    r"[ \t]*(?:sent|date|gesendet|datum|envoyé|enviado|inviato|verzonden|to|an|à|para)[ \t]*:",
    re.IGNORECASE | re.MULTILINE,
)
_CLOSINGS = (
    "best",
    "best regards",
    "best wishes",
    "kind regards",
    "warm regards",
    "regards",
    "many thanks",
    "thanks",
    "thank you",
    "thanks and regards",
    "cheers",
    "all the best",
    "sincerely",
    "yours sincerely",
    "yours",
    "cordially",
    "take care",
    "mit freundlichen grüßen",
    "mit freundlichen grussen",
    "freundliche grüße",
    "viele grüße",
    "beste grüße",
    "liebe grüße",
    "grüße",
    "gruß",
    "lg",
    "vg",
    "mfg",
    "cordialement",
    "bien cordialement",
    "bien à vous",
    "amitiés",
    "saludos",
    "un saludo",
    "atentamente",
    "un saluto",
    "cordiali saluti",
    "saluti",
    "met vriendelijke groet",
    "groeten",
    "atenciosamente",
    "abraços",
)

_EMAIL_LIKE = re.compile(r"(?<![\w@.+-])(@?)([\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+)")
_MATRIX_LIKE = re.compile(r"(?<![\w@])@[\w.=\-/+]{1,64}:[\w-]{1,63}(?:\.[\w-]{1,63})+")
_MASTODON_URL = re.compile(r"https?://[\w.-]{1,253}/@[\w.]{1,64}/?(?=[\s,;)>\]]|$)")
_MATRIX_TO = re.compile(r"https?://matrix\.to/#/@[^\s,;)>\]]{1,200}", re.IGNORECASE)
_XMPP_LABEL = re.compile(r"\b(?:xmpp|jabber|jid)\b", re.IGNORECASE)
_MASTODON_LABEL = re.compile(r"\b(?:mastodon|fediverse|fedi)\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s[|·•/]\s|\s{3,}|\t")
_FAX = re.compile(r"\b(?:fax|telefax)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SignatureHandle:
    """A handle found in a signature: its kind, canonical value and the text as written."""

    kind: str
    value: str
    written: str


def own_text(body: str) -> list[str]:
    """The last lines the sender wrote themselves: quoted and forwarded text dropped."""
    text = body[:MAX_SCAN_CHARS]
    cut = _CUT.search(text)  # one pass in C, not a Python loop over every line
    if cut is not None:
        text = text[: cut.start()]
    kept: list[str] = []
    for line in reversed(text.splitlines()[:MAX_SCAN_LINES]):
        stripped = line.strip()
        if stripped.startswith(">") or _ATTRIBUTION.match(stripped):
            continue
        kept.append(line.rstrip())
        if len(kept) >= _TAIL_LINES * 3:
            break
    kept.reverse()
    return kept


def signature_block(body: str, sender_name: str = "") -> list[str]:
    """The lines of the signature of `body`, or [] when none is recognised."""
    lines = own_text(body)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return []
    start = _after_delimiter(lines)
    if start is None:
        start = _after_closing(lines, sender_name)
    if start is None:
        return []
    block = [line.strip() for line in lines[start : start + MAX_SIGNATURE_LINES]]
    return [line[:MAX_LINE_CHARS] for line in block if line]


def _after_delimiter(lines: list[str]) -> int | None:
    for i in range(len(lines) - 1, max(-1, len(lines) - 1 - _TAIL_LINES * 2), -1):
        if lines[i] in ("-- ", "--", "—", "-- -- "):
            return i + 1
    return None


def _after_closing(lines: list[str], sender_name: str) -> int | None:
    name = _fold(sender_name)
    first = name.split()[0] if name.split() else ""
    for i in range(len(lines) - 1, max(-1, len(lines) - 1 - _TAIL_LINES), -1):
        text = _fold(lines[i])
        if not text or len(text) > 60:
            continue
        if text.rstrip(",!.") in _FOLDED_CLOSINGS:
            return i + 1
        if name and (text == name or (first and text.rstrip(",") == first)) and i > 0:
            return i  # the sender's name opens the block ("Ana Lima\nHead of Legal\n…")
    return None


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


_FOLDED_CLOSINGS = frozenset(_fold(c) for c in _CLOSINGS)  # "grüße" folds to "grüsse"


def signature_handles(body: str, region: str = "", sender_name: str = "") -> list[SignatureHandle]:
    """Phone numbers, e-mail addresses, XMPP, Matrix and fediverse ids in the signature."""
    block = signature_block(body, sender_name)
    found: dict[tuple[str, str], SignatureHandle] = {}
    for line in block:
        for handle in _line_handles(line, region):
            found.setdefault((handle.kind, handle.value), handle)
    return list(found.values())


@functools.lru_cache(maxsize=4096)  # a person's signature repeats under all their mail
def _line_handles(line: str, region: str) -> tuple[SignatureHandle, ...]:
    out: list[SignatureHandle] = []
    for match in _MATRIX_TO.finditer(line):
        value = normalize_matrix(match.group(0))
        if value:
            out.append(SignatureHandle(MATRIX, value, match.group(0)))
    rest = _MATRIX_TO.sub(" ", line)
    for match in _MASTODON_URL.finditer(rest):
        value = normalize_mastodon(match.group(0))
        if value:
            out.append(SignatureHandle(MASTODON, value, match.group(0)))
    rest = _MASTODON_URL.sub(" ", rest)
    for match in _MATRIX_LIKE.finditer(rest):
        value = normalize_matrix(match.group(0))
        if value:
            out.append(SignatureHandle(MATRIX, value, match.group(0)))
    rest = _MATRIX_LIKE.sub(" ", rest)
    label_from = 0
    for match in _EMAIL_LIKE.finditer(rest):
        at, address = match.group(1), match.group(2).rstrip(".")
        before, label_from = rest[label_from : match.start()], match.end()
        if at or _MASTODON_LABEL.search(before):
            value, kind = normalize_mastodon(address), MASTODON
        elif _XMPP_LABEL.search(before):
            value, kind = normalize_jid(address), XMPP
        else:
            value, kind = normalize_email(address), EMAIL
        if value:
            out.append(SignatureHandle(kind, value, at + address))
    rest = _EMAIL_LIKE.sub(" ", rest)
    for part in _SEPARATORS.split(rest):
        if sum(c.isdigit() for c in part) >= 6 and not _FAX.search(part):
            out.extend(_phones(part, region))
    return tuple(out)


def _phones(text: str, region: str) -> list[SignatureHandle]:
    import phonenumbers  # only for a signature with digits: it loads much metadata

    out = []
    matcher = phonenumbers.PhoneNumberMatcher(
        text, region.upper() or None, leniency=phonenumbers.Leniency.VALID, max_tries=20
    )
    for match in matcher:
        value = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        out.append(SignatureHandle(PHONE, value, match.raw_string))
    return out
