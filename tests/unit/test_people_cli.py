"""The people commands as a user's script drives them: JSON out, exit codes, undo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import as_json, run
from tests.helpers.items import new_store
from tests.helpers.people import ME, Mailbox
from unibox.core.items import Address

ANN = Address("ann@example.org", "Ann Example")
ANN_WORK = Address("ann@work.example", "Ann Example")
BOB = Address("bob@example.org", "Bob Builder")

VCF = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Example\r\nORG:Acme\r\nEMAIL:ann@example.org\r\n"
    "TEL;TYPE=cell:030 1234567\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Carla Card\r\nEMAIL:carla@example.org\r\n"
    "BDAY:--0229\r\nEND:VCARD\r\n"
)


def test_people_show_merge_suggestions_and_undo(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    box = Mailbox(new_store(tmp_path))
    q = box.hear(ANN, "Quote", 0)
    box.say(ANN, "Re: Quote", 1, reply_to=q)
    box.hear(ANN_WORK, "From work", 2)
    box.hear(BOB, "Hi", 3)
    box.store.close()

    listed = as_json(capsys, "people")
    assert [p["name"] for p in listed] == ["Bob Builder", "Ann Example", "Ann Example"]
    assert ME.email not in {p["handle"] for p in listed}
    assert [p["name"] for p in as_json(capsys, "people", "bob")] == ["Bob Builder"]

    found = as_json(capsys, "person", "suggestions")
    assert [(s["reason"], s["person_name"]) for s in found] == [("same_name", "Ann Example")]
    code, out, _ = run(capsys, "person", "suggestions", "--accept", str(found[0]["id"]))
    assert code == 0 and "undo" in out
    record_id = out.split()[-1]

    ann = as_json(capsys, "person", "show", "ann@work.example")
    assert {h["value"] for h in ann["handles"]} == {ANN.email, ANN_WORK.email}
    assert ann["numbers"]["messages_to_them"] == 1
    assert ann["timeline"][0]["title"] == "From work"

    assert run(capsys, "person", "undo", record_id)[0] == 0
    assert len(as_json(capsys, "person", "show", "ann@work.example")["handles"]) == 1

    code, out, _ = run(capsys, "person", "merge", ANN.email, ANN_WORK.email)
    assert code == 0
    code, out, _ = run(capsys, "person", "split", ANN.email, ANN_WORK.email, "--name", "Work Ann")
    assert code == 0 and "Split into person" in out
    assert as_json(capsys, "person", "show", ANN_WORK.email)["display_name"] == "Work Ann"

    assert run(capsys, "person", "log", BOB.email, "Lunch", "--kind", "meeting")[0] == 0
    assert run(capsys, "person", "task", BOB.email, "Send menu", "--owner", "Sam")[0] == 0
    bob = as_json(capsys, "person", "show", BOB.email)
    assert bob["done"][0]["text"] == "Lunch"
    assert bob["open_tasks"][0]["owner"] == "Sam"
    code, out, _ = run(capsys, "person", "show", BOB.email)
    assert "task" in out and "Send menu" in out and "Lunch" in out

    code, _out, err = run(capsys, "person", "show", "nobody@example.org")
    assert code == 1 and "Nobody is known" in err


def test_import_export_round_trip(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vcf = tmp_path / "contacts.vcf"
    vcf.write_text(VCF)
    code, out, _ = run(capsys, "import", str(vcf))
    assert code == 0 and "2 new" in out
    code, out, _ = run(capsys, "import", str(vcf))
    assert "2 unchanged" in out
    ann = as_json(capsys, "person", "show", "+49 30 1234567")  # read in the locale's region
    assert ann["card"]["company"] == "Acme"

    csv = tmp_path / "linkedin.csv"
    csv.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ann,Example,https://www.linkedin.com/in/ann,ann@example.org,Acme,CEO,01 Jan 2020\n"
        "Ann,Example,https://www.linkedin.com/in/ann,ann@example.org,Acme,CEO,01 Jan 2020\n"
    )
    code, out, _ = run(capsys, "import", str(csv), "--dry-run", "--map", "Connected On=ignore")
    assert code == 0
    assert "LinkedIn Connections" in out and "Position" in out and "-> title" in out
    assert "skipped line 3: it repeats line 2" in out
    assert "CEO" not in json.dumps(as_json(capsys, "person", "show", "ann@example.org")["card"])
    assert run(capsys, "import", str(csv))[0] == 0
    assert as_json(capsys, "person", "show", "ann@example.org")["card"]["title"] == "CEO"

    out_file = tmp_path / "out.vcf"
    code, out, _ = run(capsys, "export", "people", "--format", "vcf", str(out_file))
    assert code == 0 and "exported 2 people" in out
    text = out_file.read_text()
    assert text.count("BEGIN:VCARD") == 2 and "BDAY:--0229" in text

    code, _out, err = run(capsys, "import", str(tmp_path / "notes.txt"))
    assert code == 1 and "could not be read" in err
    (tmp_path / "notes.txt").write_text("x")
    code, _out, err = run(capsys, "import", str(tmp_path / "notes.txt"))
    assert code == 1 and ".vcf, .csv and .ics" in err
