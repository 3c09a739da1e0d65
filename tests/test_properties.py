"""Properties of the whole pipeline, on journals that hypothesis makes up.

The strategies write real journals: contacts, meetings and companies whose references
may dangle or run in a cycle, front matter emitted from YAML *events* (anchors and
aliases, flow and block collections, every quoting style, tags, odd scalars such as
``2026-11-31``, ``NO``, ``0x1F`` and ``.inf``), and then mutations of those files: random
bytes, truncations, values of the wrong type, random YAML in place of the front matter.
For every journal:

- reading it never raises: every problem is a value (`process` and `check` alike);
- every problem names a file of the journal and a line inside that file;
- a journal without errors builds, and building it twice gives the same bytes.

The budgets (`max_examples`) keep this file under a minute on two cores; the figures
of longer runs are in docs/robustness.md.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, seed, settings
from hypothesis import strategies as st

from infoint_site.cli import main
from infoint_site.frontmatter import parse_front_matter
from infoint_site.loader import SourceFile, Sources
from infoint_site.parse import KINDS, parse_file, record_id
from infoint_site.pipeline import process
from infoint_site.problems import Problem
from infoint_site.settings import SETTINGS_FILE, parse_settings

TODAY = date(2026, 11, 22)


SCALE = int(os.environ.get("INFOINT_HYPOTHESIS_SCALE", "1"))
"""Multiplies every budget, for the long runs docs/robustness.md reports."""


def budget(examples: int) -> settings:
    """`examples` journals per test (times `SCALE`), no deadline (a build takes what it
    takes), and no example database left in the working tree."""
    return settings(max_examples=examples * SCALE, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- YAML from events ------------------------------------------------------------------------

ODD_SCALARS = (
    "2026-11-31", "2026-02-29", "2026-11-03 25:00", "2026-11-03T14:30:00Z", "9999-12-31",
    "0001-01-01", "1899-12-31", "3000-01-01", "NO", "no", "yes", "On", "0x1F", "0o17",
    "0b101", "1_000", ".inf", "-.inf", ".NaN", "~", "null", "", " ", "true", "False", "1e3",
    "12:30", "12:30:00", "90d", "0d", "9999m", "1y", "+44 20 7946 0000", "@handle", "`tick",
    "%pct", "- dash", ": colon", "#hash", "a: b", "[x", "{y", "*star", "&amp", "!bang",
    "|pipe", ">gt", "'q", '"dq', "\t", " lead", "trail ", "é", "李雷", "a\u2028b", "\U0001F600",
    "jane-doe", "john-smith", "nobody", "ann-lee", "---", "...", "x" * 200,
)
FIELD_NAMES = sorted({
    "name", "company", "role", "field", "tags", "email", "phone", "linkedin", "referred_by",
    "may_use_name", "requested", "script", "status", "keep_in_touch", "last_contact",
    "follow_ups", "contact", "contacts", "date", "duration_minutes", "format", "platform",
    "location", "goals", "questions", "referrals", "outcome", "confirmed", "thank_you_sent",
    "evaluated", "resume_requested", "resume_sent", "referrer_updated", "website", "action",
    "due", "after", "done", "title", "owner", "timezone", "output", "theme", "follow_up",
    "privacy", "encrypt", "hide_fields", "soon_days", "refered_by", "Name",
})
TAGS = (None,) * 8 + ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int",
                      "tag:yaml.org,2002:python/object/apply:os.system", "!custom",
                      "tag:yaml.org,2002:binary", "tag:yaml.org,2002:seq",
                      "tag:yaml.org,2002:map", "tag:yaml.org,2002:timestamp")
STYLES = (None, None, None, "'", '"', "|", ">")

scalar_texts = st.one_of(st.sampled_from(ODD_SCALARS), st.text(max_size=12))


class _Anchors:
    """Anchors named so far in one document, for aliases to point at."""

    def __init__(self) -> None:
        self.names: list[str] = []


@st.composite
def yaml_node(draw: Callable[..., Any], anchors: _Anchors, depth: int = 0,
              key: bool = False) -> list[yaml.Event]:
    """The events of one node: a scalar, an alias, or a flow or block collection."""
    kinds = ["scalar"] * 4
    if depth < 4 and not (key and draw(st.integers(0, 9))):
        kinds += ["seq", "map"]
    if anchors.names:
        kinds.append("alias")
    kind = draw(st.sampled_from(kinds))
    if kind == "alias":
        # Usually a finished anchor; sometimes one still open (a cycle) or none at all.
        name = draw(st.sampled_from([*anchors.names, "nowhere"]))
        return [yaml.AliasEvent(name)]
    anchor = None
    if draw(st.integers(0, 4)) == 0:
        anchor = f"a{len(anchors.names)}"
        anchors.names.append(anchor)
    tag = draw(st.sampled_from(TAGS))
    if kind == "scalar":
        value = draw(st.sampled_from(FIELD_NAMES) if key else scalar_texts)
        implicit = (True, True) if tag is None else (False, False)
        return [yaml.ScalarEvent(anchor, tag, implicit, value,
                                 style=draw(st.sampled_from(STYLES)))]
    flow = draw(st.booleans()) or depth >= 2
    count = draw(st.integers(0, 4))
    if kind == "seq":
        events: list[yaml.Event] = [yaml.SequenceStartEvent(anchor, tag, tag is None,
                                                            flow_style=flow)]
        for _ in range(count):
            events += draw(yaml_node(anchors, depth + 1))
        return [*events, yaml.SequenceEndEvent()]
    events = [yaml.MappingStartEvent(anchor, tag, tag is None, flow_style=flow)]
    for _ in range(count):
        events += draw(yaml_node(anchors, depth + 1, key=True))
        events += draw(yaml_node(anchors, depth + 1))
    return [*events, yaml.MappingEndEvent()]


def emit(events: list[yaml.Event], width: int = 80) -> str | None:
    """YAML text for a document of `events`; None where PyYAML's emitter refuses them."""
    stream = [yaml.StreamStartEvent(), yaml.DocumentStartEvent(explicit=False), *events,
              yaml.DocumentEndEvent(explicit=False), yaml.StreamEndEvent()]
    try:
        return yaml.emit(stream, allow_unicode=True, width=width)
    except yaml.YAMLError:
        return None


@st.composite
def front_matter_yaml(draw: Callable[..., Any]) -> str:
    """A random document, usually a mapping with keys a journal uses."""
    anchors = _Anchors()
    if draw(st.integers(0, 5)):
        events: list[yaml.Event] = [yaml.MappingStartEvent(None, None, True,
                                                           flow_style=draw(st.booleans()))]
        for _ in range(draw(st.integers(0, 6))):
            events += draw(yaml_node(anchors, 1, key=True))
            events += draw(yaml_node(anchors, 1))
        events.append(yaml.MappingEndEvent())
    else:
        events = draw(yaml_node(anchors))
    text = emit(events, draw(st.sampled_from([20, 80, 1000])))
    assume(text is not None)
    return text


# -- journals --------------------------------------------------------------------------------

IDS = ("jane-doe", "john-smith", "mark-lee", "ann-lee", "李雷")
COMPANY_IDS = ("acme", "globex")
days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
                min_size=1, max_size=20).filter(lambda s: s.strip() != "")


def _follow_ups(draw: Callable[..., Any], meeting: bool) -> list[dict[str, Any]]:
    items = []
    for _ in range(draw(st.integers(0, 2))):
        item: dict[str, Any] = {"action": draw(names)}
        if meeting and draw(st.booleans()):
            item["after"] = f"{draw(st.integers(0, 30))}{draw(st.sampled_from('dwm'))}"
        else:
            item["due"] = draw(days).isoformat()
        item["done"] = draw(st.sampled_from([False, True, draw(days).isoformat()]))
        items.append(item)
    return items


@st.composite
def valid_journals(draw: Callable[..., Any]) -> dict[str, dict[str, Any]]:
    """Relative path → front matter of a journal without errors (warnings are allowed)."""
    files: dict[str, dict[str, Any]] = {}
    contacts = list(IDS[: draw(st.integers(1, len(IDS)))])
    companies = list(COMPANY_IDS[: draw(st.integers(0, 2))])
    for company in companies:
        files[f"content/companies/{company}.md"] = {"name": draw(names),
                                                    "tags": draw(st.lists(names, max_size=2))}
    for i, cid in enumerate(contacts):
        fields: dict[str, Any] = {"name": draw(names)}
        if i and draw(st.booleans()):  # only earlier contacts: a forest, never a cycle
            fields["referred_by"] = draw(st.sampled_from(contacts[:i]))
            fields["may_use_name"] = draw(st.booleans())
        if draw(st.booleans()):
            fields["company"] = draw(st.sampled_from([*companies, "Some Firm"]))
        if draw(st.booleans()):
            fields["requested"] = draw(days).isoformat()
        if draw(st.booleans()):
            fields["keep_in_touch"] = draw(st.sampled_from([True, False, "60d", "2w", "3m"]))
        if draw(st.booleans()):
            fields["status"] = draw(st.sampled_from(["to-contact", "requested", "scheduled",
                                                     "met", "declined", "dormant"]))
        fields["follow_ups"] = _follow_ups(draw, meeting=False)
        files[f"content/contacts/{cid}.md"] = fields
    for i in range(draw(st.integers(0, 3))):
        day = draw(days)
        who = draw(st.lists(st.sampled_from(contacts), min_size=1, max_size=2, unique=True))
        when = day.isoformat()
        if draw(st.booleans()):
            when += f" {draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
        fields = {"contact": who[0] if len(who) == 1 else who, "date": when}
        if draw(st.booleans()):
            fields["status"] = draw(st.sampled_from(["done", "cancelled"] if day < TODAY
                                                    else ["scheduled", "done", "cancelled"]))
        fields["referrals"] = draw(st.lists(st.sampled_from([*contacts, "Sara Kim"]),
                                            max_size=2))
        fields["outcome"] = draw(st.sampled_from(["advice", "referral", "job-lead",
                                                  "job-offer", "none"]))
        for flag in ("confirmed", "thank_you_sent", "referrer_updated", "resume_sent"):
            if draw(st.booleans()):
                fields[flag] = draw(st.sampled_from([True, (day + timedelta(1)).isoformat()]))
        fields["resume_requested"] = draw(st.booleans())
        fields["questions"] = draw(st.lists(st.sampled_from(
            ["What is your typical day like?", "Who else should I talk to?"]), max_size=2))
        fields["follow_ups"] = _follow_ups(draw, meeting=True)
        files[f"content/meetings/{day.isoformat()}-{i}.md"] = fields
    return files


Raw = dict[str, str]
"""Front matter keys whose value is YAML text as written (from events), not a value."""


def yaml_text(fields: dict[str, Any], raw: Raw | None = None) -> str:
    """The fields as YAML, with each `raw` key's text in place of its value."""
    text = yaml.safe_dump({k: v for k, v in fields.items() if k not in (raw or {})},
                          allow_unicode=True, sort_keys=False) if fields else ""
    for key, value in (raw or {}).items():
        value = value.rstrip("\n")
        if "\n" in value or value.startswith(("- ", "? ")):
            text += f"{key}:\n  " + value.replace("\n", "\n  ") + "\n"
        else:
            text += f"{key}: {value}\n"
    return text


def note(fields: dict[str, Any], body: str = "Notes.\n", raw: Raw | None = None) -> bytes:
    return f"---\n{yaml_text(fields, raw)}---\n{body}".encode()


BODIES = ("", "Notes.\n", "## Q: What is your typical day like?\nBusy.\n\n## Evaluation\nGood.\n",
          "[John](../contacts/john-smith.md) and ![x](https://example.com/x.png)\n")
Parts = dict[str, tuple[dict[str, Any], str | None, Raw]]
"""Relative path → (front matter, body or None for infoint.yaml, raw values)."""


@st.composite
def journal_parts(draw: Callable[..., Any]) -> Parts:
    parts: Parts = {path: (fields, draw(st.sampled_from(BODIES)), {})
                    for path, fields in draw(valid_journals()).items()}
    if draw(st.booleans()):
        parts[SETTINGS_FILE] = ({
            "title": draw(names), "timezone": draw(st.sampled_from(["Europe/London", "UTC"])),
            "follow_up": {"soon_days": draw(st.integers(0, 30))},
        }, None, {})
    return parts


def to_bytes(parts: Parts) -> dict[str, bytes]:
    return {path: (yaml_text(fields, raw).encode() if body is None
                   else note(fields, body, raw))
            for path, (fields, body, raw) in parts.items()}


@st.composite
def journal_bytes(draw: Callable[..., Any]) -> dict[str, bytes]:
    return to_bytes(draw(journal_parts()))


BAD_SETTINGS = {"timezone": ("America", "Europe", "Mars/Olympus", "__init__/x", "a" * 300),
                "output": (".", "./", "", "content", "../elsewhere"),
                "theme": ("nope", "default"), "follow_up": ("7", "[1, 2]"),
                "privacy": ("{hide_fields: [phon]}", "{encrypt: yes}"),
                "questions": ("[a, b]", "{specifics: {a: b}}")}


def _change_value(draw: Callable[..., Any], parts: Parts, path: str) -> None:
    """A value of the wrong type, or a reference that dangles or loops."""
    fields, body, raw = parts[path]
    fields, raw = dict(fields), dict(raw)
    if body is None:
        key = draw(st.sampled_from(sorted(BAD_SETTINGS)))
        raw[key] = draw(st.sampled_from(BAD_SETTINGS[key]))
    elif draw(st.booleans()):
        key = draw(st.sampled_from(["referred_by", "contact", "contacts", "referrals",
                                    "company"]))
        fields[key] = draw(st.sampled_from([*IDS, "nobody", record_id(path), [], [None],
                                            ["jane-doe", "nobody"]]))
    else:
        key = draw(st.sampled_from([*sorted(fields), *FIELD_NAMES]))
        text = emit(draw(yaml_node(_Anchors(), 1)))
        if text is None:
            return
        fields.pop(key, None)
        raw[key] = text
    parts[path] = (fields, body, raw)


def _ring(draw: Callable[..., Any], parts: Parts) -> list[str]:
    """Contacts each referred by the next, the last by the first; their ids."""
    contacts = sorted(p for p in parts if p.startswith("content/contacts/"))
    ring = draw(st.lists(st.sampled_from(contacts), min_size=1, max_size=len(contacts),
                         unique=True))
    for path, after in zip(ring, [*ring[1:], ring[0]], strict=True):
        fields, body, raw = parts[path]
        parts[path] = ({**fields, "referred_by": record_id(after)}, body, raw)
    return [record_id(p) for p in ring]


def _spoil(draw: Callable[..., Any], data: bytes) -> bytes:
    """The bytes go wrong: random bytes, a cut, an insertion, a flipped bit, random YAML."""
    how = draw(st.sampled_from(["bytes", "cut", "insert", "flip", "yaml"]))
    at = draw(st.integers(0, len(data)))
    if how == "bytes":
        return draw(st.binary(max_size=200))
    if how == "cut":
        return data[:at]
    if how == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    if how == "flip" and data:
        i = min(at, len(data) - 1)
        return data[:i] + bytes([data[i] ^ (1 << draw(st.integers(0, 7)))]) + data[i + 1:]
    return f"---\n{draw(front_matter_yaml())}---\nBody.\n".encode()


@st.composite
def broken_journals(draw: Callable[..., Any]) -> dict[str, bytes]:
    """A valid journal, then one to four things wrong with it."""
    parts = draw(journal_parts())
    spoiled: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["value", "value", "ring", "bytes"]))
        path = draw(st.sampled_from(sorted(parts)))
        if how == "value":
            _change_value(draw, parts, path)
        elif how == "ring":
            _ring(draw, parts)
        else:
            spoiled.append(path)
    files = to_bytes(parts)
    for path in spoiled:
        files[path] = _spoil(draw, files[path])
    return files


# -- the invariants --------------------------------------------------------------------------


def line_count(data: bytes) -> int:
    text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    return text.count("\n") + 1


def sources(files: dict[str, bytes]) -> Sources:
    content = []
    for path, data in sorted(files.items()):
        if path.startswith("content/"):
            content.append(SourceFile(path.split("/")[1], path, data))
    return Sources(Path("/journal"), files.get(SETTINGS_FILE), tuple(content), ())


def assert_problems_point_into_files(problems: list[Problem], files: dict[str, bytes]) -> None:
    for problem in problems:
        shown = problem.format()
        assert problem.path in files, f"not a file of the journal: {shown}"
        lines = line_count(files[problem.path])
        assert 1 <= problem.line <= lines, f"outside the file's {lines} lines: {shown}"
        assert problem.col >= 1, shown
        assert problem.message, shown
        assert len(shown.splitlines()) == 1, f"not one line: {shown!r}"


def write(root: Path, files: dict[str, bytes]) -> Path:
    (root / "content").mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output, result.output
    assert "internal error" not in result.stderr, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


# -- one file --------------------------------------------------------------------------------


@budget(1000)
@given(front_matter_yaml(), st.sampled_from(["", "Body.\n", "---\n"]))
def test_any_front_matter_is_read_or_reported(yaml_text: str, body: str) -> None:
    data = f"---\n{yaml_text}---\n{body}".encode()
    for kind in KINDS:
        path = f"content/{kind}/x.md"
        record, problems = parse_file(kind, path, data)
        assert_problems_point_into_files(problems, {path: data})
        assert record is not None or any(p.is_error for p in problems), yaml_text
    _, problems = parse_settings(yaml_text.encode())
    assert_problems_point_into_files(problems, {SETTINGS_FILE: yaml_text.encode()})


def test_the_yaml_strategy_writes_anchors_aliases_flow_and_tags() -> None:
    """The strategy reaches what plain text strategies never do (a check on the test).
    Seeded: 200 random examples missed one of them now and then."""
    seen: set[str] = set()

    @seed(20261122)
    @settings(max_examples=200, deadline=None, database=None)
    @given(front_matter_yaml())
    def look(text: str) -> None:
        for mark, what in (("&a", "anchor"), ("*a", "alias"), ("[", "flow"), ("!", "tag"),
                           ("|", "literal"), ("'", "quoted"), ("- ", "block list")):
            if mark in text:
                seen.add(what)

    look()
    assert seen == {"anchor", "alias", "flow", "tag", "literal", "quoted", "block list"}


@budget(1000)
@given(st.binary(max_size=300), st.sampled_from(KINDS))
def test_any_bytes_are_read_or_reported(data: bytes, kind: str) -> None:
    path = f"content/{kind}/x.md"
    for candidate in (data, b"---\n" + data, b"---\n" + data + b"\n---\n"):
        _, problems = parse_file(kind, path, candidate)
        assert_problems_point_into_files(problems, {path: candidate})
        _, _, problems = parse_front_matter(path, candidate)
        assert_problems_point_into_files(problems, {path: candidate})
        _, problems = parse_settings(candidate)
        assert_problems_point_into_files(problems, {SETTINGS_FILE: candidate})


# -- whole journals --------------------------------------------------------------------------


@budget(400)
@given(broken_journals())
def test_a_broken_journal_is_reported_file_by_file(files: dict[str, bytes]) -> None:
    loaded = process(sources(files), TODAY)
    assert_problems_point_into_files(loaded.problems, files)
    assert process(sources(files), TODAY).problems == loaded.problems  # pure


@budget(300)
@given(journal_bytes())
def test_a_valid_journal_has_no_errors(files: dict[str, bytes]) -> None:
    loaded = process(sources(files), TODAY)
    assert loaded.errors == 0, [p.format() for p in loaded.problems]
    assert_problems_point_into_files(loaded.problems, files)
    assert len(loaded.journal.contacts) == sum(p.startswith("content/contacts/") for p in files)


@st.composite
def ringed_journals(draw: Callable[..., Any]) -> tuple[dict[str, bytes], list[str]]:
    """A valid journal in which some contacts refer each other in a ring."""
    parts = draw(journal_parts())
    ring = _ring(draw, parts)
    return to_bytes(parts), ring


@budget(150)
@given(ringed_journals())
def test_a_referral_ring_is_one_error_naming_everyone_in_it(
        drawn: tuple[dict[str, bytes], list[str]]) -> None:
    files, ring = drawn
    loaded = process(sources(files), TODAY)
    assert_problems_point_into_files(loaded.problems, files)
    errors = [p for p in loaded.problems if p.is_error]
    if len(ring) == 1:
        assert [p.code for p in errors] == ["E303"]
        assert errors[0].path == f"content/contacts/{ring[0]}.md"
        return
    assert [p.code for p in errors] == ["E304"], [p.format() for p in errors]
    (cycle,) = errors
    named = cycle.message.split(": ", 1)[1].split(" (")[0].split(" → ")
    assert named[0] == named[-1] and sorted(named[:-1]) == sorted(ring)
    line = files[cycle.path].decode().splitlines()[cycle.line - 1]
    assert line[cycle.col - 1:].startswith(named[1])  # at the referred_by value


@budget(150)
@given(journal_parts(), st.sampled_from(["referred_by", "contact"]),
       st.sampled_from(["nobody", "jane-doee", "Jane Doe", "x" * 80]))
def test_a_dangling_reference_is_one_error_at_its_value(
        parts: Parts, key: str, ref: str) -> None:
    kind = "contacts" if key == "referred_by" else "meetings"
    paths = sorted(p for p in parts if p.startswith(f"content/{kind}/"))
    assume(paths)
    path = paths[0]
    fields, body, raw = parts[path]
    parts[path] = ({**fields, key: ref}, body, raw)
    files = to_bytes(parts)
    loaded = process(sources(files), TODAY)
    errors = [p for p in loaded.problems if p.is_error]
    assert [(p.path, p.code) for p in errors] == [(path, "E301")], [p.format() for p in errors]
    line = files[path].decode().splitlines()[errors[0].line - 1]
    assert line.startswith(f"{key}: ") and errors[0].col == len(key) + 3


@budget(40)
@given(journal_bytes())
def test_a_valid_journal_builds_the_same_bytes_twice(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write(Path(folder) / "journal", files)
        first, second = Path(folder) / "first", Path(folder) / "second"
        result = run("--root", str(root), "build", "--today", TODAY.isoformat(),
                     "--out", str(first))
        assert result.exit_code == 0, result.output
        run("--root", str(root), "build", "--today", TODAY.isoformat(), "--out", str(second))
        built = tree(first)
        assert "index.html" in built and ".infoint-site" in built
        assert tree(second) == built
        # Again over its own site, as a user rebuilds: still the same bytes.
        run("--root", str(root), "build", "--today", TODAY.isoformat(), "--out", str(first))
        assert tree(first) == built
        assert not [n for n in os.listdir(folder) if n.endswith(".infoint-tmp")]


@budget(80)
@given(broken_journals())
def test_check_and_build_never_show_a_traceback(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write(Path(folder) / "journal", files)
        check = run("--root", str(root), "check", "--today", TODAY.isoformat())
        assert check.exit_code in (0, 1)
        for line in check.stdout.splitlines()[:-1]:
            path, line_no = line.split(":")[:2]
            assert path in files and 1 <= int(line_no) <= line_count(files[path]), line
        out = Path(folder) / "site"
        build = run("--root", str(root), "build", "--today", TODAY.isoformat(),
                    "--out", str(out))
        assert build.exit_code == check.exit_code, (check.output, build.output)
        assert out.is_dir() == (build.exit_code == 0)
