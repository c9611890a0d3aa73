"""Contacts CSV exports as people have them: mapping guessed, skipped rows explained."""

from __future__ import annotations

from unibox.channels.importers.contacts_csv import csv_cards, preview_csv
from unibox.channels.importers.csv_mapping import Target, parse_target
from unibox.core.contacts import CardHandle

GOOGLE = (
    "First Name,Middle Name,Last Name,Nickname,Organization Name,Organization Title,"
    "Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,"
    "E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Address 1 - Label,"
    "Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - Postal Code,"
    "Address 1 - Country,Website 1 - Label,Website 1 - Value\r\n"
    'Ann,,Example,Annie,"Acme, Inc.",CEO,1985-04-12,"Met in Berlin,\nlikes tea",'
    "* myContacts ::: Friends ::: * starred,* Work,ann@acme.example ::: ann@example.org,"
    ',,Mobile,+49 151 12345678,Home,"Main St 1, Berlin",Main St 1,Berlin,10115,Germany,'
    ",https://ann.example\r\n"
    "Bob,,Builder,,,,,,* myContacts,,bob@example.org,,,,,,,,,,,,\r\n"
    "Bob,,Builder,,,,,,* myContacts,,bob@example.org,,,,,,,,,,,,\r\n"
    ",,,,,,,Just a note,* myContacts,,,,,,,,,,,,,,\r\n"
)

OUTLOOK_HEADER = (
    '"Title","First Name","Middle Name","Last Name","Company","Department","Job Title",'
    '"Business Street","Business City","Business Postal Code","Business Country/Region",'
    '"Business Phone","Mobile Phone","Categories","E-mail Address","E-mail Type",'
    '"E-mail Display Name","E-mail 2 Address","Birthday","Notes"\r\n'
)
OUTLOOK_ROWS = (
    '"Dr.","Jörg","","Müller","Acme GmbH","Sales","Head of Sales","Hauptstr. 1","Berlin",'
    '"10115","Germany","+49 30 1234567","+49 151 7654321","VIP;Customers",'
    '"joerg@acme.example","SMTP","Jörg Müller (joerg@acme.example)","","4/12/1975",""\r\n'
    '"","Zoe","","Zero","","","","","","","","","","","zoe@example.org","SMTP","","",'
    '"0/0/00",""\r\n'
)

LINKEDIN = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    'connections to see or download their email address using this setting."\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    'Ann,Example,https://www.linkedin.com/in/annexample,ann@example.org,"Acme, Inc.",CEO,'
    "12 Mar 2021\n"
    "Bob,Builder,https://www.linkedin.com/in/bob,,Globex,Engineer,01 Jan 2020\n"
    "Eve,Extra,https://www.linkedin.com/in/eve,eve@example.org,Acme, Inc.,CTO,01 Jan 2020\n"
    "Short,Row,https://www.linkedin.com/in/short\n"
)


def test_google_contacts() -> None:
    preview = preview_csv(GOOGLE.encode())
    assert preview.format == "Google Contacts"
    shown = {column: target for column, target, _sample in preview.describe()}
    assert shown["E-mail 1 - Value"] == "email [e-mail 1]"
    assert shown["Address 1 - Formatted"] == "ignore"
    read = csv_cards(preview)
    ann = read.cards[0][1]
    assert (ann.given_name, ann.family_name, ann.nickname) == ("Ann", "Example", "Annie")
    assert (ann.company, ann.title, ann.birthday) == ("Acme, Inc.", "CEO", "1985-04-12")
    assert ann.note == "Met in Berlin,\nlikes tea"
    assert ann.tags == ("Friends", "starred")
    assert ann.handles == (
        CardHandle("email", "ann@acme.example", "work"),
        CardHandle("email", "ann@example.org", "work"),
        CardHandle("phone", "+49 151 12345678", "mobile"),
    )
    assert ann.addresses[0].city == "Berlin" and ann.addresses[0].label == "home"
    assert ann.urls == ("https://ann.example",)
    assert [line for line, _c in read.cards] == [2, 4]  # the note spans two lines
    assert [(s.where, s.reason) for s in read.skipped] == [
        ("line 5", "it repeats line 4"),
        ("line 6", "it has no name, e-mail address or phone number"),
    ]


def test_outlook_in_windows_1252_and_utf16_with_bom() -> None:
    for data in (
        (OUTLOOK_HEADER + OUTLOOK_ROWS).encode("cp1252"),
        (OUTLOOK_HEADER + OUTLOOK_ROWS).encode("utf-16"),  # with its BOM
        b"\xef\xbb\xbf" + (OUTLOOK_HEADER + OUTLOOK_ROWS).encode("utf-8"),
    ):
        preview = preview_csv(data)
        assert preview.format == "Outlook"
        assert preview.columns[0] == "Title"  # no BOM glued to the first name
        read = csv_cards(preview)
        joerg = read.cards[0][1]
        assert (joerg.given_name, joerg.family_name) == ("Jörg", "Müller")
        assert joerg.title == "Head of Sales" and ("title", "Dr.") in joerg.custom
        assert joerg.birthday == "1975-04-12"
        assert joerg.tags == ("VIP", "Customers")
        assert CardHandle("phone", "+49 151 7654321", "cell") in joerg.handles
        assert CardHandle("phone", "+49 30 1234567", "work") in joerg.handles
        assert joerg.addresses[0].label == "work" and joerg.addresses[0].postcode == "10115"
        zoe = read.cards[1][1]
        assert zoe.birthday == "" and not any(label == "birthday" for label, _v in zoe.custom)


def test_linkedin_connections_with_notes_above_and_broken_rows() -> None:
    preview = preview_csv(LINKEDIN.encode())
    assert preview.format == "LinkedIn Connections"
    assert preview.header_line == 4
    read = csv_cards(preview)
    names = [c.display_name() for _l, c in read.cards]
    assert names == ["Ann Example", "Bob Builder", "Short Row"]
    ann = read.cards[0][1]
    assert (ann.company, ann.title) == ("Acme, Inc.", "CEO")
    assert ann.urls == ("https://www.linkedin.com/in/annexample",)
    assert ("Connected On", "12 Mar 2021") in ann.custom
    assert read.skipped[0].where == "line 7"
    assert "8 fields but the header has 7" in read.skipped[0].reason
    assert any("Line 8 has 3 of 7 columns" in w for w in read.warnings)


def test_semicolons_a_missing_handle_column_and_a_changed_mapping() -> None:
    data = "Name;E-Mail;Telefon\nAnn Example;ann@example.org;+49 30 1234567\n"
    preview = preview_csv(data.encode())
    assert preview.separator == ";"
    assert preview.mapping[2] == Target("custom", label="Telefon")
    mapping = dict(preview.mapping)
    mapping[2] = parse_target("phone:office")
    read = csv_cards(preview, mapping)
    assert read.cards[0][1].handles == (
        CardHandle("email", "ann@example.org"),
        CardHandle("phone", "+49 30 1234567", "office"),
    )
    unknown = preview_csv(b"Vorname\tFirma\nAnn\tAcme\n")  # no known names: split best
    assert (unknown.separator, unknown.columns) == ("\t", ["Vorname", "Firma"])
    no_handles = csv_cards(preview_csv(b"Name,Company\nAnn,Acme\n"))
    assert no_handles.warnings == ["No column holds e-mail addresses or phone numbers."]


def test_an_unclosed_quote_is_reported_not_imported_silently() -> None:
    read = csv_cards(preview_csv(b'Name,Email\nAnn,ann@example.org\n"Bob,bob@example.org\n'))
    assert [c.display_name() for _l, c in read.cards] == ["Ann"]
    assert read.skipped and read.skipped[0].where == "line 3"
