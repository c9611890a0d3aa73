"""Generated SMS Backup & Restore files (sms-*.xml, calls-*.xml), written from the app's
published format: `<smses>` of `<sms>` and `<mms>`, `<calls>` of `<call>`; emoji written
as the app writes them, one character reference per UTF-16 half. Never a real backup."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import quoteattr

_WORDS = [
    "running",
    "late",
    "see",
    "you",
    "at",
    "the",
    "office",
    "tomorrow",
    "thanks",
    "call",
    "me",
    "back",
    "invoice",
    "sent",
]
_EMOJI = ["😀", "👍", "🎉", "❤"]


def app_escape(text: str) -> str:
    """An attribute value as the app writes it: quoted, non-ASCII as UTF-16 references."""
    out = []
    for ch in text:
        code = ord(ch)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(f"&#{0xD800 + (code >> 10)};&#{0xDC00 + (code & 0x3FF)};")
        elif code > 0x7E:
            out.append(f"&#{code};")
        else:
            out.append(ch)
    return quoteattr("".join(out)).replace("&amp;#", "&#")


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def sms_line(address: str, when: datetime, kind: int, body: str, name: str = "") -> str:
    return (
        f'  <sms protocol="0" address={quoteattr(address)} date="{_ms(when)}" type="{kind}" '
        f'subject="null" body={app_escape(body)} toa="null" sc_toa="null" '
        f'service_center="null" read="1" status="-1" locked="0" date_sent="{_ms(when)}" '
        f'sub_id="1" readable_date="{when:%b %d, %Y %H:%M:%S}" '
        f"contact_name={app_escape(name or '(Unknown)')} />\n"
    )


def mms_lines(
    numbers: list[str], me: str, sender: str, when: datetime, text: str, names: str = ""
) -> str:
    box = 2 if sender == me else 1
    addrs = "".join(
        f'      <addr address="{n}" type="{137 if n == sender else 151}" charset="106" />\n'
        for n in [me, *numbers]
    )
    return (
        f'  <mms date="{_ms(when)}" ct_t="application/vnd.wap.multipart.related" '
        f'msg_box="{box}" address="{"~".join(numbers)}" m_type="{128 if box == 2 else 132}" '
        f'read="1" contact_name={app_escape(names or "(Unknown)")}>\n'
        "    <parts>\n"
        '      <part seq="-1" ct="application/smil" name="null" text="&lt;smil /&gt;" />\n'
        f'      <part seq="0" ct="text/plain" name="null" text={app_escape(text)} />\n'
        '      <part seq="1" ct="image/jpeg" name="IMG_1.jpg" data="/9j/4AAQSkZJRg==" />\n'
        "    </parts>\n"
        f"    <addrs>\n{addrs}    </addrs>\n"
        "  </mms>\n"
    )


def call_line(number: str, when: datetime, kind: int, seconds: int, name: str = "") -> str:
    return (
        f'  <call number={quoteattr(number)} duration="{seconds}" date="{_ms(when)}" '
        f'type="{kind}" presentation="1" subscription_id="1" '
        f'readable_date="{when:%b %d, %Y %H:%M:%S}" '
        f"contact_name={app_escape(name or '(Unknown)')} />\n"
    )


def write_sms(path: Path, lines: list[str]) -> Path:
    head = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
    path.write_text(f'{head}<smses count="{len(lines)}">\n{"".join(lines)}</smses>\n', "utf-8")
    return path


def write_calls(path: Path, lines: list[str]) -> Path:
    head = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
    path.write_text(f'{head}<calls count="{len(lines)}">\n{"".join(lines)}</calls>\n', "utf-8")
    return path


def generate_sms(path: Path, messages: int, people: int = 20, seed: int = 7) -> Path:
    """A backup of `messages` SMS between the owner and `people` numbers, streamed out."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as f:
        f.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
        f.write(f'<smses count="{messages}">\n')
        for n in range(messages):
            who = rng.randrange(people)
            words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 12)))
            if rng.random() < 0.2:
                words += " " + rng.choice(_EMOJI)
            when = start + timedelta(seconds=n * 37)
            number = f"+1555{who:07d}"
            f.write(sms_line(number, when, rng.choice((1, 2)), words, f"Person {who}"))
        f.write("</smses>\n")
    return path
