"""The contact card as the editor writes it: one line per address or field, and back."""

from __future__ import annotations

import re
from dataclasses import replace

from unibox.core.contacts import CardHandle, ContactCard, PostalAddress
from unibox.core.errors import UserError
from unibox.core.identity import normalize_handle

KIND_WORDS = {
    "email": "e-mail address",
    "phone": "phone number",
    "xmpp": "XMPP address",
    "matrix": "Matrix id",
    "mastodon": "Mastodon account",
}
EXAMPLES = {
    "email": "ana@example.org",
    "phone": "+41 44 668 18 00",
    "xmpp": "ana@jabber.example.org",
    "matrix": "@ana:example.org",
    "mastodon": "@ana@social.example",
}
_BIRTHDAY = re.compile(r"^(\d{4}|--)-?(\d{2})-(\d{2})$")


def address_line(a: PostalAddress) -> str:
    """ "work: Street 1, Zürich, 8001, Switzerland"."""
    parts = ", ".join(p for p in (a.street, a.city, a.postcode, a.country) if p)
    return f"{a.label}: {parts}" if a.label else parts


def parse_addresses(text: str, old: tuple[PostalAddress, ...]) -> tuple[PostalAddress, ...]:
    """One address a line; a line left as it was keeps the parts the editor does not show."""
    unchanged = {address_line(a): a for a in old}
    found = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        if line in unchanged:
            found.append(unchanged[line])
            continue
        label, _sep, rest = line.rpartition(": ") if ": " in line else ("", "", line)
        parts = [p.strip() for p in rest.split(",")]
        parts += [""] * (4 - len(parts))
        street, city, postcode, country = (
            parts[0],
            parts[1],
            parts[2],
            ", ".join(parts[3:]).strip(", "),
        )
        found.append(
            PostalAddress(
                label=label.strip(), street=street, city=city, postcode=postcode, country=country
            )
        )
    return tuple(found)


def custom_lines(card: ContactCard) -> str:
    return "\n".join(f"{label}: {value}" if label else value for label, value in card.custom)


def parse_custom(text: str) -> tuple[tuple[str, str], ...]:
    found = []
    for line in (raw.strip() for raw in text.splitlines()):
        if line:
            label, sep, value = line.partition(":")
            found.append((label.strip(), value.strip()) if sep else ("", line))
    return tuple(found)


def parse_tags(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))


def check_birthday(text: str) -> str:
    """YYYY-MM-DD or --MM-DD; a sentence (UserError) otherwise."""
    text = text.strip()
    if not text:
        return ""
    m = _BIRTHDAY.match(text)
    if m is None or not (1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31):
        raise UserError(
            f"“{text}” is not a birthday unibox can read: write it as 1984-05-17, "
            "or --05-17 without the year."
        )
    year = m.group(1)
    return f"{year if year != '--' else '-'}-{m.group(2)}-{m.group(3)}"


def check_handle(kind: str, raw: str, region: str) -> CardHandle:
    """The handle normalized; a sentence saying what is wrong with it otherwise."""
    value = normalize_handle(kind, raw, region)
    if not raw.strip():
        raise UserError(f"Type the {KIND_WORDS.get(kind, kind)} to add.")
    if not value:
        words = KIND_WORDS.get(kind, kind)
        hint = f", e.g. {EXAMPLES[kind]}" if kind in EXAMPLES else ""
        extra = (
            " Without a country code, set your country in the settings (people.phone_region)."
            if kind == "phone" and not raw.strip().startswith(("+", "00")) and not region
            else ""
        )
        raise UserError(f"“{raw.strip()}” is not a {words}: write it like this{hint}.{extra}")
    return CardHandle(kind, value)


def edited_card(
    old: ContactCard,
    *,
    company: str,
    title: str,
    birthday: str,
    tags: str,
    addresses: str,
    custom: str,
    handles: tuple[CardHandle, ...],
) -> ContactCard:
    """The card after an edit; raises UserError with a sentence for the first bad field."""
    return replace(
        old,
        company=company.strip(),
        title=title.strip(),
        birthday=check_birthday(birthday),
        tags=parse_tags(tags),
        addresses=parse_addresses(addresses, old.addresses),
        custom=parse_custom(custom),
        handles=handles,
    )
