"""The CalDAV calendars of `unibox sync`: beside the mail, on their own thread.

A one-shot sync syncs each calendar once and says afterwards what went wrong
(a refused change, a conflict, a skipped event); `--watch` syncs them every
interval. A failing calendar never holds up mail or the other calendars.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any


class CalendarSync:
    def __init__(self, store_file: Path, open_store: Callable[[], Any], only: str | None) -> None:
        from unibox.store.sync_state import caldav_names

        names = caldav_names(store_file)
        self.names = [n for n in names if only in (None, n)]
        self._open_store = open_store
        self._only = only
        self._lines: list[tuple[str, bool]] = []  # (what to say, whether it is a failure)
        self._thread: threading.Thread | None = None

    def __bool__(self) -> bool:
        return bool(self.names)

    def start(self) -> None:
        if self.names:
            self._thread = threading.Thread(target=self._once, name="calendar sync", daemon=True)
            self._thread.start()

    def _once(self) -> None:
        from unibox.secrets import SecretStore
        from unibox.services.calendars import sync_all

        try:
            done = sync_all(self._open_store(), SecretStore(), self._only)
        except Exception as exc:  # said once, the mail goes on
            self._lines.append((f"calendars: {exc}", True))
            return
        self._lines.extend(lines(done))

    def wait(self) -> list[tuple[str, bool]]:
        if self._thread is not None:
            self._thread.join()
        return self._lines

    def watch(self, interval: float, stop: threading.Event, report: Callable[[str], None]) -> None:
        """Until `stop`: every calendar every `interval` seconds, problems to `report`."""
        while not stop.is_set():
            self._lines = []
            self._once()
            for line, _failed in self._lines:
                report(line)
            stop.wait(interval)


def lines(done: list[Any]) -> list[tuple[str, bool]]:
    """What a sync of the calendars has to say, one line each: (text, is a failure)."""
    found: list[tuple[str, bool]] = []
    for account in done:
        found.extend((f"{name}: {why}", True) for name, why in account.errors.items())
        for r in account.reports:
            found.extend((f"{r.calendar}: {line}", True) for line in r.refused)
            if r.gone:
                found.append((f"{r.calendar}: {r.problem}", True))
            found.extend((f"{r.calendar}: {line}", False) for line in r.conflicts)
            found.extend((f"{r.calendar}: skipped {line}", False) for line in r.skipped)
            found.extend((f"{r.calendar}: {line}", False) for line in r.notes)
    return found
