"""A Matrix room of many members (as big as a fast set-up allows; benchmarks/
bench_matrix_big_room.py takes 10,000): it syncs, it is one group room under its name,
the people who wrote in it become people and the members who never did do not."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.helpers.matrix_crowd import crowd_synapse, fill_room
from tests.helpers.matrix_peer import MatrixPeer, matrix_account
from tests.helpers.synapse import MatrixUser, Synapse, synapse_available
from tests.integration.cli_helpers import run
from tests.integration.test_matrix_sync import add_matrix, stored
from unibox.channels.matrix import MatrixChannel
from unibox.channels.matrix.channel import FIRST_TIMELINE
from unibox.config import store_path
from unibox.store.store import Store

pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(600),
    pytest.mark.skipif(not synapse_available(), reason="matrix-synapse is not installed"),
]

MEMBERS = 600  # about 25 joins a second on a busy 2-core machine: some 25 s of set-up


@pytest.fixture(scope="module")
def crowded() -> Iterator[Synapse]:
    server = crowd_synapse().start()
    try:
        yield server
    finally:
        server.stop()


def _matrix_handles(profile: Path) -> dict[str, str]:
    with Store(store_path(profile)).read() as s:
        rows = s.execute(text("SELECT value, display_name FROM handle WHERE kind = 'matrix'"))
        return {value: name for value, name in rows}


async def _loaded_members(server: Synapse, user: MatrixUser, room: str) -> int:
    """How many members a connected channel holds of the room (memory grows with them)."""
    channel = MatrixChannel(matrix_account(server, user))
    try:
        await channel.connect()
        return len(channel._require().rooms[room].users)
    finally:
        await channel.close()


def test_a_room_of_hundreds_is_one_room_and_only_its_speakers_are_people(
    crowded: Synapse, profile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob, carol = (crowded.register(n) for n in ("alice", "bob", "carol"))
    for user, name in ((bob, "Bob Baker"), (carol, "Carol Cook")):
        crowded.api(user.access_token, "PUT", f"/profile/{user.user_id}/displayname",
                    {"displayname": name})  # fmt: skip
    bob_peer, carol_peer = MatrixPeer(crowded, bob), MatrixPeer(crowded, carol)
    square = bob_peer.api("POST", "/createRoom", {"preset": "public_chat", "name": "Town square"})
    room = str(square["room_id"])
    for peer in (MatrixPeer(crowded, alice), carol_peer):
        peer.join(room)
    for i in range(130):  # more than a page of history, from before the crowd came
        carol_peer.say(room, f"early {i}")
    made = fill_room(crowded, room, MEMBERS)
    print(f"\n{MEMBERS} members joined in {made.seconds:.1f} s ({made.per_second:.0f}/s)")
    for i in range(5):
        bob_peer.say(room, f"late {i}")
    # A room without a name where only Bob writes: lazily loaded, it could pass for the chat
    # with Bob; the summary says it has 62 members.
    quiet = str(bob_peer.api("POST", "/createRoom", {"preset": "public_chat"})["room_id"])
    MatrixPeer(crowded, alice).join(quiet)
    fill_room(crowded, quiet, 60)
    bob_peer.say(quiet, "anyone here?")

    assert add_matrix(crowded, alice, monkeypatch) == 0
    assert run("sync") == 0
    got = stored(profile)
    in_square = [r for r in got if r["conversation"] == room]
    assert len(in_square) == 135 and {r["subject"] for r in in_square} == {"Town square"}
    (in_quiet,) = [r for r in got if r["body"] == "anyone here?"]
    assert in_quiet["conversation"] == quiet  # a group room, not the chat with Bob
    assert len(got) == 136
    handles = _matrix_handles(profile)
    assert not [h for h in handles if h.startswith("@crowd_")]  # they never wrote
    assert {bob.user_id: "Bob Baker", carol.user_id: "Carol Cook"}.items() <= handles.items()
    assert set(handles) <= {alice.user_id, bob.user_id, carol.user_id}

    assert run("sync") == 0
    assert stored(profile) == got  # nothing twice
    # The speakers and the joins among the newest events the first sync brings, not all 600.
    assert asyncio.run(_loaded_members(crowded, alice, room)) <= 3 + FIRST_TIMELINE
    bob_peer.say(room, "one more")
    assert run("sync") == 0
    assert [r["body"] for r in stored(profile)][len(got) :] == ["one more"]
