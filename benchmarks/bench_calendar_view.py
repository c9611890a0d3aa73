"""The calendar view on a big calendar: 5,000 events, 200 of them repeating over five years.

Builds the calendar through the real .ics import path (tests/helpers/calendar_bulk.py),
then times (median of --runs, after one warm-up):

* occurrences_in_range for this week, a month and a 30-day agenda (the store read),
* a person's next meeting (target < 20 ms), and the next meeting of everyone
  (what the People list's "next meeting" sort reads),
* in the window (Qt offscreen unless a display is set): the week view reading its
  week and painting it (target < 100 ms), the next week, and the month view.

    .venv/bin/python benchmarks/bench_calendar_view.py [--events N] [--repeating N]
        [--runs 5] [--no-ui]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import select  # noqa: E402
from tests.helpers.calendar_bulk import fill_calendar, person_email  # noqa: E402
from tests.helpers.items import new_store  # noqa: E402

from unibox.store.calendar_range import occurrences_in_range  # noqa: E402
from unibox.store.schema import Handle  # noqa: E402
from unibox.store.store import Store  # noqa: E402


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    fn()  # warm-up: imports, SQLite's page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _week_start(now: datetime) -> datetime:
    local = now.astimezone()
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def store_timings(store: Store, now: datetime, runs: int) -> None:
    week = int(_week_start(now).timestamp())

    def read(start: int, days: int) -> int:
        with store.read() as s:
            return len(occurrences_in_range(s, start, start + days * 86400))

    print(f"  this week: {read(week, 7)} occurrences")
    print(f"occurrences_in_range, week:   {median_ms(lambda: read(week, 7), runs):7.1f} ms")
    month = median_ms(lambda: read(week - 7 * 86400, 42), runs)
    print(f"occurrences_in_range, month:  {month:7.1f} ms")
    print(f"occurrences_in_range, agenda: {median_ms(lambda: read(week, 30), runs):7.1f} ms")
    person_timings(store, now, runs)


def person_timings(store: Store, now: datetime, runs: int) -> None:
    try:
        from unibox.store.next_meetings import next_meeting, next_meeting_starts
    except ImportError:
        return
    with store.read() as s:
        pid = s.scalar(select(Handle.person_id).where(Handle.value == person_email(5)))
    assert pid is not None
    stamp = int(now.timestamp())

    def one() -> None:
        with store.read() as s:
            next_meeting(s, pid, stamp)

    def everyone() -> None:
        with store.read() as s:
            next_meeting_starts(s, None, stamp)

    print(f"next meeting of a person:     {median_ms(one, runs):7.1f} ms   (target < 20 ms)")
    print(f"next meeting of everyone:     {median_ms(everyone, runs):7.1f} ms")


def ui_timings(store: Store, now: datetime, runs: int) -> None:
    """The Calendar page as a user waits for it: asked for a week, read, laid out, painted."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from unibox.ui.bridge import Bridge
    from unibox.ui.calendar.page import CalendarPage
    from unibox.ui.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    apply_theme(app, dark=False)  # type: ignore[arg-type]
    bridge = Bridge(store)
    page = CalendarPage(bridge)
    page.resize(1600, 1000)
    page.show()
    loop = QEventLoop()
    page.shown.connect(loop.quit)

    def show(action: Callable[[], None]) -> None:
        """Ask, wait (without spinning: the read runs on the bridge's thread), then paint."""
        action()
        loop.exec()
        app.processEvents()  # the update the new days asked for: painted as on screen

    today = now.astimezone().date()
    show(page.start)
    week = median_ms(lambda: show(lambda: page.go_to(today)), runs)
    print(f"week view, read and painted:  {week:7.1f} ms   (target < 100 ms)")
    nxt = median_ms(lambda: show(lambda: (page.step(1), page.step(-1))[0]), runs) / 2
    print(f"next week (n), read, painted: {nxt:7.1f} ms")
    show(lambda: page.set_mode("month"))
    month = median_ms(lambda: show(lambda: page.go_to(today)), runs)
    print(f"month view, read and painted: {month:7.1f} ms")
    show(lambda: page.set_mode("week"))
    paint = median_ms(lambda: page.week_view.grid.repaint(), runs)
    print(f"week view, paint only:        {paint:7.1f} ms")
    whole = median_ms(lambda: page.week_view.grid.grab(), runs)
    print(f"week view, all 24 hours:      {whole:7.1f} ms   (painted off screen)")
    bridge.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=5000)
    ap.add_argument("--repeating", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-ui", action="store_true", help="skip the window timings")
    args = ap.parse_args()
    print(f"load average: {os.getloadavg()[0]:.2f} (2 cores, shared machine)")
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        store = new_store(Path(tmp))
        begin = time.perf_counter()
        added = fill_calendar(store, now, events=args.events, repeating=args.repeating)
        took = time.perf_counter() - begin
        print(f"built: {added} events ({args.repeating} repeating) in {took:.1f} s")
        store_timings(store, now, args.runs)
        if not args.no_ui:
            ui_timings(store, now, args.runs)
        store.close()


if __name__ == "__main__":
    main()
