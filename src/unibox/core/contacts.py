"""Contact cards: what address books (vCard, CSV, CardDAV) say about a person.

Plain frozen dataclasses, like core.items: importers and the CardDAV channel
produce them, the store applies them to people and exports them again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """A postal address in vCard's parts (ADR)."""

    label: str = ""  # home, work, …
    po_box: str = ""
    extended: str = ""
    street: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self) if f.name != "label")

    def to_json(self) -> str:
        parts = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "label"}
        return json.dumps({k: v for k, v in parts.items() if v}, ensure_ascii=False)

    @staticmethod
    def from_json(text: str, label: str = "") -> PostalAddress:
        try:
            raw = json.loads(text)
        except ValueError:
            raw = {"street": text}
        known = {f.name for f in fields(PostalAddress)} - {"label"}
        return PostalAddress(label=label, **{k: str(v) for k, v in raw.items() if k in known})

    def one_line(self) -> str:
        parts = (self.street, self.extended, self.postcode, self.city, self.region, self.country)
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class CardHandle:
    """A way to reach the person as the card writes it; the store normalizes it."""

    kind: str  # core.identity kinds: email, phone, xmpp, matrix, mastodon, …
    value: str
    label: str = ""  # home, work, mobile, …


@dataclass(frozen=True, slots=True)
class ContactCard:
    """One contact as an address book has it. Empty strings mean "not given"."""

    uid: str = ""
    full_name: str = ""
    given_name: str = ""
    family_name: str = ""
    nickname: str = ""
    company: str = ""
    title: str = ""
    birthday: str = ""  # YYYY-MM-DD, or --MM-DD without a year
    note: str = ""
    handles: tuple[CardHandle, ...] = ()
    addresses: tuple[PostalAddress, ...] = ()
    tags: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    custom: tuple[tuple[str, str], ...] = ()  # (label, value), in the order written
    photo: bytes = b""
    photo_type: str = ""  # MIME type, e.g. image/jpeg

    def display_name(self) -> str:
        """The name to show: as written, else composed, else the first handle."""
        if self.full_name.strip():
            return self.full_name.strip()
        composed = " ".join(p for p in (self.given_name, self.family_name) if p).strip()
        if composed:
            return composed
        if self.nickname:
            return self.nickname
        if self.company:
            return self.company
        return self.handles[0].value if self.handles else ""

    def with_handles(self, handles: tuple[CardHandle, ...]) -> ContactCard:
        return replace(self, handles=handles)


# Single-valued text fields: a three-way merge compares them one by one.
SCALAR_FIELDS = (
    "full_name",
    "given_name",
    "family_name",
    "nickname",
    "company",
    "title",
    "birthday",
    "note",
)
# Many-valued fields: merged as sets, keeping the order first seen.
LIST_FIELDS = ("handles", "addresses", "tags", "urls", "custom")
