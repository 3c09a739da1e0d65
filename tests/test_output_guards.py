"""Output-folder guards not covered by tests/test_writer.py: the `output:` setting (not
only `--out`), a site folder that is a git checkout, and symlinks planted in an old
site. Each time the build refuses or writes only its own files, and nothing else on
disk changes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from infoint_site.cli import main

TODAY = "2026-11-22"
FILES = {
    "content/contacts/jane-doe.md": "---\nname: Jane Doe\n---\nAn old colleague.\n",
    "content/meetings/2026-11-03-jane-doe.md":
        "---\ncontact: jane-doe\ndate: 2026-11-03\nstatus: done\n---\n## Notes\nUseful.\n",
}


def write_journal(root: Path, output: str | None = None) -> Path:
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    settings = "title: Guards\n" + (f"output: '{output}'\n" if output is not None else "")
    (root / "infoint.yaml").write_text(settings, encoding="utf-8")
    return root


def build(root: Path, *options: str) -> Any:
    return CliRunner().invoke(main, ["--root", str(root), "build", "--today", TODAY, *options])


def snapshot(folder: Path) -> dict[str, tuple[bytes | None, int]]:
    found = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else None
        found[path.relative_to(folder).as_posix()] = (data, info.st_mtime_ns)
    return found


def refused(result: Any, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


@pytest.mark.parametrize(("output", "words"), [
    (".", ("output: the build folder cannot be the journal itself",)),
    ("./", ("output: the build folder cannot be the journal itself",)),
    ("..", ("refusing to build into", "holds the journal itself")),
    ("../..", ("refusing to build into", "holds the journal itself")),
    ("content", ("refusing to build into", "content/ folder")),
    ("content/contacts", ("refusing to build into", "content/ folder")),
    ("themes/site", ("refusing to build into", "themes/ folder")),
    (".git/site", ("refusing to build into", ".git/ folder")),
    ("/", ("refusing to build into", "root of the file system")),
])
def test_the_output_setting_is_guarded_like_out(
        tmp_path: Path, output: str, words: tuple[str, ...]) -> None:
    root = write_journal(tmp_path / "journal", output)
    (root / ".git").mkdir()
    before = snapshot(tmp_path)
    refused(build(root), *words)
    assert snapshot(tmp_path) == before


def test_the_output_setting_refuses_the_home_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: home))
    root = write_journal(tmp_path / "journal", str(home))
    before = snapshot(tmp_path)
    refused(build(root), "home folder")
    assert snapshot(tmp_path) == before


def test_a_site_folder_that_is_a_git_checkout_is_refused(tmp_path: Path) -> None:
    """Publishing by committing the site: its .git would go with the old site."""
    root = write_journal(tmp_path / "journal")
    out = tmp_path / "site"
    assert build(root, "--out", str(out)).exit_code == 0
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    before = snapshot(tmp_path)
    refused(build(root, "--out", str(out)), "did not write", ".git/HEAD")
    assert snapshot(tmp_path) == before


def test_a_symlinked_folder_planted_in_the_site_is_refused(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "journal")
    out = tmp_path / "site"
    assert build(root, "--out", str(out)).exit_code == 0
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "taxes.pdf").write_bytes(b"%PDF")
    (out / "documents").symlink_to(documents, target_is_directory=True)
    before = snapshot(tmp_path)
    refused(build(root, "--out", str(out)), "did not write", "documents")
    assert snapshot(tmp_path) == before


def plant_symlink_page(tmp_path: Path) -> tuple[Path, Path, Path, bytes]:
    """A built site whose contact page the user replaced by a link to a private file of
    the same size and time, so that only the content can tell them apart."""
    root = write_journal(tmp_path / "journal")
    out = tmp_path / "site"
    assert build(root, "--out", str(out)).exit_code == 0
    page = out / "contacts/jane-doe/index.html"
    private = tmp_path / "private.txt"
    private.write_bytes(b"x" * page.stat().st_size)
    os.utime(private, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns))
    expected = page.read_bytes()
    page.unlink()
    page.symlink_to(private)
    return root, out, private, expected


def test_a_page_replaced_by_a_symlink_is_never_followed(tmp_path: Path) -> None:
    """The build neither changes the private file nor publishes it: no hard link to it,
    no copy of it, no symlink to it in a new site."""
    root, out, private, _ = plant_symlink_page(tmp_path)
    before = (private.read_bytes(), private.stat().st_mtime_ns, private.stat().st_nlink)
    result = build(root, "--out", str(out))
    assert (private.read_bytes(), private.stat().st_mtime_ns, private.stat().st_nlink) == before
    assert "Traceback" not in result.output and "internal error" not in result.stderr
    if result.exit_code == 0:
        page = out / "contacts/jane-doe/index.html"
        assert not page.is_symlink() and b"x" * 50 not in page.read_bytes()


def test_a_page_replaced_by_a_symlink_is_rendered_again(tmp_path: Path) -> None:
    root, out, _, expected = plant_symlink_page(tmp_path)
    result = build(root, "--out", str(out))
    assert result.exit_code == 0, result.output
    page = out / "contacts/jane-doe/index.html"
    assert not page.is_symlink() and page.read_bytes() == expected


def test_an_out_through_a_symlink_into_content_is_refused(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "journal")
    link = tmp_path / "shortcut"
    link.symlink_to(root / "content", target_is_directory=True)
    before = snapshot(tmp_path)
    refused(build(root, "--out", str(link / "site")), "content/ folder")
    assert snapshot(tmp_path) == before
