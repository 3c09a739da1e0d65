"""`export vcard` read back with vobject, `export csv` with the csv module."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
import vobject
from click.testing import CliRunner, Result
from conftest import LoadJournal, MakeJournal
from hypothesis import given
from hypothesis import strategies as st

from infoint_site.cli import main
from infoint_site.contentlines import escape_text, fold
from infoint_site.export_csv import contacts_csv
from infoint_site.export_vcard import vcards
from infoint_site.schema import CONTACT_FIELDS

TODAY = date(2026, 11, 21)

JOURNAL = {
    "content/companies/acme.md": "---\nname: Acme, Inc.\n---\n",
    "content/contacts/john-smith.md": """
        ---
        name: John Smith
        role: Teacher
        ---
    """,
    "content/contacts/jane-doe.md": """
        ---
        name: Jane Doe
        company: acme
        role: Head of Data; EMEA, and a \\ backslash
        tags: [analytics, "a, b"]
        email: jane@example.com
        phone: "+44 (0)20 7946-0000 ext. 12"
        linkedin: https://www.linkedin.com/in/janedoe
        referred_by: john-smith
        may_use_name: true
        requested: 2026-10-28
        keep_in_touch: 60d
        follow_ups:
          - action: Introduce her to Sam Lee
            due: 2026-12-01
            done: 2026-11-30
        ---
    """,
    "content/contacts/zoe-obrien.md": """
        ---
        name: Zoë O'Brien-Ångström Þórsdóttir de la Cruz y Mäkelä-Ørsted
        company: Free text company
        referred_by: jane-doe
        ---
    """,
    "content/contacts/mallory.md": """
        ---
        name: "=HYPERLINK(\\"http://evil.example\\",\\"x\\")"
        phone: "-1 555 0100"
        role: "@admin"
        ---
    """,
}


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def cards(load: LoadJournal) -> dict[str, vobject.base.Component]:
    text = vcards(load(JOURNAL, TODAY).analysis)
    return {c.uid.value: c for c in vobject.readComponents(text)}


def test_one_card_per_contact_with_every_field(cards: dict) -> None:
    assert set(cards) == {f"contact.{cid}@infoint-site" for cid in
                          ("jane-doe", "john-smith", "zoe-obrien", "mallory")}
    jane = cards["contact.jane-doe@infoint-site"]
    assert jane.version.value == "3.0"
    assert jane.fn.value == "Jane Doe"
    assert (jane.n.value.family, jane.n.value.given) == ("Doe", "Jane")
    assert jane.org.value == ["Acme, Inc."]  # the company file's name, comma kept
    assert jane.title.value == "Head of Data; EMEA, and a \\ backslash"
    assert jane.email.value == "jane@example.com"
    assert jane.tel.value == "+44 (0)20 7946-0000 ext. 12"  # as written
    assert jane.url.value == "https://www.linkedin.com/in/janedoe"
    assert jane.categories.value == ["analytics", "a, b"]


def test_the_note_gives_the_referral_chain(cards: dict) -> None:
    zoe = cards["contact.zoe-obrien@infoint-site"]
    assert zoe.note.value == (
        "Referred by Jane Doe.\n"
        "Referral chain: John Smith → Jane Doe → Zoë O'Brien-Ångström Þórsdóttir de la Cruz"
        " y Mäkelä-Ørsted."
    )
    assert zoe.org.value == ["Free text company"]
    john = cards["contact.john-smith@infoint-site"]
    assert john.note.value == ("Someone you already knew: the start of a referral chain.\n"
                               "Suggested: Jane Doe.")
    assert "email" not in john.contents and "tel" not in john.contents


def test_lines_are_crlf_and_folded_at_75_octets(load: LoadJournal) -> None:
    data = vcards(load(JOURNAL, TODAY).analysis).encode("utf-8")
    assert data.count(b"BEGIN:VCARD\r\n") == 4
    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the long name was folded
    assert b"\n" not in data.replace(b"\r\n", b"")


@given(st.text(min_size=1, max_size=300).filter(lambda t: t.strip() and "\r" not in t))
def test_any_text_survives_escaping_and_folding(text: str) -> None:
    line = fold("NOTE:" + escape_text(text))
    assert all(len(part.encode("utf-8")) <= 75 for part in line.split("\r\n"))
    card = vobject.readOne(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nN:x;;;;\r\n{line}\r\n"
                           "END:VCARD\r\n")
    assert card.note.value == text


def rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_csv_has_a_row_per_contact_and_a_column_per_field(load: LoadJournal) -> None:
    text = contacts_csv(load(JOURNAL, TODAY).analysis)
    table = rows(text)
    assert [r["id"] for r in table] == ["jane-doe", "john-smith", "mallory", "zoe-obrien"]
    assert list(table[0]) == ["id", *(f.name for f in CONTACT_FIELDS), "company_name",
                              "current_status", "referral_chain", "meetings"]
    jane = table[0]
    assert jane["company"] == "acme" and jane["company_name"] == "Acme, Inc."
    assert jane["tags"] == "analytics, a, b"
    assert jane["phone"] == "+44 (0)20 7946-0000 ext. 12"
    assert jane["may_use_name"] == "true"
    assert jane["requested"] == "2026-10-28"
    assert jane["keep_in_touch"] == "60d"
    assert jane["follow_ups"] == "Introduce her to Sam Lee; due 2026-12-01; done 2026-11-30"
    assert jane["current_status"] == "requested"
    assert jane["referral_chain"] == "john-smith > jane-doe"
    assert table[3]["name"].startswith("Zoë O'Brien-Ångström")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")


def test_csv_never_lets_a_spreadsheet_run_a_cell(load: LoadJournal) -> None:
    mallory = rows(contacts_csv(load(JOURNAL, TODAY).analysis))[2]
    assert mallory["name"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert mallory["role"] == "'@admin"
    assert mallory["phone"] == "-1 555 0100"  # a phone number stays as written


def test_export_vcard_and_csv_on_the_command_line(make_journal: MakeJournal) -> None:
    root = make_journal(JOURNAL)
    result = run("--root", root, "export", "vcard")
    assert result.exit_code == 0, result.output
    assert len(list(vobject.readComponents(result.stdout_bytes.decode("utf-8")))) == 4
    assert result.stderr == "exported 4 contacts as vCards\n"
    result = run("--root", root, "export", "csv")
    assert result.exit_code == 0, result.output
    assert len(rows(result.stdout_bytes.decode("utf-8"))) == 4
    assert result.stderr.startswith("exported 4 contacts as CSV rows")


def test_exports_refuse_a_journal_with_errors(make_journal: MakeJournal) -> None:
    root = make_journal({**JOURNAL, "content/contacts/bad.md": "---\nemail: x\n---\n"})
    for kind in ("vcard", "csv"):
        result = run("--root", root, "export", kind)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert "error[E201]" in result.stderr and "nothing exported" in result.stderr
