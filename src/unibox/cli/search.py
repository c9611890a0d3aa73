"""`unibox search` and `unibox stats`: what the store holds."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from unibox.cli.context import store_for


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    se = sub.add_parser("search", help="search the local store")
    se.add_argument("query", nargs="+")
    se.add_argument("--limit", type=_limit, default=50, help="at most this many (default 50)")
    se.add_argument("--json", action="store_true")

    st = sub.add_parser("stats", help="counts of what the store holds")
    st.add_argument("--json", action="store_true")
    return {"search": _cmd_search, "stats": _cmd_stats}


def _limit(text: str) -> int:
    try:
        limit = int(text)
    except ValueError:
        limit = 0
    if limit < 1:
        raise argparse.ArgumentTypeError(f"“{text}” is not a number of results: use 1 or more")
    return limit


def _cmd_search(args: argparse.Namespace) -> int:
    from unibox.core.query import QueryError, parse_query
    from unibox.store.queries import search

    try:
        query = parse_query(" ".join(args.query))
    except QueryError as exc:  # the query is the usage error: exit 2, with the sentence
        print(f"unibox search: {exc}", file=sys.stderr)
        return 2
    store = store_for(args)
    with store.read() as s:
        results = search(s, query, limit=args.limit)
    if args.json:
        print(json.dumps([r.as_json() for r in results], indent=2, ensure_ascii=False))
        return 0
    for r in results:
        sender = r.from_name or r.from_email
        where = f"{r.channel} via {r.via}" if r.via else r.channel
        title = r.subject if r.channel == "mail" else f"[{where}] {r.subject or r.snippet}"
        print(f"{r.id:>7}  {r.date:%Y-%m-%d}  {sender[:24]:<24}  {title}")
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    from unibox.store.queries import messages_by_channel, stats

    store = store_for(args)
    with store.read() as s:
        counts: dict[str, Any] = dict(stats(s))
        by_channel = messages_by_channel(s)
    if args.json:
        counts["by_channel"] = by_channel
        print(json.dumps(counts, indent=2))
    else:
        for key, value in counts.items():
            print(f"{key:>24}: {value}")
        for channel, value in by_channel.items():
            print(f"{'messages (' + channel + ')':>24}: {value}")
    return 0
