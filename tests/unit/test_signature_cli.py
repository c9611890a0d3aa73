"""Card suggestions from signatures through `unibox person suggestions`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.unit.test_signature_evidence import ANA, SIGNED, Inbox
from unibox import cli
from unibox.config import store_path
from unibox.store.schema import Handle
from unibox.store.signature_evidence import scan_signatures
from unibox.store.store import Store


def test_a_card_suggestion_is_listed_then_accepted_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "profile"
    monkeypatch.setenv("UNIBOX_PROFILE", str(profile))
    store = Store(store_path(profile))
    box = Inbox(store)
    mid = box.mail(ANA, "Contract draft", SIGNED)
    with store.write() as s:
        scan_signatures(s, [mid], "CH")
    store.engine.dispose()
    capsys.readouterr()
    assert cli.main(["person", "suggestions"]) == 0
    listed = capsys.readouterr().out
    assert "add +41446681800 to Ana Lima" in listed
    assert "lists +41 44 668 18 00, a phone number no one in your contacts has." in listed
    card_id = listed.split("card", 1)[1].split()[0]
    assert cli.main(["person", "suggestions", "--json"]) == 0
    [proposal] = json.loads(capsys.readouterr().out)
    assert proposal["kind"] == "card" and proposal["id"] == int(card_id)
    assert proposal["handle_kind"] == "phone"
    assert proposal["value"] == "+41446681800" and proposal["person_name"] == "Ana Lima"
    assert "+41 44 668 18 00" in proposal["detail"]
    assert cli.main(["person", "suggestions", "--accept-card", card_id]) == 0
    assert cli.main(["person", "suggestions", "--accept-card", card_id]) == 1
    assert "accepted already" in capsys.readouterr().err
    assert cli.main(["person", "show", "+41446681800", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["display_name"] == "Ana Lima"
    with Store(store_path(profile)).read() as s:
        assert s.scalar(select(Handle.person_id).where(Handle.value == "+41446681800"))
