"""core.html: mail HTML made safe to show, and turned into readable text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unibox.core.html import html_to_text, sanitize_html

# --- sanitize_html -----------------------------------------------------------


def test_formatting_tables_images_and_links_stay() -> None:
    html = (
        '<p>Hello <b>bold</b> <i>it</i> <font color="red">red</font></p>'
        '<table border="1"><tr><td colspan="2">cell</td></tr></table>'
        '<img src="https://example.com/a.png" alt="a" width="10">'
        '<a href="https://example.com/x">link</a>'
    )
    clean = sanitize_html(html)
    for kept in (
        "<b>bold</b>",
        '<font color="red">',
        '<td colspan="2">cell</td>',
        'src="https://example.com/a.png"',
        'alt="a"',
        'href="https://example.com/x"',
    ):
        assert kept in clean


def test_links_get_noopener_noreferrer() -> None:
    clean = sanitize_html('<a href="https://example.com" rel="opener" target="_blank">x</a>')
    assert clean == '<a href="https://example.com" rel="noopener noreferrer">x</a>'


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        '<img src="x" onerror="alert(1)">',
        '<body onload="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<object data="evil.swf"></object><embed src="evil.swf">',
        '<form action="https://evil.example"><input name="password"></form>',
        "<svg><script>alert(1)</script></svg>",
        "<math><mtext><script>alert(1)</script></mtext></math>",
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<base href="https://evil.example/">',
        '<link rel="stylesheet" href="https://evil.example/x.css">',
    ],
)
def test_active_content_is_removed(attack: str) -> None:
    clean = sanitize_html(f"<p>before</p>{attack}<p>after</p>").lower()
    assert "<p>before</p>" in clean and "<p>after</p>" in clean
    for bad in ("<script", "javascript:", "onerror", "onload", "<iframe", "<object", "<embed"):
        assert bad not in clean
    for bad in ("<form", "<input", "<meta", "<base", "<link", "data:text", "evil.example"):
        assert bad not in clean


def test_image_sources_stay_for_the_viewer_to_decide() -> None:
    clean = sanitize_html(
        '<img src="cid:logo@x"><img src="data:image/png;base64,iVBORw0KGgo=">'
        '<img src="http://tracker.example/p.gif">'
    )
    assert 'src="cid:logo@x"' in clean
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in clean
    assert 'src="http://tracker.example/p.gif"' in clean


def test_style_is_kept_but_cannot_load_or_run_anything() -> None:
    clean = sanitize_html(
        "<style>p { color: red; background: url(https://t.example/a.png) }"
        "@import 'https://t.example/x.css';</style>"
        '<style class="dark">td { background-image: url(https://t.example/c.png) }</style>'
        '<p style="color: blue; background-image: url(https://t.example/b.png);'
        ' width: expression(alert(1)); behavior: url(x.htc)">x</p>'
        '<p style="background: u\\72 l(https://t.example/escaped.png)">y</p>'
    )
    assert "color: red" in clean and "color: blue" in clean
    assert "url(" not in clean
    assert "expression(" not in clean
    assert "@import" not in clean
    assert "\\" not in clean


def test_head_title_and_comments_are_dropped() -> None:
    clean = sanitize_html(
        "<html><head><title>Secret title</title></head><body><!-- tracking -->Hi</body></html>"
    )
    assert clean == "Hi"


def test_empty_and_plain_text() -> None:
    assert sanitize_html("") == ""
    assert sanitize_html("just text & more") == "just text &amp; more"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<script>",
                "</script>",
                "<img src=x onerror=alert(1)>",
                "<a href='javascript:x'>",
                "<style>",
                "url(",
                "<p>",
                "</",
                "<",
                ">",
                '"',
                "on",
                "load=",
                "&lt;",
                "text ",
            ]
        )
        | st.text(max_size=10),
        max_size=30,
    )
)
def test_fuzz_sanitized_output_has_no_active_content(pieces: list[str]) -> None:
    clean = sanitize_html("".join(pieces)).lower()
    assert "<script" not in clean
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", clean)
    assert not re.search(r"<[^>]*javascript:", clean)


# --- html_to_text --------------------------------------------------------------


def test_blocks_become_lines() -> None:
    html = (
        "<h1>Title</h1><p>First paragraph.</p><p>Second<br>line two</p>"
        "<div>div one</div><div>div two</div>"
        "<ul><li>apples</li><li>pears</li></ul><ol><li>first</li></ol>"
    )
    assert html_to_text(html) == (
        "Title\n\nFirst paragraph.\n\nSecond\nline two\n\ndiv one\ndiv two\n\n"
        "• apples\n• pears\n\n• first"
    )


def test_links_keep_their_text_and_entities_are_decoded() -> None:
    html = (
        '<p>Read <a href="https://example.com/long?x=1">the report</a>'
        " &amp; reply &lt;now&gt;&nbsp;&#8212;&eacute;</p>"
    )
    assert html_to_text(html) == "Read the report & reply <now> —é"


def test_scripts_styles_and_comments_are_dropped() -> None:
    html = (
        "<style>p { color: red }</style><script>var x = '<p>not text</p>';</script>"
        "<!-- a comment --><title>title</title><p>visible</p><SCRIPT type=x>more</SCRIPT >end"
    )
    assert html_to_text(html) == "visible\n\nend"


def test_whitespace_collapses_except_in_pre() -> None:
    html = "<p>  lots\n   of\t\tspace  </p><pre>  keep\n    this</pre>"
    assert html_to_text(html) == "lots of space\n\n  keep\n    this"


def test_table_cells_and_rows() -> None:
    html = "<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>"
    assert html_to_text(html) == "a b\nc d"


def test_gmail_style_blank_lines() -> None:
    html = "<div>Hi Bob,</div><div><br></div><div>See you.</div>"
    assert html_to_text(html) == "Hi Bob,\n\nSee you."


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>unclosed <b>bold", "unclosed bold"),
        ("a < b and c > d", "a < b and c > d"),
        ('<a href="x>y">link</a> after', "link after"),
        ("<p <p>>text", ">text"),  # what a browser shows too
        ("<!-- never closed", ""),
        ("<script>never closed", ""),
        ("text</p></div></li>", "text"),
        ("<", "<"),
        ("", ""),
    ],
)
def test_broken_html(html: str, expected: str) -> None:
    assert html_to_text(html) == expected


@pytest.mark.timeout(60)  # a hang guard, not a speed test: quadratic would take hours
@pytest.mark.parametrize(
    "unit",
    ["<div>", "<", '<a "', "<!--", "<p>word ", "&amp;", "<script>", "<b>x</b>", "<td>", "a " * 3],
)
def test_big_and_pathological_input_finishes(unit: str) -> None:
    """A megabyte of the worst markup is read through, whatever it says."""
    html = unit * (1_000_000 // len(unit))
    text = html_to_text(html)
    assert isinstance(text, str)
    assert len(text) <= len(html)


@pytest.mark.timeout(60)  # a hang guard, not a speed test
def test_sanitize_big_input_keeps_every_paragraph() -> None:
    html = "<p>para <b>bold</b> <a href='https://example.com'>link</a></p>" * 20_000
    assert sanitize_html(html).count("<p>") == 20_000


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_fuzz_html_to_text_never_raises(html: str) -> None:
    text = html_to_text(html)
    assert "<script" not in text.lower() or "<script" in html.lower()
