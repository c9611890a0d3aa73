"""LinkedIn messages.csv and X direct-messages.js read one quirk at a time."""

from __future__ import annotations

import io
from pathlib import Path

from tests.helpers.linkedin_export import generate
from tests.helpers.x_archive import generate as generate_x
from unibox.channels.importers import linkedin, x_archive
from unibox.channels.importers.base import Skip
from unibox.core.items import ChatAddress, ChatMessage

FIXTURES = Path(__file__).parent.parent / "fixtures"
LI = FIXTURES / "linkedin" / "messages.csv"
X = FIXTURES / "x_archive" / "data"


def _linkedin() -> tuple[list[ChatMessage], list[Skip], ChatAddress]:
    with LI.open(encoding="utf-8", newline="") as f:
        me = linkedin.scan(f).owner()
    assert me is not None
    skipped: list[Skip] = []
    with LI.open(encoding="utf-8", newline="") as f:
        items = [linkedin.message(r, me) for r in linkedin.rows(f, "messages.csv", skipped)]
    return items, skipped, me


def test_linkedin_owner_is_the_one_in_every_row() -> None:
    _items, _skipped, me = _linkedin()
    assert me == ChatAddress("linkedin", "https://www.linkedin.com/in/mira-castell", "Mira Castell")


def test_linkedin_profile_urls_are_one_handle_whatever_case_or_tracking() -> None:
    items, _s, _me = _linkedin()
    sent, received = items[0], items[1]
    assert received.sender.value == "https://www.linkedin.com/in/tomas-ortega-4a1b2c"
    assert sent.participants[0].value == received.sender.value
    assert sent.direction == "out" and received.direction == "in"
    assert sent.conversation == received.conversation == "li:2-YTk4ZDU0=="
    assert all(i.channel == "linkedin" and i.is_history for i in items)


def test_linkedin_html_content_and_subject_become_text() -> None:
    items, _s, _me = _linkedin()
    assert items[1].text.startswith("Samples\n\nHi Mira, could you send samples?")
    assert items[0].text == "Thanks Tomás, the samples go out Friday.\nTwo lines, one message."


def test_linkedin_drafts_left_out_bad_dates_skipped_with_the_line() -> None:
    items, skipped, _me = _linkedin()
    assert not any("draft" in i.text for i in items)
    assert [(s.at, s.reason) for s in skipped] == [("line 7", "a date that could not be read")]


def test_linkedin_group_and_attachment_and_a_member_who_left() -> None:
    items, _s, _me = _linkedin()
    group = items[2]
    assert group.is_group and group.conversation_name == "Launch team"
    assert {p.name for p in group.participants} == {"Ines Duarte", "Tomás Ortega"}
    assert group.text.endswith("[attachment: https://www.linkedin.com/dms/abc/brief.pdf]")
    gone = items[3]
    assert gone.sender == ChatAddress("linkedin", "2-bGVmdA==/LinkedIn Member", "LinkedIn Member")
    assert gone.sent_at.isoformat() == "2024-03-01T14:05:00+00:00"


def test_linkedin_recognized_by_its_header_and_stable_ids(tmp_path: Path) -> None:
    assert linkedin.is_messages_csv(LI.read_text("utf-8"))
    assert not linkedin.is_messages_csv("First Name,Last Name,URL\n")
    path = generate(tmp_path / "messages.csv", 500)
    with path.open(newline="") as f:
        me = linkedin.scan(f).owner()
    assert me is not None and me.value.endswith("/mira-castell")
    with path.open(newline="") as f:
        ids = [linkedin.message(r, me).remote_id for r in linkedin.rows(f, "m", [])]
    assert len(set(ids)) == 500


def _x(name: str, me: ChatAddress) -> tuple[list[ChatMessage], list[Skip]]:
    with (X / "tweets.js").open() as f:
        names = x_archive.mentioned_names(f)
    skipped: list[Skip] = []
    with (X / name).open() as f:
        return list(x_archive.messages(f, name, me, names, skipped)), skipped


def _me() -> ChatAddress:
    with (X / "account.js").open() as f:
        uid, username, display = x_archive.account(f)
    return ChatAddress("x", uid, f"{display} (@{username})")


def test_x_owner_from_account_js_and_names_from_mentions() -> None:
    me = _me()
    assert me == ChatAddress("x", "111", "Mira Castell (@mira_castell)")
    items, _s = _x("direct-messages.js", me)
    received = next(i for i in items if i.direction == "in")
    assert received.sender == ChatAddress("x", "222", "Sam Lee (@sam_lee)")
    unknown = items[-1]
    assert unknown.sender == ChatAddress("x", "333", "")  # never mentioned: the id only


def test_x_links_written_out_media_noted_bad_records_skipped_by_path() -> None:
    items, skipped = _x("direct-messages.js", _me())
    sent = items[0]
    assert sent.direction == "out" and sent.text == "Sure, see https://castell-studio.example/offer"
    assert sent.remote_id == "x:9003" and sent.conversation == "x:111-222"
    assert items[1].text == "Photo of the stand\n[1 attachment]"
    assert [f"{s.where} {s.at}" for s in skipped] == [
        "direct-messages.js [0].dmConversation.messages[2]",
        "direct-messages.js [1]",
    ]


def test_x_group_named_by_its_latest_rename_events_are_not_messages() -> None:
    items, skipped = _x("direct-messages-group.js", _me())
    assert not skipped and [i.text for i in items] == ["Booth 14 it is", "Where do we meet?"]
    assert all(i.is_group and i.conversation_name == "Trade fair" for i in items)
    assert {a.value for a in items[0].participants} == {"222", "333"}
    assert items[1].direction == "out"


def test_x_streams_across_reads_and_reports_a_cut_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(x_archive, "_READ", 97)  # elements cut by every read
    path = generate_x(tmp_path, "111", 600)
    me = ChatAddress("x", "111")
    with path.open() as f:
        assert len(list(x_archive.messages(f, "dm.js", me, {}, []))) == 600
    text = path.read_text()
    skipped: list[Skip] = []
    got = list(x_archive.messages(io.StringIO(text[: len(text) // 2]), "dm.js", me, {}, skipped))
    assert 0 < len(got) < 600
    assert skipped and skipped[0].reason.startswith("not readable JSON")
    assert not x_archive.is_ytd("var x = 1") and x_archive.is_ytd(text[:80])
