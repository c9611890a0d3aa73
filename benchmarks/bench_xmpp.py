"""XMPP backfill: 10,000 archived messages over 50 conversations from a local Prosody.

Starts a real Prosody (tests/helpers/prosody.py), registers the user and 50
contacts, and seeds the user's archive (MAM) by real sends: each contact
writes to the user and the user answers from another client, 200 messages
per conversation. Then times the real CLI, ``unibox sync`` as a subprocess on
a fresh profile with one XMPP account:

  * when the newest 100 messages are visible in the profile's SQLite file
    (polled read-only every 20 ms);
  * when all of them are searchable (their full-text entries, same poll);
  * the peak RSS of the sync process (psutil, every 50 ms);
  * a no-change re-sync.

Prints the numbers beside the targets (newest 100 < 2 s, all < 30 s); no
thresholds. Needs root (Prosody is run as root).

    .venv/bin/python benchmarks/bench_xmpp.py [--messages N] [--conversations N]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.helpers.prosody import Prosody  # noqa: E402
from tests.helpers.xmpp_peer import XmppPeer  # noqa: E402

WORD = "heliotrope"  # in every seeded message: "searchable" is a MATCH on it


def seed(server: Prosody, me: str, messages: int, conversations: int) -> None:
    per = messages // conversations
    n = 0
    with XmppPeer(server, me) as my_phone:
        for c in range(conversations):
            contact = server.register(f"contact{c:03d}")
            with XmppPeer(server, contact) as peer:
                for i in range(per):
                    body = f"bench message {n:05d} {WORD} conversation {c} line {i}"
                    if i % 4 == 3:
                        my_phone.send_nowait(contact, body)
                    else:
                        peer.send_nowait(me, body)
                    n += 1
                peer.barrier()
                my_phone.barrier()
    print(f"seeded {n} messages over {conversations} conversations", file=sys.stderr)


def poll_store(
    db: Path,
    newest_prefix: str,
    total: int,
    t0: float,
    out: dict[str, float],
    done: threading.Event,
) -> None:
    while not done.is_set() and not db.exists():
        time.sleep(0.02)
    while not done.is_set():
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.5)
            try:
                if "newest_100" not in out:
                    (newest,) = conn.execute(
                        "SELECT count(*) FROM message_search WHERE body LIKE ?",
                        (newest_prefix + "%",),
                    ).fetchone()
                    if newest >= 100:
                        out["newest_100"] = time.monotonic() - t0
                if "searchable" not in out:
                    (found,) = conn.execute(
                        "SELECT count(*) FROM message_fts WHERE message_fts MATCH ?", (WORD,)
                    ).fetchone()
                    if found >= total:
                        out["searchable"] = time.monotonic() - t0
                        return
            finally:
                conn.close()
        except sqlite3.Error:
            pass
        time.sleep(0.02)


def peak_rss(pid: int, out: dict[str, float], done: threading.Event) -> None:
    try:
        proc = psutil.Process(pid)
        while not done.is_set():
            rss = proc.memory_info().rss
            out["peak_rss_mb"] = max(out.get("peak_rss_mb", 0.0), rss / 2**20)
            time.sleep(0.05)
    except psutil.NoSuchProcess:
        return


def timed_sync(env: dict[str, str], db: Path, newest_prefix: str, total: int) -> dict[str, float]:
    out: dict[str, float] = {}
    done = threading.Event()
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "unibox", "sync"], env=env)
    watchers = [
        threading.Thread(target=poll_store, args=(db, newest_prefix, total, t0, out, done)),
        threading.Thread(target=peak_rss, args=(proc.pid, out, done)),
    ]
    for w in watchers:
        w.start()
    code = proc.wait()
    out["exit"] = code
    out["sync_total"] = time.monotonic() - t0
    watchers[0].join(30)
    done.set()
    watchers[1].join()
    return out


def in_process(server: Prosody, me: str, tmp: str, total: int) -> dict[str, float]:
    """The same backfill through the engine in this process: no interpreter start, no imports."""
    from unibox.secrets import SecretStore
    from unibox.services.chat import create_xmpp_account, xmpp_settings
    from unibox.store.store import Store
    from unibox.sync.chat_engine import run_once

    os.environ["UNIBOX_INSECURE_TEST_KEYRING"] = str(Path(tmp) / "keyring2.cfg")
    store = Store(Path(tmp) / "inproc.sqlite3")
    settings = xmpp_settings(
        jid=me, host=server.host, port=server.port, security="plain", ca_file=""
    )
    account = create_xmpp_account(
        store, SecretStore(), name="Bench", settings=settings, password=server.password,
        check=False,
    )  # fmt: skip
    out: dict[str, float] = {}
    added = 0
    t0 = time.monotonic()

    def changed(changes: object) -> None:
        nonlocal added
        added += len(changes.messages_added)  # type: ignore[attr-defined]
        if added >= 100 and "newest_100" not in out:
            out["newest_100"] = time.monotonic() - t0

    failed = run_once(store, SecretStore(), [account], on_changes=changed)
    out["all"] = time.monotonic() - t0
    out["stored"] = added
    out["failed"] = bool(failed)
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--messages", type=int, default=10_000)
    p.add_argument("--conversations", type=int, default=50)
    args = p.parse_args()
    with Prosody() as server, tempfile.TemporaryDirectory(prefix="bench-xmpp-") as tmp:
        me = server.register("me")
        t = time.monotonic()
        seed(server, me, args.messages, args.conversations)
        seed_s = time.monotonic() - t
        total = (args.messages // args.conversations) * args.conversations
        newest_prefix = f"bench message {total - 100:05d}"[:-2] if total >= 100 else ""
        env = dict(os.environ)
        env["UNIBOX_PROFILE"] = str(Path(tmp) / "profile")
        env["UNIBOX_INSECURE_TEST_KEYRING"] = str(Path(tmp) / "keyring.cfg")
        env["PYTHONPATH"] = str(ROOT / "src")
        subprocess.run(
            [sys.executable, "-m", "unibox", "account", "add-xmpp", "--name", "Bench",
             "--jid", me, "--host", server.host, "--port", str(server.port),
             "--security", "plain", "--password-stdin"],
            input=server.password + "\n", text=True, env=env, check=True,
        )  # fmt: skip
        db = Path(env["UNIBOX_PROFILE"]) / "unibox.sqlite3"
        first = timed_sync(env, db, newest_prefix, total)
        t = time.monotonic()
        again = subprocess.run([sys.executable, "-m", "unibox", "sync"], env=env).returncode
        resync = time.monotonic() - t
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        (stored,) = conn.execute("SELECT count(*) FROM message WHERE channel='xmpp'").fetchone()
        conn.close()
        engine = in_process(server, me, tmp, total)
    result = {
        "messages": total,
        "conversations": args.conversations,
        "seed_seconds": round(seed_s, 2),
        "newest_100_seconds": round(first.get("newest_100", float("nan")), 2),
        "all_searchable_seconds": round(first.get("searchable", float("nan")), 2),
        "sync_exit_seconds": round(first["sync_total"], 2),
        "peak_rss_mb": round(first.get("peak_rss_mb", 0.0), 1),
        "no_change_resync_seconds": round(resync, 2),
        "in_process_newest_100_seconds": round(engine.get("newest_100", float("nan")), 2),
        "in_process_all_stored_seconds": round(engine["all"], 2),
        "stored": stored,
        "exit_codes": [int(first["exit"]), again],
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result, indent=2))
    print(
        f"newest 100 visible: {result['newest_100_seconds']} s (target < 2 s); "
        f"all {total} searchable: {result['all_searchable_seconds']} s (target < 30 s); "
        f"peak RSS {result['peak_rss_mb']} MB; in the engine itself (no process start): "
        f"newest 100 {result['in_process_newest_100_seconds']} s, "
        f"all {result['in_process_all_stored_seconds']} s",
        file=sys.stderr,
    )
    return 0 if stored == total and first["exit"] == 0 and again == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
