"""ContactCards to vCard 3.0 or 4.0 text (vobject folds the lines)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable

from vobject import base as vbase

from unibox.core.contacts import ContactCard
from unibox.core.identity import EMAIL, MASTODON, MATRIX, PHONE, XMPP

VERSIONS = ("3.0", "4.0")


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def _line(name: str, value: str, params: dict[str, list[str]] | None = None) -> str:
    line = vbase.ContentLine(name, [], value)
    for key, values in (params or {}).items():
        if values:
            line.params[key] = values
    text: str = line.serialize(lineLength=75)
    return text


def _uid(card: ContactCard) -> str:
    return card.uid or f"urn:uuid:{uuid.uuid4()}"


def to_vcard(card: ContactCard, version: str = "4.0") -> str:
    """One card as vCard text, CRLF line ends, VERSION right after BEGIN (4.0 requires it)."""
    if version not in VERSIONS:
        raise ValueError(f"vCard version {version} is not one unibox writes")
    v4 = version == "4.0"
    out = ["BEGIN:VCARD\r\n", _line("VERSION", version)]
    out.append(_line("UID", escape(_uid(card)) if not v4 else _uid(card)))
    out.append(_line("FN", escape(card.display_name())))
    n = (card.family_name, card.given_name, "", "", "")
    out.append(_line("N", ";".join(escape(x) for x in n)))
    for name, value in (("NICKNAME", card.nickname), ("TITLE", card.title)):
        if value:
            out.append(_line(name, escape(value)))
    if card.company:
        out.append(_line("ORG", escape(card.company)))
    if card.birthday:
        out.append(_line("BDAY", _v4_date(card.birthday) if v4 else card.birthday))
    for h in card.handles:
        label = {"TYPE": [_param(h.label)]} if h.label else {}
        if h.kind == EMAIL:
            out.append(_line("EMAIL", escape(h.value), label))
        elif h.kind == PHONE:
            if v4:
                out.append(_line("TEL", f"tel:{h.value}", {"VALUE": ["uri"], **label}))
            else:
                out.append(_line("TEL", escape(h.value), label))
        elif h.kind in (XMPP, MATRIX):
            out.append(_line("IMPP", _impp(h.kind, h.value), label))
        elif h.kind == MASTODON:
            out.append(_line("X-MASTODON", escape(h.value), label))
        else:
            out.append(_line(f"X-UNIBOX-{h.kind.upper()}", escape(h.value), label))
    for a in card.addresses:
        parts = (a.po_box, a.extended, a.street, a.city, a.region, a.postcode, a.country)
        out.append(
            _line("ADR", ";".join(escape(x) for x in parts), {"TYPE": [a.label]} if a.label else {})
        )
    if card.tags:
        out.append(_line("CATEGORIES", ",".join(escape(t) for t in card.tags)))
    out.extend(_line("URL", u) for u in card.urls)
    if card.note:
        out.append(_line("NOTE", escape(card.note)))
    for field_name, value in card.custom:
        out.append(_line("X-UNIBOX-FIELD", escape(value), {"X-LABEL": [_param(field_name)]}))
    if card.photo:
        data = base64.b64encode(card.photo).decode("ascii")
        mime = card.photo_type or "image/jpeg"
        if v4:
            out.append(_line("PHOTO", f"data:{mime};base64,{data}"))
        else:
            kind = mime.split("/", 1)[-1].upper()
            out.append(_line("PHOTO", data, {"ENCODING": ["b"], "TYPE": [kind]}))
    out.append("END:VCARD\r\n")
    return "".join(out)


def _impp(kind: str, value: str) -> str:
    if value.lower().startswith(("xmpp:", "matrix:")):
        return value
    return f"xmpp:{value}" if kind == XMPP else f"matrix:u/{value.lstrip('@')}"


def _v4_date(date: str) -> str:
    """vCard 4 writes dates without dashes: 19800229, --1231 without a year."""
    return "--" + date[2:].replace("-", "") if date.startswith("--") else date.replace("-", "")


def _param(text: str) -> str:
    """A parameter value with quotes and line breaks encoded as RFC 6868 says."""
    return text.replace("^", "^^").replace("\n", "^n").replace('"', "^'")


def to_vcf(cards: Iterable[ContactCard], version: str = "4.0") -> str:
    return "".join(to_vcard(c, version) for c in cards)
