"""What one CalDAV calendar's sync did, said in words where it matters."""

from __future__ import annotations

from dataclasses import dataclass, field

from unibox.core.items import ChangeSet

MAX_EVENT_BYTES = 2_000_000  # one resource; a bigger one is reported and skipped


@dataclass(slots=True)
class CalendarSyncReport:
    calendar: str
    fetched: int = 0
    added_here: int = 0
    updated_here: int = 0
    deleted_here: int = 0
    created_there: int = 0
    updated_there: int = 0
    deleted_there: int = 0
    conflicts: list[str] = field(default_factory=list)  # said in words
    skipped: list[str] = field(default_factory=list)  # resources not read, and why
    notes: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # changes the server would not take
    gone: bool = False  # deleted on the server: kept here as a local calendar
    changes: ChangeSet = field(default_factory=ChangeSet)

    @property
    def problem(self) -> str:
        """One line for the calendar's last error ("" when all went well)."""
        if self.refused:
            return self.refused[0] + (
                f" (and {len(self.refused) - 1} more)" if len(self.refused) > 1 else ""
            )
        if self.gone:
            return "The calendar was deleted on the server; its events are kept here."
        return ""
