"""`check` reports what `build` would say about notes: remote images and broken links."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from infoint_site.cli import main


def test_check_and_build_report_the_same_note_warnings(make_journal, tmp_path: Path) -> None:
    root = make_journal({
        "content/contacts/jane-doe.md": """\
            ---
            name: Jane Doe
            ---
            Her talk: ![slides](https://tracker.example/p.png)

            See [Mark](mark-lee.md) and [`not a link`](x) and `[code](nope.md)`.
            """,
    })
    check = CliRunner().invoke(main, ["--root", str(root), "check", "--today", "2026-11-22"])
    build = CliRunner().invoke(main, ["--root", str(root), "build", "--today", "2026-11-22",
                                      "--out", str(tmp_path / "site")])
    expected = [
        "content/contacts/jane-doe.md:4:1: warning[W601]: remote image"
        " https://tracker.example/p.png is shown as a link: loading it would tell its host"
        " who reads your journal",
        "content/contacts/jane-doe.md:6:1: warning[W602]: link to mark-lee.md: there is no"
        " such contact in the journal",
    ]
    assert check.exit_code == 0
    assert check.stdout.splitlines()[:-1] == expected
    assert build.exit_code == 0, build.output
    assert build.stderr.splitlines()[:2] == expected
