"""Bridged people against a real Synapse: its application services stand in for
mautrix-telegram, -whatsapp and -signal, post as their puppets and their bots,
and unibox makes people of the remote users, not of the Matrix accounts."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.matrix_bridge import MatrixBridge
from tests.helpers.matrix_peer import MatrixPeer
from tests.helpers.synapse import Synapse
from tests.integration.cli_helpers import run
from tests.integration.test_matrix_sync import Factory, add_matrix, json_out, stored
from unibox.config import store_path
from unibox.store.store import Store
from unibox.store.views import View, ViewKind, view_ids

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]

CARDS = """BEGIN:VCARD
VERSION:3.0
FN:Jonas Weber
TEL;TYPE=CELL:+49 151 12345678
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Mara Lind
TEL;TYPE=CELL:+46 70 123 45 67
END:VCARD
"""


def handles(record: dict[str, Any]) -> set[tuple[str, str]]:
    return {(h["kind"], h["value"]) for h in record["handles"]}


def test_bridged_senders_are_people_of_their_network_and_the_bot_is_nobody(
    synapse: Synapse,
    matrix_user_factory: Factory,
    profile: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    alice = matrix_user_factory("alice")
    me = MatrixPeer(synapse, alice)
    cards = tmp_path / "phone.vcf"
    cards.write_text(CARDS)
    assert run("import", str(cards)) == 0  # Jonas and Mara, known by their numbers

    telegram = MatrixBridge(synapse, "telegram")
    olga = telegram.puppet("700100200", "Olga Petrova (Telegram)")
    tg_room = olga.direct_chat(alice.user_id)
    me.join(tg_room)
    olga.invite(tg_room, telegram.bot.user_id)  # the bot sits in the rooms it bridges
    telegram.bot.join(tg_room)
    me.say(tg_room, "Hi Olga, back in Berlin next week")
    later = int(time.time() * 1000) + 5_000  # the bridge dates what it relays: after Alice
    olga.say(tg_room, "Привет! Are you free on Friday?", ts=later)
    telegram.bot.notice(tg_room, "Telegram connection lost. Reconnect?", ts=later + 1_000)

    whatsapp = MatrixBridge(synapse, "whatsapp")
    jonas = whatsapp.puppet("4915112345678", "Jonas Weber (WA)")
    wa_room = jonas.direct_chat(alice.user_id)
    me.join(wa_room)
    jonas.say(wa_room, "Running late, ten minutes")
    me.say(wa_room, "No problem, see you at the harbour")

    # A Telegram group, bridged: its members are the puppets (and the bot).
    anna = telegram.puppet("700100201", "Anna Sokolova (Telegram)")
    group = olga.room("Book club", [alice.user_id, anna.user_id, telegram.bot.user_id])
    me.join(group)
    anna.join(group)
    telegram.bot.join(group)
    anna.say(group, "Chapter four for Thursday")

    signal = MatrixBridge(synapse, "signal")
    mara = signal.puppet("6e1a2b3c-0000-4000-8000-00000000abcd", "+46701234567")
    sg_room = mara.direct_chat(alice.user_id)
    me.join(sg_room)
    mara.say(sg_room, "Sent you the slides")

    assert add_matrix(synapse, alice, monkeypatch) == 0
    assert run("sync") == 0

    # Olga: a Telegram person (the handle a Telegram export gives her), her Matrix id
    # kept beside it, her name without the network.
    olga_record = json_out(capsys, "person", "show", olga.user_id, "--json")
    assert olga_record["display_name"] == "Olga Petrova"
    assert handles(olga_record) == {("telegram", "user700100200"), ("matrix", olga.user_id)}
    lines = {(e["channel"], e["via"], e["by"]) for e in olga_record["timeline"]}
    assert lines == {  # her chat both ways, and the group she is in
        ("matrix", "telegram", "Olga Petrova"),
        ("matrix", "telegram", ""),
        ("matrix", "telegram", "Anna Sokolova"),
    }

    # Jonas: the WhatsApp puppet's number joins the person of the imported card.
    jonas_record = json_out(capsys, "person", "show", "+4915112345678", "--json")
    assert jonas_record["display_name"] == "Jonas Weber"
    assert handles(jonas_record) >= {
        ("phone", "+4915112345678"),
        ("whatsapp", "+4915112345678"),
        ("matrix", jonas.user_id),
    }
    lines = [(e["direction"], e["via"]) for e in jonas_record["timeline"] if e["kind"] == "message"]
    assert sorted(lines) == [("in", "whatsapp"), ("out", "whatsapp")]

    # Mara: a Signal puppet named by its number joins the card with that number.
    mara_record = json_out(capsys, "person", "show", mara.user_id, "--json")
    assert mara_record["display_name"] == "Mara Lind"
    assert ("phone", "+46701234567") in handles(mara_record)
    assert ("signal", "6e1a2b3c-0000-4000-8000-00000000abcd") in handles(mara_record)

    hits = json_out(capsys, "search", "Friday", "--json")
    assert [(h["channel"], h["via"], h["from"]) for h in hits] == [
        ("matrix", "telegram", f"Olga Petrova <{olga.user_id}>")
    ]
    assert json_out(capsys, "search", "harbour", "--json")[0]["via"] == "whatsapp"

    # The bridge bot is nobody and its notice is no message; the chat with Olga
    # stays a one-to-one chat named after her, though the bot is in the room.
    people = json_out(capsys, "people", "--json")
    names = {p["name"] for p in people}
    assert names == {"Olga Petrova", "Anna Sokolova", "Jonas Weber", "Mara Lind"}
    (said,) = json_out(capsys, "search", "Chapter", "--json")
    assert (said["via"], said["from"]) == ("telegram", f"Anna Sokolova <{anna.user_id}>")
    assert run("person", "show", telegram.bot.user_id) == 1
    rows = stored(profile)
    assert "Telegram connection lost. Reconnect?" not in {r["body"] for r in rows}
    chats = {r["conversation"]: r["subject"] for r in rows}
    assert chats[olga.user_id] == "Olga Petrova"
    with Store(store_path(profile)).read() as s:
        waiting = set(view_ids(s, View(ViewKind.NEEDS_REPLY)))
    by_id = {r["id"]: r["body"] for r in rows}
    assert {by_id[i] for i in waiting if i in by_id} == {"Привет! Are you free on Friday?"}

    assert run("sync") == 0
    assert stored(profile) == rows  # nothing twice, and nobody new
    assert len(json_out(capsys, "people", "--json")) == len(people)


def test_an_encrypted_bridged_chat_keeps_the_puppet_and_never_the_bot(
    synapse: Synapse,
    matrix_user_factory: Factory,
    profile: Path,
    tmp_path: Path,
    test_keyring: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.helpers.matrix_e2e_peer import E2EPeer

    alice = matrix_user_factory("alice")
    telegram = MatrixBridge(synapse, "telegram")
    olga = telegram.puppet("700100300", "Olga Petrova (Telegram)")
    olga_device = E2EPeer(synapse, telegram.device(olga), tmp_path / "olga")
    try:
        room = olga_device.encrypted_room(alice.user_id)
        MatrixPeer(synapse, alice).join(room)
        olga.invite(room, telegram.bot.user_id)
        telegram.bot.join(room)
        assert add_matrix(synapse, alice, monkeypatch) == 0
        assert run("sync") == 0  # unibox's device publishes its keys
        olga_device.say(room, "the ferry leaves at 9")
        # A line of the bot's that nobody can read (its key never comes): no "could not
        # be decrypted yet" row of the bot's either.
        sealed = {
            "algorithm": "m.megolm.v1.aes-sha2",
            "ciphertext": "AwgAEnACgAkLmt6qF84IK++J7UDH2Za1YVchHyprqTqsg",
            "device_id": "BRIDGEBOT",
            "sender_key": "c7y1BNSaEPsxOJ3x0Bif0oR1dXyGfw8tHlDjuzXo2Hk",
            "session_id": "X3lUlvLELLYxeTx4yOVu6UDpasGEVO0Jbu+QFnm0cKQ",
        }
        telegram.bot.api("PUT", f"/rooms/{room}/send/m.room.encrypted/sealed1", sealed)
        assert run("sync") == 0
    finally:
        olga_device.close()
    assert [r["body"] for r in stored(profile)] == ["the ferry leaves at 9"]
    (hit,) = json_out(capsys, "search", "ferry", "--json")
    assert (hit["via"], hit["from"]) == ("telegram", f"Olga Petrova <{olga.user_id}>")
    names = {p["name"] for p in json_out(capsys, "people", "--json")}
    assert names == {"Olga Petrova"}
