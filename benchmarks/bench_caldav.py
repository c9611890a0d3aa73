"""CalDAV: unibox against vdirsyncer, syncing the same Radicale calendar in one run.

Starts a real Radicale (tests/helpers/radicale.py) and writes one user's
calendar of N events straight into its storage (default 5,000, of which 200
repeat weekly for five years in Europe/Berlin; each has an organizer, two
attendees, a location and a description). The calendar is read once in full,
and each tool syncs it once to a throwaway target, before anything is timed,
so Radicale's caches are as warm for one tool as for the other. Then, as whole
processes on fresh targets:

  * unibox: on a profile whose store exists, `unibox calendar add-caldav`
    (discovery and the first sync of every event into the store), then the
    no-change `unibox sync`;
  * vdirsyncer (from PyPI, in its own venv made here, never in unibox's):
    `vdirsyncer discover` and `vdirsyncer sync` (every event to .ics files),
    then the no-change `vdirsyncer sync`.

Then one event is changed on the server and each tool syncs once more.
Prints seconds and the ratios (target: unibox's first sync faster than
vdirsyncer's). Nothing passes or fails.

    .venv/bin/python benchmarks/bench_caldav.py [--events N] [--repeating N] [--resync-runs N]
"""

from __future__ import annotations

import argparse
import os
import random
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

from tests.helpers.calgen import event_file  # noqa: E402
from tests.helpers.radicale import Radicale  # noqa: E402

USER, PASSWORD = "bench", "pw"
VENV = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "unibox-bench" / "vdirsyncer"
)


def vdirsyncer_bin() -> Path:
    """vdirsyncer from PyPI in a venv of its own (made once, kept in the cache dir)."""
    exe = VENV / "bin" / "vdirsyncer"
    if not exe.exists():
        print(f"installing vdirsyncer into {VENV} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "pip"), "install", "--quiet", "vdirsyncer"]
        subprocess.run(pip, check=True)
    return exe


def run(cmd: list[str], env: dict[str, str], stdin: str = "") -> float:
    t = time.monotonic()
    proc = subprocess.run(cmd, input=stdin, text=True, env=env, capture_output=True, check=False)
    seconds = time.monotonic() - t
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} failed:\n{proc.stderr[-2000:]}")
    return seconds


def vdirsyncer_config(work: Path, url: str) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    config = work / "vdirsyncer.conf"
    config.write_text(
        f'[general]\nstatus_path = "{work / "vdir-status"}/"\n\n'
        '[pair bench]\na = "bench_local"\nb = "bench_remote"\ncollections = ["from b"]\n\n'
        f'[storage bench_local]\ntype = "filesystem"\npath = "{work / "vdir"}/"\n'
        'fileext = ".ics"\n\n'
        f'[storage bench_remote]\ntype = "caldav"\nurl = "{url}"\n'
        f'username = "{USER}"\npassword = "{PASSWORD}"\n'
    )
    return config


def warm(server: Radicale, url: str) -> int:
    from unibox.channels.caldav import CalDavClient, DavAccount

    client = CalDavClient(DavAccount(server.url, USER, PASSWORD, timeout=900))
    try:
        listed = client.changes(url, "")
        return len(client.fetch(url, list(listed.changed)))
    finally:
        client.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=5000)
    ap.add_argument("--repeating", type=int, default=200)
    ap.add_argument("--resync-runs", type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(1)
    every = max(1, args.events // max(1, args.repeating))
    items = {
        f"bench-{n}.ics": event_file(n, n % every == 0 and n // every < args.repeating, rng)
        for n in range(args.events)
    }
    vdirsyncer = vdirsyncer_bin()
    work = Path(tempfile.mkdtemp(prefix="unibox-bench-caldav-"))
    print(f"load average {os.getloadavg()[0]:.2f} (a shared machine: compare within this run)")
    with Radicale() as server:
        server.add_user(USER, PASSWORD)
        server.request(USER, PASSWORD, "PROPFIND", f"/{USER}/", Depth="0")
        server.write_collection(USER, "work", items=items)
        url = f"{server.url.rstrip('/')}/{USER}/work/"
        size = sum(len(t) for t in items.values()) / 1e6
        t = time.monotonic()
        print(f"{warm(server, url)} events ({size:.1f} MB) warmed in {time.monotonic() - t:.1f} s")

        vdirsyncer_config(work / "warm", server.url)
        cold = {"VDIRSYNCER_CONFIG": str(work / "warm" / "vdirsyncer.conf")}
        # Each tool once on a throwaway target first: the server's caches are as warm
        # for the second as for the first.
        run([str(vdirsyncer), "discover"], {**os.environ, **cold}, "y\n" * 10)
        run([str(vdirsyncer), "sync"], {**os.environ, **cold})
        warm_env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        warm_env["UNIBOX_PROFILE"] = str(work / "warm" / "profile")
        warm_env["UNIBOX_INSECURE_TEST_KEYRING"] = str(work / "warm" / "keyring.cfg")
        run(
            [
                sys.executable,
                "-m",
                "unibox",
                "calendar",
                "add-caldav",
                "--name",
                "W",
                "--url",
                server.url,
                "--username",
                USER,
                "--password-stdin",
            ],
            warm_env,
            f"{PASSWORD}\n",
        )
        env = dict(os.environ)
        env["UNIBOX_PROFILE"] = str(work / "profile")
        env["UNIBOX_INSECURE_TEST_KEYRING"] = str(work / "keyring.cfg")
        env["PYTHONPATH"] = str(ROOT / "src")
        unibox = [sys.executable, "-m", "unibox"]
        add = [*unibox, "calendar", "add-caldav", "--name", "Work", "--url", server.url]
        u_store = run([*unibox, "calendar", "list"], env)  # a profile that exists already
        u_first = run([*add, "--username", USER, "--password-stdin"], env, f"{PASSWORD}\n")
        u_again = [run([*unibox, "sync"], env) for _ in range(args.resync_runs)]
        db = sqlite3.connect(work / "profile" / "unibox.sqlite3")
        stored = db.execute("SELECT count(DISTINCT href) FROM event").fetchone()[0]
        db.close()

        config = vdirsyncer_config(work, server.url)
        venv = {**os.environ, "VDIRSYNCER_CONFIG": str(config)}
        v_discover = run([str(vdirsyncer), "discover"], venv, "y\n" * 10)
        v_sync = run([str(vdirsyncer), "sync"], venv)
        v_again = [run([str(vdirsyncer), "sync"], venv) for _ in range(args.resync_runs)]
        files = len(list((work / "vdir").rglob("*.ics")))

        # One event changed on the server, then each tool's next sync.
        changed = items["bench-7.ics"].replace("SUMMARY:", "SUMMARY:Moved: ")
        path = f"/{USER}/work/bench-7.ics"
        status = server.request(
            USER, PASSWORD, "PUT", path, changed.encode(), **{"Content-Type": "text/calendar"}
        )[0]
        assert status in (201, 204), status
        u_change = run([*unibox, "sync"], env)
        v_change = run([str(vdirsyncer), "sync"], venv)

    v_first = v_discover + v_sync
    u_resync, v_resync = statistics.median(u_again), statistics.median(v_again)
    print(
        f"unibox     first sync {u_first:6.2f} s ({stored} events stored), "
        f"no-change re-sync {u_resync:5.2f} s (median of {len(u_again)})"
    )
    print(
        f"vdirsyncer first sync {v_first:6.2f} s (discover {v_discover:.2f} + sync "
        f"{v_sync:.2f}; {files} files), no-change re-sync {v_resync:5.2f} s"
    )
    print(
        f"ratio vdirsyncer/unibox: first sync {v_first / u_first:.2f}x, "
        f"re-sync {v_resync / u_resync:.2f}x (above 1: unibox faster)"
    )
    print(
        f"one event changed there: unibox {u_change:.2f} s, vdirsyncer {v_change:.2f} s "
        "(unibox's first sync asks for no sync token; this one does, and Radicale builds"
        " its history of every event then)"
    )
    print(f"(a new profile's store was made first, in {u_store:.2f} s, not counted above)")
    print(
        "target: unibox's first sync faster than vdirsyncer's:",
        "met" if u_first < v_first else "NOT met",
    )
    print(f"load average {os.getloadavg()[0]:.2f}; files in {work}")


if __name__ == "__main__":
    main()
