"""Pure domain: items, identity, threads, MIME and HTML. No Qt, no SQL."""
