"""POP3: a no-change check of a 5,000-message maildrop, as the whole `unibox sync` process.

Starts a real Dovecot (tests/helpers/dovecot.py), writes the messages straight
into the user's Maildir, adds a POP3 account over STLS (verified against the
test CA) with the real CLI and runs `unibox sync` as subprocesses on a fresh
profile:

  * the first download (every message by RETR);
  * a no-change re-sync, several times (the median and the spread), and whether
    the quick check answered it (`unibox -v sync` says so);
  * a re-sync after one new message.

Prints the numbers beside the target (no-change < 1 s); no thresholds. Needs
root (Dovecot is run as root).

    .venv/bin/python benchmarks/bench_pop3.py [--messages N] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.helpers.dovecot import Dovecot  # noqa: E402
from tests.helpers.mailgen import simple_message  # noqa: E402

USER = "bench"
QUICK = "nothing changed on the server (quick check)"


def unibox(env: dict[str, str], *args: str, stdin: str = "") -> tuple[float, str]:
    """Run the CLI; (seconds, stderr). Raises when it fails."""
    t = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "unibox", *args],
        input=stdin,
        text=True,
        env=env,
        capture_output=True,
        check=False,
    )
    seconds = time.monotonic() - t
    if proc.returncode != 0:
        raise SystemExit(f"unibox {' '.join(args)} failed: {proc.stderr.strip()}")
    return seconds, proc.stderr


def stored(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (n,) = conn.execute("SELECT count(*) FROM message").fetchone()
        return int(n)
    finally:
        conn.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--messages", type=int, default=5000)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    with Dovecot() as dc, tempfile.TemporaryDirectory(prefix="bench-pop3-") as tmp:
        raws = [
            simple_message(f"Bench message {i:05d}", f"Body of message {i}.\n" * 20)
            for i in range(args.messages)
        ]
        t = time.monotonic()
        dc.deliver_many(USER, raws)
        seed_s = time.monotonic() - t
        env = dict(os.environ)
        env["UNIBOX_PROFILE"] = str(Path(tmp) / "profile")
        env["UNIBOX_INSECURE_TEST_KEYRING"] = str(Path(tmp) / "keyring.cfg")
        env["PYTHONPATH"] = str(ROOT / "src")
        unibox(
            env,
            "account", "add-pop3", "--name", "Bench", "--email", f"{USER}@example.com",
            "--pop3-host", "localhost", "--pop3-port", str(dc.pop3_port),
            "--pop3-security", "starttls", "--ca-file", str(dc.ca_file),
            "--username", USER, "--password-stdin",
            stdin=dc.password + "\n",
        )  # fmt: skip
        db = Path(env["UNIBOX_PROFILE"]) / "unibox.sqlite3"
        first, _ = unibox(env, "sync")
        downloaded = stored(db)
        _, log = unibox(env, "-v", "sync")
        quick = QUICK in log
        times = [unibox(env, "sync")[0] for _ in range(args.repeat)]
        dc.deliver(USER, simple_message("One more", "New."))
        one_new, _ = unibox(env, "sync")
        after = stored(db)
    result = {
        "messages": args.messages,
        "seed_seconds": round(seed_s, 2),
        "first_download_seconds": round(first, 2),
        "stored_after_first": downloaded,
        "no_change_answered_by_quick_check": quick,
        "no_change_seconds_median": round(statistics.median(times), 3),
        "no_change_seconds_all": [round(x, 3) for x in times],
        "one_new_message_seconds": round(one_new, 2),
        "stored_after_one_new": after,
        "target_no_change_seconds": 1.0,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
