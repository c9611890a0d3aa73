"""Which card field each column of a contacts CSV fills, guessed from its header.

Knows the exports people actually have (Google Contacts old and new,
Outlook, LinkedIn Connections.csv) and common generic names. The guess is
shown before importing and can be overridden column by column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Card fields a column can fill ("label" names the kind of its group's value).
FIELDS = (
    "full_name",
    "given_name",
    "middle_name",
    "family_name",
    "nickname",
    "company",
    "title",
    "birthday",
    "note",
    "email",
    "phone",
    "url",
    "tags",
    "street",
    "city",
    "region",
    "postcode",
    "country",
    "po_box",
    "label",
    "custom",
    "ignore",
)
ADDRESS_PARTS = ("street", "city", "region", "postcode", "country", "po_box")


@dataclass(frozen=True, slots=True)
class Target:
    """Where a column goes. `group` ties a value to its label and address parts together."""

    field: str
    group: str = ""
    label: str = ""  # a fixed label (Outlook's "Mobile Phone" is a cell phone)

    def describe(self) -> str:
        text = self.field.replace("_", " ")
        if self.label:
            text += f" ({self.label})"
        if self.group:
            text += f" [{self.group}]"
        return text


_EXACT = {
    "name": "full_name",
    "full name": "full_name",
    "display name": "full_name",
    "first name": "given_name",
    "given name": "given_name",
    "middle name": "middle_name",
    "additional name": "middle_name",
    "last name": "family_name",
    "family name": "family_name",
    "surname": "family_name",
    "nickname": "nickname",
    "company": "company",
    "organization": "company",
    "organisation": "company",
    "organization name": "company",
    "organization 1 - name": "company",
    "title": "title",
    "job title": "title",
    "position": "title",
    "organization title": "title",
    "organization 1 - title": "title",
    "birthday": "birthday",
    "notes": "note",
    "note": "note",
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "e-mail address": "email",
    "url": "url",
    "web page": "url",
    "website": "url",
    "labels": "tags",
    "group membership": "tags",
    "categories": "tags",
    "tags": "tags",
}
_IGNORED = {"e-mail display name", "e-mail type", "e-mail 2 type", "e-mail 3 type"}
_PHONE_LABELS = {"business": "work", "mobile": "cell", "home": "home", "other": "other"}
_OUTLOOK_ADDRESS = re.compile(
    r"^(business|home|other) (street|street 2|street 3|city|state|postal code|"
    r"country/region|po box)$"
)
_OUTLOOK_PART = {
    "street": "street",
    "street 2": "street",
    "street 3": "street",
    "city": "city",
    "state": "region",
    "postal code": "postcode",
    "country/region": "country",
    "po box": "po_box",
}
_GOOGLE = re.compile(r"^(e-mail|phone|website|address|relation|event|im) (\d+) - (.+)$")
_GOOGLE_PART = {
    "street": "street",
    "city": "city",
    "region": "region",
    "postal code": "postcode",
    "country": "country",
    "po box": "po_box",
}


def detect_format(columns: list[str]) -> str:
    names = {c.strip().lower() for c in columns}
    if {"connected on", "position"} <= names or {"url", "connected on"} <= names:
        return "LinkedIn Connections"
    if any(_GOOGLE.match(n) for n in names) or "group membership" in names:
        return "Google Contacts"
    if {"e-mail address", "business phone"} & names and "job title" in names:
        return "Outlook"
    return "CSV"


def guess_target(column: str, fmt: str) -> Target:
    """The field a column of this name most likely holds (custom when unknown)."""
    name = " ".join(column.strip().lower().split())
    if fmt == "Outlook" and name == "title":
        return Target("custom", label="title")  # Outlook's Title is Mr./Ms., not a job
    if name in _IGNORED or not name:
        return Target("ignore")
    m = re.match(r"^e-mail (\d) address$", name)
    if m:
        return Target("email")
    if name in _EXACT:
        return Target(_EXACT[name])
    m = _GOOGLE.match(name)
    if m:
        return _google(m.group(1), m.group(2), m.group(3))
    m = _OUTLOOK_ADDRESS.match(name)
    if m:
        return Target(_OUTLOOK_PART[m.group(2)], group=m.group(1), label=_label(m.group(1)))
    if "phone" in name or "mobile" in name or name.endswith("fax") or name == "pager":
        first = name.split()[0]
        return Target("phone", label=_PHONE_LABELS.get(first, name.replace(" phone", "")))
    return Target("custom", label=column.strip())


def _label(word: str) -> str:
    return {"business": "work"}.get(word, word)


def _google(kind: str, number: str, part: str) -> Target:
    group = f"{kind} {number}"
    if part in ("type", "label"):
        return Target("label", group=group) if kind != "website" else Target("ignore")
    if kind == "address":
        if part in _GOOGLE_PART:
            return Target(_GOOGLE_PART[part], group=group)
        if part == "extended address":
            return Target("street", group=group)
        return Target("ignore")  # "formatted" repeats the parts
    if part == "value":
        field = {"e-mail": "email", "phone": "phone", "website": "url"}.get(kind)
        if field:
            return Target(field, group=group)
    return Target("custom", label=f"{kind} {number} {part}")


def parse_target(text: str) -> Target:
    """A target as the user writes it on the command line: "email", "custom:Team", "ignore"."""
    field, _, label = text.strip().partition(":")
    field = field.strip().lower().replace(" ", "_")
    if field not in FIELDS:
        raise ValueError(f"“{text}” is not a field; choose one of: {', '.join(FIELDS)}")
    return Target(field, label=label.strip())
