"""Mastodon statuses as chat messages (no server: statuses as the API returns them)."""

from __future__ import annotations

from typing import Any

from unibox.channels.mastodon_items import (
    conversation_members,
    mention_form,
    qualify,
    read_status,
    status_text,
)

ME = "mira@social.example"


def status(
    content: str, *, author: str = "ann", mentions: tuple[str, ...] = ("mira",), **kw: Any
) -> dict[str, Any]:
    return {
        "id": kw.pop("id", "1001"),
        "created_at": "2031-06-02T10:00:00.000Z",
        "account": {
            "acct": author,
            "username": author.partition("@")[0],
            "display_name": author.title(),
        },
        "content": content,
        "visibility": kw.pop("visibility", "direct"),
        "mentions": [{"acct": m, "username": m.partition("@")[0]} for m in mentions],
        "in_reply_to_id": kw.pop("in_reply_to_id", None),
        **kw,
    }


def test_html_becomes_text_without_the_opening_mentions() -> None:
    html = (
        '<p><span class="h-card"><a href="https://social.example/@mira" class="u-url mention">'
        "@<span>mira</span></a></span> Fish &amp; chips &lt;3<br>at <b>noon</b>?"
        "<script>alert(1)</script></p><p>second</p>"
    )
    text = status_text(status(html))
    assert text.startswith("Fish & chips <3\nat noon?")
    assert "alert" not in text and "second" in text


def test_a_content_warning_and_attachments_are_kept_in_words() -> None:
    s = status("<p>@mira spoilers</p>", spoiler_text="film ending",
               media_attachments=[{"url": "https://files.example/a.png"}])  # fmt: skip
    assert status_text(s) == "CW: film ending\n\nspoilers\nhttps://files.example/a.png"


def test_a_direct_message_is_a_chat_with_its_author_local_accounts_qualified() -> None:
    item = read_status(status("<p>@mira hi</p>"), me=ME, domain="social.example", is_history=True)
    assert item is not None
    assert (item.channel, item.conversation, item.direction, item.is_group) == (
        "mastodon", "ann@social.example", "in", False,
    )  # fmt: skip
    assert item.sender.value == "ann@social.example" and item.text == "hi"
    assert item.remote_id == "1001" and item.is_history


def test_the_users_own_reply_is_outgoing_in_the_chat_with_whom_it_mentions() -> None:
    s = status("<p>@ann@other.example thanks</p>", author="mira", mentions=("ann@other.example",),
               in_reply_to_id=77)  # fmt: skip
    item = read_status(s, me=ME, domain="social.example", is_history=False)
    assert item is not None
    assert (item.conversation, item.direction, item.reply_to) == ("ann@other.example", "out", "77")


def test_several_people_are_one_group_whichever_of_them_writes() -> None:
    one = read_status(status("<p>x</p>", mentions=("mira", "bo@b.example")), me=ME,
                      domain="social.example", is_history=True)  # fmt: skip
    two = read_status(status("<p>y</p>", author="bo@b.example", mentions=("mira", "ann")), me=ME,
                      domain="social.example", is_history=True)  # fmt: skip
    assert one is not None and two is not None
    assert one.is_group and one.conversation == two.conversation
    assert conversation_members(one.conversation) == ["ann@social.example", "bo@b.example"]


def test_a_post_that_involves_nobody_else_is_no_message() -> None:
    s = status("<p>just me</p>", author="mira", mentions=())
    assert read_status(s, me=ME, domain="social.example", is_history=True) is None


def test_mentions_are_written_as_the_instance_reads_them() -> None:
    assert mention_form("ann@social.example", "social.example") == "@ann"
    assert mention_form("bo@b.example", "social.example") == "@bo@b.example"
    assert qualify("@Ann", "social.example") == "ann@social.example"
    assert conversation_members("@Bo@B.example") == ["bo@b.example"]
