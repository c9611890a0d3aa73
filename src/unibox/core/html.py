"""Sanitize mail HTML for display (nh3) and turn HTML into readable plain text."""

from __future__ import annotations

import functools
import html as html_lib
import re

import nh3

from unibox.core.visible_text import visible_body

_TAGS = frozenset(nh3.ALLOWED_TAGS | {"font", "center", "big", "tfoot", "style"}) - {"area", "map"}
# Removed together with everything inside them, not just the tags.
_DROPPED_WITH_CONTENT = frozenset(
    {"script", "title", "iframe", "object", "embed", "noscript", "template", "select"}
)
_ATTRIBUTES = {
    "*": {
        "style", "class", "dir", "lang", "title", "align", "valign", "width", "height",
        "bgcolor", "color", "border", "cellpadding", "cellspacing", "face", "size",
    },
    "a": {"href", "hreflang"},
    "img": {"src", "alt"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "ol": {"start", "type"},
    "ul": {"type"},
    "col": {"span"},
    "colgroup": {"span"},
    "blockquote": {"cite"},
}  # fmt: skip
_SCHEMES = frozenset({"http", "https", "mailto", "tel", "cid"})
# What could make CSS fetch something or run code. Remote loads are blocked by
# the viewer as well; this is the second line. Backslashes go first because a
# CSS escape ("u\rl(") would otherwise hide a function name from the pattern.
_CSS_DANGER = re.compile(
    r"(?i)(?:url|expression|image-set|-webkit-image-set|image|cross-fade|element|paint)\s*\("
    r"|@import|behavior\s*:|-moz-binding|javascript:"
)
# Only style values holding "(", "@" or "\\" can be dangerous (see _CSS_DANGER),
# so only those are matched; the literal prefix keeps the scan at C speed.
_STYLE_ATTRIBUTE = re.compile(r'(style=")([^"(@\\]*[(@\\][^"]*)(")')
_STYLE_ELEMENT = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.DOTALL)


def sanitize_html(html: str) -> str:
    """HTML safe to display: formatting, tables, images and links stay; code goes.

    Scripts, event handlers, forms, frames, objects and javascript: URLs are
    removed; CSS that could load or run something is neutralized; links get
    rel="noopener noreferrer". Image sources stay (http(s), cid: and data:image
    URLs) because the viewer decides which remote images load.
    """
    if not html:
        return ""
    try:
        # Literal checks (a case-insensitive regex costs as much as nh3 here);
        # a "DaTa:" spelling they miss only loses its image, as data: is then
        # not an allowed scheme at all.
        if "data:" in html or "DATA:" in html:
            cleaned = _cleaner(True).clean(html)
        else:
            cleaned = _cleaner(False).clean(html)
    except BaseException as exc:  # a Rust panic arrives as a BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        return "<pre>" + html_lib.escape(html_to_text(html)) + "</pre>"
    cleaned = visible_body(cleaned)
    if "style" not in cleaned:
        return cleaned
    cleaned = _STYLE_ATTRIBUTE.sub(_clean_css_match, cleaned)
    return _STYLE_ELEMENT.sub(_clean_css_match, cleaned)


@functools.cache
def _cleaner(allow_data_urls: bool) -> nh3.Cleaner:
    # The data: variant needs a Python callback per attribute, which costs;
    # most mail has no data: URL at all and gets the callback-free cleaner.
    return nh3.Cleaner(
        tags=set(_TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        url_schemes=set(_SCHEMES | {"data"} if allow_data_urls else _SCHEMES),
        attribute_filter=_only_image_data_urls if allow_data_urls else None,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _only_image_data_urls(element: str, attribute: str, value: str) -> str | None:
    url = value.lstrip(" \t\r\n\x00\x0c").lower()
    if not url.startswith("data:"):
        return value
    # Raster images only: an SVG is a document that links to other resources.
    if element == "img" and attribute == "src" and url.startswith("data:image/"):
        return None if url.startswith("data:image/svg") else value
    return None  # data: anywhere else (a link to data:text/html) is an attack


def _clean_css_match(match: re.Match[str]) -> str:
    # Everything _CSS_DANGER finds needs a "(" (url(), expression(), and
    # behavior and -moz-binding only work with url()), an "@" or an escape.
    # "<" goes too: a style element is no place for anything tag-like.
    css = match.group(2).replace("<", "")
    if "(" in css or "@" in css or "\\" in css:
        css = _CSS_DANGER.sub("x-blocked(", css.replace("\\", ""))
    return match.group(1) + css + match.group(3)


# --- HTML to text -----------------------------------------------------------

# One token per match at a given position; the alternatives are told apart by
# their first characters and every loop is unambiguous or possessive, so there
# is no backtracking and the whole pass is linear however broken the markup.
# A "<" that cannot start a tag is text, as in a browser.
_TOKEN = re.compile(
    r"""
      (?P<text>(?:[^<]|<(?![a-zA-Z!?/]))[^<]*(?:<(?![a-zA-Z!?/])[^<]*)*)
    | (?P<comment><!--)
    | <(?P<close>/?)(?P<tag>[a-zA-Z][a-zA-Z0-9]{0,15})(?:[^'">]+|"[^"]*"|'[^']*')*+>?
    | <[!?/][^>]*>?
    """,
    re.VERBOSE,
)
# What a tag does to the text; tags not listed (b, a, span, font...) do nothing.
_SKIP, _PRE, _CELL, _BR, _ITEM, _LINE, _PARAGRAPH = range(7)
_ACTIONS = {
    **dict.fromkeys(
        ("script", "style", "title", "template", "noscript", "iframe", "noembed"), _SKIP
    ),
    **dict.fromkeys(
        (
            "div", "tr", "dt", "dd", "section", "article", "header", "footer", "address",
            "center", "form", "fieldset", "figure", "figcaption", "main", "nav", "aside",
            "details", "summary", "caption", "tbody", "thead", "tfoot",
        ),
        _LINE,
    ),
    **dict.fromkeys(
        ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "dl", "hr"),
        _PARAGRAPH,
    ),
    "pre": _PRE,
    "td": _CELL,
    "th": _CELL,
    "br": _BR,
    "li": _ITEM,
}  # fmt: skip
# Elements whose content is never text; an unclosed one runs to the end of
# the document, as it does in a browser.
_SKIPPED_END = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE)
    for name, action in _ACTIONS.items()
    if action == _SKIP
}


def html_to_text(html: str) -> str:
    """Readable plain text from HTML: blocks become lines, entities are decoded.

    Scripts, styles and comments are dropped, links keep their text, list items
    get a bullet; runs of white space collapse except inside <pre>. Linear time.
    """
    out: list[str] = []
    # Spaces are never written at a line start or twice in a row, and breaks
    # only top up the newlines already written, so no regex pass over the
    # result is needed to tidy it (such passes were most of the cost).
    newlines = 2  # how many newlines the output ends with (2 at the start)
    space_after = False
    in_pre = 0
    pos = 0
    end = len(html)
    while pos < end:
        match = _TOKEN.match(html, pos)
        if match is None:  # cannot happen: some alternative matches any "<"
            break
        pos = match.end()
        kind = match.lastgroup
        if kind == "text":
            text = match.group()
            if "&" in text:
                text = html_lib.unescape(text)
            if in_pre:
                text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
            else:
                words = " ".join(text.split())  # also splits on U+00A0 from &nbsp;
                lead = " " if text[:1].isspace() and not (newlines or space_after) else ""
                tail = " " if text[-1:].isspace() and words else ""
                text = lead + words + tail
            if text:
                out.append(text)
                stripped = text.rstrip("\n")
                newlines = len(text) - len(stripped) if stripped else newlines + len(text)
                space_after = text.endswith(" ")
            continue
        if kind == "comment":
            close = html.find("-->", pos)
            pos = end if close < 0 else close + 3
            continue
        if kind != "tag":
            continue
        tag = match.group("tag")
        action = _ACTIONS.get(tag)
        if action is None:
            tag = tag.lower()
            action = _ACTIONS.get(tag)
            if action is None:
                continue
        closing = bool(match.group("close"))
        if action == _SKIP:
            if not closing:
                found = _SKIPPED_END[tag.lower()].search(html, pos)
                pos = end if found is None else found.end()
            continue
        if action == _CELL:
            if not (closing or newlines or space_after):
                out.append(" ")
                space_after = True
            continue
        if action == _PRE:
            in_pre = max(0, in_pre - 1) if closing else in_pre + 1
            wanted = 2
        elif action == _BR:  # each <br> is a line break, up to one blank line
            wanted = min(newlines + 1, 2)
        else:
            wanted = 2 if action == _PARAGRAPH else 1
        if wanted > newlines:
            if space_after:
                out[-1] = out[-1].rstrip(" ")
            out.append("\n" * (wanted - newlines))
            newlines = wanted
            space_after = False
        if action == _ITEM and not closing:
            out.append("• ")
            newlines = 0
            space_after = True
    return "".join(out).strip()
