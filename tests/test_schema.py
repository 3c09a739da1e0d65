"""`infoint-site schema`: JSON Schema that agrees with the validator, file for file."""

from __future__ import annotations

import json
import textwrap
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result

from infoint_site.cli import main
from infoint_site.json_schema import DRAFT, KINDS, bundle, front_matter_schema
from infoint_site.parse import parse_file
from infoint_site.questions import question_bank
from infoint_site.records import Contact
from infoint_site.scaffold import contact_template, meeting_template

REPO = Path(__file__).parent.parent
FOLDER_KIND = {"contacts": "contact", "meetings": "meeting", "companies": "company"}


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def front_matter(text: str) -> Any:
    """The front matter as an editor's YAML library sees it (dates stay text, as in YAML 1.2)."""
    block = text.split("---\n", 2)[1]

    def plain(value: Any) -> Any:
        if isinstance(value, date | datetime):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return plain(yaml.safe_load(block))


def schema_errors(kind: str, text: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(front_matter_schema(kind),
                                                format_checker=jsonschema.FormatChecker())
    return [e.message for e in validator.iter_errors(front_matter(text))]


def validator_problems(kind: str, text: str) -> list[str]:
    """What `check` says about this file alone: errors and unknown-key warnings."""
    folder = next(f for f, k in FOLDER_KIND.items() if k == kind)
    _, problems = parse_file(folder, f"content/{folder}/x.md", text.encode("utf-8"))
    return [p.format() for p in problems]


def test_every_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(bundle())
    for kind in KINDS:
        schema = front_matter_schema(kind)
        assert schema["$schema"] == DRAFT
        jsonschema.Draft202012Validator.check_schema(schema)


def test_the_schema_has_exactly_the_validators_fields() -> None:
    for kind, fields in KINDS.items():
        properties = front_matter_schema(kind)["properties"]
        names = {f.name for f in fields} | {a for f in fields for a in f.aliases}
        assert set(properties) == names
        for field in fields:
            assert properties[field.name]["description"] == field.doc


@pytest.mark.parametrize("path", sorted(
    p.relative_to(REPO).as_posix() for p in (REPO / "content").rglob("*.md")))
def test_every_file_of_the_example_journal_is_valid(path: str) -> None:
    kind = FOLDER_KIND[path.split("/")[1]]
    assert schema_errors(kind, (REPO / path).read_text(encoding="utf-8")) == []


def test_the_templates_with_their_blank_keys_are_valid() -> None:
    contact = contact_template("Jane Doe", "john-smith", "acme")
    assert schema_errors("contact", contact) == []
    meeting = meeting_template(Contact("jane-doe", "x", "Jane Doe"), date(2026, 12, 1),
                               question_bank({}))
    assert schema_errors("meeting", meeting) == []


# Each case: a kind and its front matter. The schema and the validator must agree on
# every one: valid for both, or flagged by both.
CASES = {
    "contact-ok": ("contact", """
        name: Jane Doe
        email: jane@example.com
        keep_in_touch: 60d
        follow_ups:
          - action: Send the article
            due: 2026-12-01
            done: true
    """),
    "contact-no-name": ("contact", "role: Head of Data\n"),
    "contact-blank-name": ("contact", "name:\n"),
    "contact-bad-email": ("contact", "name: Jane\nemail: jane at example.com\n"),
    "contact-bad-linkedin": ("contact", "name: Jane\nlinkedin: www.linkedin.com/in/x\n"),
    "contact-unknown-key": ("contact", "name: Jane\nrefered_by: john\n"),
    "contact-bad-status": ("contact", "name: Jane\nstatus: ghosted\n"),
    "contact-bad-cadence": ("contact", "name: Jane\nkeep_in_touch: often\n"),
    "contact-bad-date": ("contact", "name: Jane\nrequested: 3 Nov\n"),
    "contact-follow-up-after": ("contact", """
        name: Jane
        follow_ups:
          - action: Call
            after: 2w
    """),
    "contact-follow-up-no-due": ("contact", "name: Jane\nfollow_ups:\n  - action: Call\n"),
    "contact-quoted-boolean": ("contact", "name: Jane\nmay_use_name: \"true\"\n"),
    "meeting-ok": ("meeting", """
        contacts: [jane-doe, mark-lee]
        date: "2026-11-03 14:30"
        duration_minutes: 20
        format: video
        evaluated: 2026-11-04
        follow_ups:
          - action: Send the article
            after: 2w
    """),
    "meeting-no-date": ("meeting", "contact: jane-doe\n"),
    "meeting-no-contact": ("meeting", "date: 2026-11-03\n"),
    "meeting-contact-and-contacts": ("meeting",
                                     "contact: a\ncontacts: [b]\ndate: 2026-11-03\n"),
    "meeting-bad-format": ("meeting", "contact: a\ndate: 2026-11-03\nformat: zoom\n"),
    "meeting-long-duration": ("meeting",
                              "contact: a\ndate: 2026-11-03\nduration_minutes: 5000\n"),
    "meeting-quoted-number": ("meeting",
                              "contact: a\ndate: 2026-11-03\nduration_minutes: \"20\"\n"),
    "meeting-bad-time": ("meeting", "contact: a\ndate: 2026-11-03 at 2pm\n"),
    "meeting-both-due-and-after": ("meeting", """
        contact: a
        date: 2026-11-03
        follow_ups:
          - action: Call
            due: 2026-11-10
            after: 1w
    """),
    "meeting-bad-outcome": ("meeting", "contact: a\ndate: 2026-11-03\noutcome: great\n"),
    "company-ok": ("company", "name: Acme\nwebsite: https://acme.example\ntags: fintech\n"),
    "company-bad-website": ("company", "name: Acme\nwebsite: acme.example\n"),
    "company-no-name": ("company", "website: https://acme.example\n"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_schema_and_the_validator_agree(case: str) -> None:
    kind, body = CASES[case]
    text = f"---\n{textwrap.dedent(body).lstrip()}---\n"
    flagged_by_schema = bool(schema_errors(kind, text))
    flagged_by_check = bool(validator_problems(kind, text))
    assert flagged_by_schema == flagged_by_check, (schema_errors(kind, text),
                                                   validator_problems(kind, text))
    assert flagged_by_schema == (not case.endswith("-ok"))


def test_schema_prints_one_document_with_the_three_kinds() -> None:
    result = run("schema")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["$schema"] == DRAFT
    assert set(document["$defs"]) == {"contact", "meeting", "company"}
    assert result.stderr.startswith("printed the JSON Schema")


def test_schema_out_writes_three_files_and_keeps_them_when_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    result = run("schema", "--out", out)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["company.schema.json", "contact.schema.json", "meeting.schema.json"]
    assert json.loads((out / "contact.schema.json").read_text()) == front_matter_schema("contact")
    assert result.output.splitlines()[-1] == f"3 of 3 schema files written into {out} (0 unchanged)"
    again = run("schema", "--out", out)
    assert again.output.splitlines()[-1] == f"0 of 3 schema files written into {out} (3 unchanged)"


def test_schema_out_never_replaces_a_file_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    out.mkdir()
    (out / "meeting.schema.json").write_text('{"title": "my own"}', encoding="utf-8")
    result = run("schema", "--out", out)
    assert result.exit_code == 1
    assert "was not written by infoint-site schema" in result.output
    assert (out / "meeting.schema.json").read_text() == '{"title": "my own"}'
    assert not (out / "contact.schema.json").exists()
