"""Matrix: one room of 10,000 members from a local Synapse.

Starts a real Synapse with an application service (tests/helpers/matrix_crowd.py)
that registers and joins the members fast; five of them write, 500 messages in
all (the last 100 start with "newest"), and the user. Then times the real CLI,
``unibox sync`` as a subprocess on a fresh profile with one Matrix account:

  * the set-up (members joined per second);
  * when the newest 100 messages are visible, when all are searchable;
  * the sync's total time and peak RSS; a no-change re-sync;
  * how many Matrix handles (people) the store holds: the speakers, not the room.

No thresholds; the numbers are printed as JSON.

    .venv/bin/python benchmarks/bench_matrix_big_room.py [--members N] [--messages N]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from tests.helpers.matrix_crowd import crowd_synapse, fill_room  # noqa: E402
from tests.helpers.matrix_peer import MatrixPeer  # noqa: E402

from bench_xmpp import WORD, timed_sync  # noqa: E402

SPEAKERS = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=500)
    args = parser.parse_args()
    server = crowd_synapse().start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-matrix-big-") as tmp:
            me = MatrixPeer(server, server.register("me"))
            speakers = [MatrixPeer(server, server.register(f"speaker{i}")) for i in range(SPEAKERS)]
            body = {"preset": "public_chat", "name": "Town square"}
            room = str(speakers[0].api("POST", "/createRoom", body)["room_id"])
            for peer in [me, *speakers[1:]]:
                peer.join(room)
            half = args.messages // 2
            t = time.monotonic()
            for n in range(half):  # half before the crowd, half after
                speakers[n % SPEAKERS].say(room, f"bench message {n:05d} {WORD}")
            made = fill_room(server, room, args.members)
            for n in range(half, args.messages):
                prefix = "newest" if n >= args.messages - 100 else "bench"
                speakers[n % SPEAKERS].say(room, f"{prefix} message {n:05d} {WORD}")
            seeded = time.monotonic() - t
            print(f"{args.members} members joined in {made.seconds:.0f} s", file=sys.stderr)

            env = dict(os.environ)
            env["UNIBOX_PROFILE"] = str(Path(tmp) / "profile")
            env["UNIBOX_INSECURE_TEST_KEYRING"] = str(Path(tmp) / "keyring.cfg")
            env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
            os.environ.update(
                {k: env[k] for k in ("UNIBOX_PROFILE", "UNIBOX_INSECURE_TEST_KEYRING")}
            )
            from unibox import cli
            from unibox.config import store_path

            sys.stdin = io.StringIO(me.user.password + "\n")
            add = ["account", "add-matrix", "--name", "Bench", "--homeserver", server.url]
            assert cli.main([*add, "--user", me.user_id, "--password-stdin"]) == 0
            db = store_path(Path(tmp) / "profile")
            first = timed_sync(env, db, "newest", args.messages)
            t = time.monotonic()
            again = subprocess.run([sys.executable, "-m", "unibox", "sync"], env=env, check=False)
            resync = time.monotonic() - t
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            (stored,) = conn.execute(
                "SELECT count(*) FROM message WHERE channel='matrix'"
            ).fetchone()
            (handles,) = conn.execute("SELECT count(*) FROM handle WHERE kind='matrix'").fetchone()
            conn.close()
    finally:
        server.stop()
    result = {
        "members": args.members,
        "messages": args.messages,
        "setup_s": round(seeded, 1),
        "joins_per_s": round(made.per_second, 1),
        "newest_100_s": round(first.get("newest_100", -1), 2),
        "all_searchable_s": round(first.get("searchable", -1), 2),
        "sync_total_s": round(first["sync_total"], 2),
        "sync_exit": first.get("exit"),
        "peak_rss_mb": round(first.get("peak_rss_mb", 0), 1),
        "no_change_resync_s": round(resync, 2),
        "resync_exit": again.returncode,
        "stored": stored,
        "matrix_handles": handles,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
