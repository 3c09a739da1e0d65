"""`import linkedin` and `import vcard`: what is created, what is skipped and why, and
that nothing is ever modified. The fixtures carry the quirks of real exports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import MakeJournal
from hypothesis import given
from hypothesis import strategies as st

from infoint_site.cli import main
from infoint_site.importers import (
    ImportFileError,
    Person,
    connected_on,
    contact_file,
    decode_import,
    linkedin_key,
    linkedin_people,
    vcard_people,
)
from infoint_site.parse import parse_file
from infoint_site.pipeline import load_journal

FIXTURES = Path(__file__).parent / "fixtures" / "import"
CONNECTIONS = FIXTURES / "Connections.csv"
VCARDS = FIXTURES / "contacts.vcf"
TODAY = date(2026, 11, 21)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_checks_clean(root: Path) -> None:
    """What `infoint-site check` would say: no errors, no warnings."""
    loaded = load_journal(root, TODAY)
    assert loaded.problems == [], [p.format() for p in loaded.problems]
    result = run("--root", root, "check", "--strict")
    assert result.exit_code == 0, result.output


# -- reading LinkedIn's export ------------------------------------------------------


def test_connections_csv_is_read_as_linkedin_writes_it() -> None:
    text = decode_import(CONNECTIONS.read_bytes(), CONNECTIONS.name)
    people = linkedin_people(text)
    assert [p.name for p in people] == [
        "Zoë O'Brien", "José Núñez", "Priya Raman", "John Smith", "John Smith",
        "Mary-Jane Watson, PhD", "Sam Lee", "",
    ]
    zoe = people[0]
    assert zoe.where == "line 5"  # after the notes preamble and the header
    assert zoe.company == "Acme Analytics, Ltd."  # a quoted comma
    assert zoe.role == "Head of Data, EMEA"
    assert zoe.email is None  # LinkedIn leaves most emails empty
    assert zoe.linkedin == "https://www.linkedin.com/in/zoe-obrien-4a1b2c"
    assert zoe.notes == ("Connected on LinkedIn on 3 November 2024.",)
    assert people[1].email == "jose.nunez@example.com"
    assert people[5].company == '"Data" Collective'  # doubled quotes inside quotes
    assert people[6].linkedin is None


@pytest.mark.parametrize(("text", "day"), [
    ("03 Nov 2024", date(2024, 11, 3)),
    ("1 Feb 2021", date(2021, 2, 1)),
    ("17 Sept 2025", date(2025, 9, 17)),
    ("29 Feb 2023", None),
    ("2024-11-03", None),
    ("03 Foo 2024", None),
])
def test_connected_on_dates(text: str, day: date | None) -> None:
    assert connected_on(text) == day


def test_a_file_that_is_not_a_linkedin_export_is_refused() -> None:
    with pytest.raises(ImportFileError, match="First Name and Last Name"):
        linkedin_people("Name,Email\nJane,jane@example.com\n")


def test_a_file_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(ImportFileError, match="not UTF-8"):
        decode_import("Zoë".encode("latin-1"), "x.csv")
    assert decode_import("Zoë".encode("utf-16"), "x.vcf") == "Zoë"


def test_linkedin_addresses_are_matched_whatever_their_spelling() -> None:
    same = {linkedin_key(u) for u in (
        "https://www.linkedin.com/in/JaneDoe", "http://linkedin.com/in/janedoe/",
        "uk.linkedin.com/in/janedoe?trk=x", "https://www.linkedin.com/in/janedoe#top",
    )}
    assert same == {"linkedin.com/in/janedoe"}
    assert linkedin_key("https://www.linkedin.com/in/zo%C3%AB") == "linkedin.com/in/zoë"


# -- importing LinkedIn connections ------------------------------------------------


def test_import_linkedin_creates_a_file_per_new_person(make_journal: MakeJournal) -> None:
    root = make_journal()
    result = run("--root", root, "import", "linkedin", CONNECTIONS)
    assert result.exit_code == 0, result.output
    created = sorted(p.name for p in (root / "content" / "contacts").iterdir())
    assert created == ["john-smith-2.md", "john-smith.md", "jose-nunez.md",
                       "mary-jane-watson-phd.md", "priya-raman.md", "sam-lee.md",
                       "zoe-obrien.md"]
    lines = result.output.splitlines()
    assert "  created content/contacts/zoe-obrien.md: Zoë O'Brien (line 5)" in lines
    assert "  skipped (no name) (line 12): no name in the file" in lines
    assert lines[-1].startswith("created 7, skipped 1 from Connections.csv")
    zoe = (root / "content/contacts/zoe-obrien.md").read_text(encoding="utf-8")
    assert "name: Zoë O'Brien\n" in zoe
    assert "company: Acme Analytics, Ltd.\n" in zoe
    assert 'linkedin: "https://www.linkedin.com/in/zoe-obrien-4a1b2c"' in zoe
    assert "Connected on LinkedIn on 3 November 2024." in zoe
    jose = load_journal(root, TODAY).journal.contacts["jose-nunez"]
    assert (jose.name, jose.email, jose.role) == ("José Núñez", "jose.nunez@example.com",
                                                  "Analytics Engineer")
    assert_checks_clean(root)


def test_two_people_with_one_name_get_two_files(make_journal: MakeJournal) -> None:
    root = make_journal()
    run("--root", root, "import", "linkedin", CONNECTIONS)
    contacts = load_journal(root, TODAY).journal.contacts
    assert contacts["john-smith"].linkedin == "https://www.linkedin.com/in/john-smith-london"
    assert contacts["john-smith-2"].linkedin == "https://www.linkedin.com/in/johnsmith-leeds"
    assert contacts["john-smith-2"].email == "john.smith@example.org"


def test_importing_the_same_file_again_changes_nothing(make_journal: MakeJournal) -> None:
    root = make_journal()
    first = run("--root", root, "import", "linkedin", CONNECTIONS)
    assert first.exit_code == 0, first.output
    before = tree(root)
    again = run("--root", root, "import", "linkedin", CONNECTIONS)
    assert again.exit_code == 0, again.output
    assert tree(root) == before
    assert again.output.splitlines()[-1] == "created 0, skipped 8 from Connections.csv"
    assert ("  skipped John Smith (line 9): already in the journal as"
            " content/contacts/john-smith-2.md (same LinkedIn URL)") in again.output
    assert ("  skipped Sam Lee (line 11): already in the journal as"
            " content/contacts/sam-lee.md (same name)") in again.output


def test_dry_run_shows_what_would_happen_and_writes_nothing(
        make_journal: MakeJournal) -> None:
    root = make_journal()
    before = tree(root)
    result = run("--root", root, "import", "linkedin", CONNECTIONS, "--dry-run")
    assert result.exit_code == 0, result.output
    assert tree(root) == before
    assert "  would create content/contacts/john-smith-2.md: John Smith (line 9)" \
        in result.output
    assert result.output.splitlines()[-1] == (
        "would create 7, would skip 1 from Connections.csv; dry run: nothing was written")


EXISTING = {
    "content/companies/quayside.md": "---\nname: Quayside Payments\n---\n",
    # The same profile spelt differently: matched, never touched.
    "content/contacts/zoe.md": """
        ---
        name: Zoe OBrien
        linkedin: http://linkedin.com/in/Zoe-OBrien-4a1b2c/
        ---
        My own notes about Zoë.
    """,
    # Matched by email.
    "content/contacts/jose.md": "---\nname: José N.\nemail: JOSE.NUNEZ@example.com\n---\n",
    # Same name, but another LinkedIn profile: someone else.
    "content/contacts/priya-raman.md": """
        ---
        name: Priya Raman
        linkedin: https://www.linkedin.com/in/another-priya
        ---
    """,
    # Same name and nothing that says otherwise: the same person.
    "content/contacts/sam-lee.md": "---\nname: Sam  Lee\n---\n",
}


def test_existing_contacts_are_matched_and_never_modified(make_journal: MakeJournal) -> None:
    root = make_journal(EXISTING)
    before = tree(root)
    result = run("--root", root, "import", "linkedin", CONNECTIONS)
    assert result.exit_code == 0, result.output
    after = tree(root)
    assert {k: after[k] for k in before} == before
    out = result.output
    assert ("skipped Zoë O'Brien (line 5): already in the journal as content/contacts/zoe.md"
            " (same LinkedIn URL)") in out
    assert ("skipped José Núñez (line 6): already in the journal as content/contacts/jose.md"
            " (same email)") in out
    assert ("skipped Sam Lee (line 11): already in the journal as content/contacts/sam-lee.md"
            " (same name)") in out
    assert "created content/contacts/priya-raman-2.md: Priya Raman (line 7)" in out
    assert sorted(set(after) - set(before)) == [
        "content/contacts/john-smith-2.md", "content/contacts/john-smith.md",
        "content/contacts/mary-jane-watson-phd.md", "content/contacts/priya-raman-2.md",
    ]
    assert out.splitlines()[-1].startswith("created 4, skipped 4 from Connections.csv")
    assert_checks_clean(root)


def test_a_company_file_with_the_same_name_is_linked_by_its_id(
        make_journal: MakeJournal) -> None:
    root = make_journal({"content/companies/quayside.md": "---\nname: Quayside Payments\n---\n"})
    run("--root", root, "import", "linkedin", CONNECTIONS)
    assert load_journal(root, TODAY).journal.contacts["jose-nunez"].company == "quayside"


def test_import_refuses_a_journal_with_errors(make_journal: MakeJournal) -> None:
    root = make_journal({"content/contacts/broken.md": "---\nname: [\n---\n"})
    before = tree(root)
    result = run("--root", root, "import", "linkedin", CONNECTIONS)
    assert result.exit_code == 1
    assert "fix them first" in result.output and "nothing imported" in result.output
    assert tree(root) == before


def test_import_reports_a_file_it_cannot_use(make_journal: MakeJournal,
                                             tmp_path: Path) -> None:
    root = make_journal()
    wrong = tmp_path / "contacts.csv"
    wrong.write_text("Name,Email\nJane,jane@example.com\n", encoding="utf-8")
    result = run("--root", root, "import", "linkedin", wrong)
    assert result.exit_code == 1
    assert result.output.startswith("error: no header row with First Name and Last Name")
    result = run("--root", root, "import", "vcard", wrong)
    assert result.exit_code == 1
    assert "error: no BEGIN:VCARD found" in result.output


# -- importing vCards ---------------------------------------------------------------


def test_vcards_are_read_with_their_quirks() -> None:
    people = vcard_people(decode_import(VCARDS.read_bytes(), VCARDS.name))
    assert [p.name for p in people] == ["Sophie Lindqvist", "Helen Okafor", "Łukasz Żółć",
                                        "Marcus Bell", "Sophie Lindqvist", "", "Jürgen Müller"]
    sophie, helen, lukasz, marcus = people[:4]
    assert sophie.email == "sophie@example.com"  # the preferred one
    assert sophie.company == "Quayside Payments"  # ORG without its unit
    assert sophie.phone == "+44 7700 900123"
    assert sophie.linkedin == "https://www.linkedin.com/in/sophie-lindqvist"
    assert sophie.tags == ("fintech", "analytics")
    assert "> Met at the PyData meetup, March.\n> Likes dbt." in sophie.notes[1]
    assert helen.role == "Senior Data Analyst, Housing"
    assert helen.phone == "020 7946 0018 ext. 42"
    assert helen.linkedin == "https://www.linkedin.com/in/helenokafor"  # X-SOCIALPROFILE
    assert "folded it across three physical lines of the file." in helen.notes[1]
    assert lukasz.phone == "+48-22-123-45-67"  # vCard 4 tel: URI
    assert marcus.name == "Marcus Bell"  # from N: the card has no FN
    assert marcus.email == "not-an-address"
    jurgen = people[6]  # vCard 2.1, quoted-printable
    assert (jurgen.phone, jurgen.email) == ("+49 170 1234567", "juergen@example.de")


def test_import_vcard_creates_valid_files_and_is_idempotent(make_journal: MakeJournal) -> None:
    root = make_journal()
    result = run("--root", root, "import", "vcard", VCARDS)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "  skipped Sophie Lindqvist (card 5): the same person as card 1 (same name)" in out
    assert "  skipped (no name) (card 6): no name in the file" in out
    assert out.splitlines()[-1].startswith("created 5, skipped 2 from contacts.vcf")
    contacts = load_journal(root, TODAY).journal.contacts
    sophie = contacts["sophie-lindqvist"]
    assert sophie.tags == ("fintech", "analytics")
    assert sophie.phone == "+44 7700 900123"
    marcus = contacts["marcus-bell"]
    assert marcus.email is None
    assert "The email in the import file was not an address: not-an-address" in marcus.body
    assert_checks_clean(root)
    before = tree(root)
    again = run("--root", root, "import", "vcard", VCARDS)
    assert again.exit_code == 0, again.output
    assert tree(root) == before
    assert again.output.splitlines()[-1] == "created 0, skipped 7 from contacts.vcf"


def test_linkedin_then_vcard_recognises_the_same_people(make_journal: MakeJournal,
                                                        tmp_path: Path) -> None:
    root = make_journal()
    run("--root", root, "import", "linkedin", CONNECTIONS)
    card = tmp_path / "zoe.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë O'Brien\r\nN:O'Brien;Zoë;;;\r\n"
                    "URL:https://www.linkedin.com/in/zoe-obrien-4a1b2c/\r\nEND:VCARD\r\n",
                    encoding="utf-8")
    result = run("--root", root, "import", "vcard", card)
    assert ("skipped Zoë O'Brien (card 1): already in the journal as"
            " content/contacts/zoe-obrien.md (same LinkedIn URL)") in result.output


def test_a_file_that_appears_meanwhile_is_not_replaced(make_journal: MakeJournal) -> None:
    from infoint_site.importers import plan_import, write_plan

    root = make_journal()
    people = linkedin_people(decode_import(CONNECTIONS.read_bytes(), "x"))
    plan = plan_import(people, load_journal(root, TODAY).journal)
    (root / "content/contacts").mkdir()
    (root / "content/contacts/sam-lee.md").write_text("mine", encoding="utf-8")
    done = write_plan(root, plan)
    sam = next(d for d in done if d.person.name == "Sam Lee")
    assert not sam.creates and "appeared meanwhile" in sam.reason
    assert (root / "content/contacts/sam-lee.md").read_text() == "mine"


names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)


@given(name=names, role=names, company=names, phone=names,
       tags=st.lists(names.filter(str.strip), max_size=3))
def test_any_person_becomes_a_file_that_reads_back_the_same(
        name: str, role: str, company: str, phone: str, tags: list[str]) -> None:
    name, role, company = (" ".join(x.split()) or "x" for x in (name, role, company))
    person = Person(name=name, where="line 1", role=role, phone=phone, tags=tuple(tags))
    text = contact_file(person, company)
    contact, problems = parse_file("contacts", "content/contacts/x.md", text.encode("utf-8"))
    assert [p for p in problems if p.is_error] == []
    assert contact is not None
    assert (contact.name, contact.role, contact.company) == (name, role, company)
    assert contact.phone == (phone if phone.strip() else None)
    assert contact.tags == tuple(tags)
