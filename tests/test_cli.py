"""The command line through click's CliRunner: what a user types, sees and gets back."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import infoint_site.pipeline
from infoint_site.cli import main
from infoint_site.export_json import journal_json
from infoint_site.pipeline import load_journal

CLOSING = "Who else should I talk to, and may I use your name"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# A small journal with one follow-up of most kinds, for `due` and `export json`.
JOURNAL = {
    "infoint.yaml": """
        title: Test journal
        timezone: Europe/London
    """,
    "content/contacts/john-smith.md": """
        ---
        name: John Smith
        follow_ups:
          - action: Introduce him to Sam Lee
            due: 2026-12-01
            done: 2026-11-30
        ---
        A former colleague.
    """,
    "content/contacts/jane-doe.md": """
        ---
        name: Jane Doe
        company: acme
        referred_by: john-smith
        keep_in_touch: 3m
        ---
    """,
    "content/contacts/mark-lee.md": """
        ---
        name: Mark Lee
        referred_by: jane-doe
        requested: 2026-11-12
        ---
    """,
    "content/meetings/2026-11-03-jane-doe.md": """
        ---
        contact: jane-doe
        date: 2026-11-03
        referrals: [mark-lee, Sara Kim]
        outcome: advice
        thank_you_sent: 2026-11-03
        referrer_updated: 2026-11-06
        ---
        ## Q: What is your typical day like?
        Meetings in the morning, analysis after lunch.

        ## Evaluation
        Went well.
    """,
    "content/meetings/2026-11-25-john-smith.md": """
        ---
        contact: john-smith
        date: "2026-11-25 10:30"
        ---
    """,
    "content/meetings/2026-11-25-a-mark-lee.md": """
        ---
        contact: mark-lee
        date: 2026-11-25
        status: cancelled
        ---
    """,
}

EXPORT = {
    "today": "2026-11-21",
    "contacts": [
        {"id": "jane-doe", "name": "Jane Doe", "company": "acme", "referred_by": "john-smith",
         "chain": ["john-smith", "jane-doe"], "depth": 1, "referrals": ["mark-lee"],
         "descendants": 1, "status": "met", "meetings": ["2026-11-03-jane-doe"]},
        {"id": "john-smith", "name": "John Smith", "company": None, "referred_by": None,
         "chain": ["john-smith"], "depth": 0, "referrals": ["jane-doe"],
         "descendants": 2, "status": "scheduled", "meetings": ["2026-11-25-john-smith"]},
        {"id": "mark-lee", "name": "Mark Lee", "company": None, "referred_by": "jane-doe",
         "chain": ["john-smith", "jane-doe", "mark-lee"], "depth": 2, "referrals": [],
         "descendants": 0, "status": "requested", "meetings": ["2026-11-25-a-mark-lee"]},
    ],
    "meetings": [
        {"id": "2026-11-03-jane-doe", "contacts": ["jane-doe"], "date": "2026-11-03",
         "time": None, "status": "done", "referrals": ["mark-lee", "Sara Kim"],
         "outcome": "advice"},
        {"id": "2026-11-25-a-mark-lee", "contacts": ["mark-lee"], "date": "2026-11-25",
         "time": None, "status": "cancelled", "referrals": [], "outcome": None},
        {"id": "2026-11-25-john-smith", "contacts": ["john-smith"], "date": "2026-11-25",
         "time": "10:30", "status": "scheduled", "referrals": [], "outcome": None},
    ],
    "follow_ups": [
        {"kind": "thank-you", "contact": "jane-doe", "about": None,
         "meeting": "2026-11-03-jane-doe", "due": "2026-11-04", "done": "2026-11-03",
         "status": "done", "title": "Thank Jane Doe"},
        {"kind": "evaluate", "contact": "jane-doe", "about": None,
         "meeting": "2026-11-03-jane-doe", "due": "2026-11-05", "done": True,
         "status": "done", "title": "Write notes on and evaluate the meeting with Jane Doe"},
        {"kind": "referrer-update", "contact": "john-smith", "about": "jane-doe",
         "meeting": "2026-11-03-jane-doe", "due": "2026-11-06", "done": "2026-11-06",
         "status": "done", "title": "Tell John Smith that you met Jane Doe"},
        {"kind": "reach-out", "contact": "Sara Kim", "about": None,
         "meeting": "2026-11-03-jane-doe", "due": "2026-11-10", "done": None,
         "status": "overdue", "title": "Reach out to Sara Kim, suggested by Jane Doe"},
        {"kind": "request-nudge", "contact": "mark-lee", "about": None, "meeting": None,
         "due": "2026-11-19", "done": None, "status": "overdue",
         "title": "Nudge Mark Lee: no answer to your request of 2026-11-12"},
        {"kind": "confirm", "contact": "john-smith", "about": None,
         "meeting": "2026-11-25-john-smith", "due": "2026-11-24", "done": None,
         "status": "soon", "title": "Confirm the meeting with John Smith on 2026-11-25 10:30"},
        {"kind": "custom", "contact": "john-smith", "about": None, "meeting": None,
         "due": "2026-12-01", "done": "2026-11-30", "status": "done",
         "title": "Introduce him to Sam Lee"},
        {"kind": "keep-in-touch", "contact": "jane-doe", "about": None, "meeting": None,
         "due": "2027-02-03", "done": None, "status": "later",
         "title": "Keep in touch with Jane Doe (last contact 2026-11-03)"},
    ],
    "stats": {"contacts": 3, "meetings_done": 1, "meetings_scheduled": 1,
              "referrals_received": 2, "offers": 0, "overdue": 2, "longest_chain": 2},
}

SPEC_KEYS = {
    "top": ["today", "contacts", "meetings", "follow_ups", "stats"],
    "contacts": ["id", "name", "company", "referred_by", "chain", "depth", "referrals",
                 "descendants", "status", "meetings"],
    "meetings": ["id", "contacts", "date", "time", "status", "referrals", "outcome"],
    "follow_ups": ["kind", "contact", "about", "meeting", "due", "done", "status", "title"],
    "stats": ["contacts", "meetings_done", "meetings_scheduled", "referrals_received",
              "offers", "overdue", "longest_chain"],
}


@pytest.fixture
def journal(make_journal) -> Path:
    return make_journal(JOURNAL)


# --- export json ----------------------------------------------------------------------------


def test_export_json(journal: Path) -> None:
    result = run("--root", journal, "export", "json", "--today", "2026-11-21")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == EXPORT
    assert list(data) == SPEC_KEYS["top"]
    assert list(data["stats"]) == SPEC_KEYS["stats"]
    for part in ("contacts", "meetings", "follow_ups"):
        assert [list(item) for item in data[part]] == [SPEC_KEYS[part]] * len(data[part])
    assert result.stderr == "exported 3 contacts, 3 meetings, 8 follow-ups\n"


def test_export_json_library_matches_cli(journal: Path) -> None:
    loaded = load_journal(journal, date(2026, 11, 21))
    assert json.loads(json.dumps(journal_json(loaded.analysis))) == EXPORT


def test_export_json_is_deterministic(journal: Path) -> None:
    first = run("--root", journal, "export", "json", "--today", "2026-11-21").stdout
    assert first == run("--root", journal, "export", "json", "--today", "2026-11-21").stdout
    assert first.endswith("}\n")


def test_export_json_refuses_an_invalid_journal(make_journal) -> None:
    root = make_journal({**JOURNAL, "content/contacts/mark-lee.md": """
        ---
        name: Mark Lee
        referred_by: jon-smith
        ---
    """})
    result = run("--root", root, "export", "json", "--today", "2026-11-21")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "content/contacts/mark-lee.md:3:14: error[E301]: referred_by: no contact 'jon-smith';"
        " did you mean 'john-smith'?",
        "content/meetings/2026-11-03-jane-doe.md:4:13: warning[W403]: referrals: 'mark-lee' was"
        " suggested in this meeting, but content/contacts/mark-lee.md has referred_by:"
        " jon-smith; set referred_by: jane-doe",
        "error: the journal has 1 error(s); nothing exported",
    ]


# --- due ------------------------------------------------------------------------------------


def test_due_text(journal: Path) -> None:
    result = run("--root", journal, "due", "--today", "2026-11-21")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Overdue (2)",
        "  2026-11-10  reach-out       Reach out to Sara Kim, suggested by Jane Doe"
        "  [2026-11-03-jane-doe]",
        "  2026-11-19  request-nudge   Nudge Mark Lee: no answer to your request of 2026-11-12",
        "",
        "Soon (1)",
        "  2026-11-24  confirm         Confirm the meeting with John Smith on 2026-11-25 10:30"
        "  [2026-11-25-john-smith]",
        "",
        "Later (1)",
        "  2027-02-03  keep-in-touch   Keep in touch with Jane Doe (last contact 2026-11-03)",
        "4 open follow-ups: 2 overdue, 0 today, 1 soon, 1 later",
    ]


def test_due_json(journal: Path) -> None:
    result = run("--root", journal, "due", "--today", "2026-11-21", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [f for f in EXPORT["follow_ups"] if f["done"] is None]
    assert result.stderr == "4 open follow-ups: 2 overdue, 0 today, 1 soon, 1 later\n"


def test_due_on_another_day(journal: Path) -> None:
    result = run("--root", journal, "due", "--today", "2026-11-24")
    assert "Due today (1)" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == (
        "4 open follow-ups: 2 overdue, 1 today, 0 soon, 1 later"
    )


def test_due_lists_even_when_the_journal_has_errors(make_journal) -> None:
    root = make_journal({**JOURNAL,
                         "content/contacts/zed.md": "---\nname: Zed\nstatus: gone\n---\n"})
    result = run("--root", root, "due", "--today", "2026-11-21")
    assert result.exit_code == 0
    assert "content/contacts/zed.md:3:9: error[E204]" in result.stderr
    assert result.stdout.splitlines()[0] == "Overdue (2)"


def test_today_defaults_to_the_journals_time_zone(make_journal) -> None:
    """Kiritimati (UTC+14) and Niue (UTC-11) are always on different dates: 25 hours
    apart, so one day apart, or two between 10:00 and 11:00 UTC."""
    from infoint_site.clock import today_in

    east = today_in("Pacific/Kiritimati")
    west = today_in("Pacific/Niue")
    assert (east - west).days in (1, 2)
    for zone, day in (("Pacific/Kiritimati", east), ("Pacific/Niue", west)):
        root = make_journal({**JOURNAL, "infoint.yaml": f"timezone: {zone}\n"}, name=zone[8:])
        result = run("--root", root, "export", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["today"] == day.isoformat()


# --- check ----------------------------------------------------------------------------------


def test_check_clean(journal: Path) -> None:
    result = run("--root", journal, "check", "--today", "2026-11-21")
    assert (result.exit_code, result.output) == (0, "checked 6 files: 0 errors, 0 warnings\n")


def test_check_error(make_journal) -> None:
    root = make_journal({**JOURNAL, "content/meetings/2026-11-03-jane-doe.md": """
        ---
        contact: jane-doe
        date: Nov 3
        ---
    """})
    result = run("--root", root, "check", "--today", "2026-11-21")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "content/meetings/2026-11-03-jane-doe.md:3:7: error[E203]: date: expected a date like"
        " 2026-11-03 or \"2026-11-03 14:30\", got 'Nov 3'",
        "checked 6 files: 1 error, 0 warnings",
    ]


WARNED = {**JOURNAL, "content/contacts/mark-lee.md": """
    ---
    name: Mark Lee
    referred_by: jane-doe
    requested: 2026-11-12
    refered_by: jane-doe
    ---
"""}


def test_check_warning_only_passes(make_journal) -> None:
    result = run("--root", make_journal(WARNED), "check", "--today", "2026-11-21")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "content/contacts/mark-lee.md:5:1: warning[W401]: unknown key 'refered_by'; did you"
        " mean `referred_by`?",
        "checked 6 files: 0 errors, 1 warning",
    ]


def test_check_warning_only_fails_with_strict(make_journal) -> None:
    result = run("--root", make_journal(WARNED), "check", "--strict", "--today", "2026-11-21")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "checked 6 files: 0 errors, 1 warning"


def test_check_json(make_journal) -> None:
    root = make_journal({**WARNED, "content/contacts/jane-doe.md": """
        ---
        name: Jane Doe
        referred_by: jon-smith
        ---
    """})
    result = run("--root", root, "check", "--format", "json", "--today", "2026-11-21")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {"path": "content/contacts/jane-doe.md", "line": 3, "col": 14, "severity": "error",
         "code": "E301",
         "message": "referred_by: no contact 'jon-smith'; did you mean 'john-smith'?"},
        {"path": "content/contacts/mark-lee.md", "line": 5, "col": 1, "severity": "warning",
         "code": "W401", "message": "unknown key 'refered_by'; did you mean `referred_by`?"},
    ]
    assert result.stderr == "checked 6 files: 1 error, 1 warning\n"


def test_check_json_clean_is_an_empty_list(journal: Path) -> None:
    result = run("--root", journal, "check", "--format", "json", "--today", "2026-11-21")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_check_reports_a_blank_required_field(make_journal) -> None:
    root = make_journal({
        "content/contacts/no-name.md": "---\nname:\nrole: Analyst\n---\n",
        "content/meetings/no-date.md": "---\ncontact: no-name\ndate:\n---\n",
    })
    result = run("--root", root, "check", "--format", "json", "--today", "2026-11-21")
    assert result.exit_code == 1
    assert [(p["path"], p["code"]) for p in json.loads(result.stdout)] == [
        ("content/contacts/no-name.md", "E201"),
        ("content/meetings/no-date.md", "E201"),
    ]


# --- --root and folders that are not journals -----------------------------------------------


def test_root_elsewhere_and_default_root(journal: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert run("--root", journal, "check", "--today", "2026-11-21").exit_code == 0
    assert run("check").exit_code == 1
    monkeypatch.chdir(journal)
    result = run("check", "--today", "2026-11-21")
    assert (result.exit_code, result.output) == (0, "checked 6 files: 0 errors, 0 warnings\n")


@pytest.mark.parametrize(
    "command",
    [["check"], ["due"], ["export", "json"], ["new", "contact", "Ann Lee"],
     ["new", "meeting", "ann-lee"]],
)
def test_not_a_journal(tmp_path: Path, command: list[str]) -> None:
    empty = tmp_path / "not-a-journal"
    empty.mkdir()
    (empty / "notes.txt").write_text("hello\n", encoding="utf-8")
    result = run("--root", empty, *command)
    assert result.exit_code == 1
    assert result.output == (
        f"error: {empty} is not a journal: it has no content/ folder and no infoint.yaml"
        " (start one with `infoint-site init`)\n"
    )
    assert tree(empty) == {"notes.txt": b"hello\n"}


# --- init -----------------------------------------------------------------------------------


def test_init_creates_a_journal_that_checks_clean(tmp_path: Path) -> None:
    folder = tmp_path / "my-journal"
    result = run("init", folder, "--owner", "Alex Example")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        f"started a journal in {folder} with 7 files; next: cd {folder} && infoint-site check"
    )
    files = tree(folder)
    assert sorted(result.output.splitlines()[:-1]) == sorted(
        f"  created {folder / rel}" for rel in files
    )
    assert "infoint.yaml" in files
    assert b"owner: Alex Example" in files["infoint.yaml"]
    assert sum(p.startswith("content/contacts/") for p in files) >= 2
    assert sum(p.startswith("content/meetings/") for p in files) >= 2
    check = run("--root", folder, "check", "--strict")
    assert (check.exit_code, check.output) == (0, "checked 5 files: 0 errors, 0 warnings\n")
    loaded = load_journal(folder)
    assert loaded.journal.settings.owner == "Alex Example"
    assert set(loaded.analysis.meeting_status.values()) == {"done", "scheduled"}


def test_init_in_an_empty_existing_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    monkeypatch.chdir(folder)
    result = run("init")
    assert result.exit_code == 0, result.output
    assert run("check").exit_code == 0


def test_init_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "busy"
    (folder / "content").mkdir(parents=True)
    (folder / "todo.md").write_text("keep me\n", encoding="utf-8")
    before = tree(folder)
    result = run("init", folder)
    assert result.exit_code == 1
    assert result.output == (
        f"error: {folder} is not empty; init only starts a journal in an empty or new folder\n"
    )
    assert tree(folder) == before
    assert [p.name for p in folder.iterdir()] and not (folder / "infoint.yaml").exists()


def test_init_rejects_an_unknown_timezone(tmp_path: Path) -> None:
    result = run("init", tmp_path / "j", "--timezone", "Mars/Olympus")
    assert result.exit_code == 1
    assert "Mars/Olympus" in result.output
    assert not (tmp_path / "j").exists()


# --- new contact ----------------------------------------------------------------------------


def test_new_contact(journal: Path) -> None:
    result = run("--root", journal, "new", "contact", "Zoë O'Brien",
                 "--referred-by", "john-smith", "--company", "acme")
    assert result.exit_code == 0, result.output
    path = journal / "content" / "contacts" / "zoe-obrien.md"
    assert path.is_file()
    loaded = load_journal(journal, date(2026, 11, 21))
    assert loaded.problems == []
    zoe = loaded.journal.contacts["zoe-obrien"]
    assert (zoe.name, zoe.referred_by, zoe.company) == ("Zoë O'Brien", "john-smith", "acme")
    assert loaded.analysis.forest.chains["zoe-obrien"] == ("john-smith", "zoe-obrien")
    assert loaded.analysis.contact_status["zoe-obrien"] == "to-contact"
    check = run("--root", journal, "check", "--strict", "--today", "2026-11-21")
    assert (check.exit_code, check.output) == (0, "checked 7 files: 0 errors, 0 warnings\n")


@pytest.mark.parametrize(
    ("name", "slug", "stored"),
    [
        ("Ann Lee", "ann-lee", "Ann Lee"),
        ("  José  Núñez ", "jose-nunez", "José  Núñez"),
        ("Sam: the engineer", "sam-the-engineer", "Sam: the engineer"),
        ("true", "true", "true"),
        ("#1 fan", "1-fan", "#1 fan"),
    ],
)
def test_new_contact_names_read_back(journal: Path, name: str, slug: str, stored: str) -> None:
    result = run("--root", journal, "new", "contact", name)
    assert result.exit_code == 0, result.output
    loaded = load_journal(journal, date(2026, 11, 21))
    assert loaded.errors == 0
    assert loaded.journal.contacts[slug].name == stored
    assert loaded.journal.contacts[slug].referred_by is None


def test_new_contact_unknown_referrer(journal: Path) -> None:
    before = tree(journal)
    result = run("--root", journal, "new", "contact", "Zoë O'Brien", "--referred-by", "jon-smith")
    assert result.exit_code == 1
    assert result.output == "error: no contact 'jon-smith'; did you mean 'john-smith'?\n"
    assert tree(journal) == before


def test_new_contact_never_overwrites(journal: Path) -> None:
    assert run("--root", journal, "new", "contact", "Zoë O'Brien").exit_code == 0
    path = journal / "content" / "contacts" / "zoe-obrien.md"
    path.write_bytes(path.read_bytes() + b"\nMet at the meetup; loves climbing.\n")
    first = path.read_bytes()
    result = run("--root", journal, "new", "contact", "Zoë O'Brien", "--company", "other")
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert path.read_bytes() == first


def test_new_contact_refuses_an_empty_name(journal: Path) -> None:
    before = tree(journal)
    result = run("--root", journal, "new", "contact", "")
    assert result.exit_code == 1
    assert tree(journal) == before


def test_new_contact_does_not_assume_permission_to_use_a_name(journal: Path) -> None:
    assert run("--root", journal, "new", "contact", "Ann Lee",
               "--referred-by", "john-smith").exit_code == 0
    loaded = load_journal(journal, date(2026, 11, 21))
    assert loaded.journal.contacts["ann-lee"].may_use_name is None


# --- new meeting ----------------------------------------------------------------------------

SCRIPTED = {**JOURNAL, "content/contacts/ann-lee.md": """
    ---
    name: Ann Lee
    referred_by: jane-doe
    may_use_name: true
    script: moving-from-teaching-into-data
    ---
"""}


def test_new_meeting(make_journal) -> None:
    root = make_journal(SCRIPTED)
    result = run("--root", root, "new", "meeting", "ann-lee", "--date", "2026-12-01")
    assert result.exit_code == 0, result.output
    path = root / "content" / "meetings" / "2026-12-01-ann-lee.md"
    assert path.is_file()
    text = path.read_text(encoding="utf-8")
    closing = [line for line in text.splitlines() if CLOSING in line]
    assert len(closing) == 1
    assert not closing[0].lstrip().startswith("#")
    assert "moving-from-teaching-into-data" in text
    loaded = load_journal(root, date(2026, 11, 21))
    assert loaded.problems == []
    made = loaded.journal.meetings["2026-12-01-ann-lee"]
    assert (made.contacts, made.date, made.time) == (("ann-lee",), date(2026, 12, 1), None)
    assert made.questions == (
        "Who else should I talk to, and may I use your name when I contact them?",
        "May I stay in touch with you from time to time?",
    )
    assert loaded.analysis.meeting_status["2026-12-01-ann-lee"] == "scheduled"
    check = run("--root", root, "check", "--strict", "--today", "2026-11-21")
    assert (check.exit_code, check.output) == (0, "checked 8 files: 0 errors, 0 warnings\n")


def test_new_meeting_offers_the_journals_own_questions(make_journal) -> None:
    root = make_journal({**SCRIPTED, "infoint.yaml": """
        questions:
          specifics: [How do product teams here work with data?]
    """})
    assert run("--root", root, "new", "meeting", "ann-lee", "--date", "2026-12-01").exit_code == 0
    text = (root / "content/meetings/2026-12-01-ann-lee.md").read_text(encoding="utf-8")
    assert "How do product teams here work with data?" in text


def test_new_meeting_unknown_contact(journal: Path) -> None:
    before = tree(journal)
    result = run("--root", journal, "new", "meeting", "jane-do", "--date", "2026-12-01")
    assert result.exit_code == 1
    assert result.output == "error: no contact 'jane-do'; did you mean 'jane-doe'?\n"
    assert tree(journal) == before


def test_new_meeting_never_overwrites(make_journal) -> None:
    root = make_journal(SCRIPTED)
    assert run("--root", root, "new", "meeting", "ann-lee", "--date", "2026-12-01").exit_code == 0
    path = root / "content" / "meetings" / "2026-12-01-ann-lee.md"
    first = path.read_bytes()
    result = run("--root", root, "new", "meeting", "ann-lee", "--date", "2026-12-01")
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert path.read_bytes() == first


# --- help -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "mentions"),
    [
        ([], ["--root", "--debug", "--version", "init", "new", "check", "due", "export"]),
        (["init"], ["--owner", "--timezone", "--debug", "FOLDER"]),
        (["new"], ["contact", "meeting"]),
        (["new", "contact"], ["--referred-by", "--company", "--debug", "NAME"]),
        (["new", "meeting"], ["--date", "--debug", "CONTACT_ID"]),
        (["check"], ["--strict", "--format", "text", "json", "--today", "--debug"]),
        (["due"], ["--today", "--json", "--debug"]),
        (["export"], ["json"]),
        (["export", "json"], ["--today", "--debug"]),
    ],
)
def test_help(command: list[str], mentions: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    for word in mentions:
        assert word in result.output


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*prefix, name)))
    return found


def test_every_command_help_mentions_its_options() -> None:
    commands = _commands(main)
    assert {("init",), ("new", "contact"), ("new", "meeting"), ("check",), ("due",),
            ("export", "json")} <= set(commands)
    for path in commands:
        command: click.Command = main
        for name in path:
            assert isinstance(command, click.Group)
            command = command.commands[name]
        result = run(*path, "--help")
        assert result.exit_code == 0, (path, result.output)
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert any(opt in result.output for opt in param.opts), (path, param.opts)
        if isinstance(command, click.Group):
            for sub in command.commands:
                assert sub in result.output, (path, sub)
        else:  # the spec: every command takes --debug
            assert "--debug" in result.output, path


# --- internal errors ------------------------------------------------------------------------


@pytest.fixture
def broken(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the loader exploded")

    monkeypatch.setattr(infoint_site.pipeline, "load_journal", explode)


@pytest.mark.parametrize("command", [["check"], ["due"], ["export", "json"]])
def test_internal_error_without_debug(broken: None, journal: Path, command: list[str]) -> None:
    result = run("--root", journal, *command)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.splitlines()[0] == "internal error: RuntimeError: the loader exploded"
    assert "--debug" in result.output


@pytest.mark.parametrize(
    "where",
    [
        ["check", "--debug"],
        ["--debug", "check"],
        ["--debug", "export", "json"],
        ["export", "json", "--debug"],
        ["new", "meeting", "jane-doe", "--debug"],
        ["export", "--debug", "json"],
    ],
)
def test_internal_error_with_debug(broken: None, journal: Path, where: list[str]) -> None:
    result = run("--root", journal, *where)
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.output
    assert "RuntimeError: the loader exploded" in result.output


@pytest.mark.parametrize(("name", "slug"), [
    ("Zoë O'Brien", "zoe-obrien"),
    ("Łukasz Żółć", "lukasz-zolc"),
    ("Søren Kierkegaard", "soren-kierkegaard"),
    ("Gauß", "gauss"),
    ("Ægir Æsir", "aegir-aesir"),
    ("王小明", "王小明"),
])
def test_slugs_keep_every_letter(name: str, slug: str) -> None:
    from infoint_site.scaffold import slugify

    assert slugify(name) == slug
