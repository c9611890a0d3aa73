"""Seeded, realistic mail for tests and benchmarks.

:func:`generate_mailbox` makes a deterministic mailbox (same seed, same bytes):
RFC 5322 messages with CRLF line endings; plain text, multipart/alternative
and messages with attachments (some with non-ASCII RFC 2231 file names);
threads (~30% replies with In-Reply-To/References and "Re:" subjects, chains up
to 8 deep, replies from "me" included); ~200 correspondents, many with
non-ASCII display names (RFC 2047); a few newsletters with List-* headers and
a tracking pixel; dates increasing over two years; unique Message-IDs; median
size about 8 KB.

:func:`simple_message` builds one small message for a test.

Run ``python -m tests.helpers.mailgen [N] [SEED]`` to print size statistics.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email.utils
import random
import sys
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.header import Header
from email.message import EmailMessage
from email.policy import SMTP

__all__ = ["MY_NAME", "Correspondent", "generate_mailbox", "make_correspondents", "simple_message"]

MY_NAME = "Sam Rivera"
START = dt.datetime(2023, 1, 2, 7, 30, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=730)

# (display, ascii for the address)
FIRST_NAMES: tuple[tuple[str, str], ...] = (
    ("Anna", "anna"), ("Ben", "ben"), ("Chloé", "chloe"), ("David", "david"),
    ("Élodie", "elodie"), ("Frank", "frank"), ("Grace", "grace"), ("Hannah", "hannah"),
    ("Ian", "ian"), ("Jürgen", "juergen"), ("Karin", "karin"), ("Lars", "lars"),
    ("María", "maria"), ("Nils", "nils"), ("Olga", "olga"), ("Paul", "paul"),
    ("Quentin", "quentin"), ("Rosa", "rosa"), ("Søren", "soeren"), ("Tomás", "tomas"),
    ("Uwe", "uwe"), ("Vera", "vera"), ("Wojciech", "wojciech"), ("Xavier", "xavier"),
    ("Yuki", "yuki"), ("Zoë", "zoe"), ("Łukasz", "lukasz"), ("Björn", "bjoern"),
    ("Ingrid", "ingrid"), ("José", "jose"), ("Priya", "priya"), ("Mehmet", "mehmet"),
    ("Fatima", "fatima"), ("Chen", "chen"), ("Aoife", "aoife"), ("Dagný", "dagny"),
    ("Алексей", "aleksei"), ("Наталья", "natalia"), ("陽子", "yoko"), ("Åsa", "asa"),
    ("Kevin", "kevin"), ("Laura", "laura"), ("Michael", "michael"), ("Sarah", "sarah"),
    ("Thomas", "thomas"), ("Julia", "julia"), ("Peter", "peter"), ("Emma", "emma"),
)  # fmt: skip
LAST_NAMES: tuple[tuple[str, str], ...] = (
    ("Müller", "mueller"), ("Smith", "smith"), ("García", "garcia"), ("Dubois", "dubois"),
    ("Nowak", "nowak"), ("Jensen", "jensen"), ("Rossi", "rossi"), ("O'Brien", "obrien"),
    ("Nguyễn", "nguyen"), ("Kowalski", "kowalski"), ("Schröder", "schroeder"),
    ("Johansson", "johansson"), ("Fernández", "fernandez"), ("Tanaka", "tanaka"),
    ("Brown", "brown"), ("Wilson", "wilson"), ("Lefèvre", "lefevre"), ("Yılmaz", "yilmaz"),
    ("Иванова", "ivanova"), ("Петров", "petrov"), ("山田", "yamada"), ("Virtanen", "virtanen"),
    ("Novák", "novak"), ("Öztürk", "ozturk"), ("Taylor", "taylor"), ("Clarke", "clarke"),
    ("Becker", "becker"), ("Hoffmann", "hoffmann"), ("Martin", "martin"), ("Lopez", "lopez"),
    ("Kim", "kim"), ("Singh", "singh"), ("Andersson", "andersson"), ("Costa", "costa"),
)  # fmt: skip
DOMAINS: tuple[str, ...] = (
    "example.org", "example.net", "example.com", "mail.example.org", "acme.example",
    "university.example.edu", "globex.example", "initech.test", "post.example.de",
    "correo.example.es", "posta.example.it", "example.co.uk",
)  # fmt: skip
TIMEZONES: tuple[dt.timezone, ...] = tuple(
    dt.timezone(dt.timedelta(hours=h, minutes=m))
    for h, m in ((0, 0), (1, 0), (2, 0), (-5, 0), (-8, 0), (9, 0), (5, 30), (-3, 0), (10, 0))
)
NEWSLETTERS: tuple[tuple[str, str, str], ...] = (
    ("The Weekly Digest", "digest@news.example.net", "digest.news.example.net"),
    ("Acme Offers", "offers@acme.example", "offers.acme.example"),
    ("Open Source Monthly", "monthly@lists.example.org", "monthly.lists.example.org"),
    ("Café Society Newsletter", "hello@cafe.example.com", "news.cafe.example.com"),
    ("Stadtwerke Info", "info@stadtwerke.example.de", "info.stadtwerke.example.de"),
    ("Travel Deals", "deals@travel.example", "deals.travel.example"),
)
_WORD_TEXT = """the of and to a in that is was he for it with as his on be at by i this had not are
    but from or have an they which one you were her all she there would their we him been
    has when who will more no if out so said what up its about into than them can only
    other new some could time these two may then do first any my now such like our over
    man me even most made after also did many before must through back years where much
    your way well down should because each just those people how too little state good
    very make world still own see men work long get here between both life being under
    never day same another know while last might us great old year off come since against
    go came right used take three project meeting budget report draft review schedule
    deadline client contract invoice proposal team office plan agenda update question
    feedback design release version server backup access account payment order delivery
    trip flight hotel dinner lunch weekend photos family birthday party garden weather
    quarter numbers slides presentation document attachment figures estimate approval
    summary minutes call notes ticket issue bug fix test customer support price offer
    """
WORDS: tuple[str, ...] = tuple(_WORD_TEXT.split())
_WORD_TABLE: tuple[str, ...] = tuple(WORDS[i % len(WORDS)] for i in range(256))
_PUNCTUATION = ".....?!"
FOREIGN_WORDS: tuple[str, ...] = (
    "café", "naïve", "Grüße", "déjà vu", "smörgåsbord", "über", "façade", "jalapeño",
    "Straße", "crème brûlée", "São Paulo", "Zürich", "Kraków", "Москва", "спасибо",
    "東京", "ありがとう", "señor", "piñata", "fiancée", "Ærø", "Malmö", "€42,50", "½ day",
)  # fmt: skip
SUBJECTS: tuple[str, ...] = (
    "Budget review for {q}", "Lunch on {day}?", "Invoice #{num}", "Photos from {place}",
    "Meeting notes {date}", "Quick question about the {thing}", "Draft {thing} for review",
    "{thing} deadline moved", "Trip to {place}", "Can you send me the {thing}?",
    "Updated {thing} attached", "Re-scheduling our call", "Welcome to the team!",
    "Follow-up: {thing}", "Dinner at {place} on {day}", "Your order #{num} has shipped",
    "Feedback on the {thing}", "Agenda for {day}", "Reminder: {thing} due {day}",
    "Happy birthday!", "Contract renewal {year}", "Access to the {thing} server",
)  # fmt: skip
FOREIGN_SUBJECTS: tuple[str, ...] = (
    "Grüße aus München", "Café meeting — agenda", "Résumé and cover letter",
    "Встреча в пятницу", "会議の議事録", "Reunión del equipo — jueves", "Fête de fin d'année",
    "Smörgåsbord på fredag", "Zażółć gęślą jaźń: test", "Ünlü konuklar listesi",
)  # fmt: skip
THINGS: tuple[str, ...] = (
    "proposal", "slides", "contract", "budget", "report", "design", "release notes",
    "roadmap", "spreadsheet", "invoice", "minutes", "estimate", "backup plan",
)  # fmt: skip
PLACES: tuple[str, ...] = (
    "Lisbon", "the lake", "Berlin", "Kyoto", "the conference", "Barcelona", "Oslo",
    "the beach", "Prague", "the office party", "Montréal", "Reykjavík",
)  # fmt: skip
DAYS: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
MAILERS: tuple[str, ...] = (
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.6.0",
    "X-Mailer: Apple Mail (2.3774.300.61.1.2)",
    "X-Mailer: Microsoft Outlook 16.0",
    "User-Agent: Roundcube Webmail/1.6.5",
    "X-Mailer: iPhone Mail (21C66)",
    "User-Agent: Evolution 3.46.4-2",
)  # fmt: skip
# (mime type, extension, magic prefix)
ATTACHMENT_TYPES: tuple[tuple[str, str, bytes], ...] = (
    ("application/pdf", "pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n"),
    ("image/jpeg", "jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
    ("image/png", "png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        b"PK\x03\x04\x14\x00\x06\x00",
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        b"PK\x03\x04\x14\x00\x06\x00",
    ),
    ("application/zip", "zip", b"PK\x03\x04\x14\x00\x00\x00"),
)
ASCII_STEMS: tuple[str, ...] = (
    "report", "Q3-figures", "IMG_2041", "scan0001", "contract_v2", "slides-final",
    "invoice-2024-117", "photo", "notes", "budget", "floor plan", "minutes_2023-11-02",
)  # fmt: skip
UNICODE_STEMS: tuple[str, ...] = (
    "Präsentation_März", "résumé", "договор", "見積書", "Übersicht Straßenbau 2024 — Entwurf",
    "façade photos", "årsrapport", "presupuesto año nuevo",
)  # fmt: skip


OUTLOOK_STYLE = """<meta name="Generator" content="Microsoft Word 15 (filtered medium)">
<style><!--
/* Font Definitions */
@font-face
	{font-family:"Cambria Math";
	panose-1:2 4 5 3 5 4 6 3 2 4;}
@font-face
	{font-family:Calibri;
	panose-1:2 15 5 2 2 2 4 3 2 4;}
@font-face
	{font-family:Aptos;}
/* Style Definitions */
p.MsoNormal, li.MsoNormal, div.MsoNormal
	{margin:0cm;
	font-size:11.0pt;
	font-family:"Calibri",sans-serif;
	mso-ligatures:standardcontextual;
	mso-fareast-language:EN-US;}
a:link, span.MsoHyperlink
	{mso-style-priority:99;
	color:#0563C1;
	text-decoration:underline;}
span.EmailStyle17
	{mso-style-type:personal-compose;
	font-family:"Calibri",sans-serif;
	color:windowtext;}
.MsoChpDefault
	{mso-style-type:export-only;
	font-size:10.0pt;
	mso-ligatures:none;}
@page WordSection1
	{size:612.0pt 792.0pt;
	margin:72.0pt 72.0pt 72.0pt 72.0pt;}
div.WordSection1
	{page:WordSection1;}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]--><!--[if gte mso 9]><xml>
<o:shapelayout v:ext="edit">
<o:idmap v:ext="edit" data="1" />
</o:shapelayout></xml><![endif]-->"""


@dataclass(frozen=True, eq=False)
class Correspondent:
    name: str
    address: str
    tz: dt.timezone

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0]


@dataclass(eq=False)
class _Sent:
    """What a later reply needs to know about an earlier message."""

    message_id: str
    references: list[str]
    subject: str
    sender: Correspondent
    others: list[Correspondent]  # everyone else on the message, "me" excluded
    depth: int
    text: str
    when: dt.datetime
    cc: list[Correspondent] = field(default_factory=list)


def make_correspondents(
    count: int = 200, seed: int = 1, me: str = "me@example.com"
) -> list[Correspondent]:
    """``count`` distinct people with (often non-ASCII) names and unique addresses."""
    rng = random.Random(f"people-{seed}")
    people: list[Correspondent] = []
    used: set[str] = {me.lower()}
    while len(people) < count:
        first, fa = rng.choice(FIRST_NAMES)
        last, la = rng.choice(LAST_NAMES)
        domain = rng.choice(DOMAINS)
        local = rng.choice((f"{fa}.{la}", f"{fa[0]}{la}", f"{fa}", f"{la}.{fa}"))
        address = f"{local}@{domain}"
        if address in used:
            address = f"{local}{len(people)}@{domain}"
        used.add(address)
        people.append(Correspondent(f"{first} {last}", address, rng.choice(TIMEZONES)))
    return people


def _addr(person: Correspondent) -> str:
    return email.utils.formataddr((person.name, person.address), charset="utf-8")


def _header(name: str, value: str) -> str:
    """One header, RFC 2047-encoded and folded if needed (CRLF folding)."""
    if value.isascii() and len(name) + len(value) < 76:
        return f"{name}: {value}"
    encoded = Header(value, "utf-8" if not value.isascii() else "us-ascii", header_name=name)
    return f"{name}: " + encoded.encode(linesep="\r\n")


def _address_list(name: str, people: Sequence[str]) -> str:
    return f"{name}: " + ",\r\n ".join(people)


def _b64_lines(data: bytes) -> bytes:
    """Base64 in 76-character CRLF lines (as MIME wants), ending with CRLF."""
    enc = binascii.b2a_base64(data, newline=False)
    return b"\r\n".join(enc[i : i + 76] for i in range(0, len(enc), 76)) + b"\r\n"


def _wrap(text: str, width: int = 72) -> list[str]:
    """Greedy word wrap at spaces (words longer than ``width`` stay whole)."""
    lines: list[str] = []
    while len(text) > width:
        cut = text.rfind(" ", 0, width + 1)
        if cut <= 0:
            cut = text.find(" ", width)
            if cut < 0:
                break
        lines.append(text[:cut])
        text = text[cut + 1 :]
    if text:
        lines.append(text)
    return lines


class _Generator:
    def __init__(self, n: int, seed: int, correspondents: int, me: str) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.me = Correspondent(MY_NAME, me, dt.timezone(dt.timedelta(hours=1)))
        self.people = make_correspondents(correspondents, seed, me)
        # A few people write most of the mail (Zipf-like weights).
        self.weights = [1.0 / (i + 1) ** 0.8 for i in range(len(self.people))]
        self.me_domain = me.rpartition("@")[2] or "example.com"
        self.open_threads: list[_Sent] = []

    # ----------------------------------------------------------------- text

    def paragraphs(self, foreign: bool, mean: float) -> list[str]:
        """Paragraphs of 2-6 sentences of 6-18 words (random bytes pick the words: fast)."""
        rng = self.rng
        count = max(1, min(12, round(rng.lognormvariate(0, 0.6) * mean)))
        out: list[str] = []
        for _ in range(count):
            lengths = [6 + b % 13 for b in rng.randbytes(rng.randint(2, 6))]
            words = [_WORD_TABLE[b] for b in rng.randbytes(sum(lengths))]
            marks = rng.randbytes(len(lengths))
            sentences: list[str] = []
            pos = 0
            for k, length in enumerate(lengths):
                sentence = words[pos : pos + length]
                pos += length
                if foreign and rng.random() < 0.5:
                    sentence[rng.randrange(length)] = rng.choice(FOREIGN_WORDS)
                sentence[0] = sentence[0].capitalize()
                sentences.append(" ".join(sentence) + _PUNCTUATION[marks[k] % len(_PUNCTUATION)])
            out.append(" ".join(sentences))
        return out

    # ----------------------------------------------------------------- parts

    def encode_text(self, text: str, subtype: str) -> tuple[list[str], bytes]:
        """Headers and CRLF body of a text part (7bit, quoted-printable or base64)."""
        if text.isascii() and subtype == "plain":
            body = text.replace("\n", "\r\n").encode("ascii")
            return [
                "Content-Type: text/plain; charset=us-ascii",
                "Content-Transfer-Encoding: 7bit",
            ], body
        data = text.encode("utf-8")
        if subtype == "html" and self.rng.random() < 0.3:
            enc = "base64"
            body = _b64_lines(data)
        else:
            enc = "quoted-printable"
            body = binascii.b2a_qp(data).replace(b"\n", b"\r\n")
        return [
            f"Content-Type: text/{subtype}; charset=utf-8",
            f"Content-Transfer-Encoding: {enc}",
        ], body

    def html_from(self, paras: list[str], quoted_html: str, newsletter: bool) -> str:
        rng = self.rng
        if newsletter:
            return self.newsletter_html(paras)
        outlook = rng.random() < 0.45
        out = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">']
        if outlook:
            out.append(OUTLOOK_STYLE)
            out.append(
                '</head><body lang="EN-US" link="#0563C1" vlink="#954F72">'
                '<div class="WordSection1">'
            )
            p_open = (
                '<p class="MsoNormal"><span style="font-size:11.0pt;'
                'font-family:&quot;Calibri&quot;,sans-serif;color:#1F3864">'
            )
            p_close = '<o:p></o:p></span></p>\n<p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
        else:
            out.append(
                "<style>body{font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222}"
                "p{margin:0 0 12px} .sig{color:#777;font-size:12px}</style></head>"
            )
            out.append('<body><div dir="ltr">')
            p_open, p_close = '<div style="font-family:arial,sans-serif">', "</div><div><br></div>"
        for p in paras:
            if rng.random() < 0.2:
                words = p.split(" ")
                k = rng.randrange(len(words))
                words[k] = f"<b>{words[k]}</b>"
                p = " ".join(words)
            out.append(f"{p_open}{p}{p_close}")
        if rng.random() < 0.7:
            out.append(
                '<table cellpadding="0" cellspacing="0" border="0" style="font-family:Arial;'
                'font-size:12px;color:#555"><tr><td style="padding-right:12px;border-right:2px '
                'solid #0a5"><img src="cid:logo@example.org" width="64" height="64" alt="Logo">'
                '</td><td style="padding-left:12px"><b>Signature</b><br>'
                '<a href="https://www.example.com/" style="color:#0a5">www.example.com</a><br>'
                "This e-mail and any attachments are confidential and may be privileged. If you "
                "are not the intended recipient, please notify the sender and delete it.</td></tr>"
                "</table>"
            )
        if quoted_html:
            out.append(quoted_html)
        out.append("</div></body></html>\n")
        return "\n".join(out)

    def newsletter_html(self, paras: list[str]) -> str:
        rng = self.rng
        out = [
            '<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" '
            'content="text/html; charset=utf-8"><meta name="viewport" '
            'content="width=device-width, initial-scale=1">',
            "<style>body{margin:0;padding:0}table{border-collapse:collapse}"
            "@media only screen and (max-width:600px){.col{width:100%!important}}</style>"
            '</head><body><table role="presentation" width="100%" cellpadding="0" '
            'cellspacing="0" style="background:#f4f4f4"><tr><td align="center">'
            '<table class="col" width="600" style="background:#ffffff;border:1px solid #ddd">',
        ]
        for p in paras:
            out.append(
                '<tr><td style="padding:16px 24px;line-height:1.5;font-family:Helvetica,Arial,'
                'sans-serif;font-size:15px;color:#333">'
                f'<h2 style="margin:0 0 8px;color:#0a5">{p.split(".")[0][:60]}</h2>'
                f'<p style="margin:0 0 12px">{p}</p><p><a href="https://www.example.com/article/'
                f"{rng.randrange(10**6)}?utm_source=newsletter&amp;utm_medium=email&amp;"
                f'utm_campaign={rng.getrandbits(32):08x}" style="color:#07c">Read more</a></p>'
                "</td></tr>"
            )
        out.append(
            "</table></td></tr></table>"
            f'<img src="https://tracker.example.net/open/{rng.getrandbits(64):016x}.gif" '
            'width="1" height="1" alt="" style="display:none">'
            '<p style="font-size:11px;color:#999;text-align:center">You receive this because '
            'you subscribed. <a href="https://www.example.com/unsubscribe">Unsubscribe</a></p>'
            "</body></html>\n"
        )
        return "\n".join(out)

    def attachment(self, boundary: str) -> bytes:
        rng = self.rng
        if rng.random() < 0.1:
            return self.calendar_part(boundary)
        mime, ext, magic = rng.choice(ATTACHMENT_TYPES)
        size = int(min(400_000, max(3_000, rng.lognormvariate(9.9, 0.9))))  # median ~20 KB
        payload = magic + rng.randbytes(max(0, size - len(magic)))
        stem = rng.choice(UNICODE_STEMS if rng.random() < 0.2 else ASCII_STEMS)
        filename = f"{stem}.{ext}"
        if filename.isascii():
            ctype = f'Content-Type: {mime}; name="{filename}"'
            disp = f'Content-Disposition: attachment; filename="{filename}"'
        else:
            encoded_name = Header(filename, "utf-8").encode()
            ctype = f'Content-Type: {mime};\r\n name="{encoded_name}"'
            disp = "Content-Disposition: attachment;\r\n " + _rfc2231("filename", filename)
        body = _b64_lines(payload)
        head = f"--{boundary}\r\n{ctype}\r\n{disp}\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        return head.encode("ascii") + body

    def calendar_part(self, boundary: str) -> bytes:
        rng = self.rng
        start = START + SPAN * rng.random()
        uid = f"{rng.getrandbits(64):016x}@example.org"
        summary = rng.choice(SUBJECTS).format(
            q="Q2", day="Friday", num=7, place="Oslo", date="", thing="plan", year=2024
        )
        ics = "\r\n".join(
            [
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//unibox//mailgen//EN",
                "METHOD:REQUEST", "BEGIN:VEVENT", f"UID:{uid}",
                f"DTSTAMP:{start:%Y%m%dT%H%M%SZ}", f"DTSTART:{start:%Y%m%dT%H%M00Z}",
                f"DTEND:{start + dt.timedelta(hours=1):%Y%m%dT%H%M00Z}",
                f"SUMMARY:{summary}",
                "LOCATION:Room 4.12", "END:VEVENT", "END:VCALENDAR", "",
            ]
        )  # fmt: skip
        head = (
            f"--{boundary}\r\nContent-Type: text/calendar; charset=utf-8; method=REQUEST;\r\n"
            ' name="invite.ics"\r\nContent-Disposition: attachment; filename="invite.ics"\r\n'
            "Content-Transfer-Encoding: 7bit\r\n\r\n"
        )
        return head.encode("ascii") + ics.encode("ascii")

    def boundary(self) -> str:
        return f"=_{self.rng.getrandbits(96):024x}"

    # ----------------------------------------------------------------- message

    def subject(self) -> str:
        rng = self.rng
        if rng.random() < 0.08:
            return rng.choice(FOREIGN_SUBJECTS)
        return rng.choice(SUBJECTS).format(
            q=f"Q{rng.randint(1, 4)}",
            day=rng.choice(DAYS),
            num=rng.randint(1000, 99999),
            place=rng.choice(PLACES),
            date=f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}",
            thing=rng.choice(THINGS),
            year=rng.choice((2023, 2024, 2025)),
        )

    def trace_headers(self, sender: Correspondent, when: dt.datetime, i: int) -> list[str]:
        rng = self.rng
        sender_domain = sender.address.rpartition("@")[2]
        hops = rng.randint(1, 3)
        out = [f"Return-Path: <{sender.address}>", f"Delivered-To: {self.me.address}"]
        t = when
        for h in range(hops):
            t = t + dt.timedelta(seconds=rng.randint(1, 20))
            ip = f"{rng.choice(('192.0.2', '198.51.100', '203.0.113'))}.{rng.randint(1, 254)}"
            out.append(
                f"Received: from mail{h}.{sender_domain} (mail{h}.{sender_domain} [{ip}])\r\n"
                f"\tby mx{h}.{self.me_domain} (Postfix) with ESMTPS"
                f" id {rng.getrandbits(40):010X}\r\n"
                f"\tfor <{self.me.address}>; {email.utils.format_datetime(t)}"
            )
        if rng.random() < 0.7:
            sig = base64.b64encode(rng.randbytes(256)).decode()
            bh = base64.b64encode(rng.randbytes(32)).decode()
            sig_lines = "\r\n\t ".join(sig[k : k + 70] for k in range(0, len(sig), 70))
            out.append(
                f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d={sender_domain};\r\n"
                f"\ts=s{i % 3 + 2023}; t={int(when.timestamp())};\r\n"
                "\th=from:to:subject:date:message-id:mime-version:content-type;\r\n"
                f"\tbh={bh};\r\n\tb={sig_lines}"
            )
            out.append(
                f"Authentication-Results: mx0.{self.me_domain};\r\n"
                f"\tdkim=pass header.d={sender_domain};\r\n"
                f"\tspf=pass smtp.mailfrom={sender.address};\r\n"
                f"\tdmarc=pass header.from={sender_domain}"
            )
        if rng.random() < 0.5:
            folded, folded2 = (
                "\r\n\t".join(b64[k : k + 76] for k in range(0, len(b64), 76))
                for b64 in (base64.b64encode(rng.randbytes(256)).decode() for _ in range(2))
            )
            out.append(
                f"ARC-Seal: i=1; a=rsa-sha256; t={int(when.timestamp())}; cv=none;\r\n"
                f"\td=google.example; s=arc-20160816;\r\n\tb={folded}"
            )
            out.append(
                "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed;"
                " d=google.example; s=arc-20160816;\r\n"
                "\th=to:subject:message-id:date:from:mime-version:dkim-signature;\r\n"
                f"\tbh={base64.b64encode(rng.randbytes(32)).decode()};\r\n\tb={folded2}"
            )
            out.append(
                f"ARC-Authentication-Results: i=1; mx.google.example;\r\n"
                f"\tdkim=pass header.i=@{sender_domain} header.s=s2023 header.b=abcDEF12;\r\n"
                f"\tspf=pass (google.example: domain of {sender.address} designates"
                f" 192.0.2.1 as permitted sender) smtp.mailfrom={sender.address};\r\n"
                f"\tdmarc=pass (p=NONE sp=NONE dis=NONE) header.from={sender_domain}"
            )
        if rng.random() < 0.35:
            out += [
                f"X-MS-Exchange-Organization-Network-Message-Id: {rng.getrandbits(128):032x}",
                "X-MS-Exchange-Organization-AuthSource: EX01.corp.example",
                "X-MS-Has-Attach: ",
                "X-MS-TNEF-Correlator: ",
                f"X-Microsoft-Antispam: BCL:0;ARA:{rng.getrandbits(40)};"
                "\r\n\tRULEID:(1234567)(8901234)(5678901)(2345678)(9012345)(6789012)",
                "X-Forefront-Antispam-Report: CIP:255.255.255.255;CTRY:;LANG:en;SCL:1;SRV:;"
                "\r\n\tIPV:NLI;SFV:NSPM;H:EX01.corp.example;PTR:;CAT:NONE;SFS:(13230031)"
                "(366004)(376002)(39860400002);DIR:INB;",
                f"X-Originating-IP: [{rng.choice(('192.0.2', '198.51.100'))}"
                f".{rng.randint(1, 254)}]",
                f"Thread-Index: {base64.b64encode(rng.randbytes(22)).decode()}",
            ]
        spam = rng.random()
        out.append(f"X-Spam-Score: {spam * 3 - 1:.1f}")
        out.append(
            f"X-Spam-Status: No, score={spam * 3 - 1:.1f} required=5.0 tests=DKIM_SIGNED,"
            "DKIM_VALID,HTML_MESSAGE,SPF_PASS autolearn=ham"
        )
        return out

    def message(self, i: int) -> bytes:
        rng = self.rng
        frac = (i + 0.1 + 0.8 * rng.random()) / self.n
        when = START + SPAN * frac
        parent: _Sent | None = None
        newsletter = False
        if self.open_threads and rng.random() < 0.30:
            recent = self.open_threads[-60:]
            parent = recent[min(len(recent) - 1, int(len(recent) * rng.random() ** 0.5))]
        elif rng.random() < 0.08:
            newsletter = True

        cc: list[Correspondent] = []
        if newsletter:
            nl_name, nl_addr, list_id = rng.choice(NEWSLETTERS)
            sender = Correspondent(nl_name, nl_addr, dt.UTC)
            to = [self.me]
            subject = rng.choice(
                ("Your weekly update", "This week's top stories", "Last chance: 20% off",
                 "News from the community", "Neuigkeiten im {m}", "Ideas for your weekend")
            ).format(m=rng.choice(("März", "Mai", "Juli")))  # fmt: skip
            refs: list[str] = []
        elif parent is None:
            person = rng.choices(self.people, self.weights)[0]
            if rng.random() < 0.18:
                sender, to = self.me, [person]
            else:
                sender, to = person, [self.me]
            if rng.random() < 0.25:
                cc = [
                    p for p in rng.sample(self.people, rng.randint(1, 3)) if p not in (sender, *to)
                ]
            subject = self.subject()
            refs = []
        else:
            if parent.sender is self.me:
                sender = parent.others[0] if parent.others else self.me
            elif rng.random() < 0.6 or not parent.cc:
                sender = self.me
            else:
                sender = rng.choice(parent.cc)
            to = [parent.sender] if parent.sender is not sender else [self.me]
            cc = [p for p in parent.cc if p is not sender and p not in to]
            subject = "Re: " + parent.subject
            refs = [*parent.references, parent.message_id][-20:]

        sender_domain = sender.address.rpartition("@")[2]
        msgid = f"<{rng.getrandbits(64):016x}.{i}@{sender_domain}>"
        foreign = not sender.name.isascii() or rng.random() < 0.12
        headers = [] if sender is self.me else self.trace_headers(sender, when, i)
        local_when = when.astimezone(sender.tz).replace(microsecond=0)
        headers += [
            _address_list("From", [_addr(sender)]),
            _address_list("To", [_addr(p) for p in to]),
        ]
        if cc:
            headers.append(_address_list("Cc", [_addr(p) for p in cc]))
        headers += [
            _header("Subject", subject),
            f"Date: {email.utils.format_datetime(local_when)}",
            f"Message-ID: {msgid}",
        ]
        if parent is not None:
            headers.append(f"In-Reply-To: {parent.message_id}")
            headers.append("References: " + "\r\n ".join(refs))
        headers.append("MIME-Version: 1.0")
        if newsletter:
            headers += [
                f"List-Id: {sender.name} <{list_id}>",
                f"List-Unsubscribe: <https://{list_id}/u/{rng.getrandbits(48):012x}>,\r\n"
                f" <mailto:unsubscribe@{list_id}>",
                "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                "Precedence: bulk",
            ]
        elif sender is not self.me or rng.random() < 0.5:
            headers.append(rng.choice(MAILERS))
        if rng.random() < 0.3:
            headers.append(f"Content-Language: {rng.choice(('en-US', 'en-GB', 'de-DE', 'fr-FR'))}")

        # ----- body text
        greeting_to = to[0].first_name if to else "all"
        paras = self.paragraphs(foreign, 5.5 if not newsletter else 6.0)
        sign = sender.first_name
        lines: list[str] = [f"Hi {greeting_to},", ""]
        for p in paras:
            lines += [*_wrap(p), ""]
        lines += [rng.choice(("Best,", "Thanks,", "Cheers,", "Regards,", "Viele Grüße,")), sign]
        if rng.random() < 0.4:
            lines += [
                "",
                "-- ",
                sender.name,
                f"{rng.choice(('Project Manager', 'Engineer', 'Sales', 'Director'))}"
                f" | {sender_domain}",
                f"+{rng.randint(1, 49)} {rng.randint(100, 999)} {rng.randint(1000000, 9999999)}",
            ]
        own_text = "\n".join(lines)
        quoted_html = ""
        text = own_text
        if parent is not None:
            ptext = parent.text.split("\n")[:80]
            header_line = (
                f"On {email.utils.format_datetime(parent.when.replace(microsecond=0))}, "
                f"{parent.sender.name} <{parent.sender.address}> wrote:"
            )
            quoted = "\n".join(
                ("> " + ln) if ln and not ln.startswith(">") else (">" + ln) for ln in ptext
            )
            text = own_text + "\n\n" + header_line + "\n" + quoted
            quoted_html = (
                f'<div class="gmail_quote">{header_line.replace("<", "&lt;").replace(">", "&gt;")}'
                '<blockquote type="cite" style="margin:0 0 0 .8ex;border-left:1px #ccc solid;'
                'padding-left:1ex">'
                + "<br>\n".join(
                    ln.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    for ln in parent.text.split("\n")[:80]
                )
                + "</blockquote></div>"
            )
        text += "\n"
        if "Grüße" in text:
            foreign = True

        # ----- structure
        roll = rng.random()
        with_attachments = not newsletter and roll < 0.13
        alternative = (
            newsletter
            or (roll < 0.75 and not with_attachments)
            or (with_attachments and rng.random() < 0.5)
        )
        body_parts: list[bytes] = []
        if alternative:
            alt_b = self.boundary()
            th, tb = self.encode_text(text, "plain")
            hh, hb = self.encode_text(self.html_from(paras, quoted_html, newsletter), "html")
            alt = (
                f"--{alt_b}\r\n".encode()
                + "\r\n".join(th).encode()
                + b"\r\n\r\n"
                + tb
                + f"\r\n--{alt_b}\r\n".encode()
                + "\r\n".join(hh).encode()
                + b"\r\n\r\n"
                + hb
                + f"\r\n--{alt_b}--\r\n".encode()
            )
            main_head = [f'Content-Type: multipart/alternative;\r\n boundary="{alt_b}"']
            main_body = alt
        else:
            main_head, main_body = self.encode_text(text, "plain")

        if with_attachments:
            mix_b = self.boundary()
            body_parts.append(
                f"--{mix_b}\r\n".encode()
                + "\r\n".join(main_head).encode()
                + b"\r\n\r\n"
                + main_body
                + b"\r\n"
            )
            for _ in range(1 if rng.random() < 0.7 else rng.randint(2, 3)):
                body_parts.append(self.attachment(mix_b) + b"\r\n")
            headers.append(f'Content-Type: multipart/mixed;\r\n boundary="{mix_b}"')
            body = (
                b"This is a multi-part message in MIME format.\r\n\r\n"
                + b"".join(body_parts)
                + f"--{mix_b}--\r\n".encode()
            )
        else:
            headers += main_head
            body = main_body
        if not body.endswith(b"\r\n"):
            body += b"\r\n"

        if not newsletter:
            others = [p for p in [*to, *cc, sender] if p is not self.me]
            entry = _Sent(
                message_id=msgid,
                references=refs,
                subject=parent.subject if parent is not None else subject,
                sender=sender,
                others=others,
                depth=(parent.depth + 1) if parent is not None else 1,
                text=text.rstrip("\n"),
                when=local_when,
                cc=cc,
            )
            if parent is not None:
                self.open_threads = [t for t in self.open_threads if t is not parent]
            if entry.depth < 8:
                self.open_threads.append(entry)
            if len(self.open_threads) > 400:
                del self.open_threads[:100]
        return "\r\n".join(headers).encode("utf-8") + b"\r\n\r\n" + body


def _rfc2231(param: str, value: str) -> str:
    """``param*=UTF-8''...`` with RFC 2231 continuations when long."""
    quoted = urllib.parse.quote(value, safe="")
    if len(quoted) <= 60:
        return f"{param}*=UTF-8''{quoted}"
    chunks: list[str] = []
    rest = quoted
    while rest:
        cut = 60
        # never split a %XX escape
        while cut < len(rest) and "%" in rest[cut - 2 : cut]:
            cut -= 1
        chunks.append(rest[:cut])
        rest = rest[cut:]
    parts = [
        f"{param}*{k}*=" + ("UTF-8''" if k == 0 else "") + chunk for k, chunk in enumerate(chunks)
    ]
    return ";\r\n ".join(parts)


def generate_mailbox(
    n: int, seed: int = 1, correspondents: int = 200, me: str = "me@example.com"
) -> list[bytes]:
    """``n`` realistic RFC 5322 messages (CRLF), in date order, deterministic for ``seed``."""
    gen = _Generator(n, seed, correspondents, me)
    return [gen.message(i) for i in range(n)]


def simple_message(
    subject: str,
    body: str,
    from_: str = "Ann <ann@example.org>",
    to: str = "me@example.com",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    date: dt.datetime | str | None = None,
) -> bytes:
    """One text/plain message as CRLF bytes (non-ASCII headers and body are encoded)."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = from_
    msg["To"] = to
    msg["Subject"] = subject
    if date is None:
        msg["Date"] = email.utils.format_datetime(dt.datetime.now(dt.UTC).replace(microsecond=0))
    elif isinstance(date, dt.datetime):
        when = date if date.tzinfo is not None else date.replace(tzinfo=dt.UTC)
        msg["Date"] = email.utils.format_datetime(when)
    else:
        msg["Date"] = date
    if message_id is None:
        domain = email.utils.parseaddr(from_)[1].rpartition("@")[2] or "example.org"
        message_id = email.utils.make_msgid(domain=domain)
    msg["Message-ID"] = message_id
    if in_reply_to is not None:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg.set_content(body)
    return msg.as_bytes()


def _main(argv: list[str]) -> None:
    import statistics
    import time

    n = int(argv[1]) if len(argv) > 1 else 2000
    seed = int(argv[2]) if len(argv) > 2 else 1
    t0 = time.perf_counter()
    msgs = generate_mailbox(n, seed)
    elapsed = time.perf_counter() - t0
    sizes = sorted(len(m) for m in msgs)
    replies = sum(1 for m in msgs if b"\r\nIn-Reply-To: " in m)
    attach = sum(1 for m in msgs if b"Content-Disposition: attachment" in m)
    alt = sum(1 for m in msgs if b"multipart/alternative" in m)
    print(f"messages: {n} (seed {seed}) generated in {elapsed:.2f}s ({n / elapsed:,.0f}/s)")
    print(f"median size: {statistics.median(sizes) / 1024:.1f} KB")
    print(
        f"p10 {sizes[n // 10] / 1024:.1f} KB, p90 {sizes[n * 9 // 10] / 1024:.1f} KB, "
        f"max {sizes[-1] / 1024:.0f} KB, total {sum(sizes) / 2**20:.1f} MB"
    )
    print(
        f"replies: {replies / n:.0%}, multipart/alternative: {alt / n:.0%}, "
        f"attachments: {attach / n:.0%}"
    )


if __name__ == "__main__":
    _main(sys.argv)
