"""Autosaved drafts: round trip, and a sent or discarded draft never comes back."""

from __future__ import annotations

from pathlib import Path

from unibox.ui.compose.state import AttachmentRef, ComposeState, DraftStore


def test_a_draft_round_trips_with_its_carried_attachments(tmp_path: Path) -> None:
    drafts = DraftStore(tmp_path / "drafts")
    state = ComposeState(
        account_id=3,
        to="Ann <ann@example.org>",
        subject="Re: Plans",
        body="Yes\n\n> Shall we?",
        attachments=[AttachmentRef("plan.pdf", 4, data=b"%PDF"), AttachmentRef("a.txt", 2, "/x")],
        reply_to_message_id=7,
        in_reply_to="m1@x",
        references=("m0@x", "m1@x"),
    )
    drafts.save(state)
    [back] = drafts.load_all()
    assert back == state


def test_a_removed_draft_is_not_written_again_by_a_late_save(tmp_path: Path) -> None:
    drafts = DraftStore(tmp_path / "drafts")
    state = ComposeState(to="ann@example.org", body="draft")
    drafts.save(state)
    drafts.remove(state.draft_id)  # sent
    drafts.save(state)  # an autosave that was still on its way
    assert drafts.load_all() == []
    assert list((tmp_path / "drafts").iterdir()) == []
    drafts.revive(state.draft_id)  # reopened by Undo
    drafts.save(state)
    assert [d.body for d in drafts.load_all()] == ["draft"]
    (tmp_path / "drafts" / "broken.json").write_text("{not json")
    assert [d.body for d in drafts.load_all()] == ["draft"]  # unreadable files are skipped
