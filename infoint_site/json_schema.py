"""JSON Schema (draft 2020-12) of contact, meeting and company front matter.

Generated from `schema.CONTACT_FIELDS`, `MEETING_FIELDS` and `COMPANY_FIELDS`, the
very definitions the validator converts with, so the two cannot drift. Each kind's
`json_schema()` describes its values; this module adds what the validator does around
them:

- a key left blank (``role:``) is the same as an absent one, as in the templates;
- `contact` and its alias `contacts`: one of them, never both;
- a follow-up needs `due` (or, in a meeting, `after`), never both;
- an unknown key, which `check` reports as a warning, is flagged by the schema.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .layout import FOLDERS
from .schema import (
    COMPANY_FIELDS,
    CONTACT_FIELDS,
    MEETING_FIELDS,
    ContactRefs,
    Field,
    FollowUpList,
    TextList,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"
KINDS: dict[str, tuple[Field, ...]] = {
    "contact": CONTACT_FIELDS,
    "meeting": MEETING_FIELDS,
    "company": COMPANY_FIELDS,
}
"""The front matter of each kind of file, by the name used in schema file names."""

_BLANK = ({"type": "null"}, {"type": "string", "pattern": "^\\s*$"})


def _values(field: Field) -> dict[str, Any]:
    """The schema of a field's written value (never blank)."""
    if isinstance(field.kind, FollowUpList):
        return {"type": "array", "items": _follow_up_item(field.kind)}
    schema = field.kind.json_schema()
    if isinstance(field.kind, TextList | ContactRefs):
        # The converter skips blank items (`goals:` then `  - ` in the meeting
        # template); `TextList.json_schema` does not say so yet.
        schema = _blank_items_allowed(schema)
    return schema


def _blank_items_allowed(schema: dict[str, Any]) -> dict[str, Any]:
    if schema.get("type") == "array" and schema.get("items") == {"type": "string"}:
        return {**schema, "items": {"type": ["string", "null"]}}
    if "oneOf" in schema:
        return {**schema, "oneOf": [_blank_items_allowed(s) for s in schema["oneOf"]]}
    return schema


def _property(field: Field, *, described_as: str | None = None) -> dict[str, Any]:
    values = _values(field)
    doc = {"description": described_as or field.doc}
    if field.required:
        return {**doc, **values}
    return {**doc, "anyOf": [values, *_BLANK]}


def _object(fields: Sequence[Field]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    rules: list[dict[str, Any]] = []
    for spec in fields:
        properties[spec.name] = _property(spec)
        for alias in spec.aliases:
            properties[alias] = _property(spec, described_as=f"Same as `{spec.name}`.")
            rules.append({"not": {"required": [spec.name, alias]}})
        if spec.required and spec.aliases:
            rules.append({"anyOf": [{"required": [name]}
                                    for name in (spec.name, *spec.aliases)]})
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [f.name for f in fields if f.required and not f.aliases]
    if required:
        schema["required"] = required
    if rules:
        schema["allOf"] = rules
    schema["additionalProperties"] = False
    return schema


def _follow_up_item(kind: FollowUpList) -> dict[str, Any]:
    """An item needs a written `due` or `after` (E206), and not both."""
    schema = _object(kind.fields)
    anchors = {f.name: _values(f) for f in kind.fields if f.name in ("due", "after")}
    written = [{"required": [name], "properties": {name: values}}
               for name, values in anchors.items()]
    rules = [{"anyOf": written}]
    if len(written) == 2:
        rules.append({"not": {"allOf": written}})
    schema["allOf"] = [*schema.get("allOf", []), *rules]
    return schema


def front_matter_schema(kind: str) -> dict[str, Any]:
    """The standalone schema of one kind's front matter: ``contact``, ``meeting``, ``company``."""
    body = _object(KINDS[kind])
    return {
        "$schema": DRAFT,
        "title": f"infoint-site {kind} front matter",
        "description": f"The YAML front matter of a file in content/{FOLDERS[kind]}/.",
        **body,
    }


def bundle() -> dict[str, Any]:
    """All three in one schema document, under ``$defs`` (what `schema` prints)."""
    defs = {}
    for kind in KINDS:
        one = front_matter_schema(kind)
        del one["$schema"]
        defs[kind] = one
    return {"$schema": DRAFT, "title": "infoint-site front matter", "$defs": defs}


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def schema_files() -> dict[str, str]:
    """``contact.schema.json`` and the others, by file name, as text."""
    return {f"{kind}.schema.json": dumps(front_matter_schema(kind)) for kind in KINDS}


def written_by_us(data: bytes) -> bool:
    """A file that `schema --out` wrote earlier, and may write again."""
    try:
        title = json.loads(data.decode("utf-8")).get("title", "")
    except (ValueError, AttributeError):
        return False
    return isinstance(title, str) and title.startswith("infoint-site ")
