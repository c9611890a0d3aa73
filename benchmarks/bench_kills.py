"""kill -9 of `unibox sync` at random points of a large sync, many times: what was lost?

Starts a real Dovecot and aiosmtpd, fills one user's INBOX and Archive with a
generated mailbox, and builds a base profile (account added, seed messages
synced). Each run copies that profile, queues two messages and two flag
changes, starts `unibox sync` as a subprocess, SIGKILLs it at a random moment
(uniform over an undisturbed sync's length, which shrinks to the quickest
sync seen finishing: the machine's load changes; a few runs finish first), then
checks integrity, resyncs and compares with the server (tests/helpers/
kill_runs.py says what is checked). Prints the figures and writes
artifacts/bench_kills.json. No thresholds.

    .venv/bin/python benchmarks/bench_kills.py [--runs 100] [--messages 1500] [--seed 1]

Needs root (the Dovecot helper switches to ``nobody``).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import tempfile
import time
import warnings
from collections import Counter
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.helpers.dovecot import Dovecot  # noqa: E402
from tests.helpers.kill_runs import KillRig, RunResult  # noqa: E402
from tests.helpers.smtp import SmtpServer  # noqa: E402


def figures(results: list[RunResult], whole: float) -> dict[str, object]:
    outgoing = [o for r in results for o in r.outgoing]
    smtp = Counter(copies for copies, _sent, _maybe in outgoing)
    return {
        "runs": len(results),
        "undisturbed_sync_seconds": round(whole, 2),
        "killed_mid_sync": sum(not r.finished_before_kill for r in results),
        "finished_before_the_kill": sum(r.finished_before_kill for r in results),
        "runs_with_processes_left_running": sum(r.stray_processes > 0 for r in results),
        "processes_left_running": sum(r.stray_processes for r in results),
        "integrity_failures_after_kill": sum(bool(r.integrity_after_kill) for r in results),
        "integrity_failures_after_resync": sum(bool(r.integrity_after_resync) for r in results),
        "queued_work_missing_after_kill": sum(r.intent_missing for r in results),
        "resyncs_failed": sum(r.resync_code != 0 for r in results),
        "messages_lost": sum(r.lost for r in results),
        "messages_extra": sum(r.extra for r in results),
        "messages_duplicated": sum(r.doubled for r in results),
        "messages_without_body": sum(r.without_body for r in results),
        "queued_messages": len(outgoing),
        "smtp_copies": {str(k): v for k, v in sorted(smtp.items())},
        "sent_exactly_once": sum(s == 1 and c == 1 for c, s, _m in outgoing),
        "left_to_the_person_as_maybe_sent": sum(m for _c, _s, m in outgoing),
        "flag_changes_wrong_on_server": sum(r.flags_wrong for r in results),
        "sound_runs": sum(r.sound for r in results),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--messages", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=ROOT / "artifacts" / "bench_kills.json")
    args = parser.parse_args()
    if not Dovecot.available():
        print("bench_kills: needs Dovecot and root", file=sys.stderr)
        return 1
    # aiosmtpd warns on every connection of its loopback "plain" mode, chosen here.
    warnings.filterwarnings("ignore", module="aiosmtpd")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    chance = random.Random(args.seed)
    results: list[RunResult] = []
    with (
        tempfile.TemporaryDirectory(prefix="unibox-bench-kills-") as tmp,
        Dovecot(starttls=False) as dovecot,
    ):
        smtp = SmtpServer("plain").start()
        try:
            rig = KillRig(dovecot, smtp, "killbench", Path(tmp), args.messages, max_runs=args.runs)
            rig.prepare()
            whole = rig.undisturbed_seconds()
            print(f"undisturbed sync of {args.messages:,} messages: {whole:.1f} s", flush=True)
            window = whole
            started = time.monotonic()
            for n in range(args.runs):
                result = rig.run(chance.uniform(0.0, window))
                results.append(result)
                if result.finished_in is not None:  # quicker than measured: aim within it
                    window = min(window, result.finished_in)
                mark = "ok" if result.sound else "NOT SOUND"
                print(
                    f"run {n + 1:>3}: killed at {result.kill_at:5.2f} s"
                    f"{' (finished first)' if result.finished_before_kill else ''}: {mark}"
                    f"{'' if result.sound else f' {result}'}",
                    flush=True,
                )
            took = time.monotonic() - started
        finally:
            smtp.stop()
    summary = figures(results, whole)
    summary["seconds"] = round(took, 1)
    print()
    for key, value in summary.items():
        print(f"{key:>36}: {value}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "figures": summary,
                "messages": args.messages,
                "seed": args.seed,
                "runs": [asdict(r) for r in results],
            },
            indent=2,
        )
    )
    return 0 if summary["sound_runs"] == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
