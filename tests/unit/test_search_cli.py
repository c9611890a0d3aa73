"""`unibox search` says what is wrong with a query instead of finding nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import run
from unibox import cli


@pytest.fixture
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("UNIBOX_PROFILE", str(tmp_path / "profile"))
    return tmp_path / "profile"


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("from:", "“from:” needs something right after it"),
        ("invoice to:", "“to:” needs something right after it"),
        ('subject:"march plan', 'A quote is left open at “"march plan”'),
        ("is:bogus", "“is:bogus” is not known"),
    ],
)
def test_a_malformed_query_is_a_usage_error_with_a_sentence(
    profile: Path, capsys: pytest.CaptureFixture[str], query: str, said: str
) -> None:
    code, out, err = run(capsys, "search", query)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and said in err


@pytest.mark.parametrize("limit", ["-5", "0", "many"])
def test_a_limit_below_one_is_a_usage_error(
    profile: Path, capsys: pytest.CaptureFixture[str], limit: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["search", "invoice", "--limit", limit])
    assert exit_.value.code == 2
    assert "use 1 or more" in capsys.readouterr().err


def test_good_queries_still_run(profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for query in ("O'Brien", 'subject:"march plan" from:ann', "invoice"):
        code, out, err = run(capsys, "search", query, "--json", "--limit", "5")
        assert (code, err) == (0, "")
        assert json.loads(out) == []
