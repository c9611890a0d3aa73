"""The window at scale: a 100,000-message store, the real app, the numbers that matter.

One run:
1. builds (or reuses, with --reuse) a profile holding N synthetic messages
   (default 100,000) written through the real store.ingest.Ingestor in
   batches of 1,000: threads, people, flags, attachments, full-text index,
   everything the sync would write, without IMAP;
2. cold start to first painted inbox: launches the real app
   (``python -m unibox --profile DIR``) with UNIBOX_REPORT_FIRST_PAINT=1 and
   times from just before the launch to the moment the message list first
   paints loaded rows (the app prints that moment); the resident memory of
   that process is read a second later; median of --starts runs;
3. in a second process driving a real window on the same profile
   (``bench_ui.py --drive DIR``): time to open a message (select a row until
   the reading pane has painted it), time to jump to the end of the list
   (End until the last rows are painted), search-as-you-type latency
   (several queries, each prefix as typed, from the query to painted
   results; the search field's own typing pause of 180 ms comes on top;
   each query starts once the window is idle, as after a person's pause,
   and its prefixes follow each other at once, harder than real typing),
   and resident memory after all that.

Prints the numbers beside the targets (first paint < 1.5 s, open < 100 ms,
search < 100 ms, memory < 300 MB) and writes artifacts/bench_ui.json.

    .venv/bin/python benchmarks/bench_ui.py [--messages N] [--reuse] [--starts 3]

The Qt platform is offscreen unless QT_QPA_PLATFORM says otherwise (run it
under ``xvfb-run -a`` with QT_QPA_PLATFORM=xcb for a real X server).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from unibox.config import store_path  # noqa: E402
from unibox.core.items import (  # noqa: E402
    Address,
    AttachmentInfo,
    FolderRole,
    IncomingMessage,
    ParsedMessage,
    ParseState,
    RemoteFolder,
)
from unibox.store.accounts import MailServer, MailSettings, add_account  # noqa: E402
from unibox.store.folders import upsert_folders  # noqa: E402
from unibox.store.ingest import Ingestor  # noqa: E402
from unibox.store.store import Store  # noqa: E402

TARGETS = {"first_paint_s": 1.5, "open_ms": 100.0, "search_ms": 100.0, "memory_mb": 300.0}
BATCH = 1000
ME = Address("mira@castell-studio.example", "Mira Castell")
FOLDERS = (("INBOX", FolderRole.INBOX, 0.70), ("Sent", FolderRole.SENT, 0.12))
FOLDERS += (("Archive", FolderRole.ARCHIVE, 0.18),)
WORDS = [
    "invoice",
    "project",
    "update",
    "meeting",
    "review",
    "design",
    "budget",
    "proposal",
    "contract",
    "deadline",
    "schedule",
    "draft",
    "feedback",
    "launch",
    "website",
    "brand",
    "logo",
    "campaign",
    "report",
    "quarterly",
    "figures",
    "client",
    "studio",
    "print",
    "colour",
    "palette",
    "typography",
    "layout",
    "photo",
    "shoot",
    "gallery",
    "exhibition",
    "workshop",
    "travel",
    "ticket",
    "booking",
    "hotel",
    "flight",
    "train",
    "berlin",
    "lisbon",
    "copenhagen",
    "vienna",
    "prague",
    "madrid",
    "tokyo",
    "please",
    "thanks",
    "attached",
    "sorry",
    "quick",
    "question",
    "call",
    "tomorrow",
    "friday",
    "monday",
    "week",
    "month",
    "next",
    "approved",
    "signed",
    "payment",
    "received",
    "reminder",
    "overdue",
    "receipt",
    "tax",
    "accountant",
    "bank",
    "transfer",
    "newsletter",
    "offer",
    "discount",
    "subscribe",
    "webinar",
    "conference",
    "speaker",
    "talk",
    "slides",
    "agenda",
    "notes",
]
FIRST = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Eva",
    "Felix",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Karin",
    "Lars",
    "Mona",
    "Nils",
    "Olga",
]
FIRST += [
    "Paul",
    "Rosa",
    "Sven",
    "Tara",
    "Ulf",
    "Vera",
    "Willem",
    "Xenia",
    "Yusuf",
    "Zoe",
    "Aiko",
    "Bruno",
    "Chiara",
    "Dmitri",
]
LAST = [
    "Berg",
    "Costa",
    "Dahl",
    "Engel",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ito",
    "Jensen",
    "Klein",
    "Larsen",
    "Meyer",
    "Novak",
]
LAST += [
    "Olsen",
    "Petrov",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ulrich",
    "Vogel",
    "Weber",
    "Young",
    "Zimmer",
]
DOMAINS = ["brightwave.example", "nordlys.example", "lumenhealth.example", "pixelweekly.example"]
DOMAINS += ["greenleaf.example", "hoffmannbau.example", "atelier-rossi.example", "slotbook.example"]


# -- building the store ---------------------------------------------------------------


def _people(rng: random.Random, n: int) -> list[Address]:
    people = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        domain = rng.choice(DOMAINS)
        people.append(Address(f"{first}.{last}{i}@{domain}".lower(), f"{first} {last}"))
    return people


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _messages(n: int, seed: int) -> Iterator[tuple[str, IncomingMessage]]:
    """(folder, item) for n messages over five years, oldest first, in threads."""
    rng = random.Random(seed)
    people = _people(rng, 2000)
    start = datetime.now(UTC) - timedelta(days=5 * 365)
    step = (5 * 365 * 86400) / n
    threads: list[tuple[str, str, Address]] = []  # (last Message-ID, subject, other person)
    for i in range(n):
        when = start + timedelta(seconds=i * step + rng.random() * step)
        folder = rng.choices([f[0] for f in FOLDERS], [f[2] for f in FOLDERS])[0]
        reply = threads and rng.random() < 0.35
        if reply:
            parent_id, subject, other = threads[
                rng.randrange(max(0, len(threads) - 200), len(threads))
            ]
            subject = subject if subject.startswith("Re: ") else f"Re: {subject}"
        else:
            parent_id, other = "", rng.choice(people)
            subject = _sentence(rng, rng.randint(3, 8)).capitalize()
        message_id = f"{i}.{seed}@bench.example"
        threads.append((message_id, subject, other))
        outgoing = folder == "Sent"
        sender, to = (ME, other) if outgoing else (other, ME)
        paragraphs = [_sentence(rng, rng.randint(12, 40)) + "." for _ in range(rng.randint(2, 5))]
        text = f"Hi {to.name.split()[0]},\n\n" + "\n\n".join(paragraphs) + f"\n\n{sender.name}"
        attachments = ()
        if rng.random() < 0.12:
            attachments = (
                AttachmentInfo(f"{rng.choice(WORDS)}-{i}.pdf", "application/pdf", 48_213),
            )
        parsed = ParsedMessage(
            state=ParseState.COMPLETE,
            message_id=message_id,
            in_reply_to=parent_id,
            references=(parent_id,) if parent_id else (),
            subject=subject,
            from_=(sender,),
            to=(to,),
            date=when,
            text=text,
            attachments=attachments,
        )
        raw = (
            f"From: {sender.name} <{sender.email}>\r\nTo: {to.name} <{to.email}>\r\n"
            f"Subject: {subject}\r\nMessage-ID: <{message_id}>\r\n"
            f"Date: {when:%a, %d %b %Y %H:%M:%S +0000}\r\n\r\n{text}\r\n"
        ).encode()
        flags = ("\\Seen",) if outgoing or i < n - 400 or rng.random() < 0.3 else ()
        if rng.random() < 0.02:
            flags += ("\\Flagged",)
        yield (
            folder,
            IncomingMessage(
                uid=i + 1, flags=flags, size=len(raw), internal_date=when, parsed=parsed, raw=raw
            ),
        )


def build_store(profile: Path, n: int, seed: int = 7) -> float:
    """A profile with n messages; seconds it took."""
    began = time.perf_counter()
    store = Store(store_path(profile))
    with store.write() as s:
        account = add_account(
            s,
            name="Bench",
            kind="bench",  # not a kind the window syncs: nothing reaches for a server
            email=ME.email,
            display_name=ME.name,
            settings=MailSettings(MailServer("127.0.0.1", 143, "plain"), None, ME.email),
            secret_ref="",
        )
        states = upsert_folders(s, account.id, [RemoteFolder(f, "/", r) for f, r, _w in FOLDERS])
    ingestors = {f.name: Ingestor(account.id, f.id, [ME.email]) for f in states}
    batches: dict[str, list[IncomingMessage]] = {name: [] for name in ingestors}
    written = 0

    def flush(name: str) -> None:
        nonlocal written
        with store.write() as s:
            ingestors[name].ingest(s, batches[name])
        written += len(batches[name])
        batches[name] = []
        print(f"\r  ingested {written:,} / {n:,}", end="", file=sys.stderr, flush=True)

    for folder, item in _messages(n, seed):
        batches[folder].append(item)
        if len(batches[folder]) >= BATCH:
            flush(folder)
    for name in list(batches):
        if batches[name]:
            flush(name)
    print(file=sys.stderr)
    store.close()
    return time.perf_counter() - began


def count_messages(profile: Path) -> int:
    import sqlite3

    path = store_path(profile)
    if not path.exists():
        return 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        try:
            return int(db.execute("SELECT count(*) FROM message").fetchone()[0])
        except sqlite3.Error:
            return 0


# -- cold start -------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # An installed app starts from bytecode (pip compiles it at install): so does this one,
    # even where PYTHONDONTWRITEBYTECODE is set (it is on the CI machines here).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["UNIBOX_REPORT_FIRST_PAINT"] = "1"
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def compile_sources() -> None:
    """Bytecode for src/, as `pip install` leaves it (the first cold start would else pay it)."""
    import compileall

    compileall.compile_dir(str(ROOT / "src"), quiet=1)


def cold_start(profile: Path) -> tuple[float, float]:
    """(seconds from launch to first painted inbox, RSS in MB one second later)."""
    began = time.time()
    proc = subprocess.Popen(
        [sys.executable, "-m", "unibox", "--profile", str(profile)],
        env=_env(),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stderr is not None
        deadline = time.time() + 60
        for line in proc.stderr:
            if line.startswith("unibox-first-paint "):
                painted = float(line.split()[1])
                break
            if time.time() > deadline:
                raise RuntimeError("no first paint within 60 s")
        else:
            raise RuntimeError(f"the app exited ({proc.wait()}) without painting")
        time.sleep(1.0)
        rss = psutil.Process(proc.pid).memory_info().rss / 2**20
        return painted - began, rss
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- the driven window ------------------------------------------------------------------


def _parses(text: str) -> bool:
    from unibox.core.errors import UserError
    from unibox.core.query import parse_query

    try:
        parse_query(text)
    except UserError:
        return False
    return True


def drive(profile: Path) -> dict[str, Any]:
    """Runs inside the second process: a real window, timed the way a person uses it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from unibox.app import application, build_window

    app = application()
    store = Store(store_path(profile))
    window = build_window(store)
    window.resize(1400, 860)
    window.show()
    model, view, reader = window.messages, window.message_list, window.message_view

    def wait(condition: Callable[[], bool], timeout: float = 30.0) -> float:
        began = time.perf_counter()
        while not condition():
            app.processEvents()
            if time.perf_counter() - began > timeout:
                raise RuntimeError("timed out")
            time.sleep(0.0005)
        return time.perf_counter() - began

    def settle() -> None:
        for _ in range(3):  # what arrives may ask for more (a message, then its sender)
            window.bridge.wait_idle()
            app.processEvents()
            time.sleep(0.02)
            app.processEvents()

    def painted(widget: Any) -> None:
        widget.repaint()  # synchronous: the time includes drawing what the person sees

    completed = [0]
    model.completed.connect(lambda _n: completed.__setitem__(0, completed[0] + 1))
    wait(lambda: model.rowCount() > 0 and model.cached_row(0) is not None)
    wait(lambda: reader.content is not None)
    wait(lambda: completed[0] > 0)  # the whole inbox, not only its newest rows
    time.sleep(0.5)
    app.processEvents()
    rows = model.rowCount()

    # Open a message: select a row until the reading pane has painted it.
    rng = random.Random(3)
    opens = []
    for _ in range(25):
        n = rng.randrange(0, min(rows, 60))
        mid = model.message_id(n)
        began = time.perf_counter()
        view.select_row(n)
        wait(lambda mid=mid: reader.content is not None and reader.content.id == mid)
        painted(reader)
        opens.append((time.perf_counter() - began) * 1000)
        view.select_row(0)
        wait(lambda: reader.content is not None and reader.content.id == model.message_id(0))

    # Jump to the end: End on the list until the last rows are painted, then back home.
    view.setFocus()
    jumps = []
    for _ in range(3):
        began = time.perf_counter()
        QTest.keyClick(view, Qt.Key.Key_End)
        wait(lambda: model.cached_row(rows - 1) is not None)
        painted(view.viewport())
        jumps.append((time.perf_counter() - began) * 1000)
        QTest.keyClick(view, Qt.Key.Key_Home)
        wait(lambda: model.cached_row(0) is not None)

    # Search as you type: each prefix, from the query to painted results.
    loads = [0]
    model.loaded.connect(lambda _n: loads.__setitem__(0, loads[0] + 1))
    searches: dict[str, list[float]] = {}
    for query in ("invoice", "project update", "from:anna", "has:attachment budget", "zzqx"):
        settle()  # a person pauses before typing a new query: what they opened is shown
        timings = []
        for end in range(2, len(query) + 1):
            text = query[:end]
            if text.endswith((" ", ":")) or not _parses(text):
                continue  # the field waits for a whole operator ("has:a" is not one yet)
            before = loads[0]
            began = time.perf_counter()
            window.search.setText(text)
            window.search.flush()
            wait(lambda before=before: loads[0] != before)
            wait(lambda: model.rowCount() == 0 or model.cached_row(0) is not None)
            painted(view.viewport())
            timings.append((time.perf_counter() - began) * 1000)
        searches[query] = timings
        before = loads[0]
        window.flow.leave_search()  # what Esc in the list does
        wait(lambda before=before: loads[0] != before and model.search is None)
        wait(lambda: model.cached_row(0) is not None)

    # The same views grouped by conversation, the person panel kept on.
    before = loads[0]
    began = time.perf_counter()
    window.group_action.trigger()
    wait(lambda before=before: loads[0] != before and model.cached_row(0) is not None)
    painted(view.viewport())
    grouped_ms = (time.perf_counter() - began) * 1000
    rss = psutil.Process().memory_info().rss / 2**20
    window.group_action.trigger()  # leave the setting as it was
    wait(lambda: not model.grouped and model.cached_row(0) is not None)
    window.close()
    window.bridge.close()
    store.close()
    return {
        "rows": rows,
        "open_ms": opens,
        "end_ms": jumps,
        "search_ms": searches,
        "grouped_ms": grouped_ms,
        "memory_mb": rss,
    }


# -- report -----------------------------------------------------------------------------


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/unibox-bench-ui"))
    parser.add_argument("--reuse", action="store_true", help="keep a store of the same size")
    parser.add_argument("--starts", type=int, default=3, help="cold starts to take the median of")
    parser.add_argument("--json", type=Path, default=ROOT / "artifacts" / "bench_ui.json")
    parser.add_argument("--drive", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        print(json.dumps(drive(args.drive)))
        return 0

    profile = args.workdir / f"profile-{args.messages}"
    have = count_messages(profile)
    build_s = None
    if not (args.reuse and have == args.messages):
        if profile.exists():
            import shutil

            shutil.rmtree(profile)
        print(f"building a store of {args.messages:,} messages in {profile} …", file=sys.stderr)
        build_s = build_store(profile, args.messages)
        print(f"  built in {build_s:.1f} s", file=sys.stderr)

    compile_sources()
    starts = [cold_start(profile) for _ in range(args.starts)]
    paints = [s[0] for s in starts]
    driven = subprocess.run(
        [sys.executable, __file__, "--drive", str(profile)],
        env={**_env(), "UNIBOX_REPORT_FIRST_PAINT": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    if driven.returncode != 0:
        print(driven.stderr, file=sys.stderr)
        return 1
    d = json.loads(driven.stdout.strip().splitlines()[-1])
    every_search = [t for ts in d["search_ms"].values() for t in ts]
    final_search = [ts[-1] for ts in d["search_ms"].values() if ts]
    memory = max(d["memory_mb"], max(s[1] for s in starts))
    platform = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    load = os.getloadavg()[0]
    print()
    print(f"unibox window at {d['rows']:,} messages in the inbox ({args.messages:,} in the store)")
    print(f"Qt platform {platform}; load average {load:.2f}; {os.cpu_count()} cores")
    print()
    rows = [
        ("cold start to first painted inbox", f"{statistics.median(paints):.2f} s", "< 1.5 s",
         statistics.median(paints) < TARGETS["first_paint_s"],
         "runs " + ", ".join(f"{p:.2f}" for p in paints)),
        ("open a message (median / p90)",
         f"{statistics.median(d['open_ms']):.0f} / {_p(d['open_ms'], 0.9):.0f} ms", "< 100 ms",
         _p(d["open_ms"], 0.9) < TARGETS["open_ms"], f"{len(d['open_ms'])} opens"),
        ("jump to the end of the list (median)", f"{statistics.median(d['end_ms']):.0f} ms", "",
         None, "runs " + ", ".join(f"{t:.0f}" for t in d["end_ms"])),
        ("search as you type (median / max)",
         f"{statistics.median(every_search):.0f} / {max(every_search):.0f} ms", "< 100 ms",
         max(every_search) < TARGETS["search_ms"],
         f"{len(every_search)} prefixes; + 180 ms typing pause"),
        ("search, full queries (max)", f"{max(final_search):.0f} ms", "< 100 ms",
         max(final_search) < TARGETS["search_ms"], ""),
        ("group by conversation (switch)", f"{d['grouped_ms']:.0f} ms", "", None, ""),
        ("resident memory (max)", f"{memory:.0f} MB", "< 300 MB",
         memory < TARGETS["memory_mb"],
         f"app at first paint {max(s[1] for s in starts):.0f} MB, driven {d['memory_mb']:.0f} MB"),
    ]  # fmt: skip
    for name, value, target, ok, note in rows:
        mark = "" if ok is None else ("ok  " if ok else "MISS")
        print(f"  {name:<38} {value:>14}  {target:<9} {mark:<4}  {note}")
    print()
    for query, timings in d["search_ms"].items():
        print(f"  search {query!r:<26} " + " ".join(f"{t:.0f}" for t in timings) + " ms")
    result = {
        "messages": args.messages,
        "inbox_rows": d["rows"],
        "build_seconds": build_s,
        "platform": platform,
        "load_average": load,
        "first_paint_s": paints,
        "first_paint_rss_mb": [s[1] for s in starts],
        **d,
        "targets": TARGETS,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
