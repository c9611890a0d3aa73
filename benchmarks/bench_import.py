"""Import a generated WhatsApp, Slack or SMS export: messages per second and peak memory.

Writes an export of N messages (default 200,000; tests/helpers/whatsapp_export.py,
or tests/helpers/slack_export.py: a workspace .zip of 20 channels, one JSON file
per channel and day), then imports it into a fresh store in a child process
(`unibox import`'s path: services.imports.import_path) and prints the time,
messages per second, the growth of the child's peak resident memory
(ru_maxrss), the time until a person's timeline shows their messages, and the
CPU time the import took (on a shared machine the wall time also counts the
waits for a core; the CPU time is about what an idle machine would take).
Target: 200,000 in under 20 s, under 300 MB, for each format.

    python benchmarks/bench_import.py                   # WhatsApp, 200,000 messages
    python benchmarks/bench_import.py --format slack    # Slack, 200,000 messages
    python benchmarks/bench_import.py --format sms      # an SMS backup (XML), 200,000
    python benchmarks/bench_import.py -n 20000          # quicker
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


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# Per format: how the export is written, --me, and the person whose timeline is read.
PERSON = {
    "whatsapp": ("", "whatsapp:Olga"),
    "slack": ("p0", "slack:U001"),
    "sms": ("", "+15550000001"),
}


def child(export: Path, profile: Path, fmt: str) -> None:
    """In a fresh process: import, then read the peer's timeline; one JSON line."""
    from unibox.config import store_path
    from unibox.services.imports import import_path
    from unibox.store.person_edit import find_person
    from unibox.store.store import Store
    from unibox.store.timeline import timeline

    before = _peak_mb()
    store = Store(store_path(profile))
    start, cpu = time.perf_counter(), time.process_time()
    me, person = PERSON[fmt]
    report = import_path(store, export, "DE", me)
    imported = time.perf_counter() - start
    with store.read() as s:
        pid = find_person(s, person)
        assert pid is not None
        shown = timeline(s, pid)
    seen = time.perf_counter() - start
    cpu = time.process_time() - cpu
    print(
        json.dumps(
            {
                "messages": report.messages,
                "seconds": round(imported, 2),
                "cpu_seconds": round(cpu, 2),
                "timeline_seconds": round(seen, 2),
                "timeline_rows": len(shown.entries),
                "peak_mb": round(_peak_mb() - before, 1),
                "peak_total_mb": round(_peak_mb(), 1),
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200_000, help="messages in the export")
    parser.add_argument("--format", choices=sorted(PERSON), default="whatsapp")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]), args.child[2])
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        if args.format == "slack":
            from tests.helpers import slack_export

            export = slack_export.write_export(Path(tmp) / "Acme Slack export.zip", args.n,
                                               channels=20, users=60, per_day=50)  # fmt: skip
            what = "Slack export (.zip)"
        elif args.format == "sms":
            from tests.helpers import sms_backup_export

            export = sms_backup_export.generate_sms(Path(tmp) / "sms-20261206.xml", args.n)
            what = "SMS Backup & Restore file"
        else:
            from tests.helpers import whatsapp_export

            export = whatsapp_export.write_export(Path(tmp) / "WhatsApp Chat with Olga.txt", args.n)
            what = "WhatsApp export"
        size = export.stat().st_size / 1e6
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(export), str(Path(tmp) / "p"), args.format],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
    rate = r["messages"] / r["seconds"] if r["seconds"] else 0.0
    load = os.getloadavg()[0]
    print(f"{what}: {args.n:,} messages, {size:.1f} MB; load average {load:.1f}")
    print(
        f"imported {r['messages']:,} in {r['seconds']:.1f} s ({rate:,.0f} messages/s, "
        f"{r['cpu_seconds']:.1f} s of CPU); "
        f"peak memory +{r['peak_mb']:.0f} MB ({r['peak_total_mb']:.0f} MB in all); "
        f"timeline shows them after {r['timeline_seconds']:.1f} s ({r['timeline_rows']} rows)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
