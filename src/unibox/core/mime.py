"""Parse RFC 5322 mail into ParsedMessage: bounded, defensive, never raising."""

# Strategy, measured on realistic mail (benchmarks/bench_mime.py): header
# fields are read by our own linear-time code straight from the raw bytes (the
# same code for headers-only fetches, full messages and fallbacks, so a
# message looks the same however it arrived); the MIME tree comes from
# fast-mail-parser's lazy tree (Rust; decodes only the parts we read, so a
# 50 MB attachment costs nothing); the stdlib email parser reads what that
# rejects. Every MimeLimits bound that is hit becomes state PARTIAL and a
# sentence in parse_error.

from __future__ import annotations

import time
from collections.abc import Sequence

from unibox.core.items import ParsedMessage, ParseState
from unibox.core.mime_body import Body, read_body
from unibox.core.mime_headers import HeaderFields, read_headers
from unibox.core.mime_limits import DEFAULT_LIMITS, MimeLimits, size_text

__all__ = ["DEFAULT_LIMITS", "MimeLimits", "parse_many", "parse_message"]


def parse_message(
    raw: bytes, *, headers_only: bool = False, limits: MimeLimits = DEFAULT_LIMITS
) -> ParsedMessage:
    """Parse one message; never raises.

    `headers_only` means `raw` is only the header block (IMAP BODY.PEEK[HEADER])
    and gives state HEADERS. Anything unreadable gives state PARTIAL with a
    sentence in `parse_error` and whatever could be read still filled in.
    """
    try:
        return _parse(bytes(raw), headers_only, limits)
    except BaseException as exc:  # the promise is "never raises"; Rust panics are BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        return _salvage(raw, limits, exc)


def parse_many(
    raws: Sequence[bytes], *, limits: MimeLimits = DEFAULT_LIMITS
) -> list[ParsedMessage]:
    """parse_message over a batch, in order; never raises.

    A plain loop on purpose: fast-mail-parser's parse_many only returns its
    flat projection (bodies already decoded with its charset guess, no tree),
    and its speed-up comes from threads, which a process pool already gives.
    Measured single-core, the lazy tree per message is as fast as the batch.
    """
    return [parse_message(raw, limits=limits) for raw in raws]


def _parse(raw: bytes, headers_only: bool, limits: MimeLimits) -> ParsedMessage:
    if not raw or raw.isspace():  # not raw.strip(): that copies a 50 MB message
        return ParsedMessage(state=ParseState.PARTIAL, parse_error="The message is empty.")
    deadline = time.monotonic() + limits.time_budget
    headers = read_headers(raw, limits)
    problems = list(headers.problems)
    if not headers.found_any:
        problems.append("No header fields could be read; this may not be an email message.")
    if headers_only:
        return _message(ParseState.HEADERS, headers, Body(), [])
    source = headers.body_source(raw)
    if len(raw) > limits.max_message_bytes:
        problems.append(
            f"The message is {size_text(len(raw))}, larger than the "
            f"{size_text(limits.max_message_bytes)} unibox reads; only its headers were read."
        )
        body = Body()
    elif source is None:
        body = Body()  # the header problem already says why
    else:
        body = read_body(source, limits, deadline)
    problems += body.problems
    state = ParseState.PARTIAL if problems else ParseState.COMPLETE
    return _message(state, headers, body, problems)


def _message(
    state: ParseState, headers: HeaderFields, body: Body, problems: list[str]
) -> ParsedMessage:
    addresses = headers.addresses
    return ParsedMessage(
        state=state,
        message_id=headers.message_id,
        in_reply_to=headers.in_reply_to,
        references=headers.references,
        subject=headers.subject,
        from_=addresses.get("from", ()),
        sender=addresses.get("sender", ()),
        to=addresses.get("to", ()),
        cc=addresses.get("cc", ()),
        bcc=addresses.get("bcc", ()),
        reply_to=addresses.get("reply-to", ()),
        date=headers.date,
        text=body.text,
        html=body.html,
        attachments=body.attachments,
        invitation=body.invitation,
        parse_error=" ".join(dict.fromkeys(problems)),
    )


def _salvage(raw: bytes, limits: MimeLimits, exc: BaseException) -> ParsedMessage:
    # A bug or an input we did not foresee: keep what the header reader gives.
    error = (
        f"The message could not be read because of an unexpected error "
        f"({type(exc).__name__}); its raw source is kept."
    )
    try:
        headers = read_headers(bytes(raw), limits)
    except BaseException as again:
        if isinstance(again, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        return ParsedMessage(state=ParseState.PARTIAL, parse_error=error)
    return _message(ParseState.PARTIAL, headers, Body(), [error])
