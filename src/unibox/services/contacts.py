"""Contact files in and out: shared by `unibox import|export` and the People page.

`read_contacts_file` reads and checks a .vcf or .csv file and says in a
sentence why it cannot be used; `planned_cards` turns it into cards with the
column mapping chosen (and the rows that will be skipped, with why);
`import_contacts` applies the cards in one intent write; `export_people`
writes people to a vCard file. Files may be big: call these off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from unibox.channels.importers.contacts_csv import CsvPreview, csv_cards, preview_csv
from unibox.channels.importers.csv_mapping import Target
from unibox.channels.importers.vcf import Skipped, VcfRead, decode_text, read_vcards
from unibox.core.contacts import ContactCard
from unibox.core.errors import UserError
from unibox.store.store import Store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

VCF_SUFFIXES = (".vcf", ".vcard")
REPORTED_PEOPLE = 2000  # people named in the report (the counts are always whole)
FORMAT_SENTENCES = {
    "Google Contacts": "Looks like a Google Contacts export.",
    "Outlook": "Looks like an Outlook contacts export.",
    "LinkedIn Connections": "Looks like a LinkedIn Connections.csv export.",
    "CSV": "A CSV file of a shape unibox does not know: check where each column goes.",
}


@dataclass(slots=True)
class ContactsFile:
    """A contacts file read and checked: vCards, or a CSV file with its guessed mapping."""

    path: Path
    vcf: VcfRead | None = None
    csv: CsvPreview | None = None

    @property
    def kind(self) -> str:
        return "csv" if self.csv is not None else "vcf"

    def describe(self) -> str:
        """What the file looks like, in a sentence."""
        if self.csv is not None:
            return FORMAT_SENTENCES.get(self.csv.format, FORMAT_SENTENCES["CSV"])
        count = len(self.vcf.cards) if self.vcf else 0
        return f"A vCard file with {count:,} card{'s' if count != 1 else ''}."


@dataclass(slots=True)
class Plan:
    """The cards a file gives with a mapping, what will be skipped and why, and notes."""

    cards: list[ContactCard] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ImportOutcome:
    """What an import did, for the report the user sees."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    suggestions: int = 0
    people: set[int] = field(default_factory=set)
    changed: list[tuple[int, str, bool]] = field(default_factory=list)  # id, name, added
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _name(path: Path) -> str:
    return path.name or str(path)


def read_contacts_file(path: str | Path) -> ContactsFile:
    """The file read and checked; UserError with a sentence when it cannot be imported."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"“{_name(path)}” could not be read: {exc.strerror or exc}.") from None
    if not data.strip():
        raise UserError(f"“{_name(path)}” is empty: there is nobody in it to import.")
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if b"\0" in data[:4096] and not utf16:
        raise UserError(
            f"“{_name(path)}” is not a text file (it looks like a picture, a spreadsheet "
            "or an archive). Save the contacts as CSV or vCard (.vcf) and import that."
        )
    text = decode_text(data)
    head = text.lstrip("\ufeff \r\n\t")[:200].upper()
    suffix = path.suffix.lower()
    if head.startswith("BEGIN:VCARD") or (suffix in VCF_SUFFIXES and "BEGIN:VCARD" in text[:4096]):
        read = read_vcards(text)
        if not read.cards and not read.skipped:
            raise UserError(f"“{_name(path)}” holds no cards.")
        return ContactsFile(path, vcf=read)
    if suffix in VCF_SUFFIXES:
        raise UserError(f"“{_name(path)}” is not a vCard file: it has no BEGIN:VCARD line.")
    if suffix not in (".csv", ".txt", ".tsv"):
        raise UserError(
            f"unibox imports vCard (.vcf) and CSV (.csv) files; “{_name(path)}” is neither."
        )
    preview = preview_csv(text)
    if len(preview.columns) < 2 and not any(
        t.field in ("email", "phone", "full_name") for t in preview.mapping.values()
    ):
        raise UserError(
            f"“{_name(path)}” does not look like a CSV file of contacts: its first line "
            "has no column names separated by commas, semicolons or tabs."
        )
    if not any(any(c.strip() for c in row) for _line, row in preview.rows):
        raise UserError(f"“{_name(path)}” has column names but no rows of contacts under them.")
    return ContactsFile(path, csv=preview)


def planned_cards(
    file: ContactsFile, mapping: dict[int, Target] | None = None, limit: int | None = None
) -> Plan:
    """The cards the file gives (CSV: with `mapping`), at most `limit` rows read."""
    if file.csv is not None:
        preview = file.csv if limit is None else replace(file.csv, rows=file.csv.rows[:limit])
        read = csv_cards(preview, mapping)
        return Plan([c for _line, c in read.cards], list(read.skipped), list(read.warnings))
    vcf = file.vcf or VcfRead()
    cards = vcf.cards if limit is None else vcf.cards[:limit]
    return Plan(list(cards), list(vcf.skipped), list(vcf.warnings))


def import_contacts(
    store: Store,
    cards: list[ContactCard],
    region: str,
    step: Callable[[str], None] | None = None,
) -> ImportOutcome:
    """Apply the cards in one transaction (all or nothing) and look for merges to suggest.

    `step` hears, in a sentence, what is being done (any thread; for a progress line).
    """
    from unibox.store.contacts_import import import_cards
    from unibox.store.intent import intent_write
    from unibox.store.merge_suggestions import refresh_suggestions

    say = step or (lambda _text: None)
    with intent_write(store) as s:
        say(f"Saving {len(cards):,} contact{'s' if len(cards) != 1 else ''}…")
        report = import_cards(s, cards, region)
        say("Looking for people who may be the same…")
        report.suggestions += refresh_suggestions(s, report.people)
        names = _names(s, sorted(report.created_ids | report.updated_ids)[:REPORTED_PEOPLE])
    added, updated = report.created_ids, report.updated_ids - report.created_ids
    changed = [(pid, names.get(pid, ""), pid in added) for pid in
               sorted(added | updated)[:REPORTED_PEOPLE]]  # fmt: skip
    changed.sort(key=lambda c: (not c[2], c[1].casefold()))
    notes = [f"{h} is not readable as such; it is kept as a custom field." for h in
             report.unreadable]  # fmt: skip
    return ImportOutcome(
        report.created,
        report.updated,
        report.unchanged,
        report.suggestions,
        set(report.people),
        changed,
        notes=notes,
    )


def _names(session: Session, ids: list[int]) -> dict[int, str]:
    from sqlalchemy import select

    from unibox.store.schema import Person

    names: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(Person.id, Person.display_name).where(Person.id.in_(ids[start : start + 500]))
        )
        names.update({pid: name or "" for pid, name in rows})
    return names


def export_people(
    store: Store, person_ids: Iterable[int] | None, path: str | Path, version: str = "4.0"
) -> int:
    """Write the people (everyone when None) to a vCard file; how many were written."""
    from unibox.channels.importers.vcf_write import to_vcf
    from unibox.store.contacts_import import export_cards
    from unibox.store.people_list import PeopleSort, people_ids

    path = Path(path)
    with store.read() as s:
        ids = people_ids(s, "", PeopleSort.NAME) if person_ids is None else list(person_ids)
        cards = export_cards(s, ids)
    text = to_vcf(cards, version)
    try:
        path.write_text(text, "utf-8", newline="")
    except OSError as exc:
        raise UserError(f"“{path}” could not be written: {exc.strerror or exc}.") from None
    return len(cards)
