"""What fuzzing found, kept as tests; and the saved fuzz corpus, replayed by the suite.

``fuzz/fuzz_front_matter.py`` runs one file's bytes through every reader (front matter,
each kind of record, settings) and checks that nothing raises and that every problem
names the file and a line inside it. `test_the_saved_corpus_passes_the_harness` replays
``fuzz/corpus/`` through that same function, so the corpus is exercised on every run,
not only when CI fuzzes. Each crash the fuzzers found is a test below, with the input
that found it, and what the user sees now.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from infoint_site.cli import main
from infoint_site.frontmatter import parse_front_matter
from infoint_site.parse import parse_file
from infoint_site.settings import parse_settings

FUZZ = Path(__file__).resolve().parent.parent / "fuzz"


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_front_matter",
                                                  FUZZ / "fuzz_front_matter.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fuzz_front_matter", module)
    spec.loader.exec_module(module)
    return module


harness = _harness()
CORPUS = sorted((FUZZ / "corpus").iterdir())


def settings_lines(data: bytes) -> list[str]:
    return [p.format() for p in parse_settings(data)[1]]


def contact_lines(data: bytes) -> list[str]:
    return [p.format() for p in parse_file("contacts", "content/contacts/jane-doe.md", data)[1]]


# -- the corpus ---------------------------------------------------------------------------


def test_the_corpus_holds_the_example_and_the_catalogue() -> None:
    names = [p.name for p in CORPUS]
    assert 40 <= len(names) <= 150
    assert any(n.startswith("example-") for n in names)
    assert any(n.startswith("invalid-") for n in names)
    assert any(n.startswith("crash-") for n in names)


def test_the_saved_corpus_passes_the_harness() -> None:
    problems = {path.name: harness.check_input(path.read_bytes()) for path in CORPUS}
    # The example's files are valid; the catalogue's bad inputs are reported, not raised.
    assert problems["example-contact-helen-okafor.md"] > 0  # read as a meeting too: errors
    assert problems["invalid-nul-byte--jane-doe.md"] > 0


def test_plain_mutations_of_the_corpus_pass_the_harness() -> None:
    """A short, seeded run of the plain mutator: the same inputs every time."""
    seeds = [p.read_bytes() for p in CORPUS]
    tried = sum(1 for data in harness.plain_inputs(seeds, 1500, seed=7)
                if harness.check_input(data) >= 0)
    assert tried == len(seeds) + 1500


def test_the_harness_fails_on_a_problem_outside_the_file() -> None:
    """The harness asserts something: a problem past the last line is caught."""
    from infoint_site.problems import error

    with pytest.raises(AssertionError, match="line outside the file"):
        harness.check_problems("infoint.yaml", [error("infoint.yaml", 4, 1, "E105", "x")], 3)
    with pytest.raises(AssertionError, match="another file"):
        harness.check_problems("infoint.yaml", [error("other.md", 1, 1, "E105", "x")], 3)


def test_the_harness_replays_a_file_from_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    crash = tmp_path / "crash-1"
    crash.write_bytes(b"timezone: America\n")
    assert harness.main([str(crash)]) == 0
    assert capsys.readouterr().out == f"{crash}: ok\n"


# -- crash 1: a time-zone folder, or a name the lookup trips over ---------------------------
# Found by the plain mutator (`timezone: Europe`) and by hand around it: ZoneInfo raised
# IsADirectoryError, OSError (name too long), TypeError (`__init__/x`) or RecursionError
# (thousands of `/a`), which `build` showed as an internal error.


@pytest.mark.parametrize("name", [
    "America", "Europe", "Etc", "__pycache__", "__init__/x", "Europe/__init__",
    "a" * 300, "a" + "/a" * 3000,
])
def test_a_timezone_that_is_no_zone_is_an_error_not_a_crash(name: str) -> None:
    data = f"timezone: {name}\n".encode()
    assert harness.check_input(data) > 0
    (line,) = settings_lines(data)
    assert line.startswith("infoint.yaml:1:11: error[E204]: timezone: expected an IANA time"
                           " zone like Europe/London, got '")


def test_a_timezone_folder_fails_build_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "infoint.yaml").write_text("timezone: America\n")
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "build", "--today",
                                       "2026-11-22"])
    assert result.exit_code == 1
    assert "infoint.yaml:1:11: error[E204]: timezone:" in result.stderr
    assert "internal error" not in result.stderr


def test_real_timezones_are_still_accepted() -> None:
    for name in ("Europe/London", "America/Argentina/ComodRivadavia", "UTC", "Etc/GMT+5"):
        assert settings_lines(f"timezone: {name}\n".encode()) == []


# -- crash 2: a settings file that is only `---` (or `---` and comments) --------------------
# Found by the plain mutator: the empty document was read as a scalar, so the settings
# were "not a mapping", at a line after the end of the file.


@pytest.mark.parametrize("data", [b"---", b"---\n", b"---\n# title: My journal\n", b"~\n",
                                  b"--- # nothing yet\n"])
def test_settings_with_nothing_in_them_are_the_defaults(data: bytes) -> None:
    settings, problems = parse_settings(data)
    assert problems == []
    assert settings.title == "Networking journal"


def test_front_matter_of_only_null_is_an_empty_mapping() -> None:
    node, _, problems = parse_front_matter("content/contacts/jane-doe.md", b"---\n~\n---\n")
    assert problems == [] and node is not None and node.entries == ()
    assert contact_lines(b"---\n~\n---\n") == [
        "content/contacts/jane-doe.md:1:1: error[E201]: missing required field 'name'"]


# -- crash 3: a YAML error at the end of a text without a final line break ----------------
# Found by the plain mutator: libyaml counts a line break after the last line, so the
# error named line 4 of a 3-line file.


def test_an_error_at_the_end_of_the_text_is_on_its_last_line() -> None:
    data = b"\xef\xbb\xbf---\nname: Jane Doe\n--"
    assert settings_lines(data) == [
        "infoint.yaml:3:3: error[E105]: YAML syntax error: could not find expected ':'"
        " (while scanning a simple key that starts at line 3, column 1)"]
    assert harness.check_input(data) > 0


# -- crash 4: U+2028, U+2029 and U+0085, which libyaml counts as line breaks ----------------
# Found by the plain mutator: every position after one was a line too far, up to past
# the end of the file; the message now also says what to remove.


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
def test_invisible_line_breaks_do_not_shift_positions(char: str) -> None:
    data = f"---\nname: Jane{char}Doe\nrole: [\n---\n".encode()
    (line,) = contact_lines(data)
    assert line.startswith("content/contacts/jane-doe.md:3:1: error[E105]: YAML syntax error:")
    assert "(while scanning a simple key that starts at line 2, column 12)" in line
    assert line.endswith(f"line 2 holds the invisible character U+{ord(char):04X}, which YAML"
                         " reads as a line break: remove it")


def test_positions_after_an_invisible_line_break_are_editor_lines() -> None:
    data = "---\nrole: a\u2028 b\nname: Jane\nemail: nope\n---\n".encode()
    record, problems = parse_file("contacts", "content/contacts/jane-doe.md", data)
    assert record is not None and record.role == "a\u2028b"  # YAML folds the break
    assert [p.format() for p in problems] == [
        "content/contacts/jane-doe.md:4:8: error[E202]: email: expected an email address like"
        " jane@example.com, got 'nope'"]


@pytest.mark.parametrize("data", [
    b"---\xe2\x80\xa8\n- na",
    b"---\nname: Jane D\xe2\x80\xa8oe\nfollow_ups:",
    b"---\nname:\nrole: \xe2\x80\xa8 of Data\n-",
    b"---\ncontact: jane-doe\nda26-\xe2\x80\xa811",
])
def test_the_saved_crash_inputs_pass_the_harness(data: bytes) -> None:
    assert harness.check_input(data) > 0


# -- crash 5: a date so far away that a follow-up falls off the calendar -------------------
# Found by hand, choosing the dates tests/test_properties.py generates: `date: 9999-12-31`
# plus the thank-you days, or `0001-01-01` minus the confirm days, raised OverflowError
# while computing follow-ups. Dates are now years 1900 to 2999; the properties try both.


@pytest.mark.parametrize(("day", "status"), [("9999-12-31", "done"), ("0001-01-01", "scheduled"),
                                             ("1899-12-31", "done"), ("3000-01-01", "done")])
def test_a_date_out_of_range_is_an_error_not_a_crash(
        tmp_path: Path, day: str, status: str) -> None:
    (tmp_path / "content/contacts").mkdir(parents=True)
    (tmp_path / "content/meetings").mkdir()
    (tmp_path / "content/contacts/jane.md").write_text(
        "---\nname: Jane\nkeep_in_touch: 9999m\nlast_contact: 2999-12-31\n---\n")
    (tmp_path / "content/meetings/m.md").write_text(
        f"---\ncontact: jane\ndate: {day}\nstatus: {status}\n"
        "follow_ups:\n  - action: Write\n    after: 9999w\n---\n")
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "check", "--today",
                                       "2026-11-22"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"content/meetings/m.md:3:7: error[E203]: date: expected a date from the year 1900"
        f" to 2999, got '{day}'")
    assert "internal error" not in result.stderr


def test_the_ends_of_the_range_build(tmp_path: Path) -> None:
    """The first and last days allowed, with the longest gaps the settings allow."""
    (tmp_path / "content/contacts").mkdir(parents=True)
    (tmp_path / "content/meetings").mkdir()
    (tmp_path / "infoint.yaml").write_text(
        "follow_up:\n  confirm_days_before: 365\n  thank_you_days: 365\n"
        "  keep_in_touch: 9999m\n  soon_days: 365\n")
    (tmp_path / "content/contacts/jane.md").write_text(
        "---\nname: Jane\nkeep_in_touch: true\nrequested: 1900-01-01\n"
        "last_contact: 2999-12-31\n---\n")
    (tmp_path / "content/meetings/first.md").write_text(
        "---\ncontact: jane\ndate: 1900-01-01\nstatus: scheduled\n---\n")
    (tmp_path / "content/meetings/last.md").write_text(
        "---\ncontact: jane\ndate: 2999-12-31\nstatus: done\nresume_requested: true\n"
        "follow_ups:\n  - action: Write\n    after: 9999m\n---\n")
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "build", "--today",
                                       "2999-12-31", "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site/meetings/last/index.html").is_file()


# -- crash 6: a value with a line break broke the one-problem-per-line report ----------------
# Found by tests/test_properties.py: `confirmed: "ý\N"` (a double-quoted NEL) made `check`
# print a problem over two lines, which editors and `path:line:col:` parsers split.


def test_a_value_with_a_line_break_is_quoted_on_one_line(tmp_path: Path) -> None:
    data = b'---\nname: Jane\nemail: "a\\nb\\N"\n"ro\\Lle": x\n---\n'
    assert contact_lines(data) == [
        "content/contacts/jane-doe.md:3:8: error[E202]: email: expected an email address like"
        " jane@example.com, got 'a\\nb\\x85'",
        "content/contacts/jane-doe.md:4:1: warning[W401]: unknown key 'ro\\u2028le';"
        " did you mean `role`?",
    ]
    (tmp_path / "content/contacts").mkdir(parents=True)
    (tmp_path / "content/contacts/jane-doe.md").write_bytes(data)
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "check"])
    assert len(result.stdout.splitlines()) == 3  # two problems and the summary


def test_a_duplicate_key_with_a_line_break_is_quoted_on_one_line() -> None:
    (line,) = contact_lines(b'---\nname: Jane\n"x\\ny": 1\n"x\\ny": 2\n---\n')
    assert line == ("content/contacts/jane-doe.md:4:1: error[E107]: duplicate key 'x\\ny'"
                    " (first on line 3)")


def test_a_referral_with_a_line_break_is_quoted_on_one_line(tmp_path: Path) -> None:
    """The same, in a warning across files (W403): the name matches 'Mark Lee'."""
    (tmp_path / "content/contacts").mkdir(parents=True)
    (tmp_path / "content/meetings").mkdir()
    (tmp_path / "content/contacts/jane.md").write_text("---\nname: Jane\n---\n")
    (tmp_path / "content/contacts/mark.md").write_text("---\nname: Mark Lee\n---\n")
    (tmp_path / "content/meetings/m.md").write_text(
        '---\ncontact: jane\ndate: 2026-11-03\nreferrals: ["Mark\\nLee"]\nstatus: done\n---\n')
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "check", "--today",
                                       "2026-11-22"])
    assert result.stdout.splitlines() == [
        "content/meetings/m.md:4:13: warning[W403]: referrals: 'Mark\\nLee' was suggested in"
        " this meeting, but content/contacts/mark.md has no referred_by; set referred_by: jane",
        "checked 3 files: 0 errors, 1 warning",
    ]


# -- crash 7: a second byte-order mark ---------------------------------------------------
# Found by atheris (an 8-minute run): after the first BOM (dropped with decoding) libyaml
# skips a second one without counting it, so every offset was one short and an error at
# the end of the text landed on a line after it.


def test_a_second_byte_order_mark_does_not_shift_positions() -> None:
    data = b"\xef\xbb\xbf\xef\xbb\xbf-----rna:\n--"
    assert settings_lines(data) == [
        "infoint.yaml:2:3: error[E105]: YAML syntax error: could not find expected ':'"
        " (while scanning a simple key that starts at line 2, column 1)"]
    assert harness.check_input(data) > 0
    assert contact_lines("---\n\ufeffname: Jane\nrole: [\n---\n".encode()) == [
        "content/contacts/jane-doe.md:4:1: error[E105]: YAML syntax error: did not find"
        " expected node content (while parsing a flow node)"]


# -- crash 8: a control character after non-ASCII text -------------------------------------
# Found by hand while looking into crash 7: libyaml gives the position of a character it
# refuses in bytes of UTF-8, not in characters, so after Chinese or accented text the
# error pointed lines too far, past the end of a file with enough of them.


def test_a_control_character_after_non_ascii_text_is_where_it_is() -> None:
    data = "---\nname: Jane\nrole: 李李李李\nfield: x\x01\n---\n".encode()
    assert contact_lines(data) == [
        "content/contacts/jane-doe.md:4:9: error[E110]: character U+0001 is not allowed here"
        " (control characters are not allowed)"]
    many = ("---\nname: Jane\nrole: " + "李" * 400 + "\nfield: x\x01\n---\n").encode()
    (line,) = contact_lines(many)
    assert line.startswith("content/contacts/jane-doe.md:4:9: error[E110]:")
