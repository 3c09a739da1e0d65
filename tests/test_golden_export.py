"""The example journal's `export json`, compared byte for byte with a golden file.

Regenerate after an intended change, then review the diff:

    INFOINT_REGENERATE=1 .venv/bin/pytest tests/test_golden_export.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from infoint_site.cli import main

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "export-2026-11-22.json"


def _export() -> str:
    result = CliRunner().invoke(main, ["--root", str(REPO), "export", "json",
                                       "--today", "2026-11-22"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_export_json_matches_golden() -> None:
    output = _export()
    if os.environ.get("INFOINT_REGENERATE"):
        GOLDEN.write_text(output, encoding="utf-8")
    assert output == GOLDEN.read_text(encoding="utf-8")


def test_export_is_deterministic() -> None:
    assert _export() == _export()


def test_example_journal_is_rich_enough() -> None:
    """The example is what new users learn from: it shows every part of the method."""
    data = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert len(data["contacts"]) >= 10
    assert len(data["meetings"]) >= 12
    assert max(c["depth"] for c in data["contacts"]) >= 3
    kinds = {f["kind"] for f in data["follow_ups"]}
    assert kinds == {"confirm", "thank-you", "evaluate", "resume", "referrer-update",
                     "reach-out", "request-nudge", "keep-in-touch", "custom"}
    statuses = {m["status"] for m in data["meetings"]}
    assert statuses == {"done", "scheduled", "cancelled"}
    assert any(isinstance(f["contact"], str) and " " in f["contact"]
               for f in data["follow_ups"] if f["kind"] == "reach-out")
    assert list((REPO / "content" / "companies").glob("*.md"))
    bodies = "\n".join(p.read_text(encoding="utf-8")
                       for p in (REPO / "content" / "meetings").glob("*.md"))
    assert "## Q: " in bodies and "## Evaluation" in bodies


def test_example_journal_checks_clean() -> None:
    result = CliRunner().invoke(main, ["--root", str(REPO), "check", "--strict",
                                       "--today", "2026-11-22"])
    assert result.exit_code == 0, result.output
