from __future__ import annotations

from datetime import UTC, datetime

import pytest

from unibox.core.errors import UserError
from unibox.core.query import fts_match, parse_query


def test_operators_are_recognized() -> None:
    q = parse_query(
        'invoice from:ann to:bob@x.org subject:"march plan" has:attachment '
        "before:2024-03-01 after:2024-01-01 in:inbox is:unread"
    )
    assert q.words == ["invoice"]
    assert q.from_ == ["ann"]
    assert q.to == ["bob@x.org"]
    assert q.subject_words == ["march plan"]
    assert q.has_attachment
    assert q.folders == ["inbox"]
    assert q.unread is True
    assert q.before == int(datetime(2024, 3, 1, tzinfo=UTC).timestamp())
    assert q.after == int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())


def test_fts_syntax_in_user_input_is_just_text() -> None:
    q = parse_query('NEAR(a b) "unbalanced OR* -x')
    match = fts_match(q)
    assert "NEAR(" not in match.replace('"NEAR(a"', "")
    assert match.count('"') % 2 == 0


def test_bad_dates_get_a_sentence() -> None:
    with pytest.raises(UserError, match="YYYY-MM-DD"):
        parse_query("before:yesterday")


def test_unknown_operator_is_a_word() -> None:
    assert parse_query("http://example.org").words == ["http://example.org"]


def test_imap_uid_sets_are_read_as_servers_write_them() -> None:
    from unibox.channels.imap import parse_uid_set

    assert parse_uid_set(" 2,5:7,10 ") == {2, 5, 6, 7, 10}
    assert parse_uid_set("9:7") == {7, 8, 9}
    assert parse_uid_set("x,3,:4,5:y") == {3}
    assert len(parse_uid_set("1:4294967295")) == 1_000_001  # bounded
