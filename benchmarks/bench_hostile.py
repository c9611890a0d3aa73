"""Time and memory to take in and show each hostile message of the test suite.

For every crafted message of tests/helpers/hostile_mail.py, a fresh process
parses it, ingests it into a new store (the sync's path: parse_message, then
store.ingest in one write transaction), reads it back as the reading pane does
and shows it in the real MessageView (offscreen Qt), then the list row. It
prints wall time per step and the growth of the process's peak resident memory
(ru_maxrss) over what the process held before the message existed (its own
bytes count, as a sync holds them), so the 200 MB bound
the tests guard can be read against a real figure.

    python benchmarks/bench_hostile.py            # every case
    python benchmarks/bench_hostile.py nested-50  # some
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.helpers.hostile_mail import CASES  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(name: str, source: Path) -> dict[str, float]:
    """One case in this process: parse, ingest, read, show; seconds and MB."""
    from PySide6.QtWidgets import QApplication
    from tests.helpers.items import add_account, add_folders, new_store

    from unibox.core.items import IncomingMessage
    from unibox.core.mime import parse_message
    from unibox.store.ingest import Ingestor
    from unibox.store.message_content import message_content
    from unibox.store.view_rows import rows_for
    from unibox.ui.widgets.message_view import MessageView

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        store = new_store(Path(tmp))
        account = add_account(store)
        folder = add_folders(store, account, "INBOX")["INBOX"]
        view = MessageView()
        view.resize(900, 700)
        view.show()
        app.processEvents()
        before = _peak_mb()  # before the message is read: its own bytes count too
        raw = source.read_bytes()  # built by the parent, so building costs nothing here
        t0 = time.perf_counter()
        parsed = parse_message(raw)
        t1 = time.perf_counter()
        item = IncomingMessage(
            uid=1, flags=(), size=len(raw), internal_date=None, parsed=parsed, raw=raw
        )
        with store.write() as s:
            (mid,) = Ingestor(account, folder, ["me@example.com"]).ingest(s, [item]).messages_added
        t2 = time.perf_counter()
        with store.read() as s:
            content = message_content(s, mid)
            rows_for(s, [mid])
        assert content is not None
        view.show_message(content)
        view.grab()
        app.processEvents()
        t3 = time.perf_counter()
        view.close()
        store.close()
    return {
        "size_mb": len(raw) / 2**20,
        "parse_s": t1 - t0,
        "ingest_s": t2 - t1,
        "show_s": t3 - t2,
        "total_s": t3 - t0,
        "extra_peak_mb": max(0.0, _peak_mb() - before),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # run one case, print JSON
    parser.add_argument("--source", help=argparse.SUPPRESS)  # its raw bytes
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, Path(args.source))))
        return
    names = args.cases or [c.name for c in CASES]
    columns = ("size", "parse", "ingest", "show", "total", "+RSS")
    print(f"{'message':34} " + " ".join(f"{c:>8}" for c in columns))
    worst_time = worst_mem = 0.0
    for name in names:
        case = next(c for c in CASES if c.name == name)
        with tempfile.NamedTemporaryFile(suffix=".eml") as source:
            source.write(case.build(f"{name}@hostile.test"))
            source.flush()
            out = subprocess.run(
                [sys.executable, __file__, "--one", name, "--source", source.name],
                capture_output=True, text=True, check=True, timeout=600,
            )  # fmt: skip
        r = json.loads(out.stdout.strip().splitlines()[-1])
        worst_time, worst_mem = max(worst_time, r["total_s"]), max(worst_mem, r["extra_peak_mb"])
        print(
            f"{name:34} {r['size_mb']:6.2f}MB {r['parse_s']:7.3f}s {r['ingest_s']:7.3f}s "
            f"{r['show_s']:7.3f}s {r['total_s']:7.3f}s {r['extra_peak_mb']:6.0f}MB"
        )
    print(
        f"load average {os.getloadavg()[0]:.1f} (2 cores); worst: {worst_time:.2f} s, "
        f"{worst_mem:.0f} MB of extra peak memory for one message"
    )


if __name__ == "__main__":
    main()
