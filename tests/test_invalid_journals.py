"""The bad-input catalogue: what `infoint-site check` prints for each kind of bad journal.

Each folder in ``tests/invalid/`` is a tiny journal root (``infoint.yaml`` when the
case needs one, and ``content/{contacts,meetings,companies}/*.md``) with an
``expected.txt``: exactly the problem lines ``check`` prints, one per line, in the
tool's order (path, line, column, code, message), without the summary line. An empty
``expected.txt`` is a valid journal that must produce no problem at all.

For every case the test runs the CLI through click's `CliRunner`, as a user would::

    infoint-site --root <case> check --today 2026-11-22              # lines == expected.txt
    infoint-site --root <case> check --today 2026-11-22 --strict     # exit 1 on warnings too
    infoint-site --root <case> check --today 2026-11-22 --format json

and asserts the printed lines, the exit code (1 when there is an error, else 0; with
``--strict`` also 1 when there is only a warning), and that the JSON is a list with the
same problems.

Cases that cannot live as files in git (symlinks out of the journal, unreadable files,
files over 1 MiB, a million-character line, 30,000 nested brackets, an alias bomb) are
written into ``tmp_path`` by the builders in `GENERATED`, each with its exact expected
lines in this module.

Known bugs: a case in `KNOWN_BUGS` (or a generated case with a reason) is marked
``xfail(strict=True)`` and its expected text is what the tool *should* print, not what it
prints today. When the bug is fixed the case XPASSes and fails the run: remove it from
the table then.

Regenerate the expected files after a deliberate change of wording or positions::

    INFOINT_REGENERATE=1 .venv/bin/pytest tests/test_invalid_journals.py

This rewrites every ``tests/invalid/*/expected.txt`` from what the tool prints now,
except those of `KNOWN_BUGS` (they hold the correct text, so they are left alone).
Review the diff before committing it. Generated cases keep their expected lines in this
module and are not rewritten.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from infoint_site.cli import main
from infoint_site.pipeline import load_journal

CASES_DIR = Path(__file__).parent / "invalid"
TODAY = "2026-11-22"
REGENERATE = os.environ.get("INFOINT_REGENERATE") == "1"
MIB = 1024 * 1024

_PROBLEM = re.compile(
    r"(?P<path>[^:]+):(?P<line>[0-9]+):(?P<col>[0-9]+): "
    r"(?P<severity>error|warning)\[(?P<code>[EW][0-9]{3})\]: (?P<message>.+)"
)
_SUMMARY = re.compile(r"checked [0-9]+ files?: [0-9]+ errors?, [0-9]+ warnings?")

KNOWN_BUGS: dict[str, str] = {}


# --- running the CLI -------------------------------------------------------------------


def run_check(root: Path, *options: str) -> Result:
    return CliRunner().invoke(main, ["--root", str(root), "check", "--today", TODAY, *options])


def problem_lines(result: Result) -> list[str]:
    """The problem lines of a text `check`, after checking the summary line closes them."""
    lines = result.stdout.splitlines()
    assert lines, f"check printed nothing; stderr: {result.stderr!r}"
    assert _SUMMARY.fullmatch(lines[-1]), f"no summary line; got {result.output!r}"
    return lines[:-1]


def parse_line(line: str) -> dict[str, object]:
    match = _PROBLEM.fullmatch(line)
    assert match, f"not a problem line: {line!r}"
    found = match.groupdict()
    return {**found, "line": int(found["line"]), "col": int(found["col"])}


def assert_check(root: Path, expected: list[str]) -> None:
    """The three runs of the module docstring, against `expected` problem lines."""
    parsed = [parse_line(line) for line in expected]
    has_error = any(p["severity"] == "error" for p in parsed)
    has_warning = any(p["severity"] == "warning" for p in parsed)

    text = run_check(root)
    assert text.stderr == "", text.stderr
    assert problem_lines(text) == expected
    assert text.exit_code == (1 if has_error else 0)

    strict = run_check(root, "--strict")
    assert problem_lines(strict) == expected
    assert strict.exit_code == (1 if has_error or has_warning else 0)

    as_json = run_check(root, "--format", "json")
    assert as_json.exit_code == text.exit_code
    problems = json.loads(as_json.stdout)
    assert isinstance(problems, list)
    assert {(p["path"], p["line"], p["col"], p["code"]) for p in problems} == {
        (p["path"], p["line"], p["col"], p["code"]) for p in parsed
    }
    assert [
        f"{p['path']}:{p['line']}:{p['col']}: {p['severity']}[{p['code']}]: {p['message']}"
        for p in problems
    ] == expected


def read_expected(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


# --- the folders -----------------------------------------------------------------------


def _folder_cases() -> list[object]:
    cases = []
    for folder in sorted(p for p in CASES_DIR.iterdir() if p.is_dir()):
        marks = []
        if folder.name in KNOWN_BUGS:
            marks.append(pytest.mark.xfail(reason=KNOWN_BUGS[folder.name], strict=True))
        cases.append(pytest.param(folder, id=folder.name, marks=marks))
    return cases


FOLDER_CASES = _folder_cases()


@pytest.mark.parametrize("folder", FOLDER_CASES)
def test_invalid_journal(folder: Path) -> None:
    expected_file = folder / "expected.txt"
    if REGENERATE and folder.name not in KNOWN_BUGS:
        lines = problem_lines(run_check(folder))
        expected_file.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    assert_check(folder, read_expected(expected_file))


def test_catalogue_is_complete_and_well_formed() -> None:
    """Every folder has an expected.txt of parseable lines in the tool's own order."""
    folders = [p for p in CASES_DIR.iterdir() if p.is_dir()]
    assert len(folders) + len(GENERATED) >= 45
    assert set(KNOWN_BUGS) <= {p.name for p in folders}
    for folder in folders:
        assert (folder / "content").is_dir() or (folder / "infoint.yaml").is_file(), folder
        lines = read_expected(folder / "expected.txt")
        parsed = [parse_line(line) for line in lines]
        keys = [(p["path"], p["line"], p["col"], p["code"], p["message"]) for p in parsed]
        assert keys == sorted(set(keys)), f"{folder.name}: not in the tool's order"


# --- valid inputs keep their values as written --------------------------------------------


def _record(case: str, kind: str, record_id: str) -> object:
    loaded = load_journal(CASES_DIR / case, date.fromisoformat(TODAY))
    assert loaded.problems == []
    return getattr(loaded.journal, kind)[record_id]


def test_scalars_stay_as_written_in_export_json() -> None:
    root = CASES_DIR / "scalars-as-written"
    result = CliRunner().invoke(main, ["--root", str(root), "export", "json", "--today", TODAY])
    assert result.exit_code == 0, result.output
    (contact,) = json.loads(result.stdout)["contacts"]
    assert contact["id"] == "no-name"
    assert contact["name"] == "NO"  # not False, as YAML 1.1 would read it


def test_scalars_stay_as_written_in_the_record() -> None:
    contact = _record("scalars-as-written", "contacts", "no-name")
    assert contact.name == "NO"
    assert contact.phone == "0201234567"  # the leading zero survives: not the int 201234567
    assert contact.role == "1e3"
    assert contact.field == "null-space"


@pytest.mark.parametrize(
    ("case", "role"), [("bom", None), ("crlf-line-ends", "Analyst"), ("cr-line-ends", "Analyst")]
)
def test_bom_and_line_ends_leave_no_trace(case: str, role: str | None) -> None:
    contact = _record(case, "contacts", "jane-doe")
    assert (contact.name, contact.role, contact.body) == ("Jane Doe", role, "Body.\n")


def test_closing_dots_fence_ends_front_matter() -> None:
    contact = _record("closing-dots-fence", "contacts", "jane-doe")
    assert (contact.name, contact.body) == ("Jane Doe", "Body.\n")


def test_aliases_are_read_as_their_anchor() -> None:
    meeting = _record("anchors-and-aliases", "meetings", "2026-11-03-jane-doe")
    assert meeting.goals == ("learn how data teams hire", "hear about the field")
    assert meeting.questions == meeting.goals


def test_unicode_file_names_are_ids() -> None:
    root = CASES_DIR / "unicode-file-names"
    result = CliRunner().invoke(main, ["--root", str(root), "export", "json", "--today", TODAY])
    assert result.exit_code == 0, result.output
    contacts = {c["id"]: c for c in json.loads(result.stdout)["contacts"]}
    assert contacts["zoë-müller"]["chain"] == ["李雷", "zoë-müller"]
    assert contacts["李雷"]["meetings"] == ["2026-11-03-李雷"]


# --- generated cases: what git cannot hold -------------------------------------------------

JANE = "---\nname: Jane Doe\n---\n"
Builder = Callable[[Path, pytest.MonkeyPatch], list[str]]


def _write(root: Path, rel: str, data: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def _outside(root: Path) -> Path:
    """A folder next to the journal, with a note in it."""
    outside = root.parent / "outside"
    _write(outside, "secret.md", "---\nname: Someone Else\n---\n")
    return outside


def symlink_file_outside(root: Path, _: pytest.MonkeyPatch) -> list[str]:
    _write(root, "content/contacts/jane-doe.md", JANE)
    (root / "content/contacts/secret.md").symlink_to(_outside(root) / "secret.md")
    return ["content/contacts/secret.md:1:1: error[E112]:"
            " a symlink to a file outside the journal: not read"]


def symlink_folder_outside(root: Path, _: pytest.MonkeyPatch) -> list[str]:
    _write(root, "content/contacts/jane-doe.md", JANE)
    (root / "content/contacts/team").symlink_to(_outside(root), target_is_directory=True)
    return ["content/contacts/team:1:1: error[E112]:"
            " a symlink to a folder outside the journal: not read"]


def symlink_inside_is_read(root: Path, _: pytest.MonkeyPatch) -> list[str]:
    _write(root, "shared/jane-doe.md", JANE)
    (root / "content/contacts").mkdir(parents=True)
    (root / "content/contacts/jane-doe.md").symlink_to(root / "shared/jane-doe.md")
    return []


def symlink_loop(root: Path, _: pytest.MonkeyPatch) -> list[str]:
    """E111 without chmod: a loop of symlinks cannot be read, even by root."""
    _write(root, "content/contacts/jane-doe.md", JANE)
    (root / "content/contacts/loop-a.md").symlink_to("loop-b.md")
    (root / "content/contacts/loop-b.md").symlink_to("loop-a.md")
    reason = os.strerror(errno.ELOOP)
    reason = reason[:1].lower() + reason[1:]
    return [f"content/contacts/loop-a.md:1:1: error[E111]: cannot be read: {reason}",
            f"content/contacts/loop-b.md:1:1: error[E111]: cannot be read: {reason}"]


def dangling_symlink(root: Path, _: pytest.MonkeyPatch) -> list[str]:
    (root / "content/contacts").mkdir(parents=True)
    (root / "content/contacts/jane-doe.md").symlink_to("jane-doe-old.md")
    return ["content/contacts/jane-doe.md:1:1: error[E111]:"
            " cannot be read: a symlink to a file that does not exist"]


def unreadable_file(root: Path, _: pytest.MonkeyPatch) -> list[str]:
    path = _write(root, "content/contacts/jane-doe.md", JANE)
    path.chmod(0)
    return ["content/contacts/jane-doe.md:1:1: error[E111]: cannot be read: permission denied"]


def unreadable_file_simulated(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The same E111 as `unreadable_file`, where chmod cannot stop us (running as root)."""
    from infoint_site import loader

    _write(root, "content/contacts/jane-doe.md", JANE)
    _write(root, "content/contacts/mark-lee.md", "---\nname: Mark Lee\n---\n")

    def refuse_jane(file: object, *args: object, **kwargs: object) -> object:
        if str(file).endswith("jane-doe.md"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(file))
        return open(file, *args, **kwargs)

    monkeypatch.setattr(loader, "open", refuse_jane, raising=False)
    return ["content/contacts/jane-doe.md:1:1: error[E111]: cannot be read: permission denied"]


def unreadable_folder(root: Path, _: pytest.MonkeyPatch) -> list[str]:
    _write(root, "content/contacts/jane-doe.md", JANE)
    _write(root, "content/contacts/private/mark-lee.md", "---\nname: Mark Lee\n---\n")
    (root / "content/contacts/private").chmod(0)
    return ["content/contacts/private:1:1: error[E111]:"
            f" folder cannot be read: {os.strerror(errno.EACCES)}"]


def fifo_named_like_a_note(root: Path, _: pytest.MonkeyPatch) -> list[str]:
    _write(root, "content/contacts/jane-doe.md", JANE)
    os.mkfifo(root / "content/contacts/pipe.md")
    return ["content/contacts/pipe.md:1:1: warning[W112]: not a regular file: skipped"]


def _padded(size: int) -> bytes:
    """A valid contact file of exactly `size` bytes: front matter, then a long body."""
    head = JANE.encode()
    body = size - len(head)
    return head + (b"x" * 99 + b"\n") * (body // 100) + b"y" * (body % 100)


def file_exactly_1_mib(root: Path, _: pytest.MonkeyPatch) -> list[str]:
    _write(root, "content/contacts/jane-doe.md", _padded(MIB))
    assert (root / "content/contacts/jane-doe.md").stat().st_size == MIB
    return []


def file_over_1_mib(root: Path, _: pytest.MonkeyPatch) -> list[str]:
    _write(root, "content/contacts/jane-doe.md", _padded(MIB * 5 // 2))
    return ["content/contacts/jane-doe.md:1:1: error[E102]: file is 2,621,440 bytes;"
            " the limit is 1 MiB (1,048,576 bytes)"]


def file_1_mib_plus_one_byte(root: Path, _: pytest.MonkeyPatch) -> list[str]:
    _write(root, "content/contacts/jane-doe.md", _padded(MIB + 1))
    return ["content/contacts/jane-doe.md:1:1: error[E102]:"
            " file is 1,048,577 bytes; the limit is 1 MiB (1,048,576 bytes)"]


def file_grown_past_1_mib_while_read(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Small when looked at, 2.5 MiB by the time it is read: read up to the limit and a
    byte more, and refused for it (the loader reads as many bytes as the file had)."""
    from infoint_site import loader

    _write(root, "content/contacts/jane-doe.md", JANE)

    def grow_jane(file: object, *args: object, **kwargs: object) -> object:
        if str(file).endswith("jane-doe.md"):  # what it holds when opened, after the stat
            return io.BytesIO(_padded(MIB * 5 // 2))
        return open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(loader, "open", grow_jane, raising=False)
    return ["content/contacts/jane-doe.md:1:1: error[E102]:"
            " file is 1,048,577 bytes; the limit is 1 MiB (1,048,576 bytes)"]


def million_char_line(root: Path, _: pytest.MonkeyPatch) -> list[str]:
    """A 1,000,000-character value in a file under 1 MiB is accepted, and kept whole."""
    _write(root, "content/contacts/jane-doe.md",
           "---\nname: Jane Doe\nrole: " + "x" * 1_000_000 + "\n---\n" + "y" * 40_000 + "\n")
    assert (root / "content/contacts/jane-doe.md").stat().st_size < MIB
    return []


def million_char_reference(root: Path, _: pytest.MonkeyPatch) -> list[str]:
    _write(root, "content/contacts/john-smith.md", "---\nname: John Smith\n---\n")
    _write(root, "content/contacts/mark-lee.md",
           "---\nname: Mark Lee\nreferred_by: " + "y" * 1_000_000 + "\n---\n")
    return ["content/contacts/mark-lee.md:3:14: error[E301]:"
            f" referred_by: no contact '{'y' * 57}...'"]


def nested_brackets(root: Path, _: pytest.MonkeyPatch) -> list[str]:
    _write(root, "content/contacts/jane-doe.md",
           "---\nname: Jane Doe\ntags: " + "[" * 30_000 + "]" * 30_000 + "\n---\n")
    # The document's mapping is level 1, so the 64th '[' (column 7 + 63) is level 65.
    return ["content/contacts/jane-doe.md:3:70: error[E108]: nesting deeper than 64 levels"]


def nested_brackets_unclosed(root: Path, _: pytest.MonkeyPatch) -> list[str]:
    _write(root, "content/contacts/jane-doe.md",
           "---\nname: Jane Doe\ntags: " + "[" * 30_000 + "\n---\n")
    return ["content/contacts/jane-doe.md:3:70: error[E108]: nesting deeper than 64 levels"]


def alias_bomb(root: Path, _: pytest.MonkeyPatch) -> list[str]:
    """A "billion laughs": nine levels of ten aliases each would be 10**9 values."""
    lines = ["---", "name: Jane Doe", "a: &a [" + ", ".join(["lol"] * 10) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    _write(root, "content/contacts/jane-doe.md", "\n".join([*lines, "---", ""]))
    # Refused while building `e` (line 6): 10 + 100 + 1,000 + 10,000 values, and more.
    return ["content/contacts/jane-doe.md:6:4: error[E108]:"
            " too many values (over 20,000 after expanding aliases)"]


def _chmod_protects() -> bool:
    """False where chmod 000 does not stop reading (root, or CAP_DAC_OVERRIDE)."""
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe"
        probe.write_text("x")
        probe.chmod(0)
        try:
            probe.read_text()
        except PermissionError:
            return True
        finally:
            probe.chmod(0o600)
    return False


_CHMOD_IGNORED = not _chmod_protects()

def _skip_if(condition: bool, reason: str) -> list[pytest.MarkDecorator]:
    return [pytest.mark.skipif(condition, reason=reason)]


GENERATED: dict[str, tuple[Builder, list[pytest.MarkDecorator]]] = {
    "symlink-file-outside": (symlink_file_outside, []),
    "symlink-folder-outside": (symlink_folder_outside, []),
    "symlink-inside-is-read": (symlink_inside_is_read, []),
    "symlink-loop": (symlink_loop, []),
    "dangling-symlink": (dangling_symlink, []),
    "unreadable-file": (unreadable_file, _skip_if(
        _CHMOD_IGNORED, "root reads a chmod 000 file; see unreadable-file-simulated"
    )),
    "unreadable-file-simulated": (unreadable_file_simulated, []),
    "unreadable-folder": (unreadable_folder, _skip_if(
        _CHMOD_IGNORED, "root reads a chmod 000 folder"
    )),
    "fifo-named-like-a-note": (fifo_named_like_a_note, _skip_if(
        not hasattr(os, "mkfifo"), "no FIFOs here"
    )),
    "file-exactly-1-mib": (file_exactly_1_mib, []),
    "file-over-1-mib": (file_over_1_mib, []),
    "file-1-mib-plus-one-byte": (file_1_mib_plus_one_byte, []),
    "file-grown-past-1-mib-while-read": (file_grown_past_1_mib_while_read, []),
    "million-char-line": (million_char_line, []),
    "million-char-reference": (million_char_reference, []),
    "nested-brackets-30000": (nested_brackets, []),
    "nested-brackets-30000-unclosed": (nested_brackets_unclosed, []),
    "alias-bomb": (alias_bomb, []),
}


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks and FIFOs need POSIX")
@pytest.mark.parametrize(
    "name",
    [pytest.param(name, id=name, marks=marks) for name, (_, marks) in GENERATED.items()],
)
def test_generated_journal(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "journal"
    root.mkdir()
    build, _ = GENERATED[name]
    expected = build(root, monkeypatch)
    try:
        assert_check(root, expected)
    finally:  # let pytest clean tmp_path up after a chmod 000
        for folder, names, files in os.walk(root):
            for name in (*names, *files):
                path = os.path.join(folder, name)
                if not os.path.islink(path):
                    os.chmod(path, 0o755)


def test_million_char_value_is_kept_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "journal"
    root.mkdir()
    million_char_line(root, monkeypatch)
    loaded = load_journal(root, date.fromisoformat(TODAY))
    assert loaded.problems == []
    assert loaded.journal.contacts["jane-doe"].role == "x" * 1_000_000
