"""Write the demo mailboxes (resources/demo/{inbox,sent,archive}.mbox) for `unibox --demo`.

The mail of Mira Castell, a freelance brand and web designer in Berlin who
sells her own work: clients, leads, a subcontractor, her bookkeeper, family,
and the notifications and newsletters everyone gets. Every message is written
by hand (threads reply both ways and quote); only the small attachments are
generated. Dates hang off a fixed anchor (Friday 14 March 2025, 09:30 Berlin
time) and the demo builder shifts them so the newest mail is today. The output
is deterministic: running the script twice writes the same bytes.

Flags travel the way mutt and Thunderbird keep them in an mbox: `Status: RO`
for read, `X-Status: A` answered, `X-Status: F` flagged. Bodies are stored
mboxrd-quoted (a body line starting with "From " is written ">From ").

Usage: python scripts/make_demo_data.py [OUTPUT_DIR]
"""

from __future__ import annotations

import hashlib
import struct
import sys
import textwrap
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

ANCHOR = datetime(2025, 3, 14, 9, 30, tzinfo=timezone(timedelta(hours=1)))
POLICY = SMTP.clone(linesep="\n", cte_type="7bit", max_line_length=78)
BERLIN = timezone(timedelta(hours=1))
CPH = timezone(timedelta(hours=1))
MADRID = timezone(timedelta(hours=1))
DUBLIN = timezone(timedelta(hours=0))
LONDON = timezone(timedelta(hours=0))
NYC = timezone(timedelta(hours=-4))
SF = timezone(timedelta(hours=-7))


@dataclass(frozen=True)
class Who:
    name: str
    email: str
    tz: timezone = BERLIN
    style: str = "plain"  # "plain", "html" (alternative part) or "outlook" (windows-1252)
    mailer: str = "Apple Mail (2.3774.300.61.1.2)"

    @property
    def first(self) -> str:
        return self.name.split()[0]

    def address(self) -> Address:
        user, _, domain = self.email.partition("@")
        return Address(self.name, user, domain)


ME = Who("Mira Castell", "mira@castell-studio.example", BERLIN, "html", "Thunderbird 128.7")
SIG = "\n\n-- \nMira Castell\nCastell Studio · Brand & web design\nCastell Studio, Oranienstr. 24, 10999 Berlin\n+49 30 555 0142"  # noqa: E501

ZOE = Who("Zoë Müller", "zoe.mueller@brightwave.example", BERLIN, "html")
FELIX = Who("Felix Brandt", "felix.brandt@brightwave.example", BERLIN)
JUERGEN = Who(
    "Jürgen Hoffmann",
    "j.hoffmann@hoffmann-bau.example",
    BERLIN,
    "outlook",
    "Microsoft Outlook 16.0",
)
SOREN = Who("Søren Kjær", "soren@nordlys.example", CPH, "plain", "iPhone Mail (21D61)")
PRIYA = Who("Priya Natarajan", "priya@lumenhealth.example", LONDON, "html", "Gmail")
TOMAS = Who("Tomás García", "tomas@cafeteriasol.example", MADRID, "plain", "iPhone Mail (21D61)")
AOIFE = Who("Aoife O'Brien", "aoife@greenleaf.example", DUBLIN, "html", "Gmail")
CLAIRE = Who(
    "Claire Dubois", "claire@dubois-compta.example", BERLIN, "outlook", "Microsoft Outlook 16.0"
)
MARCUS = Who("Marcus Lee", "marcus@pixelforge.example", BERLIN, "plain", "Fastmail")
HANNAH = Who("Hannah Becker", "hannah@coworkhaus.example", BERLIN, "html", "Gmail")
LEO = Who("Leo Castell", "leo.castell@mailbox.example", BERLIN, "plain", "iPhone Mail (21D61)")
YUKI = Who("Yuki Tanaka", "yuki@tanaka-photo.example", BERLIN, "plain", "Fastmail")
ELODIE = Who("Élodie Lefèvre", "elodie@maison-lefevre.example", MADRID, "html", "Gmail")
INGRID = Who("Ingrid Johansson", "ingrid@designdays.example", CPH, "html", "Outlook")
BJORN = Who("Björn Andersson", "bjorn@tryckeriet.example", CPH, "plain", "Thunderbird 115")
NILS = Who("Nils Virtanen", "nils@kaamos.example", BERLIN)
GIULIA = Who("Giulia Rossi", "giulia@atelier-rossi.example", BERLIN)


@dataclass
class Mail:
    sender: Who
    to: list[Who]
    subject: str
    when: datetime
    body: str
    folder: str  # mailbox of the copy Mira keeps: "inbox", "sent" or "archive"
    cc: list[Who] = field(default_factory=list)
    html: str = ""
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)
    flags: str = ""  # any of R (read), A (answered), F (flagged)
    msgid: str = ""
    parent: Mail | None = None
    headers: dict[str, str] = field(default_factory=dict)


MAILS: list[Mail] = []


def at(days_ago: int, hhmm: str, tz: timezone = BERLIN) -> datetime:
    day = (ANCHOR - timedelta(days=days_ago)).astimezone(tz).date()
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def _msgid(mail: Mail) -> str:
    digest = hashlib.sha1(f"{mail.subject}|{mail.when.isoformat()}|{mail.sender.email}".encode())
    domain = mail.sender.email.partition("@")[2]
    return f"{digest.hexdigest()[:20]}@{domain}"


def add(mail: Mail) -> Mail:
    mail.msgid = mail.msgid or _msgid(mail)
    if mail.sender is ME:
        mail.folder = "sent"
        mail.flags = "R" + mail.flags.replace("R", "")
    MAILS.append(mail)
    return mail


def reply(
    parent: Mail,
    sender: Who,
    when: datetime,
    body: str,
    *,
    folder: str = "inbox",
    flags: str = "R",
    to: list[Who] | None = None,
    cc: list[Who] | None = None,
    attachments: list[tuple[str, str, bytes]] | None = None,
    quote: bool = True,
) -> Mail:
    subject = (
        parent.subject if parent.subject.lower().startswith("re:") else f"Re: {parent.subject}"
    )
    if quote:
        stamp = parent.when.strftime("%a, %d %b %Y at %H:%M")
        quoted = "\n".join(("> " + ln).rstrip() for ln in parent.body.splitlines())
        body = f"{body}\n\nOn {stamp}, {parent.sender.name} wrote:\n{quoted}"
    recipients = to if to is not None else [parent.sender if parent.sender is not sender else ME]
    return add(
        Mail(
            sender,
            recipients,
            subject,
            when,
            body,
            folder,
            cc=cc if cc is not None else list(parent.cc),
            attachments=attachments or [],
            flags=flags,
            parent=parent,
        )
    )


def mira(text: str) -> str:
    return textwrap.dedent(text).strip() + SIG


def say(text: str) -> str:
    return textwrap.dedent(text).strip()


# -- small generated attachments ---------------------------------------------------


def pdf(title: str, lines: list[str]) -> bytes:
    """A valid one-page PDF showing the title and lines, with an embedded "font".

    The font stream is filler of a realistic size (9-28 KB, like a subset font),
    so attachment sizes in the demo look like real documents.
    """

    def esc(s: str) -> str:
        return (
            s.encode("latin-1", "replace")
            .decode("latin-1")
            .replace("\\", "\\\\")
            .replace("(", "\\(")
            .replace(")", "\\)")
        )

    ops = ["BT /F1 18 Tf 56 780 Td (" + esc(title) + ") Tj ET"]
    y = 740
    for line in lines:
        ops.append(f"BT /F1 11 Tf 56 {y} Td ({esc(line)}) Tj ET")
        y -= 18
    stream = "\n".join(ops).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    seed = hashlib.sha256(title.encode()).digest()
    filler = bytearray()
    while len(filler) < 9_000 + seed[0] * 75:
        seed = hashlib.sha256(seed).digest()
        filler += seed
    objects.append(
        b"<< /Length "
        + str(len(filler)).encode()
        + b" /Subtype /Type1C >>\nstream\n"
        + bytes(filler)
        + b"\nendstream"
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def png(width: int, height: int, colours: list[tuple[int, int, int]], seed: int = 0) -> bytes:
    """A PNG of soft vertical colour bands with a little texture (a moodboard, a photo)."""
    rows = []
    band = max(1, width // len(colours))
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            r, g, b = colours[min(x // band, len(colours) - 1)]
            shade = ((x * 7 + y * 13 + seed * 31) % 23) - 11 + (y * 24 // height) - 12
            row += bytes(max(0, min(255, c + shade)) for c in (r, g, b))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def invoice(number: str, client: str, items: list[tuple[str, str]], total: str) -> bytes:
    lines = [f"Invoice {number}", f"Bill to: {client}", ""]
    lines += [f"{what:<50} {price:>12}" for what, price in items]
    lines += ["", f"Total (incl. 19% VAT): {total}", "", "Castell Studio - IBAN DE89 3704 0044"]
    return pdf(f"Castell Studio - Invoice {number}", lines)


PDF = "application/pdf"
PNG = "image/png"


def ics(summary: str, start: datetime, minutes: int, organizer: Who, uid: str) -> bytes:
    fmt = "%Y%m%dT%H%M%SZ"
    end = start + timedelta(minutes=minutes)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Brightwave//Calendar//EN\r\n"
        "METHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:{start.astimezone(UTC):{fmt}}\r\n"
        f"DTSTART:{start.astimezone(UTC):{fmt}}\r\nDTEND:{end.astimezone(UTC):{fmt}}\r\n"
        f"SUMMARY:{summary}\r\nORGANIZER;CN={organizer.name}:mailto:{organizer.email}\r\n"
        f"ATTENDEE;CN={ME.name};RSVP=TRUE:mailto:{ME.email}\r\n"
        "LOCATION:Google Meet\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def invitation(
    method: str,
    uid: str,
    summary: str,
    start: datetime,
    minutes: int,
    organizer: Who,
    attendees: list[tuple[Who, str]],
    *,
    location: str,
    stamp: datetime,
    sequence: int = 0,
    zone: str = "Europe/Berlin",
    rrule: str = "",
) -> bytes:
    """A calendar part as calendar apps send it: local times with a TZID, people with roles."""
    local = "%Y%m%dT%H%M%S"
    end = start + timedelta(minutes=minutes)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Castell demo//Calendar//EN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"SEQUENCE:{sequence}",
        f"STATUS:{'CANCELLED' if method == 'CANCEL' else 'CONFIRMED'}",
        f"DTSTART;TZID={zone}:{start:{local}}",
        f"DTEND;TZID={zone}:{end:{local}}",
        *([f"RRULE:{rrule}"] if rrule else []),
        f"SUMMARY:{summary}",
        f"LOCATION:{location}",
        f"ORGANIZER;CN={organizer.name}:mailto:{organizer.email}",
    ]
    for who, partstat in attendees:
        role = "CHAIR" if who is organizer else "REQ-PARTICIPANT"
        lines.append(f"ATTENDEE;CN={who.name};ROLE={role};PARTSTAT={partstat}:mailto:{who.email}")
    lines += ["END:VEVENT", "END:VCALENDAR", ""]
    return "\r\n".join(lines).encode()


def meetings() -> None:
    """Invitations from three people: one moved (a higher SEQUENCE), one cancelled, one weekly."""
    evening = at(-4, "18:30")
    ask = at(4, "09:05")
    people = [(ME, "NEEDS-ACTION")]
    for method, sent, sequence, text in (
        (
            "REQUEST",
            ask,
            0,
            """
            Hi Mira,

            our next members' evening is next week: short demos from three members,
            then pizza in the lounge. Would be lovely to see you there!

            Hannah""",
        ),
        (
            "CANCEL",
            at(1, "15:20"),
            1,
            """
            Hi Mira,

            sorry, we have to cancel the members' evening: the lounge is being
            repainted that week. We'll send a new date soon.

            Hannah""",
        ),
    ):
        title = "Members' evening at Coworking Haus"
        add(
            Mail(
                HANNAH,
                [ME],
                f"{'Cancelled' if method == 'CANCEL' else 'Invitation'}: {title}",
                sent,
                say(text),
                "inbox",
                attachments=[
                    (
                        "invite.ics",
                        "text/calendar",
                        invitation(
                            method,
                            "members-evening@coworkhaus.example",
                            title,
                            evening,
                            150,
                            HANNAH,
                            people,
                            location="Coworking Haus, Lounge (2nd floor)",
                            stamp=sent,
                            sequence=sequence,
                        ),
                    )
                ],
                flags="R",
            )
        )
    shoot = "Photo shoot at Cafetería Sol"
    for subject, sent, start, sequence, text in (
        (
            f"Invitation: {shoot}",
            at(3, "10:15", MADRID),
            at(-5, "15:00", MADRID),
            0,
            """
            Hola Mira,

            the photographer can come next week in the afternoon. Lucía brings the
            new menus. Does 15:00 work for you?

            Tomás""",
        ),
        (
            f"Updated invitation: {shoot}",
            at(1, "12:05", MADRID),
            at(-6, "16:00", MADRID),
            1,
            """
            Mira, small change: the photographer can only come a day later, so I
            moved the shoot by a day, to 16:00. Same place!

            Tomás""",
        ),
    ):
        add(
            Mail(
                TOMAS,
                [ME],
                subject,
                sent,
                say(text),
                "inbox",
                attachments=[
                    (
                        "invite.ics",
                        "text/calendar",
                        invitation(
                            "REQUEST",
                            "photo-shoot@cafeteriasol.example",
                            shoot,
                            start,
                            90,
                            TOMAS,
                            [(TOMAS, "ACCEPTED"), (ME, "NEEDS-ACTION")],
                            location="Cafetería Sol, Calle del Pez 12, Madrid",
                            stamp=sent,
                            sequence=sequence,
                            zone="Europe/Madrid",
                        ),
                    )
                ],
                flags="R",
            )
        )
    sent = at(0, "07:10")
    add(
        Mail(
            ZOE,
            [ME],
            "Invitation: Brightwave weekly sync",
            sent,
            say("""
            Hi Mira,

            until the launch, let's keep a short weekly sync with Felix and me,
            same time every week.

            Zoë"""),
            "inbox",
            attachments=[
                (
                    "invite.ics",
                    "text/calendar",
                    invitation(
                        "REQUEST",
                        "weekly-sync@brightwave.example",
                        "Brightwave weekly sync",
                        at(-6, "09:30"),
                        30,
                        ZOE,
                        [(ZOE, "ACCEPTED"), (ME, "NEEDS-ACTION"), (FELIX, "ACCEPTED")],
                        location="Google Meet",
                        stamp=sent,
                        rrule="FREQ=WEEKLY;COUNT=8",
                    ),
                )
            ],
            flags="R",
        )
    )


# -- client work in the inbox ------------------------------------------------------------


def brightwave() -> None:
    preview = png(160, 100, [(18, 32, 60), (240, 236, 228), (255, 122, 89), (90, 170, 160)], 1)
    v3 = add(
        Mail(
            ME,
            [ZOE],
            "Homepage v3 ready for review",
            at(9, "16:42"),
            mira("""
            Hi Zoë,

            homepage v3 is up for review, with the changes from Tuesday's call:

            - the hero now leads with the customer quote instead of the product shot
            - pricing moved above the fold on mobile
            - the team section uses the new illustration style

            Preview attached; the clickable version is on Sketchboard as usual.
            Would be great to have your comments by Thursday so Marcus can start the build.

            Best,
            Mira"""),
            "sent",
            attachments=[("homepage-v3-preview.png", PNG, preview)],
        )
    )
    fb = reply(
        v3,
        ZOE,
        at(8, "10:05"),
        say("""
        Hi Mira,

        thank you, this is SO much better. The team looked at it this morning, a few points:

        1. The hero feels a bit dark on my laptop. Can we try the lighter navy?
        2. "Start your free trial" -> we are dropping the trial, please use "Book a demo".
        3. Team page: Yuki can shoot real photos in March, so keep placeholders for now.
        4. Footer: the imprint link is missing (legal will kill me).

        Felix is in cc for the technical side.

        Liebe Grüße,
        Zoë"""),
        cc=[FELIX],
        flags="RA",
    )
    fix = reply(
        fb,
        ME,
        at(7, "09:20"),
        mira("""
        Hi Zoë,

        all four done:

        1. lighter navy (#1F3A5F) in the hero, contrast still passes AA
        2. CTA reads "Book a demo" everywhere, including the sticky header
        3. placeholders stay, I'll brief Yuki on the crops
        4. imprint and privacy links are back in the footer
        From my side, that's everything for v3. Marcus starts the CMS templates on Monday.

        Mira"""),
        to=[ZOE],
        cc=[FELIX],
    )
    move = reply(
        fix,
        ZOE,
        at(1, "17:48"),
        say("""
        Quick one: can we move the review call to Monday 10:00? Our board meeting
        was pushed to Friday afternoon. Invite is on its way.

        Zoë"""),
        cc=[],
        flags="R",
        quote=False,
    )
    start = at(-3, "10:00")
    add(
        Mail(
            ZOE,
            [ME],
            "Invitation: Brightwave review call @ Mon 10:00 - 10:45 (CET)",
            at(1, "17:50"),
            say(f"""
            Zoë Müller has invited you to an event.

            Brightwave review call
            When: Monday {start:%d %b %Y} 10:00 - 10:45 (CET)
            Where: Google Meet, meet.example.com/bwv-rvw-call

            Agenda: homepage v3 sign-off, launch date, photo shoot.
            """),
            "inbox",
            attachments=[
                (
                    "invite.ics",
                    "text/calendar",
                    ics("Brightwave review call", start, 45, ZOE, "bwv-review@brightwave.example"),
                )
            ],
            flags="R",
        )
    )
    reply(
        move,
        ZOE,
        at(0, "07:58"),
        say("""
        Good morning Mira!

        Short version: the board loved it. Signed approval attached, so we are good to
        go for the build. Launch target is 7 April; Felix will send the staging plan.

        Thank you for pushing on the pricing section, that was the turning point.

        Zoë"""),
        flags="F",
        attachments=[
            (
                "Brightwave_Signoff_Homepage_v3.pdf",
                PDF,
                pdf(
                    "Brightwave GmbH - Design sign-off",
                    ["Project: Website relaunch", "Deliverable: Homepage v3", "Approved: yes"],
                ),
            )
        ],
        quote=False,
    )


def hoffmann() -> None:
    inv = add(
        Mail(
            ME,
            [JUERGEN],
            "Invoice 2025-011 - Logo refresh Hoffmann Bau",
            at(33, "11:10"),
            mira("""
            Dear Mr Hoffmann,

            thank you again for the good collaboration on the logo refresh. Please find
            invoice 2025-011 attached, payable within 14 days.

            Kind regards,
            Mira Castell"""),
            "sent",
            attachments=[
                (
                    "Castell_Studio_Invoice_2025-011.pdf",
                    PDF,
                    invoice(
                        "2025-011",
                        "Hoffmann Bau GmbH",
                        [("Logo refresh, 3 rounds", "2,400.00 EUR"), ("Stationery", "600.00 EUR")],
                        "3,570.00 EUR",
                    ),
                )
            ],
        )
    )
    nudge = reply(
        inv,
        ME,
        at(6, "09:02"),
        mira("""
        Dear Mr Hoffmann,

        a friendly reminder that invoice 2025-011 (3,570.00 EUR) was due on 1 March.
        Could you check with your accounts team? Happy to resend anything they need.

        Kind regards,
        Mira Castell"""),
        to=[JUERGEN],
    )
    reply(
        nudge,
        JUERGEN,
        at(2, "14:37"),
        say("""
        Sehr geehrte Frau Castell,

        please excuse the delay - our bookkeeper was ill for two weeks and the
        invoices piled up. The payment is approved and goes out on Tuesday.

        Could you send us a short confirmation once it has arrived? Our auditor
        likes to see that.

        Mit freundlichen Grüßen / Best regards
        Jürgen Hoffmann
        Geschäftsführer
        Hoffmann Bau GmbH · Königstraße 12 · 70173 Stuttgart"""),
        flags="F",
    )


def nordlys() -> None:
    brief = add(
        Mail(
            SOREN,
            [ME],
            "Nordlys brand guidelines - kickoff notes",
            at(12, "15:22", CPH),
            say("""
            Hej Mira,

            great to meet you yesterday! Notes from our side:

            - audience: small hotels and guesthouses in Scandinavia
            - keep the aurora green, lose the gradient
            - guidelines as a PDF plus a Figma library, English only
            - budget as discussed, deadline end of March

            The old brief is attached so you can see where we came from.

            Tak,
            Søren"""),
            "inbox",
            attachments=[
                (
                    "nordlys-brief-2023.pdf",
                    PDF,
                    pdf("Nordlys ApS - brand brief 2023", ["Aurora green #2BB673", "Tagline"]),
                )
            ],
            flags="RA",
        )
    )
    ok = reply(
        brief,
        ME,
        at(11, "10:03"),
        mira("""
        Hej Søren,

        thanks for the notes, that matches mine. I'll send a first draft of the
        guidelines by the 9th and we go from there.

        Mira"""),
    )
    draft = add(
        Mail(
            ME,
            [SOREN],
            "Nordlys brand guidelines - first draft",
            at(5, "18:15"),
            mira("""
            Hej Søren,

            here is the first draft (22 pages). The colour and type chapters are done,
            imagery and tone of voice are still rough. Comments welcome anywhere.

            Mira"""),
            "sent",
            attachments=[
                (
                    "Nordlys_Brand_Guidelines_draft1.pdf",
                    PDF,
                    pdf("Nordlys - Brand guidelines (draft 1)", ["Colour", "Type", "Imagery"]),
                )
            ],
            parent=ok,
        )
    )
    comments = reply(
        draft,
        SOREN,
        at(4, "08:47", CPH),
        say("""
        Mira, this is beautiful. Everyone here is very happy.

        Two things:
        - the secondary font feels a bit "tech". Could we try something warmer?
        - page 14: "Nordlys" must never be set in all caps (long story with a lawyer).

        Payment for the first half went out yesterday.

        Søren"""),
        flags="RA",
    )
    reply(
        comments,
        ME,
        at(3, "11:30"),
        mira("""
        Thanks Søren! I'll try two warmer secondaries (one humanist sans, one soft
        serif) and fix page 14. New draft on Wednesday.

        Mira"""),
    )
    add(
        Mail(
            SOREN,
            [ME],
            "One more thing about the colour palette",
            at(0, "08:31", CPH),
            say("""
            Hej again,

            our printer says the aurora green shifts a lot on uncoated paper. Could
            you add a Pantone reference for uncoated stock to the colour chapter?

            Have a good weekend!
            Søren

            Sent from my iPhone"""),
            "inbox",
        )
    )


def lumen() -> None:
    ask = add(
        Mail(
            PRIYA,
            [ME],
            "Enquiry: rebrand for Lumen Health clinics",
            at(10, "13:12", LONDON),
            say("""
            Dear Mira,

            I run marketing at Lumen Health, a group of six physiotherapy clinics
            in London and Manchester. Zoë Müller at Brightwave recommended you.

            We are looking for a partner to refresh our brand (logo, colours,
            signage) and rebuild the booking website later this year. Would you
            have time for a short call next week?

            Best wishes,
            Priya Natarajan
            Head of Marketing, Lumen Health"""),
            "inbox",
            flags="RA",
        )
    )
    call = reply(
        ask,
        ME,
        at(10, "15:40"),
        mira("""
        Dear Priya,

        thank you for reaching out, and please say thanks to Zoë! A call would be
        lovely. You can pick a slot that suits you here:
        https://slotbook.example/mira-castell/intro-30

        Best,
        Mira"""),
    )
    prop = add(
        Mail(
            ME,
            [PRIYA],
            "Proposal: Lumen Health rebrand",
            at(6, "17:05"),
            mira("""
            Dear Priya,

            thank you for the call on Monday. As promised, my proposal is attached:
            two phases (brand identity, then the booking site), with fixed prices
            and a timeline that keeps the clinics open during the signage change.

            Happy to walk you through it.

            Best,
            Mira"""),
            "sent",
            attachments=[
                (
                    "Castell_Studio_Proposal_Lumen_Health.pdf",
                    PDF,
                    pdf(
                        "Proposal - Lumen Health rebrand",
                        ["Phase 1: brand identity - 9,800 EUR", "Phase 2: website - 14,500 EUR"],
                    ),
                )
            ],
            parent=call,
        )
    )
    reply(
        prop,
        PRIYA,
        at(1, "16:20", LONDON),
        say("""
        Hi Mira,

        thanks so much, the proposal reads really well. Our CFO has two questions:

        1. Could phase 2 start in Q3 instead of June? Budgets reset in July.
        2. Is the signage design included in phase 1 or billed separately?

        If we can sort those out, I think we are good to sign next week.

        Priya"""),
        flags="F",
    )


def cafe() -> None:
    photos = add(
        Mail(
            TOMAS,
            [ME],
            "Menú nuevo - photos for the back page",
            at(14, "19:48", MADRID),
            say("""
            Hola Mira!

            here are the photos for the back of the menu. The tortilla one is my
            favourite, the interior one is a bit dark maybe?

            Un abrazo,
            Tomás"""),
            "inbox",
            attachments=[
                ("tortilla.png", PNG, png(96, 72, [(240, 200, 120), (200, 140, 70)], 2)),
                ("cafe-interior.png", PNG, png(96, 72, [(70, 50, 40), (140, 100, 70)], 3)),
            ],
            flags="RA",
        )
    )
    back = reply(
        photos,
        ME,
        at(13, "09:15"),
        mira("""
        Hola Tomás,

        they are great! I brightened the interior photo a little and used it
        small on the right. Final PDF goes to Björn's print shop tomorrow.

        Mira"""),
    )
    reply(
        back,
        TOMAS,
        at(3, "21:05", MADRID),
        say("""
        Mira!!! The printed menus arrived today and they look amazing. The
        customers already ask about the little sun drawing.

        Payment is on its way. ¡Gracias por todo!
        Tomás"""),
    )


def greenleaf() -> None:
    cal = add(
        Mail(
            AOIFE,
            [ME],
            "March social posts - content calendar",
            at(4, "10:40", DUBLIN),
            say("""
            Hi Mira,

            attached is the content calendar for March: 12 posts, copy is final
            except the two marked TBC. Visuals by the 20th would be grand.

            Thanks a mil,
            Aoife"""),
            "inbox",
            attachments=[
                (
                    "greenleaf-march-content-calendar.csv",
                    "text/csv",
                    (
                        "date,channel,topic,status\n"
                        "2025-03-17,Instagram,St Patrick's Day market stall,final\n"
                        "2025-03-19,Instagram,Seed swap,final\n"
                        "2025-03-21,LinkedIn,Annual report teaser,TBC\n"
                        "2025-03-24,Instagram,Volunteer spotlight: Ciarán,final\n"
                        "2025-03-28,Instagram,Spring veg box,TBC\n"
                    ).encode(),
                )
            ],
            flags="RA",
        )
    )
    got = reply(
        cal,
        ME,
        at(4, "12:02"),
        mira("""
        Got it, thanks Aoife! I'll have the visuals for the first six posts by
        Tuesday.

        Mira"""),
    )
    reply(
        got,
        AOIFE,
        at(0, "08:10", DUBLIN),
        say("""
        Morning Mira,

        small change: can we swap the seed swap post (19th) with the volunteer
        spotlight? Ciarán is away that week. Sorry for the faff!

        Aoife"""),
        quote=False,
        flags="",
    )


def bookkeeping() -> None:
    vat = add(
        Mail(
            CLAIRE,
            [ME],
            "Q1 VAT return - missing receipts",
            at(5, "09:12"),
            say("""
            Hello Mira,

            I am preparing the Q1 VAT return. Seven receipts are still missing
            (list attached). Could you upload them to the shared folder by
            Friday 21 March? Otherwise I have to file without the input tax.

            Best regards,
            Claire Dubois
            Dubois Comptabilité - Steuerbüro"""),
            "inbox",
            attachments=[
                (
                    "missing-receipts-Q1.csv",
                    "text/csv",
                    (
                        "date;vendor;amount\n"
                        "2025-01-08;Cloudnest;23.80\n"
                        "2025-01-15;Deutsche Bahn;89.90\n"
                        "2025-01-30;Paper & Co;41.20\n"
                        "2025-02-03;Coworking Haus;290.00\n"
                        "2025-02-11;Type Foundry Nord;149.00\n"
                        "2025-02-20;Cloudnest;23.80\n"
                        "2025-03-02;Café Fleur;18.40\n"
                    ).encode(),
                )
            ],
            flags="RAF",
        )
    )
    reply(
        vat,
        ME,
        at(5, "13:45"),
        mira("""
        Hi Claire,

        thanks for the list. I'll upload all seven by Thursday evening.

        Mira"""),
    )


def subcontract() -> None:
    ask = add(
        Mail(
            ME,
            [MARCUS],
            "Brightwave build - can you take the CMS part?",
            at(8, "11:20"),
            mira("""
            Hey Marcus,

            Brightwave approved v3 (almost). Would you have capacity to build the
            CMS templates, roughly 8 days between 17 March and 4 April?

            Mira"""),
            "sent",
        )
    )
    yes = reply(
        ask,
        MARCUS,
        at(8, "12:02"),
        say("""
        Hey! Yes, that works. Same rate as last time (680/day)? I can start
        on Monday the 17th.

        M."""),
        flags="RA",
    )
    contract = reply(
        yes,
        ME,
        at(7, "10:30"),
        mira("""
        Perfect, same rate. Contract follows from my side this week.

        Mira"""),
    )
    add(
        Mail(
            MARCUS,
            [ME],
            "Brightwave staging is up",
            at(2, "18:33"),
            say("""
            Staging is up: https://staging.brightwave.example/?preview=v3
            Login is the usual one. Nav and footer are done, the pricing table
            is still static.

            Ping me if anything looks off.
            M."""),
            "inbox",
            parent=contract,
        )
    )


def leads_and_people() -> None:
    hi = add(
        Mail(
            ELODIE,
            [ME],
            "Recommandée par Tomás - visual identity for my shop",
            at(3, "10:15", MADRID),
            say("""
            Bonjour Mira,

            Tomás from Cafetería Sol gave me your address. I am opening a small
            ceramics and homeware shop in Valencia in June and need a name, logo
            and packaging. Would that be something for you?

            Merci beaucoup,
            Élodie Lefèvre
            Maison Lefèvre"""),
            "inbox",
            flags="RA",
        )
    )
    reply(
        hi,
        ME,
        at(2, "09:40"),
        mira("""
        Bonjour Élodie,

        how lovely, thank you (and Tomás)! Yes, this is exactly the kind of
        project I love. My portfolio is at https://castell-studio.example/work;
        shall we talk on Tuesday or Wednesday?

        Mira"""),
    )
    inv = add(
        Mail(
            INGRID,
            [ME],
            "Speaker invitation: Design Days Copenhagen 2025",
            at(6, "14:00", CPH),
            say("""
            Dear Mira,

            we would be delighted to have you speak at Design Days Copenhagen on
            3 April: 25 minutes on branding for small businesses. Travel and two
            nights at the hotel are covered.

            Could you let me know by the 15th?

            Warm regards,
            Ingrid Johansson
            Programme lead, Design Days"""),
            "inbox",
            flags="RAF",
        )
    )
    yes = reply(
        inv,
        ME,
        at(5, "08:55"),
        mira("""
        Dear Ingrid,

        yes, I'd love to! Talk title to follow by Monday.

        Mira"""),
    )
    reply(
        yes,
        INGRID,
        at(1, "11:25", CPH),
        say("""
        Wonderful, welcome aboard! The speaker pack with the schedule, hotel and
        the slide template is attached.

        Ingrid"""),
        attachments=[
            (
                "DDC25_speaker_pack.pdf",
                PDF,
                pdf("Design Days Copenhagen 2025 - speaker pack", ["3 April, Hall B, 14:30"]),
            )
        ],
        quote=False,
    )
    shoot = add(
        Mail(
            ME,
            [YUKI],
            "Photo shoot for the Brightwave team page",
            at(6, "09:10"),
            mira("""
            Hi Yuki,

            Brightwave would like real team photos for their new site, 14 people,
            one afternoon at their office, natural light, the same crops for
            everyone. Are you free in the week of 24 March?

            Mira"""),
            "sent",
        )
    )
    reply(
        shoot,
        YUKI,
        at(5, "20:12"),
        say("""
        Hi Mira, the 26th works! Here's a contact sheet from a similar job so
        you can show them the style.

        Yuki"""),
        attachments=[
            (
                "contact-sheet-sample.png",
                PNG,
                png(180, 120, [(210, 205, 200), (150, 140, 135), (90, 85, 85)], 4),
            )
        ],
    )
    bday = add(
        Mail(
            LEO,
            [ME],
            "Mum's birthday - present idea?",
            at(2, "21:14"),
            say("""
            Hey sis,

            any idea for Mum? I was thinking the pottery course in Potsdam. We
            could go halves. Also: dinner on Saturday, I can book Lokal.

            Leo"""),
            "inbox",
            flags="RA",
        )
    )
    ok = reply(
        bday,
        ME,
        at(2, "22:01"),
        "Pottery course is perfect, halves it is! And yes please book Lokal, 19:00?\n\nM.",
        quote=False,
    )
    reply(
        ok,
        LEO,
        at(1, "08:12"),
        "Booked, Saturday 19:00, table for four. Bring the card, I'll get the voucher.\n\nL.",
        quote=False,
    )
    add(
        Mail(
            HANNAH,
            [ME],
            "Coworking Haus: community breakfast on Friday",
            at(3, "12:30"),
            say("""
            Hi everyone,

            this Friday at 9:00 we have our monthly community breakfast in the
            kitchen. Bring your questions for the new members!

            Also: the meeting rooms now book via the app only.

            Hannah
            Coworking Haus Kreuzberg"""),
            "inbox",
        )
    )


# -- notifications, newsletters, outreach --------------------------------------------------

PIXEL = Who("Pixel Weekly", "issue@news.pixelweekly.example", NYC)
PAYLANE = Who("Paylane", "receipts@paylane.example", BERLIN)
SLOTBOOK = Who("Slotbook", "notifications@slotbook.example", BERLIN)
SKETCH = Who("Sketchboard", "comments@sketchboard.example", SF)
LINKWISE = Who("Linkwise", "notify@linkwise.example", SF)
CLOUDNEST = Who("Cloudnest Billing", "billing@cloudnest.example", BERLIN)
HOSTWELL = Who("Hostwell", "domains@hostwell.example", BERLIN)
PHISH = Who("Hostwell Support", "support@hostwell-notice.test", BERLIN)
BANK = Who("Nordbank Online", "no-reply@nordbank.example", BERLIN)
RAIL = Who("EuroRail Tickets", "tickets@eurorail.example", BERLIN)
FRIDAY = Who("Freelance Friday", "letters@freelancefriday.example", LONDON)

PIXEL_STORIES = [
    ("Variable fonts are finally boring (that's good)", "Why 2025 is the year to ship them."),
    ("The case against the hamburger menu, again", "New data from 1,200 usability sessions."),
    ("Colour contrast tools compared", "Seven checkers, one clear winner."),
    ("Pricing pages that convert", "What 40 SaaS redesigns have in common."),
    ("Dark mode without tears", "Tokens, not inversions."),
    ("Freelancers: stop selling hours", "Packaging your work as products."),
    ("Accessible PDFs from your design tool", "It is possible. Here is how."),
    ("The logo refresh checklist", "Twenty things clients forget to ask for."),
    ("Grid systems for the small screen", "Four columns are enough."),
    ("Icon sets worth paying for", "Our yearly roundup."),
    ("Writing UX copy with your client", "A workshop format that works."),
    ("When to say no to a project", "Red flags in the first email."),
]


def newsletter(issue: int, days_ago: int, folder: str, flags: str) -> None:
    stories = [PIXEL_STORIES[(issue * 3 + k) % len(PIXEL_STORIES)] for k in range(3)]
    track = hashlib.md5(f"{issue}".encode()).hexdigest()[:16]
    cards = "".join(
        f"""<tr><td style="padding:16px 24px;border-bottom:1px solid #eee">
<img src="https://cdn.pixelweekly.example/img/{issue}-{k}.jpg" width="552" height="220"
 alt="" style="display:block;border-radius:6px">
<h2 style="font:600 20px Helvetica,Arial,sans-serif;color:#111;margin:14px 0 6px">
<a href="https://t.pixelweekly.example/c/{track}{k}?u=https%3A%2F%2Fpixelweekly.example%2F{issue}%2F{k}"
 style="color:#111;text-decoration:none">{escape(title)}</a></h2>
<p style="font:15px/1.5 Helvetica,Arial,sans-serif;color:#444;margin:0">{escape(teaser)}</p>
</td></tr>"""
        for k, (title, teaser) in enumerate(stories)
    )
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Pixel Weekly #{issue}</title></head>
<body style="margin:0;background:#f4f4f0">
<table width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f0">
<tr><td align="center">
<table width="600" cellpadding="0" cellspacing="0" style="background:#ffffff">
<tr><td style="padding:24px;background:#111"><img src="https://cdn.pixelweekly.example/logo-white.png"
 width="160" height="32" alt="Pixel Weekly"></td></tr>
<tr><td style="padding:20px 24px 4px;font:13px Helvetica,Arial,sans-serif;color:#888">
Issue #{issue} · the design newsletter for people who ship</td></tr>
{cards}
<tr><td style="padding:20px 24px;font:12px Helvetica,Arial,sans-serif;color:#999">
You get this because you signed up at pixelweekly.example.
<a href="https://t.pixelweekly.example/u/{track}">Unsubscribe</a></td></tr>
</table></td></tr></table>
<img src="https://t.pixelweekly.example/o/{track}.gif" width="1" height="1" alt=""
 style="display:none">
</body></html>"""
    text = f"Pixel Weekly #{issue}\n\n" + "\n\n".join(
        f"{title}\n{teaser}\nhttps://pixelweekly.example/{issue}/{k}"
        for k, (title, teaser) in enumerate(stories)
    )
    text += "\n\nUnsubscribe: https://pixelweekly.example/unsubscribe"
    add(
        Mail(
            PIXEL,
            [ME],
            f"Pixel Weekly #{issue}: {stories[0][0]}",
            at(days_ago, "06:30", BERLIN),
            text,
            folder,
            html=html,
            flags=flags,
            headers={
                "List-Unsubscribe": f"<https://t.pixelweekly.example/u/{track}>",
                "List-Id": "Pixel Weekly <weekly.pixelweekly.example>",
                "Precedence": "bulk",
            },
        )
    )


def paylane(amount: str, payer: str, days_ago: int, folder: str) -> None:
    text = say(f"""
    You received a payment

    {amount} from {payer}
    It will be in your Paylane balance immediately and paid out on the next
    business day.

    View transaction: https://dashboard.paylane.example/payments
    """)
    html = f"""<html><body style="font-family:Helvetica,Arial,sans-serif;color:#1a1a1a">
<img src="https://static.paylane.example/email/logo.png" width="96" height="28" alt="Paylane">
<h1 style="font-size:22px;font-weight:600">You received {escape(amount)}</h1>
<p>from <b>{escape(payer)}</b>. It will be paid out on the next business day.</p>
<p><a href="https://dashboard.paylane.example/payments"
 style="background:#5b4cf0;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">
View transaction</a></p></body></html>"""
    add(
        Mail(
            PAYLANE,
            [ME],
            f"You received {amount} from {payer}",
            at(days_ago, "07:12"),
            text,
            folder,
            html=html,
            flags="R",
        )
    )


def notifications() -> None:
    for issue, days, folder, flags in (
        (114, 0, "inbox", ""),
        (113, 7, "inbox", "R"),
        (112, 14, "inbox", "R"),
        (111, 21, "archive", "R"),
        (110, 28, "archive", "R"),
        (109, 35, "archive", "R"),
        (108, 42, "archive", "R"),
    ):
        newsletter(issue, days, folder, flags)
    paylane("€1,250.00", "Nordlys ApS", 3, "inbox")
    paylane("€480.00", "Cafetería Sol", 2, "inbox")
    paylane("€2,900.00", "Greenleaf Co-operative", 16, "archive")
    paylane("€1,250.00", "Nordlys ApS", 25, "archive")
    paylane("€760.00", "Brightwave GmbH", 44, "archive")
    for days, who, what in (
        (8, "Zoë Müller", "Can we see the lighter navy on the pricing cards too?"),
        (4, "Søren Kjær", "@Mira love this spread, can the photo bleed off the page?"),
        (0, "Felix Brandt", "The breakpoints for the nav are in the dev notes now."),
        (1, "Zoë Müller", "Approved ✓"),
    ):
        file = "Nordlys Brand" if "Søren" in who else "Brightwave Homepage v3"
        add(
            Mail(
                SKETCH,
                [ME],
                f"{who} commented on {file}",
                at(days, "08:45" if days == 0 else "16:05"),
                f'{who} commented on "{file}":\n\n"{what}"\n\n'
                "Reply: https://sketchboard.example/f/8812/comments\n\n"
                "Turn off comment notifications: https://sketchboard.example/settings",
                "inbox",
                flags="" if days < 2 else "R",
            )
        )
    add(
        Mail(
            SLOTBOOK,
            [ME],
            "New booking: Intro call with Priya Natarajan",
            at(9, "09:31"),
            say("""
            Priya Natarajan booked "Intro call (30 min)" with you.

            Monday, 10 March 2025, 11:00 - 11:30 (Europe/Berlin)
            Notes: "Rebrand for six clinics, website later in the year."

            Reschedule or cancel: https://slotbook.example/bookings/7Q2K"""),
            "inbox",
            flags="R",
        )
    )
    add(
        Mail(
            SLOTBOOK,
            [ME],
            "Reminder: Intro call with Élodie Lefèvre on Tuesday",
            at(0, "07:00"),
            say("""
            Reminder: "Intro call (30 min)" with Élodie Lefèvre
            Tuesday, 18 March 2025, 10:00 - 10:30 (Europe/Berlin)

            Join: https://slotbook.example/join/PX4M"""),
            "inbox",
        )
    )
    for days, text, folder in (
        (9, "Priya Natarajan viewed your profile.", "inbox"),
        (7, "Ingrid Johansson wants to connect with you.", "inbox"),
        (38, "You appeared in 23 searches this week.", "archive"),
    ):
        add(
            Mail(
                LINKWISE,
                [ME],
                text.rstrip("."),
                at(days, "18:20"),
                f"{text}\n\nSee more: https://linkwise.example/notifications",
                folder,
                flags="R",
            )
        )
    for days, month, folder in ((11, "February 2025", "inbox"), (41, "January 2025", "archive")):
        add(
            Mail(
                CLOUDNEST,
                [ME],
                f"Your Cloudnest invoice for {month}",
                at(days, "03:12"),
                f"Hello Mira,\n\nyour invoice for {month} is attached: 23.80 EUR, paid by card "
                "ending 4417.\n\nThank you for hosting with Cloudnest.",
                folder,
                attachments=[
                    (
                        f"cloudnest-invoice-{month.replace(' ', '-').lower()}.pdf",
                        PDF,
                        pdf(f"Cloudnest invoice {month}", ["VPS S", "23.80 EUR"]),
                    )
                ],
                flags="R",
            )
        )
    add(
        Mail(
            HOSTWELL,
            [ME],
            "castell-studio.example renews in 14 days",
            at(2, "06:00"),
            say("""
            Hi Mira,

            your domain castell-studio.example renews automatically on 28 March 2025
            for 14.90 EUR per year. Nothing to do if that's what you want.

            Manage your domains: https://my.hostwell.example/domains"""),
            "inbox",
            flags="R",
        )
    )
    add(
        Mail(
            PHISH,
            [ME],
            "Action required: your mailbox is 98% full",
            at(1, "04:44"),
            "Your mailbox is almost full. Log in within 24 hours to avoid losing new mail:\n"
            "https://my.hostwell.example/login\n",
            "inbox",
            html=(
                '<html><body style="font-family:Arial">'
                '<p><img src="http://hostwell-account-verify.test/logo.png" alt="Hostwell"></p>'
                "<p>Dear customer,</p><p>Your mailbox is <b>98% full</b>. Log in within "
                "24 hours to avoid losing new mail:</p>"
                '<p><a href="http://hostwell-account-verify.test/login.php?u=mira">'
                "https://my.hostwell.example/login</a></p>"
                "<p>Hostwell Support Team</p></body></html>"
            ),
        )
    )
    add(
        Mail(
            BANK,
            [ME],
            "Your account statement is ready",
            at(10, "05:30"),
            "Your statement for February 2025 is ready in online banking.\n\n"
            "For your security we never ask for your PIN or TAN by e-mail.",
            "inbox",
            flags="R",
        )
    )
    add(
        Mail(
            RAIL,
            [ME],
            "Your e-ticket: Berlin Hbf → København H, 2 April",
            at(1, "20:03"),
            say("""
            Thank you for travelling with EuroRail.

            Berlin Hbf 07:37 → København H 14:29, Wednesday 2 April 2025
            Coach 9, seat 65 (window, quiet zone)

            Your ticket is attached. Show it on your phone or print it."""),
            "inbox",
            attachments=[
                (
                    "eticket-BER-CPH-0402.pdf",
                    PDF,
                    pdf("EuroRail e-ticket", ["Berlin Hbf -> Kobenhavn H", "2 April 2025"]),
                )
            ],
            flags="RF",
        )
    )
    for days, issue, topic in ((1, 87, "Raising your rates mid-project"), (8, 86, "Retainers")):
        add(
            Mail(
                FRIDAY,
                [ME],
                f"Freelance Friday #{issue}: {topic}",
                at(days, "08:00", LONDON),
                say(f"""
                FREELANCE FRIDAY #{issue}
                ========================

                This week: {topic.lower()}.

                Most of you told us the hardest conversation is the money one.
                Three readers shared the exact e-mails they sent. Read them here:
                https://freelancefriday.example/{issue}

                --\x20
                You are receiving this because you subscribed at freelancefriday.example.
                Unsubscribe: https://freelancefriday.example/unsubscribe"""),
                "inbox",
                flags="R" if days > 1 else "",
                headers={"List-Id": "<letters.freelancefriday.example>", "Precedence": "bulk"},
            )
        )


def outreach() -> None:
    first = add(
        Mail(
            ME,
            [NILS],
            "Brand workshop for Kaamos?",
            at(20, "10:12"),
            mira("""
            Hi Nils,

            we met at the Creative Mornings breakfast last month. You mentioned
            Kaamos is growing into Germany: I run half-day brand workshops for
            teams in exactly that spot. One-pager attached, happy to chat.

            Mira"""),
            "sent",
            attachments=[
                (
                    "Castell_Studio_Brand_Workshop.pdf",
                    PDF,
                    pdf("Brand workshop - half day", ["Who are we for?", "What do we say?"]),
                )
            ],
        )
    )
    reply(
        first,
        ME,
        at(8, "09:45"),
        mira("""
        Hi Nils,

        just bringing this back to the top of your inbox. Would a 20-minute
        call in the next two weeks work?

        Mira"""),
        to=[NILS],
    )
    add(
        Mail(
            ME,
            [GIULIA],
            "Quote: new website for Atelier Rossi",
            at(13, "16:30"),
            mira("""
            Dear Giulia,

            thank you for your time yesterday. Attached is the quote for the
            new website: 6 pages, shop integration, two rounds of revisions.

            Best,
            Mira"""),
            "sent",
            attachments=[
                (
                    "Castell_Studio_Quote_Atelier_Rossi.pdf",
                    PDF,
                    pdf("Quote - Atelier Rossi website", ["Total: 7,200 EUR"]),
                )
            ],
        )
    )


# -- older work, archived ------------------------------------------------------------------


def archived() -> None:
    quote = add(
        Mail(
            ME,
            [BJORN],
            "Quote request: 500 menus, A4 folded",
            at(40, "10:00"),
            mira("""
            Hej Björn,

            could you quote 500 menus, A4 folded to A5, 300 g uncoated, 4/4 colour?
            Delivery to Madrid by mid-March.

            Mira"""),
            "sent",
        )
    )
    offer = reply(
        quote,
        BJORN,
        at(39, "08:15", CPH),
        say("""
        Hej Mira,

        500 menus as described: 412 EUR plus 38 EUR shipping to Madrid,
        5 working days after proof approval. Offer attached.

        Med vänliga hälsningar,
        Björn Andersson
        Tryckeriet AB"""),
        folder="archive",
        flags="RA",
        attachments=[("Offert_2025-0211.pdf", PDF, pdf("Tryckeriet AB - Offert", ["412 EUR"]))],
    )
    go = reply(offer, ME, at(38, "11:20"), mira("Great, please go ahead. Files by Friday.\n\nMira"))
    reply(
        go,
        BJORN,
        at(17, "15:40", CPH),
        "The menus shipped today, tracking: https://track.example/SE88120441\n\nBjörn",
        folder="archive",
        quote=False,
    )

    kick = add(
        Mail(
            JUERGEN,
            [ME],
            "Logo Hoffmann Bau - Auftrag",
            at(76, "09:05"),
            say("""
            Sehr geehrte Frau Castell,

            thank you for the nice meeting. We would like to give you the order
            for the logo refresh as offered (3,000 EUR net). Our old logo is
            attached as a vector file.

            Mit freundlichen Grüßen
            Jürgen Hoffmann"""),
            "archive",
            attachments=[("Logo_alt.pdf", PDF, pdf("Hoffmann Bau - Logo (alt)", ["HB"]))],
            flags="RA",
        )
    )
    thanks = reply(
        kick,
        ME,
        at(75, "10:30"),
        mira("""
        Dear Mr Hoffmann,

        thank you for the order! First concepts will follow in two weeks.

        Kind regards,
        Mira Castell"""),
    )
    concepts = add(
        Mail(
            ME,
            [JUERGEN],
            "Logo concepts Hoffmann Bau",
            at(61, "16:00"),
            mira("""
            Dear Mr Hoffmann,

            attached are three directions. My recommendation is B: it keeps the
            roof shape of the old logo but works in one colour on site signs.

            Kind regards,
            Mira Castell"""),
            "sent",
            attachments=[
                (
                    "HoffmannBau_Logo_Concepts.png",
                    PNG,
                    png(180, 90, [(40, 60, 90), (230, 120, 40), (120, 120, 120)], 5),
                )
            ],
            parent=thanks,
        )
    )
    reply(
        concepts,
        JUERGEN,
        at(58, "07:50"),
        say("""
        Sehr geehrte Frau Castell,

        we all like B. Please go ahead with B, maybe the orange a little darker.

        Grüße aus Stuttgart
        Jürgen Hoffmann"""),
        folder="archive",
    )

    kickoff = add(
        Mail(
            ZOE,
            [ME],
            "Brightwave website relaunch - kickoff",
            at(47, "11:00"),
            say("""
            Hi Mira,

            welcome on board! As promised, the kickoff summary:

            - scope: homepage, pricing, product tour, team, blog template
            - first homepage draft in three weeks
            - Felix is your technical contact, I do content and sign-off

            Looking forward!
            Zoë"""),
            "archive",
            cc=[FELIX],
            flags="RA",
        )
    )
    reply(
        kickoff,
        ME,
        at(47, "14:12"),
        mira("Thanks Zoë, all clear. I'll share the moodboard on Friday.\n\nMira"),
        to=[ZOE],
        cc=[FELIX],
        attachments=[
            (
                "brightwave-moodboard.png",
                PNG,
                png(200, 120, [(31, 58, 95), (247, 244, 238), (255, 122, 89), (63, 175, 150)], 6),
            )
        ],
    )

    intro = add(
        Mail(
            TOMAS,
            [ME],
            "Hola! New menu for Cafetería Sol",
            at(62, "20:30", MADRID),
            say("""
            Hola Mira,

            my cousin Lucía says you made her wedding invitations. We need a new
            menu for the café, something warm, with a little sun. Is it possible
            before the spring?

            Tomás García
            Cafetería Sol, Calle de la Paz 7, Valencia"""),
            "archive",
            flags="RA",
        )
    )
    reply(
        intro,
        ME,
        at(61, "09:10"),
        mira("""
        Hola Tomás,

        yes, spring works! A menu redesign is 950 EUR including print-ready files.
        Shall we start with a short call about the dishes and the mood?

        Mira"""),
    )
    feb = add(
        Mail(
            AOIFE,
            [ME],
            "February report + thank you",
            at(30, "16:45", DUBLIN),
            say("""
            Hi Mira,

            February numbers are in: Instagram reach +38%, the seed swap post
            was our best ever. The board said to tell you they noticed.

            Aoife"""),
            "archive",
            flags="RA",
        )
    )
    reply(feb, ME, at(29, "09:05"), mira("That made my week. Thank you, Aoife!\n\nMira"))
    q4 = add(
        Mail(
            CLAIRE,
            [ME],
            "Annual accounts 2024 - documents",
            at(80, "10:20"),
            say("""
            Hello Mira,

            for the 2024 annual accounts I need your bank statements for
            December and the list of open invoices. No rush before the 31st.

            Best regards,
            Claire Dubois"""),
            "archive",
            flags="RA",
        )
    )
    sent_q4 = reply(
        q4,
        ME,
        at(78, "17:30"),
        mira("Hi Claire, both are in the shared folder now.\n\nMira"),
    )
    reply(
        sent_q4,
        CLAIRE,
        at(77, "08:40"),
        "Thank you, everything is complete.\n\nClaire",
        folder="archive",
        quote=False,
    )
    lunch = add(
        Mail(
            MARCUS,
            [ME],
            "Lunch next week?",
            at(24, "13:05"),
            "Long time! Lunch at the Vietnamese place on Thursday? I have gossip.\n\nM.",
            "archive",
            flags="RA",
        )
    )
    reply(lunch, ME, at(24, "13:40"), "Yes! 12:30?\n\nM.", quote=False)
    photos = add(
        Mail(
            LEO,
            [ME],
            "Photos from Lisbon",
            at(52, "19:22"),
            "Finally sorted the Lisbon photos. The tram one is for Mum's fridge.\n\nL.",
            "archive",
            attachments=[
                ("lisbon-tram.png", PNG, png(120, 80, [(250, 205, 50), (90, 140, 200)], 7)),
                ("lisbon-view.png", PNG, png(120, 80, [(230, 120, 90), (70, 130, 190)], 8)),
            ],
            flags="RA",
        )
    )
    reply(photos, ME, at(52, "20:05"), "Love the tram one! ❤️\n\nM.", quote=False)


MUM = Who("Renate Castell", "renate.castell@mailbox.example", BERLIN, "plain", "iPad Mail (21D61)")
SOFIA = Who("Sofia Marchetti", "sofia.marchetti@mailbox.example", BERLIN, "html", "Gmail")
LUCIA = Who("Lucía Ortega", "lucia.ortega@mailbox.example", MADRID, "html", "Gmail")
TYPE = Who("Type Foundry Nord", "shop@typefoundry-nord.example", CPH)
FORGE = Who("Forgehub", "notifications@forgehub.example", SF)
COWORK = Who("Coworking Haus", "booking@coworkhaus.example", BERLIN)
CM = Who("CreativeMornings Berlin", "berlin@creativemornings.example", BERLIN, "html")
KSK = Who("Künstlersozialkasse", "service@ksk.example", BERLIN)
SEO = Who("Rank Rocket Agency", "growth@rankrocket.test", NYC)
TYPELETTER = Who("The Type Letter", "hello@typeletter.example", LONDON)


def one(
    sender: Who,
    subject: str,
    days: int,
    hhmm: str,
    body: str,
    folder: str = "inbox",
    flags: str = "R",
    **extra: Any,
) -> Mail:
    return add(
        Mail(
            sender,
            [ME],
            subject,
            at(days, hhmm, sender.tz),
            say(body),
            folder,
            flags=flags,
            **extra,
        )
    )


def invoices_sent() -> None:
    for number, client, who, days, items, total in (
        (
            "2025-014",
            "Nordlys ApS",
            SOREN,
            13,
            [("Brand guidelines, first half", "2,500.00 EUR")],
            "2,975.00 EUR",
        ),
        ("2025-015", "Cafetería Sol", TOMAS, 11, [("Menu redesign", "950.00 EUR")], "1,130.50 EUR"),
        (
            "2025-012",
            "Greenleaf Co-operative",
            AOIFE,
            27,
            [("Retainer February", "2,436.97 EUR")],
            "2,900.00 EUR",
        ),
        (
            "2025-009",
            "Brightwave GmbH",
            ZOE,
            45,
            [("Kickoff workshop", "638.66 EUR")],
            "760.00 EUR",
        ),
    ):
        add(
            Mail(
                ME,
                [who],
                f"Invoice {number} - {client}",
                at(days, "17:20"),
                mira(f"""
                Hi {who.first},

                please find invoice {number} attached ({total}), payable within 14 days.
                Thank you for the great work together!

                Mira"""),
                "sent",
                attachments=[
                    (
                        f"Castell_Studio_Invoice_{number}.pdf",
                        PDF,
                        invoice(number, client, items, total),
                    )
                ],
            )
        )


def more_people() -> None:
    fonts = add(
        Mail(
            FELIX,
            [ME],
            "Font licences for the web build",
            at(6, "15:10"),
            say("""
            Hi Mira,

            quick technical question before Marcus starts: do we have a web licence
            for the headline font, and for how many monthly page views? Our legal
            team wants the PDF in the project folder.

            Thanks,
            Felix"""),
            "inbox",
            flags="RA",
        )
    )
    lic = reply(
        fonts,
        ME,
        at(6, "16:02"),
        mira("""
        Hi Felix,

        yes: web licence for up to 250k page views per month, bought in
        February. I've put the licence PDF in /Brightwave/Legal.

        Mira"""),
    )
    reply(lic, FELIX, at(5, "09:30"), "Perfect, thanks!\n\nFelix", quote=False)
    copy = add(
        Mail(
            ZOE,
            [ME],
            "Copy for the pricing page",
            at(4, "17:25"),
            say("""
            Hi Mira,

            here's the final copy for the pricing page. The plan names changed
            (Starter / Team / Enterprise), sorry for the late switch!

            Starter: for small teams getting started, 29 € per seat
            Team: everything in Starter plus SSO and audit log, 49 € per seat
            Enterprise: talk to us

            Zoë"""),
            "inbox",
            flags="RA",
        )
    )
    reply(copy, ME, at(4, "18:02"), mira("Thanks! Updated in v3.1.\n\nMira"))
    annual = add(
        Mail(
            AOIFE,
            [ME],
            "Could you quote for our annual report?",
            at(2, "11:05", DUBLIN),
            say("""
            Hi Mira,

            a new one for you: the co-op's annual report, about 24 pages, mostly
            charts and photos, print run of 300. Due at the AGM on 30 May.
            Could you send a quote?

            Aoife"""),
            "inbox",
            flags="RF",
        )
    )
    del annual
    one(
        YUKI,
        "Invoice: Lumen Health portrait test shots",
        9,
        "10:00",
        """
        Hi Mira, invoice for the test shots attached. No rush!

        Yuki""",
        attachments=[
            (
                "Yuki_Tanaka_Invoice_031.pdf",
                PDF,
                pdf("Yuki Tanaka Photography", ["Invoice 031", "320.00 EUR"]),
            )
        ],
    )
    easter = one(
        MUM,
        "Ostern bei uns?",
        4,
        "19:40",
        """
        Hallo Mira,

        kommt ihr an Ostern zu uns? Papa will unbedingt grillen, egal wie das
        Wetter ist. Leo kommt am Sonntag.

        Liebe Grüße
        Mama""",
        flags="RA",
    )
    reply(
        easter,
        ME,
        at(3, "08:10"),
        "Ja, gerne! Wir kommen Samstag Abend. Kuchen bringe ich mit.\n\nMira",
        quote=False,
    )
    book = one(
        SOFIA,
        "Book club: March pick",
        6,
        "21:00",
        """
        Hi lovely people,

        March pick is "Tomorrow, and Tomorrow, and Tomorrow". We meet on the 27th
        at mine, 19:30. Bring snacks, I'll do the wine.

        Sofia""",
        flags="RA",
    )
    reply(book, ME, at(6, "21:30"), "I'm in! Bringing the good olives.\n\nMira", quote=False)
    one(
        COWORK,
        "Booking confirmed: Room Spree, Tue 18 March 10:00-11:00",
        1,
        "09:02",
        """
        Your booking is confirmed.

        Room Spree (6 people, screen), Tuesday 18 March, 10:00 - 11:00
        Cancel up to 2 hours before: https://app.coworkhaus.example/bookings""",
    )
    one(
        COWORK,
        "Your Coworking Haus invoice for March",
        12,
        "06:00",
        """
        Hi Mira,

        your invoice for March (Fixed desk, 290.00 EUR) is attached.

        Coworking Haus Kreuzberg""",
        attachments=[
            ("coworkhaus-2025-03.pdf", PDF, pdf("Coworking Haus invoice", ["290.00 EUR"]))
        ],
    )
    one(
        TYPE,
        "Your licence: Fjord Sans Web (250k views)",
        30,
        "14:22",
        """
        Thank you for your purchase!

        Fjord Sans Web, 4 styles, up to 250,000 page views per month
        Licensee: Castell Studio, Berlin

        Your licence certificate is attached.""",
        folder="archive",
        attachments=[
            ("FjordSans_Web_Licence.pdf", PDF, pdf("Licence certificate", ["Fjord Sans"]))
        ],
    )
    for days, title in ((2, "Bump postcss from 8.4.31 to 8.4.49"), (9, "Deploy preview ready")):
        one(
            FORGE,
            f"[castell-studio/site] {title}",
            days,
            "03:40",
            f"""
            {title}

            View it on Forgehub: https://forgehub.example/castell-studio/site/pull/{40 + days}

            You are receiving this because you are subscribed to this repository.""",
            flags="" if days < 3 else "R",
        )
    one(
        CM,
        'March talk: "Ordinary" with Anke Weiß',
        5,
        "10:00",
        """
        Hello Berlin!

        Our March theme is "Ordinary". Anke Weiß, type designer, talks about
        the beauty of default settings. Friday 21 March, 8:30, breakfast included.

        Free tickets: https://creativemornings.example/berlin/march""",
    )
    one(
        KSK,
        "Ihre Meldung des voraussichtlichen Jahreseinkommens 2025",
        15,
        "08:00",
        """
        Sehr geehrte Frau Castell,

        Ihre Meldung ist bei uns eingegangen. Ein Bescheid folgt per Post.

        Mit freundlichen Grüßen
        Ihre Künstlersozialkasse""",
    )
    one(
        SEO,
        "Page 1 on Google for castell-studio.example??",
        3,
        "02:12",
        """
        Hi there,

        I noticed castell-studio.example is not ranking for "brand designer
        Berlin". We guarantee page 1 in 30 days. Reply YES for a free audit.

        Kevin | Growth Hacker""",
        flags="",
    )
    for days, issue in ((10, 41), (31, 40)):
        one(
            TYPELETTER,
            f"The Type Letter #{issue}",
            days,
            "07:45",
            f"""
            THE TYPE LETTER #{issue}

            New releases, a visit to a letterpress workshop in Leeds, and why
            every designer should draw an alphabet by hand once.

            Read online: https://typeletter.example/{issue}
            Unsubscribe: https://typeletter.example/unsubscribe""",
            folder="inbox" if days < 20 else "archive",
            headers={"List-Id": "<news.typeletter.example>", "Precedence": "bulk"},
        )

    wedding = add(
        Mail(
            LUCIA,
            [ME],
            "Wedding invitations - Lucía & Pablo",
            at(118, "18:30", MADRID),
            say("""
            Hola Mira!

            Pablo and I are getting married in September and we would love
            invitations from you: something Mediterranean, lemons maybe? 120 cards,
            Spanish and German.

            Besos,
            Lucía"""),
            "archive",
            flags="RA",
        )
    )
    sketch = reply(
        wedding,
        ME,
        at(117, "10:15"),
        mira("""
        Lucía, congratulations!! Lemons are perfect. First sketches next week.

        Mira"""),
    )
    proof = add(
        Mail(
            ME,
            [LUCIA],
            "Invitation sketches",
            at(110, "16:40"),
            mira("Here are two directions: A with hand-drawn lemons, B with tiles.\n\nMira"),
            "sent",
            attachments=[
                (
                    "invitation-sketches.png",
                    PNG,
                    png(160, 110, [(250, 230, 120), (60, 120, 80), (245, 240, 230)], 9),
                )
            ],
            parent=sketch,
        )
    )
    reply(
        proof,
        LUCIA,
        at(109, "22:10", MADRID),
        say("""
        A!!! Definitely A. Pablo's mum cried. Can we add a small map on the back?

        Lucía"""),
        folder="archive",
    )
    for days, amount, payer in (
        (57, "€1,130.50", "Cafetería Sol"),
        (88, "€3,570.00", "Hoffmann Bau GmbH"),
    ):
        paylane(amount, payer, days, "archive")
    one(
        CLOUDNEST,
        "Your Cloudnest invoice for December 2024",
        72,
        "03:12",
        "Hello Mira,\n\nyour invoice for December 2024 is attached: 23.80 EUR.",
        folder="archive",
        attachments=[
            (
                "cloudnest-invoice-december-2024.pdf",
                PDF,
                pdf("Cloudnest invoice December 2024", ["23.80 EUR"]),
            )
        ],
    )
    mentor = add(
        Mail(
            ME,
            [Who("Dagný Sigurðardóttir", "dagny@studio-hraun.example")],
            "Portfolio review - thank you",
            at(66, "20:45"),
            mira("""
            Dear Dagný,

            thank you for the portfolio review yesterday. I have already cut the
            case studies down to five, and I'm raising my day rate in March as you
            suggested. I owe you a coffee (or three).

            Mira"""),
            "sent",
        )
    )
    reply(
        mentor,
        mentor.to[0],
        at(65, "08:05"),
        say("""
        Mira, you are very welcome. Five is the right number. Proud of you!

        Dagný"""),
        folder="archive",
    )


def odds_and_ends() -> None:
    one(
        GIULIA,
        "Re: Quote: new website for Atelier Rossi",
        9,
        "12:14",
        """
        Dear Mira,

        thank you for the quote and your time. We decided to do the site with
        our in-house team for now, but I will keep you in mind for the
        packaging in autumn.

        Kind regards,
        Giulia Rossi""",
    )
    one(
        PRIYA,
        "Fwd: signage sizes from the landlord",
        2,
        "10:48",
        """
        FYI for phase 1 - the landlord's limits for the shopfront signs.

        ---------- Forwarded message ---------
        From: Property Management <pm@kingsroad-estates.example>
        Subject: Signage sizes

        Maximum fascia sign 3000 x 600 mm, no internal illumination, projecting
        sign max. 600 x 600 mm. Planning consent is the tenant's responsibility.""",
    )
    one(
        CLAIRE,
        "Reminder: advance VAT payment due 10 March",
        7,
        "08:30",
        """
        Hello Mira,

        a short reminder that the advance VAT payment for February is due on
        10 March: 1,184.60 EUR. The transfer details are in ELSTER as usual.

        Claire""",
    )
    for days, amount in ((2, "€1,730.00"), (15, "€2,900.00"), (43, "€760.00")):
        one(
            PAYLANE,
            f"Payout of {amount} is on its way",
            days,
            "09:05",
            f"""
            A payout of {amount} is on its way to your bank account ending 0142.
            It should arrive within 1-2 business days.""",
            folder="inbox" if days < 10 else "archive",
        )
    for days, who, what in (
        (33, "Zoë Müller", "Moodboard B it is!"),
        (26, "Felix Brandt", "Can the hero image be a video later?"),
        (19, "Søren Kjær", "Kickoff board looks great"),
    ):
        one(
            SKETCH,
            f"{who} commented on Brightwave Moodboard",
            days,
            "14:35",
            f'{who} commented on "Brightwave Moodboard":\n\n"{what}"\n\n'
            "Reply: https://sketchboard.example/f/8790/comments",
            folder="archive",
        )
    for days, title in (
        (23, "Dependabot: bump vite from 5.4.8 to 5.4.14"),
        (37, "CI passed on main"),
    ):
        one(
            FORGE,
            f"[castell-studio/site] {title}",
            days,
            "04:10",
            f"""
            {title}

            View it on Forgehub: https://forgehub.example/castell-studio/site/actions""",
            folder="archive",
        )
    for days, month in ((40, "January 2025"), (70, "December 2024")):
        one(
            BANK,
            f"Your account statement for {month} is ready",
            days,
            "05:30",
            f"Your statement for {month} is ready in online banking.",
            folder="archive",
        )
    one(
        RAIL,
        "Your e-ticket: Berlin Hbf → Hamburg Hbf, 30 January",
        48,
        "19:15",
        """
        Berlin Hbf 09:28 → Hamburg Hbf 11:12, Thursday 30 January 2025
        Coach 6, seat 21. Your ticket is attached.""",
        folder="archive",
        attachments=[("eticket-BER-HAM-0130.pdf", PDF, pdf("EuroRail e-ticket", ["BER-HAM"]))],
    )
    football = one(
        LEO,
        "Football on Sunday?",
        20,
        "18:02",
        """
        Union are playing at home on Sunday, I have two tickets. You in?

        L.""",
        folder="archive",
        flags="RA",
    )
    reply(
        football,
        ME,
        at(20, "18:30"),
        "Always. Eisern Union! See you at the gate at 14:45.\n\nM.",
        quote=False,
    )
    one(
        MARCUS,
        "Invoice: Greenleaf landing page",
        22,
        "17:55",
        """
        Hi Mira,

        invoice for the Greenleaf landing page attached (3 days). Thanks for
        bringing me in!

        M.""",
        folder="archive",
        attachments=[
            ("PixelForge_Invoice_2025-004.pdf", PDF, pdf("PixelForge invoice 2025-004", ["3 days"]))
        ],
    )
    for days, title in (
        (34, "Coworking Haus: new coffee machine!"),
        (13, "Coworking Haus: March events"),
    ):
        one(
            HANNAH,
            title,
            days,
            "12:00",
            """
            Hi everyone,

            news from the Haus: events, the coffee machine saga, and a reminder that
            the kitchen is not a storage room. Details on the board by the door.

            Hannah""",
            folder="archive" if days > 20 else "inbox",
        )


# -- rendering -----------------------------------------------------------------------------

_URL = __import__("re").compile(r"https?://[^\s<>\"')]+")


def text_to_html(text: str) -> str:
    """What a webmail or Apple Mail would send beside the plain text."""
    out: list[str] = []
    quote: list[str] = []
    para: list[str] = []

    def link(s: str) -> str:
        return _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escape(s))

    def flush() -> None:
        if para:
            out.append("<div>" + "<br>".join(link(p) for p in para) + "</div><div><br></div>")
            para.clear()
        if quote:
            inner = "<br>".join(link(q) for q in quote)
            out.append(
                f'<blockquote type="cite" style="margin:0 0 0 .8ex;'
                f'border-left:2px solid #ccc;padding-left:1ex">{inner}</blockquote>'
            )
            quote.clear()

    for line in text.splitlines():
        if line.startswith(">"):
            if para:
                flush()
            quote.append(line[1:].removeprefix(" "))
        elif not line.strip():
            flush()
        else:
            if quote:
                flush()
            if para and len(para[-1]) > 55 and not line.startswith(("- ", "1", "2", "3", "4")):
                para[-1] += " " + line  # a wrapped line: webmail sends the paragraph whole
            else:
                para.append(line)
    flush()
    return (
        '<html><head><meta http-equiv="content-type" content="text/html; charset=UTF-8"></head>'
        '<body style="font-family:-apple-system,Helvetica,Arial,sans-serif;font-size:14px">'
        + "\n".join(out)
        + "</body></html>"
    )


def references(mail: Mail) -> list[str]:
    chain = []
    p = mail.parent
    while p is not None:
        chain.append(p.msgid)
        p = p.parent
    return list(reversed(chain))


def render(mail: Mail) -> bytes:
    msg = EmailMessage(policy=POLICY)
    msg["From"] = mail.sender.address()
    msg["To"] = [w.address() for w in mail.to]
    if mail.cc:
        msg["Cc"] = [w.address() for w in mail.cc]
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(mail.when)
    msg["Message-ID"] = f"<{mail.msgid}>"
    refs = references(mail)
    if refs:
        msg["In-Reply-To"] = f"<{refs[-1]}>"
        msg["References"] = " ".join(f"<{r}>" for r in refs)
    if mail.sender.mailer.startswith(("Thunderbird", "Fastmail")):
        msg["User-Agent"] = mail.sender.mailer
    else:
        msg["X-Mailer"] = mail.sender.mailer
    for name, value in mail.headers.items():
        msg[name] = value
    if mail.sender.style == "outlook":
        msg.set_content(mail.body, charset="windows-1252")
    else:
        msg.set_content(mail.body)
    html = mail.html or (text_to_html(mail.body) if mail.sender.style == "html" else "")
    if html:
        msg.add_alternative(html, subtype="html")
    for filename, ctype, data in mail.attachments:
        maintype, _, subtype = ctype.partition("/")
        if maintype == "text":
            msg.add_attachment(data.decode(), subtype=subtype, filename=filename)
        else:
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    for n, part in enumerate(msg.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_{mail.msgid[:16]}_{n}")
    if mail.folder != "sent":
        stamp = format_datetime(mail.when.astimezone(UTC) + timedelta(seconds=4))
        received = (
            f"from mx.{mail.sender.email.partition('@')[2]} by mx1.hostwell.example "
            f"with ESMTPS id {mail.msgid[:12]} for <{ME.email}>; {stamp}"
        )
        raw = f"Received: {received}\n".encode() + msg.as_bytes(policy=POLICY)
    else:
        raw = msg.as_bytes(policy=POLICY)
    status = ""
    if "R" in mail.flags:
        status += "Status: RO\n"
    xstatus = "".join(c for c in "AF" if c in mail.flags)
    if xstatus:
        status += f"X-Status: {xstatus}\n"
    head, sep, body = raw.partition(b"\n\n")
    return head + b"\n" + status.encode() + sep.removeprefix(b"\n") + body


def from_line(mail: Mail) -> bytes:
    t = mail.when.astimezone(UTC)
    return f"From {mail.sender.email} {t:%a %b} {t.day:2d} {t:%H:%M:%S %Y}\n".encode()


def mboxrd_quote(raw: bytes) -> bytes:
    lines = raw.split(b"\n")
    return b"\n".join(b">" + ln if ln.lstrip(b">").startswith(b"From ") else ln for ln in lines)


def write_mbox(path: Path, mails: list[Mail]) -> int:
    with path.open("wb") as out:
        for mail in sorted(mails, key=lambda m: (m.when, m.msgid)):
            raw = render(mail)
            if not raw.endswith(b"\n"):
                raw += b"\n"
            out.write(from_line(mail) + mboxrd_quote(raw) + b"\n")
    return path.stat().st_size


def build() -> list[Mail]:
    MAILS.clear()
    for section in (
        brightwave,
        hoffmann,
        nordlys,
        lumen,
        cafe,
        greenleaf,
        bookkeeping,
        subcontract,
        leads_and_people,
        notifications,
        outreach,
        archived,
        invoices_sent,
        more_people,
        odds_and_ends,
        meetings,
    ):
        section()
    return list(MAILS)


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[1]
    out = Path(argv[1]) if len(argv) > 1 else root / "resources" / "demo"
    out.mkdir(parents=True, exist_ok=True)
    mails = build()
    total = 0
    for folder in ("inbox", "sent", "archive"):
        chosen = [m for m in mails if m.folder == folder]
        size = write_mbox(out / f"{folder}.mbox", chosen)
        total += size
        unread = sum("R" not in m.flags for m in chosen)
        print(f"{folder:>8}: {len(chosen):3d} messages, {unread:2d} unread, {size / 1024:6.1f} KiB")
    print(f"   total: {len(mails):3d} messages, {total / 1024:.1f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
