"""Contacts CSV exports (Google, Outlook, LinkedIn, generic) to ContactCards.

`preview_csv` reads the file and guesses the column mapping, to show before
anything is imported; `csv_cards` turns the rows into cards with the
mapping (as guessed or as the user changed it) and says which rows were
skipped and why. Handles BOMs, UTF-16 (Outlook), LinkedIn's notes above
the header, `;` or tab separators, quoted fields with commas and line
breaks, duplicate rows, and rows with missing or extra columns.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from unibox.channels.importers.csv_mapping import (
    ADDRESS_PARTS,
    Target,
    detect_format,
    guess_target,
)
from unibox.channels.importers.vcf import Skipped, decode_text
from unibox.core.card_merge import parse_birthday
from unibox.core.contacts import CardHandle, ContactCard, PostalAddress

_SEPARATORS = (",", ";", "\t")
_GOOGLE_MULTI = " ::: "
_DROPPED_TAGS = {"* mycontacts", "mycontacts"}


@dataclass(slots=True)
class CsvPreview:
    """A read file: its columns, the guessed mapping, and the data rows with line numbers."""

    format: str
    columns: list[str]
    mapping: dict[int, Target]
    rows: list[tuple[int, list[str]]]
    header_line: int
    separator: str

    def describe(self) -> list[tuple[str, str, str]]:
        """(column, where it goes, first non-empty value) for every column."""
        out = []
        for i, name in enumerate(self.columns):
            sample = next((r[i] for _n, r in self.rows if i < len(r) and r[i].strip()), "")
            out.append((name, self.mapping[i].describe(), sample[:40]))
        return out


@dataclass(slots=True)
class CsvRead:
    cards: list[tuple[int, ContactCard]] = field(default_factory=list)  # (line, card)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _parse(text: str, sep: str) -> list[tuple[int, list[str]]]:
    """Rows with the line each starts on; a row csv cannot read becomes a marker row
    and reading resumes on the next line, so one bad quote does not hide the rest."""
    lines = io.StringIO(text, newline="").readlines()
    rows: list[tuple[int, list[str]]] = []
    pos = 0
    while pos < len(lines):
        rest = io.StringIO("".join(lines[pos:]), newline="")
        reader = csv.reader(rest, delimiter=sep, strict=True)
        start = pos + 1
        try:
            for row in reader:
                rows.append((start, row))
                start = pos + reader.line_num + 1
            break
        except csv.Error as exc:
            rows.append((start, [f"\0{exc}"]))  # a marker row: reported, never imported
            pos = start
    return rows


def _header_score(row: list[str]) -> int:
    fmt = detect_format(row)
    return sum(guess_target(c, fmt).field not in ("custom", "ignore") for c in row)


def preview_csv(data: bytes | str) -> CsvPreview:
    text = decode_text(data) if isinstance(data, bytes) else data.lstrip("\ufeff")
    best: tuple[int, str, int, list[tuple[int, list[str]]]] | None = None
    for sep in _SEPARATORS:
        rows = _parse(text, sep)
        # LinkedIn puts notes above the header: the header is the first row that names fields.
        for index, (_line, row) in enumerate(rows[:20]):
            score = _header_score(row)
            if score >= 2 and (best is None or score > best[0]):
                best = (score, sep, index, rows)
                break
    if best is None:  # no known column names: the separator that splits the first row most
        options = []
        for sep in _SEPARATORS:
            rows = _parse(text, sep)
            first = next((i for i, (_n, r) in enumerate(rows) if any(c.strip() for c in r)), 0)
            options.append((len(rows[first][1]) if rows else 0, sep, first, rows))
        best = max(options, key=lambda o: o[0])
    _score, sep, index, rows = best
    header_line, header = rows[index] if rows else (1, [])
    columns = [c.strip() for c in header]
    fmt = detect_format(columns)
    mapping = {i: guess_target(c, fmt) for i, c in enumerate(columns)}
    return CsvPreview(fmt, columns, mapping, rows[index + 1 :], header_line, sep)


def csv_cards(preview: CsvPreview, mapping: dict[int, Target] | None = None) -> CsvRead:
    """Cards from the preview's rows; every row not imported is in `skipped` with the reason."""
    mapping = preview.mapping if mapping is None else mapping
    result = CsvRead()
    width = len(preview.columns)
    seen: dict[tuple[str, ...], int] = {}
    empty = 0
    if not any(t.field in ("email", "phone") for t in mapping.values()):
        result.warnings.append("No column holds e-mail addresses or phone numbers.")
    for line, row in preview.rows:
        if row and row[0].startswith("\0"):
            result.skipped.append(Skipped(f"line {line}", f"unreadable CSV: {row[0][1:]}"))
            continue
        cells = [c.strip().replace("\r\n", "\n") for c in row]  # a quoted line break
        if not any(cells):
            empty += 1
            continue
        if len(cells) > width and any(cells[width:]):
            result.skipped.append(
                Skipped(
                    f"line {line}",
                    f"it has {len(cells)} fields but the header has {width} "
                    "(a comma outside quotes?)",
                )
            )
            continue
        if len(cells) < width:
            result.warnings.append(
                f"Line {line} has {len(cells)} of {width} columns; the missing ones are empty."
            )
            cells += [""] * (width - len(cells))
        key = tuple(cells[:width])
        if key in seen:
            result.skipped.append(Skipped(f"line {line}", f"it repeats line {seen[key]}"))
            continue
        seen[key] = line
        card = with_profile_handles(row_card(cells, mapping))
        if not (card.display_name() or card.handles):
            result.skipped.append(
                Skipped(f"line {line}", "it has no name, e-mail address or phone number")
            )
            continue
        result.cards.append((line, card))
    if empty:
        result.warnings.append(f"{empty} empty line(s) ignored.")
    return result


def with_profile_handles(card: ContactCard) -> ContactCard:
    """A LinkedIn profile URL among the card's web pages is also its `linkedin` handle:
    the person of a LinkedIn export's messages (channels/importers/linkedin.py)."""
    from unibox.channels.importers.linkedin import KIND, profile_url

    have = {(h.kind, h.value) for h in card.handles}
    extra = [
        CardHandle(KIND, url, "LinkedIn")
        for url in dict.fromkeys(profile_url(u) for u in card.urls)
        if url and (KIND, url) not in have
    ]
    return card.with_handles(card.handles + tuple(extra)) if extra else card


def _values(cell: str) -> list[str]:
    return [v.strip() for v in cell.split(_GOOGLE_MULTI) if v.strip()]


def row_card(cells: list[str], mapping: dict[int, Target]) -> ContactCard:
    f: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    handles: list[tuple[str, str, str, str]] = []  # kind, value, group, fixed label
    parts: dict[str, dict[str, list[str]]] = {}
    custom: list[tuple[str, str]] = []
    for i, target in mapping.items():
        cell = cells[i] if i < len(cells) else ""
        if not cell or target.field == "ignore":
            continue
        t = target.field
        if t in ("email", "phone"):
            handles.extend((t, v, target.group, target.label) for v in _values(cell))
        elif t == "label":
            labels[target.group] = cell.removeprefix("* ").lower()
        elif t in ADDRESS_PARTS:
            parts.setdefault(target.group, {}).setdefault(t, []).append(cell)
        elif t == "custom":
            custom.append((target.label, cell))
        else:
            f.setdefault(t, []).append(cell)
    tags: list[str] = []
    for cell in f.get("tags", []):
        for sep in (_GOOGLE_MULTI, ";"):
            if sep in cell:
                cell = cell.replace(sep, ",")
        tags.extend(t.strip().removeprefix("* ") for t in cell.split(","))
    birthday_raw = " ".join(f.get("birthday", []))
    birthday = parse_birthday(birthday_raw)
    if birthday_raw and not birthday and birthday_raw not in ("0/0/00", "0/0/0000"):
        custom.append(("birthday", birthday_raw))
    given = " ".join(f.get("given_name", []) + f.get("middle_name", []))
    return ContactCard(
        full_name=" ".join(f.get("full_name", [])),
        given_name=given,
        family_name=" ".join(f.get("family_name", [])),
        nickname=" ".join(f.get("nickname", [])),
        company=" ".join(f.get("company", [])),
        title=" ".join(f.get("title", [])),
        birthday=birthday,
        note="\n".join(f.get("note", [])),
        handles=tuple(
            dict.fromkeys(
                CardHandle(kind, value, fixed or labels.get(group, ""))
                for kind, value, group, fixed in handles
            )
        ),
        addresses=tuple(
            a
            for group, p in parts.items()
            if not (a := _address(group, labels.get(group, ""), p)).is_empty()
        ),
        tags=tuple(dict.fromkeys(t for t in tags if t and t.lower() not in _DROPPED_TAGS)),
        urls=tuple(dict.fromkeys(u for cell in f.get("url", []) for u in _values(cell))),
        custom=tuple(custom),
    )


def _address(group: str, label: str, parts: dict[str, list[str]]) -> PostalAddress:
    def part(name: str) -> str:
        return ", ".join(parts.get(name, []))

    return PostalAddress(
        label=label or {"business": "work"}.get(group, group if " " not in group else ""),
        po_box=part("po_box"),
        street=part("street"),
        city=part("city"),
        region=part("region"),
        postcode=part("postcode"),
        country=part("country"),
    )
