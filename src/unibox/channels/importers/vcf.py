"""vCard 2.1/3.0/4.0 files to ContactCards and back.

vobject reads the lines (unfolding, parameters, groups) and folds them on
the way out; the values are decoded here, because vobject's value handling
drops text after an unescaped comma and cuts vCard 4 data: URIs apart.
Nothing on a card is dropped: properties without a field of their own
become custom fields, and a card that cannot be used is reported with why.
"""

from __future__ import annotations

import base64
import binascii
import io
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from vobject import base as vbase

from unibox.core.card_merge import parse_birthday
from unibox.core.contacts import CardHandle, ContactCard, PostalAddress
from unibox.core.content_lines import unescape_text as unescape
from unibox.core.identity import EMAIL, MASTODON, MATRIX, PHONE, XMPP

_META = {"VERSION", "PRODID", "REV", "BEGIN", "END", "X-ABLABEL", "KIND", "SOURCE"}
_IMPP = {"xmpp": XMPP, "matrix": MATRIX}
_X_HANDLES = {"X-JABBER": XMPP, "X-MATRIX": MATRIX, "X-MASTODON": MASTODON}


@dataclass(frozen=True, slots=True)
class Skipped:
    """Something in a file that was not imported, and why (for the import report)."""

    where: str  # "card 3", "line 14", "row 7"
    reason: str


@dataclass(slots=True)
class VcfRead:
    cards: list[ContactCard] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Prop:
    name: str
    params: dict[str, list[str]]
    value: str
    group: str


def decode_text(data: bytes) -> str:
    """A file's text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def split_unescaped(text: str, sep: str) -> list[str]:
    parts, current, i = [], [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if text[i] == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(text[i])
        i += 1
    parts.append("".join(current))
    return parts


def _props(lines: list[tuple[str, int]]) -> Iterator[_Prop]:
    for line, number in lines:
        name, raw_params, value, group = vbase.parseLine(line, number)
        params: dict[str, list[str]] = {}
        for p in raw_params:
            key, values = (p[0].upper(), p[1:]) if len(p) > 1 else ("TYPE", p)
            for v in values:  # TYPE=work,pref is a list; other values are kept whole
                params.setdefault(key, []).extend(
                    (x for x in v.split(",") if x) if key == "TYPE" else [v]
                )
        if "QUOTED-PRINTABLE" in [e.upper() for e in params.get("ENCODING", [])]:
            charset = (params.get("CHARSET") or ["utf-8"])[0]
            value = quopri.decodestring(value.encode("latin-1", "replace")).decode(
                charset, errors="replace"
            )
        yield _Prop(name.upper(), params, value, group or "")


def read_vcards(data: bytes | str) -> VcfRead:
    """Every card in a .vcf file; unusable cards are listed in `skipped` with the reason."""
    text = decode_text(data) if isinstance(data, bytes) else data
    result = VcfRead()
    current: list[tuple[str, int]] | None = None
    start = 0
    count = 0
    for line, number in vbase.getLogicalLines(io.StringIO(text)):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            if current is not None:
                result.warnings.append(f"The card starting on line {start} has no END:VCARD.")
                _finish(result, current, count, start)
            count += 1
            current, start = [], number
        elif upper == "END:VCARD":
            if current is not None:
                _finish(result, current, count, start)
            current = None
        elif current is not None and line.strip():
            current.append((line, number))
    if current is not None:
        result.warnings.append(f"The card starting on line {start} has no END:VCARD.")
        _finish(result, current, count, start)
    if count == 0:
        result.skipped.append(Skipped("file", "it holds no BEGIN:VCARD, so it is not a vCard file"))
    return result


def _finish(result: VcfRead, lines: list[tuple[str, int]], index: int, start: int) -> None:
    try:
        card = card_from_props(list(_props(lines)))
    except (vbase.ParseError, ValueError, UnicodeError) as exc:
        result.skipped.append(Skipped(f"card {index} (line {start})", f"unreadable: {exc}"))
        return
    if not (card.display_name() or card.handles):
        result.skipped.append(
            Skipped(f"card {index} (line {start})", "it has no name, e-mail address or phone")
        )
        return
    result.cards.append(card)


def _rfc6868(text: str) -> str:
    """Decode ^^, ^n and ^' in a parameter value."""
    return re.sub(r"\^([\^n'])", lambda m: {"^": "^", "n": "\n", "'": '"'}[m.group(1)], text)


def _label(p: _Prop, labels: dict[str, str]) -> str:
    if p.group and p.group in labels:
        return labels[p.group]
    kinds = [t.lower() for t in p.params.get("TYPE", []) if t.lower() not in _NOT_LABELS]
    return kinds[0] if kinds else ""


_NOT_LABELS = {"internet", "pref", "voice", "x400", "uri"}


def card_from_props(props: list[_Prop]) -> ContactCard:
    labels = {p.group: unescape(p.value) for p in props if p.name == "X-ABLABEL" and p.group}
    f: dict[str, str] = {}
    handles: list[CardHandle] = []
    addresses: list[PostalAddress] = []
    tags: list[str] = []
    urls: list[str] = []
    custom: list[tuple[str, str]] = []
    photo, photo_type = b"", ""
    for p in props:
        name, value = p.name, p.value
        if name in ("FN", "NICKNAME", "TITLE", "NOTE", "UID") and not f.get(name):
            f[name] = unescape(value).strip()
        elif name == "N":
            parts = [unescape(x) for x in split_unescaped(value, ";")] + [""] * 5
            f["FAMILY"], f["GIVEN"] = parts[0].strip(), parts[1].strip()
            extra = " ".join(x for x in (parts[3], parts[2], parts[4]) if x.strip())
            if extra:
                custom.append(("other names", extra))
        elif name == "ORG":
            parts = [unescape(x).strip() for x in split_unescaped(value, ";")]
            f.setdefault("ORG", parts[0])
            custom.extend(("department", x) for x in parts[1:] if x)
        elif name == "EMAIL":
            handles.append(CardHandle(EMAIL, unescape(value).strip(), _label(p, labels)))
        elif name == "TEL":
            handles.append(CardHandle(PHONE, unescape(value).strip(), _label(p, labels)))
        elif name == "IMPP" or name in _X_HANDLES:
            raw = unescape(value).strip()
            scheme = raw.split(":", 1)[0].lower() if ":" in raw else ""
            kind = _X_HANDLES.get(name) or _IMPP.get(scheme)
            if kind:
                handles.append(CardHandle(kind, raw, _label(p, labels)))
            else:
                custom.append((_label(p, labels) or "chat", raw))
        elif name == "ADR":
            parts = [unescape(x).strip() for x in split_unescaped(value, ";")] + [""] * 7
            a = PostalAddress(_label(p, labels), *parts[:7])
            if not a.is_empty():
                addresses.append(a)
        elif name == "CATEGORIES":
            tags.extend(t for t in (unescape(x).strip() for x in split_unescaped(value, ",")) if t)
        elif name == "URL":
            urls.append(unescape(value).strip())
        elif name == "BDAY":
            raw = unescape(value).strip()
            f["BDAY"] = parse_birthday(raw)
            if not f["BDAY"]:
                custom.append(("birthday", raw))
        elif name == "X-UNIBOX-FIELD":  # a custom field as unibox writes it
            custom.append((_rfc6868((p.params.get("X-LABEL") or [""])[0]), unescape(value)))
        elif name.startswith("X-UNIBOX-"):  # a handle of a kind vCard has no property for
            kind = name.removeprefix("X-UNIBOX-").lower()
            handles.append(CardHandle(kind, unescape(value).strip(), _label(p, labels)))
        elif name == "PHOTO" and not photo:
            photo, photo_type, link = _photo(p)
            if link:
                custom.append(("photo", link))
        elif name not in _META and value.strip():
            custom.append((_label(p, labels) or name.lower(), unescape(value)))
    return ContactCard(
        uid=f.get("UID", ""),
        full_name=f.get("FN", ""),
        given_name=f.get("GIVEN", ""),
        family_name=f.get("FAMILY", ""),
        nickname=f.get("NICKNAME", ""),
        company=f.get("ORG", ""),
        title=f.get("TITLE", ""),
        birthday=f.get("BDAY", ""),
        note=f.get("NOTE", ""),
        handles=tuple(handles),
        addresses=tuple(addresses),
        tags=tuple(dict.fromkeys(tags)),
        urls=tuple(dict.fromkeys(urls)),
        custom=tuple(custom),
        photo=photo,
        photo_type=photo_type,
    )


def _photo(p: _Prop) -> tuple[bytes, str, str]:
    """(bytes, MIME type, link): inline photos are decoded; a web link is kept, not fetched."""
    value = p.value.strip()
    if value.lower().startswith("data:"):
        header, _, payload = value[5:].partition(",")
        mime = header.split(";", 1)[0] or "image/jpeg"
        try:
            return base64.b64decode(payload, validate=False), mime, ""
        except binascii.Error:
            return b"", "", ""
    encoding = [e.lower() for e in p.params.get("ENCODING", [])]
    if "b" in encoding or "base64" in encoding:
        kind = (p.params.get("TYPE") or ["jpeg"])[0].lower()
        try:
            data = base64.b64decode("".join(value.split()), validate=False)
        except binascii.Error:
            return b"", "", ""
        return data, kind if "/" in kind else f"image/{kind}", ""
    return b"", "", value
