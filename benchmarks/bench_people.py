"""People at scale: the person page, its timeline, the People view and imports.

Builds a store with N headers-only messages (default 100,000) between the
user and P people (default 3,000), one of whom has 20,000 of them, written
through the real Ingestor; then times (median of --runs):

* person_record and the first and the 200th timeline page of the heavy person
  (target: "a person with 20,000 messages opens instantly", < 100 ms a page),
* the same for an ordinary person,
* people_ids (sorted by last touch, by name, a search), people_rows of a page,
  going_cold, refresh_suggestions over everyone,
* importing a 2,000-card vCard file, and exporting everyone,
* in the window (Qt offscreen, through the bridge as a user waits for it):
  opening the heavy person's record (head and first timeline page shown; then
  its numbers),
  the next timeline page on scrolling, and filtering the People list as one
  types (ids of the match and its first page of rows shown).

    .venv/bin/python benchmarks/bench_people.py [--messages N] [--people P] [--runs 5]
        [--no-ui] [--store DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import select  # noqa: E402
from tests.helpers.items import new_store  # noqa: E402
from tests.helpers.people_bulk import HEAVY, fill  # noqa: E402

from unibox.channels.importers.vcf import read_vcards  # noqa: E402
from unibox.channels.importers.vcf_write import to_vcf  # noqa: E402
from unibox.core.contacts import CardHandle, ContactCard  # noqa: E402
from unibox.store.contacts_import import export_cards, import_cards  # noqa: E402
from unibox.store.merge_suggestions import refresh_suggestions  # noqa: E402
from unibox.store.people_list import PeopleSort, going_cold, people_ids, people_rows  # noqa: E402
from unibox.store.persons import person_record  # noqa: E402
from unibox.store.schema import Handle  # noqa: E402
from unibox.store.timeline import timeline  # noqa: E402


def person_of(session: Any, email: str) -> int:
    pid = session.scalar(select(Handle.person_id).where(Handle.value == email))
    assert pid is not None, email
    return int(pid)


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--people", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-ui", action="store_true", help="skip the window timings")
    ap.add_argument(
        "--store",
        type=Path,
        help="build the store in this folder once and reuse it on later runs "
        "(the imports below write to it: a reused store grows by 2,000 cards a run)",
    )
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    tmp = args.store or Path(tempfile.mkdtemp(prefix="unibox-bench-people-"))
    built = (tmp / "profile" / "unibox.sqlite3").exists()
    store = new_store(tmp)
    if built:
        print(f"reusing the store in {tmp}")
    else:
        start = time.perf_counter()
        share = 20_000 / args.messages
        fill(store, messages=args.messages, people=args.people, heavy_share=min(share, 1.0))
        print(f"built {args.messages} messages in {time.perf_counter() - start:.1f} s")
    with store.read() as s:
        heavy = person_of(s, HEAVY.email)
        ordinary = person_of(s, "p7@example7.org")
    with store.read() as s:
        n = person_record(s, heavy).numbers.messages_by_channel.get("mail", 0)
        print(f"heavy person: {n} messages")
        cursor = timeline(s, heavy, limit=50).next_cursor
        for _ in range(198):
            assert cursor is not None
            cursor = timeline(s, heavy, before=cursor, limit=50).next_cursor
        rows: list[tuple[str, float]] = [
            ("person_record, heavy", median_ms(lambda: person_record(s, heavy), args.runs)),
            ("timeline page 1, heavy", median_ms(lambda: timeline(s, heavy), args.runs)),
            (
                "timeline page 200, heavy",
                median_ms(lambda: timeline(s, heavy, before=cursor), args.runs),
            ),
            ("person_record, ordinary", median_ms(lambda: person_record(s, ordinary), args.runs)),
            ("timeline page 1, ordinary", median_ms(lambda: timeline(s, ordinary), args.runs)),
            ("people_ids by last touch", median_ms(lambda: people_ids(s), args.runs)),
            ("people_ids by name", median_ms(lambda: people_ids(s, "", PeopleSort.NAME), 5)),
            ("people_ids search 'person 12'", median_ms(lambda: people_ids(s, "person 12"), 5)),
        ]
        ids = people_ids(s)
        rows.append(("people_rows, 100", median_ms(lambda: people_rows(s, ids[:100]), args.runs)))
        rows.append(("going_cold", median_ms(lambda: going_cold(s), args.runs)))
    with store.write() as s:
        rows.append(("refresh_suggestions, all", median_ms(lambda: refresh_suggestions(s), 1)))
    cards = [
        ContactCard(
            full_name=f"Card Person {i}",
            company=f"Company {i % 40}",
            handles=(
                CardHandle("email", f"card{i}@example{i % 30}.org"),
                CardHandle("phone", f"+49 30 {1000000 + i}"),
            ),
        )
        for i in range(2000)
    ]
    text = to_vcf(cards, "3.0")
    start = time.perf_counter()
    parsed = read_vcards(text).cards
    with store.write() as s:
        import_cards(s, parsed, "DE")
    rows.append(("import 2,000 vCards (parse + apply)", (time.perf_counter() - start) * 1000))
    start = time.perf_counter()
    with store.read() as s:
        everyone = export_cards(s, people_ids(s, "", PeopleSort.NAME))
    to_vcf(everyone)
    rows.append((f"export {len(everyone)} people as vCard", (time.perf_counter() - start) * 1000))
    if not args.no_ui:
        rows += window_timings(store, heavy, args.runs)
    for name, ms in rows:
        print(f"{name:<40} {ms:>9.1f} ms")
    store.close()


def window_timings(store: Any, heavy: int, runs: int) -> list[tuple[str, float]]:
    """What a user waits for in the People page, measured through the real widgets."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QElapsedTimer
    from PySide6.QtWidgets import QApplication

    from unibox.ui.bridge import Bridge
    from unibox.ui.people.list_model import ROW_ROLE
    from unibox.ui.people.page import PeoplePage

    app = QApplication.instance() or QApplication([])
    bridge = Bridge(store)
    page = PeoplePage(bridge)
    page.resize(1400, 860)
    page.show()

    def wait(done: Callable[[], bool]) -> float:
        clock = QElapsedTimer()
        clock.start()
        while not done():
            QCoreApplication.processEvents()
            time.sleep(0.0005)  # a bare loop would starve the reader threads of the GIL
            if clock.elapsed() > 60_000:
                raise RuntimeError("the window did not answer within a minute")
        app.processEvents()  # and painted
        return clock.nsecsElapsed() / 1e6

    numbers: list[float] = []

    def open_record() -> float:
        """Until the head and the first timeline page are shown (the numbers after)."""
        page.record.head = None
        page.record.record = None
        start = time.perf_counter()
        page.open_person(heavy)
        wait(lambda: page.record.head is not None and page.record.timeline.rowCount() > 0)
        shown = (time.perf_counter() - start) * 1000
        wait(lambda: page.record.record is not None)
        numbers.append((time.perf_counter() - start) * 1000)
        return shown

    def next_page() -> float:
        timeline = page.record.timeline
        before = timeline.rowCount()
        start = time.perf_counter()
        page.record.timeline_view.scrollToBottom()
        wait(lambda: timeline.rowCount() > before)
        return (time.perf_counter() - start) * 1000

    def settle() -> None:
        """Until no read is under way and none was asked for by an answer."""
        for _ in range(3):
            wait(lambda: bridge.wait_idle(1))

    def shown(model: Any, text: str) -> bool:
        # The first row asked for as the view's paint would; true once its page is in.
        first = model.index(0, 0).data(ROW_ROLE)
        return bool(model.query == text and (model.rowCount() == 0 or first is not None))

    def search(text: str, typed: bool = True) -> float:
        page.show_list()
        model = page.view.model
        model.set_query("")
        model.reload()
        wait(lambda: model.rowCount() > 0 and shown(model, ""))
        settle()  # a reload still under way would be timed as part of the filter
        loads: list[int] = []
        model.loaded.connect(loads.append)
        start = time.perf_counter()
        # As typed letter by letter with no pause (the worst case: the field waits for
        # a pause), or the whole text at once (what the field sends after the pause).
        for n in range(1 if typed else len(text), len(text) + 1):
            model.set_query(text[:n])
        wait(lambda: bool(loads) and shown(model, text))
        model.loaded.disconnect(loads.append)
        return (time.perf_counter() - start) * 1000

    timeline = page.record.timeline
    found = [
        ("window: open 20k person (head+page 1)", statistics.median(
            open_record() for _ in range(runs)
        )),
        ("window: ... its numbers shown", statistics.median(numbers)),
    ]  # fmt: skip
    fetched = timeline.pages_fetched
    found.append(("window: next timeline page (scroll)", next_page()))
    assert timeline.pages_fetched == fetched + 1
    for text in ("person 12", "example7", "hannah"):
        found.append((f"window: filter People '{text}'", statistics.median(
            search(text, typed=False) for _ in range(runs)
        )))  # fmt: skip
        found.append((f"window: ... typed with no pause '{text}'", statistics.median(
            search(text) for _ in range(runs)
        )))  # fmt: skip
    page.close()
    bridge.close()
    return found


if __name__ == "__main__":
    main()
