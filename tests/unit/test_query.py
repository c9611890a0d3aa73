from __future__ import annotations

from datetime import UTC, datetime

import pytest

from unibox.core.errors import UserError
from unibox.core.query import QueryError, fts_match, parse_query


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
    q = parse_query('NEAR(a b) "balanced OR*" -x')
    match = fts_match(q)
    assert "NEAR(" not in match.replace('"NEAR(a"', "")
    assert match.count('"') % 2 == 0


def test_bad_dates_get_a_sentence() -> None:
    with pytest.raises(UserError, match="YYYY-MM-DD"):
        parse_query("before:yesterday")


@pytest.mark.parametrize("op", ["from", "to", "subject", "in", "has", "is", "before", "after"])
def test_an_operator_with_nothing_after_it_says_so(op: str) -> None:
    for text in (f"{op}:", f"invoice {op}:", f"{op}: anna", f'{op}:""'):
        with pytest.raises(QueryError, match=f"“{op}:” needs something right after it"):
            parse_query(text)


def test_an_open_quote_says_where() -> None:
    with pytest.raises(QueryError, match='A quote is left open at “"march plan”'):
        parse_query('invoice subject:"march plan')
    with pytest.raises(QueryError, match="left open"):
        parse_query('"')


def test_quotes_group_and_apostrophes_are_letters() -> None:
    q = parse_query('O\'Brien from:"Ann Smith" subject:"march plan" it\'s')
    assert q.words == ["O'Brien", "it's"]
    assert q.from_ == ["Ann Smith"]
    assert q.subject_words == ["march plan"]
    assert parse_query('a "" b').words == ["a", "b"]


def test_bad_values_are_query_errors() -> None:
    for text in ("is:bogus", "has:cake", "after:soon"):
        with pytest.raises(QueryError):
            parse_query(text)


def test_unknown_operator_is_a_word() -> None:
    assert parse_query("http://example.org").words == ["http://example.org"]


def test_imap_uid_sets_are_read_as_servers_write_them() -> None:
    from unibox.channels.imap import parse_uid_set

    assert parse_uid_set(" 2,5:7,10 ") == {2, 5, 6, 7, 10}
    assert parse_uid_set("9:7") == {7, 8, 9}
    assert parse_uid_set("x,3,:4,5:y") == {3}
    assert len(parse_uid_set("1:4294967295")) == 1_000_001  # bounded
