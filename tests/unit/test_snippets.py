from __future__ import annotations

from unibox.core.snippets import SNIPPET_CHARS, make_snippet


def test_preview_skips_quotes_and_stops_at_the_signature() -> None:
    text = "Hi Mira,\n\n> what you wrote before\n> more\nThe draft is attached.\n-- \nZoë Müller\n"
    assert make_snippet(text) == "Hi Mira, The draft is attached."


def test_preview_is_bounded_and_single_line() -> None:
    text = ("word " * 500 + "\n") * 20
    snippet = make_snippet(text)
    assert len(snippet) == SNIPPET_CHARS
    assert "\n" not in snippet and "  " not in snippet
