"""Measure MIME parsing throughput: stdlib email vs core.mime.parse_message / parse_many."""

from __future__ import annotations

import argparse
import base64
import email
import email.policy
import random
import statistics
import time
from collections.abc import Callable, Sequence
from email.message import EmailMessage

from unibox.core.mime import parse_many, parse_message

_WORDS = [
    "the",
    "meeting",
    "project",
    "budget",
    "review",
    "please",
    "attached",
    "draft",
    "schedule",
    "thanks",
    "regards",
    "tomorrow",
    "quarter",
    "report",
    "customer",
    "release",
    "update",
    "deadline",
    "invoice",
    "question",
    "team",
    "café",
    "naïve",
    "résumé",
    "Grüße",
    "Zürich",
    "façade",
    "déjà",
    "señor",
    "smörgåsbord",
]
_NAMES = ["Anna Schmidt", "José Álvarez", "Li Wei", "Zoë Martin", "Bob Jones", "Ørjan Berg"]
_DOMAINS = ["example.com", "example.org", "mail.example.net", "corp.example"]
_SUBJECTS = ["Quarterly report", "Réunion demain", "Re: Budget 2024", "Grüße aus Zürich", "Lunch?"]


def _addr(rng: random.Random) -> str:
    name = rng.choice(_NAMES)
    local = name.split()[0].lower().encode("ascii", "ignore").decode() or "user"
    return f"{name} <{local}{rng.randrange(1000)}@{rng.choice(_DOMAINS)}>"


def _paragraphs(rng: random.Random, size: int) -> str:
    out: list[str] = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 14)))
        out.append(line)
        total += len(line) + 1
        if rng.random() < 0.2:
            out.append("")
    return "\n".join(out) + "\n"


def _html(text: str) -> str:
    paras = "".join(f"<p style='margin:0'>{p}</p>\n" for p in text.split("\n\n"))
    return (
        "<html><head><style>p{color:#333}</style></head><body>"
        f"<div class='x'>{paras}<a href='https://example.com/u?id=1'>Unsubscribe</a>"
        "<img src='https://track.example/p.gif' width=1 height=1></div></body></html>"
    )


def make_message(rng: random.Random, index: int) -> bytes:
    """One realistic message: headers like a real mailbox's, body of a common shape."""
    # Trace headers are written raw, as MTAs write them (EmailMessage would
    # RFC 2047-encode the long signature).
    trace = b"".join(
        f"Received: from mx{hop}.{rng.choice(_DOMAINS)} (mx{hop} [192.0.2.{hop}])\n"
        f"\tby mail.example.com with ESMTPS id {rng.getrandbits(48):x};\n"
        "\tMon, 4 Mar 2024 10:00:00 +0100\n".encode()
        for hop in range(rng.randint(2, 6))
    )
    signature = base64.b64encode(rng.randbytes(190)).decode()
    trace += (
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=s1;\n"
        f"\th=from:to:subject:date:message-id; bh={signature[:44]};\n"
        f"\tb={signature[44:120]}\n\t {signature[120:]}\n"
    ).encode()
    msg = EmailMessage()
    msg["From"] = _addr(rng)
    msg["To"] = ", ".join(_addr(rng) for _ in range(rng.randint(1, 4)))
    if rng.random() < 0.3:
        msg["Cc"] = ", ".join(_addr(rng) for _ in range(rng.randint(1, 3)))
    msg["Subject"] = f"{rng.choice(_SUBJECTS)} #{index}"
    msg["Date"] = f"Mon, {rng.randint(1, 28)} Mar 2024 {rng.randint(0, 23):02d}:12:00 +0100"
    msg["Message-ID"] = f"<{rng.getrandbits(64):x}.{index}@{rng.choice(_DOMAINS)}>"
    if rng.random() < 0.4:
        refs = [f"<{rng.getrandbits(40):x}@example.com>" for _ in range(rng.randint(1, 5))]
        msg["In-Reply-To"] = refs[-1]
        msg["References"] = " ".join(refs)
    msg["List-Unsubscribe"] = "<https://example.com/unsubscribe?u=12345>"
    # Log-normal body size around a few KB, as real text bodies are.
    text = _paragraphs(rng, int(rng.lognormvariate(7.8, 0.8)))
    kind = rng.random()
    if kind < 0.30:
        msg.set_content(text)
    elif kind < 0.40:
        msg.set_content(_html(text), subtype="html")
    else:
        msg.set_content(text)
        msg.add_alternative(_html(text), subtype="html")
        if kind > 0.80:
            blob = rng.randbytes(int(rng.lognormvariate(9.5, 0.7)))
            ctype = rng.choice([("application", "pdf"), ("image", "png")])
            msg.add_attachment(blob, *ctype, filename=f"Résumé {index}.{ctype[1]}")
    return trace + bytes(msg)


def make_corpus(count: int, seed: int = 42) -> list[bytes]:
    rng = random.Random(seed)
    return [make_message(rng, i) for i in range(count)]


def _stdlib_full(raws: Sequence[bytes]) -> None:
    # What a straightforward stdlib client does: parse, read headers, get the bodies.
    for raw in raws:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        for name in ("From", "To", "Cc", "Subject", "Date", "Message-ID"):
            msg.get(name)
        assert isinstance(msg, EmailMessage)
        body = msg.get_body(("plain", "html"))
        if body is not None:
            body.get_content()
        for part in msg.iter_attachments():
            part.get_content()


def _ours_one(raws: Sequence[bytes]) -> None:
    for raw in raws:
        parse_message(raw)


def _ours_many(raws: Sequence[bytes]) -> None:
    for start in range(0, len(raws), 200):  # the sync path's chunk size
        parse_many(raws[start : start + 200])


def _rate(fn: Callable[[Sequence[bytes]], None], raws: Sequence[bytes], rounds: int) -> float:
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        fn(raws)
        best = max(best, len(raws) / (time.perf_counter() - start))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many runs")
    parser.add_argument("--stdlib-count", type=int, default=1000, help="stdlib is slow")
    args = parser.parse_args()

    raws = make_corpus(args.count)
    sizes = sorted(len(r) for r in raws)
    print(
        f"{len(raws)} messages, median {statistics.median(sizes) / 1024:.1f} KB, "
        f"mean {statistics.mean(sizes) / 1024:.1f} KB, total {sum(sizes) / 2**20:.1f} MB"
    )
    subset = raws[: args.stdlib_count]
    for label, fn, batch in (
        ("stdlib policy.default full parse", _stdlib_full, subset),
        ("core.mime.parse_message", _ours_one, raws),
        ("core.mime.parse_many (200/chunk)", _ours_many, raws),
    ):
        print(f"{label:34s} {_rate(fn, batch, args.rounds):8.0f} msg/s")


if __name__ == "__main__":
    main()
