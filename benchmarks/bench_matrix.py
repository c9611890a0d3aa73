"""Matrix backfill: 10,000 events over 50 rooms from a local Synapse.

Starts a real Synapse (tests/helpers/synapse.py), registers the user and 50
contacts, each with a direct chat with the user, and seeds them through the
client-server API, round-robin over the rooms (a quarter of the messages the
user's own, from another client); the last 100 sent start with "newest".
Then times the real CLI, ``unibox sync`` as a subprocess on a fresh profile
with one Matrix account (the same measurements as bench_xmpp.py):

  * when the newest 100 messages are visible in the profile's SQLite file;
  * when all of them are searchable (their full-text entries);
  * the peak RSS of the sync process; a no-change re-sync.

Prints the numbers beside the targets (newest 100 < 2 s, all < 30 s); no thresholds.

    .venv/bin/python benchmarks/bench_matrix.py [--messages N] [--rooms N]
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

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from tests.helpers.matrix_peer import MatrixPeer  # noqa: E402
from tests.helpers.synapse import Synapse  # noqa: E402

from bench_xmpp import WORD, timed_sync  # noqa: E402


def seed(server: Synapse, me: MatrixPeer, messages: int, rooms: int) -> None:
    http = requests.Session()
    chats = []
    for r in range(rooms):
        contact = MatrixPeer(server, server.register(f"contact{r:03d}"))
        room = contact.direct_chat(me.user_id)
        me.join(room)
        chats.append((room, contact))
    for n in range(messages):
        room, contact = chats[n % rooms]
        who = me if n % 4 == 3 else contact
        prefix = "newest" if n >= messages - 100 else "bench"
        body = {"msgtype": "m.text", "body": f"{prefix} message {n:05d} {WORD} room {room[-6:]}"}
        response = http.put(
            f"{server.url}/_matrix/client/v3/rooms/{room}/send/m.room.message/seed{n}",
            json=body,
            headers={"Authorization": f"Bearer {who.user.access_token}"},
            timeout=60,
        )
        response.raise_for_status()
    print(f"seeded {messages} messages over {rooms} rooms", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rooms", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-matrix-") as tmp, Synapse() as server:
        me = MatrixPeer(server, server.register("me"))
        t = time.monotonic()
        seed(server, me, args.messages, args.rooms)
        seeded = time.monotonic() - t
        env = dict(os.environ)
        env["UNIBOX_PROFILE"] = str(Path(tmp) / "profile")
        env["UNIBOX_INSECURE_TEST_KEYRING"] = str(Path(tmp) / "keyring.cfg")
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
        os.environ.update({k: env[k] for k in ("UNIBOX_PROFILE", "UNIBOX_INSECURE_TEST_KEYRING")})
        from unibox import cli

        sys.stdin = io.StringIO(me.user.password + "\n")
        add = ["account", "add-matrix", "--name", "Bench", "--homeserver", server.url]
        assert cli.main([*add, "--user", me.user_id, "--password-stdin"]) == 0
        from unibox.config import store_path

        db = store_path(Path(tmp) / "profile")
        first = timed_sync(env, db, "newest", args.messages)
        t = time.monotonic()
        again = subprocess.run([sys.executable, "-m", "unibox", "sync"], env=env, check=False)
        resync = time.monotonic() - t
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        (stored,) = conn.execute("SELECT count(*) FROM message WHERE channel='matrix'").fetchone()
        conn.close()
        result = {
            "messages": args.messages,
            "rooms": args.rooms,
            "seed_s": round(seeded, 1),
            "newest_100_s": round(first.get("newest_100", -1), 2),
            "all_searchable_s": round(first.get("searchable", -1), 2),
            "sync_total_s": round(first["sync_total"], 2),
            "peak_rss_mb": round(first.get("peak_rss_mb", 0), 1),
            "no_change_resync_s": round(resync, 2),
            "resync_exit": again.returncode,
            "stored": stored,
            "targets": {"newest_100_s": 2, "all_searchable_s": 30},
        }
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
