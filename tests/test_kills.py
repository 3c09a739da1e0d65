"""Kills and faults while a site is written: the user keeps a whole site, always.

- A real ``infoint-site build`` process is killed with SIGKILL at moments spread over
  its whole run, again and again, on a generated journal big enough that a build takes
  about a second. After every kill the output folder holds exactly the previous site or
  exactly the new one, byte for byte, and the next build (which recovers what the kill
  left) finishes with the new site and no temporary folder. Half the runs take the
  writer's fallback path without ``renameat2`` (two renames), where a kill can fall
  between the renames: then the recovery puts the previous site back.
- A full disk: a tiny tmpfs (when this machine lets the test mount one), and ENOSPC
  injected at every single file the writer opens: the build fails with a clear message,
  and the old site is left whole.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from infoint_site import writer
from infoint_site.cli import main

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-22"
KILLS = int(os.environ.get("INFOINT_KILLS", "30"))
"""How many builds to kill (30 by default; docs/robustness.md reports longer runs)."""
FILES = 300
"""Journal size: a build of 300 files takes about a second on two cores."""

# The CLI in a fresh interpreter. NO_EXCHANGE: the writer falls back to two renames, as
# without renameat2. The other modes SIGKILL the process itself at one step of the swap.
LAUNCH = textwrap.dedent("""
    import os, signal, sys
    from infoint_site import writer

    mode = sys.argv[1]
    real_exchange, real_rename, real_rmtree = writer._exchange, os.rename, writer.shutil.rmtree
    renames = []

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    def exchange(a, b):
        if mode == "before-exchange":
            die()
        swapped = real_exchange(a, b)
        if mode == "after-exchange":
            die()
        return swapped

    def rename(a, b):
        real_rename(a, b)
        if ".infoint-tmp" in str(a) + str(b):
            renames.append(a)
            if mode == f"after-rename-{len(renames)}":
                die()

    def rmtree(path, *args, **kwargs):
        if mode == "removing-old" and ".old.infoint-tmp" in str(path):
            for child in sorted(os.listdir(path))[:3]:  # some of it gone, then killed
                real_rmtree(os.path.join(path, child), ignore_errors=True)
            die()
        return real_rmtree(path, *args, **kwargs)

    if mode in ("NO_EXCHANGE", "after-rename-1", "after-rename-2", "removing-old"):
        writer._exchange = lambda a, b: False
    else:
        writer._exchange = exchange
    writer.os.rename = rename
    writer.shutil.rmtree = rmtree
    from infoint_site.cli import main
    main(sys.argv[2:], prog_name="infoint-site")
""")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def temp_folders(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.endswith(".infoint-tmp"))


def set_title(root: Path, title: str) -> None:
    """Change the site's title: every page of the new site differs from the old one."""
    (root / "infoint.yaml").write_text(f"title: {title}\ntimezone: Europe/London\n",
                                       encoding="utf-8")


def build_command(root: Path, out: Path, exchange: bool | str) -> list[str]:
    mode = exchange if isinstance(exchange, str) else "EXCHANGE" if exchange else "NO_EXCHANGE"
    return [sys.executable, "-c", LAUNCH, mode,
            "--root", str(root), "build", "--today", TODAY, "--out", str(out)]


def run_build(root: Path, out: Path, exchange: bool | str = True) -> float:
    """Build to the end in a subprocess; its duration in seconds."""
    started = time.monotonic()
    done = subprocess.run(build_command(root, out, exchange), capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


def session_members(session: int) -> list[int]:
    """Processes in `session` (the killed build's forked workers, if any linger)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(entry))
    return found


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, dict]]]:
    """A generated journal, and the two sites it builds (titles A and B), byte for byte."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    base = tmp_path_factory.mktemp("kills")
    root = generate(base / "journal", FILES, seed=3)
    sites = {}
    for title in ("A", "B"):
        set_title(root, f"Journal {title}")
        out = base / f"reference-{title}"
        result = CliRunner().invoke(main, ["--root", str(root), "build", "--today", TODAY,
                                           "--out", str(out), "--no-cache"])
        assert result.exit_code == 0, result.output
        sites[title] = tree(out)
    assert sites["A"].keys() == sites["B"].keys()
    assert sum(sites["A"][k] != sites["B"][k] for k in sites["A"]) > FILES  # pages differ
    yield root, sites


def kill_when(process: subprocess.Popen[bytes], out: Path, delay: float | None,
              rng: random.Random) -> None:
    """SIGKILL `process` after `delay` seconds; with None, as soon as its new site is
    complete beside the old one (its listing written), give or take 30 ms: the moment of
    the swap, where a kill can do the most harm."""
    if delay is not None:
        time.sleep(delay)
    else:
        marker = out.parent / f".{out.name}.{process.pid}.new.infoint-tmp" / writer.MARKER
        deadline = time.monotonic() + 60
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)
        time.sleep(rng.random() * 0.03)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while session_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)  # forked workers see their pipe close and exit
    lingering = session_members(process.pid)
    for pid in lingering:
        os.kill(pid, signal.SIGKILL)
    assert not lingering, f"workers outlived the build: {lingering}"


@pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL and /proc: Linux")
def test_a_killed_build_leaves_the_old_site_or_the_new_one(
        journal: tuple[Path, dict[str, dict]], tmp_path: Path) -> None:
    root, sites = journal
    out = tmp_path / "site"
    set_title(root, "Journal A")
    run_build(root, out)
    set_title(root, "Journal B")
    duration = run_build(root, out)  # a rebuild over a site, as every kill below is
    assert tree(out) == sites["B"]
    rng = random.Random(20261122)
    seen = {"old": 0, "new": 0, "recovered": 0}
    current = "B"
    timed = list(range(0, KILLS, 3)) + list(range(1, KILLS, 3))
    for i in range(KILLS):
        new = "B" if current == "A" else "A"
        set_title(root, f"Journal {new}")
        exchange = i % 2 == 0
        # Two kills in three at a time spread over the build (stratified: the k-th falls in
        # the k-th slice of 1.3 build durations); every third at the swap.
        delay = (duration * 1.3 * (timed.index(i) + rng.random()) / len(timed)
                 if i in timed else None)
        process = subprocess.Popen(build_command(root, out, exchange), start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_when(process, out, delay, rng)
        if not out.exists():
            # Killed between the two renames of the fallback: the next build's recovery
            # (the same function) puts the previous site back.
            assert not exchange, f"kill {i}: the site is gone, with renameat2"
            writer._recover(out)
            seen["recovered"] += 1
        found = tree(out)
        if found == sites[current]:
            seen["old"] += 1
        elif found == sites[new]:
            seen["new"] += 1
            current = new
        else:
            differ = sorted(k for k in {*found, *sites[new]}
                            if found.get(k) not in (sites["A"].get(k), sites["B"].get(k)))
            pytest.fail(f"kill {i} ({delay=}) left a mixed site: {differ[:5]}")
    # The next build recovers whatever the kills left, and ends with the new site.
    new = "B" if current == "A" else "A"
    set_title(root, f"Journal {new}")
    run_build(root, out)
    assert tree(out) == sites[new]
    assert temp_folders(tmp_path) == []
    print(f"{KILLS} kills, builds of {duration:.2f} s: {seen}")  # shown with -s
    # Kills landed both before the swap and after it.
    assert seen["old"] + seen["new"] == KILLS
    assert min(seen["old"], seen["new"]) >= 1, seen


@pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL: POSIX")
@pytest.mark.parametrize(("step", "left"), [
    ("before-exchange", "old"), ("after-exchange", "new"),
    ("after-rename-1", "none"), ("after-rename-2", "new"), ("removing-old", "new"),
])
def test_a_kill_at_each_step_of_the_swap(tmp_path: Path, step: str, left: str) -> None:
    """The worst moments, hit exactly: the build kills itself at one step of the swap."""
    root = write_journal(tmp_path / "journal")
    out = tmp_path / "site"
    run_build(root, out)
    old = tree(out)
    (root / "content/contacts/kim-park.md").write_text("---\nname: Kim Park\n---\n")
    reference = tmp_path / "reference"
    run_build(root, reference)
    new = tree(reference)
    done = subprocess.run(build_command(root, out, step), capture_output=True, check=False,
                          timeout=120)
    assert done.returncode == -signal.SIGKILL
    if left == "none":  # between the two renames: the recovery puts the old site back
        assert not out.exists()
        writer._recover(out)
        left = "old"
    assert tree(out) == (old if left == "old" else new)
    run_build(root, out)  # the next build recovers, then writes the new site
    assert tree(out) == new
    assert temp_folders(tmp_path) == []


# -- a full disk -------------------------------------------------------------------------------


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs, if this machine lets us mount one (root, and not forbidden)."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    tool = shutil.which("mount")
    if os.geteuid() != 0 or tool is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run([tool, "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run([shutil.which("umount") or "umount", "-l", str(mount)], check=False)


JOURNAL = {
    "infoint.yaml": "title: Small journal\ntimezone: Europe/London\n",
    "content/contacts/jane-doe.md": "---\nname: Jane Doe\n---\nAn old colleague.\n",
    "content/meetings/2026-11-03-jane-doe.md":
        "---\ncontact: jane-doe\ndate: 2026-11-03\nstatus: done\n---\n## Notes\nUseful.\n",
}


def write_journal(root: Path) -> Path:
    for rel, text in JOURNAL.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def build(root: Path, out: Path, *options: str) -> Any:
    return CliRunner().invoke(main, ["--root", str(root), "build", "--today", TODAY,
                                     "--out", str(out), *options])


def assert_failed_cleanly(result: Any, reason: str, out: Path, old: dict[str, bytes]) -> None:
    assert result.exit_code == 1, result.output
    assert reason in result.stderr, result.stderr
    assert "the previous site was left as it was" in result.stderr
    assert "Traceback" not in result.output and "internal error" not in result.stderr
    assert tree(out) == old
    assert temp_folders(out.parent) == []


def test_a_full_tmpfs_fails_cleanly_and_keeps_the_old_site(
        small_tmpfs: Path, tmp_path: Path) -> None:
    root = write_journal(tmp_path / "journal")
    out = small_tmpfs / "site"
    result = build(root, out)
    assert result.exit_code == 0, result.output
    old = tree(out)
    used = sum(len(data) for data in old.values())
    assert used < 1024 * 1024 // 2, used  # the old site fits, with room to spare
    # Notes large enough that the new site cannot fit beside the old one.
    for i in range(12):
        (root / f"content/contacts/person-{i}.md").write_text(
            f"---\nname: Person {i}\n---\n" + ("A long note about the field. " * 3000),
            encoding="utf-8")
    result = build(root, out)
    # The half-written site is gone too: the space is back.
    assert_failed_cleanly(result, "No space left on device", out, old)
    # Free the space (remove the long notes) and the next build works on the same disk.
    for i in range(12):
        (root / f"content/contacts/person-{i}.md").unlink()
    (root / "content/contacts/kim-park.md").write_text("---\nname: Kim Park\n---\n")
    result = build(root, out)
    assert result.exit_code == 0, result.output
    assert (out / "contacts/kim-park/index.html").is_file()


class FailingOpen:
    """`open` that fails with `code` on the `n`-th file opened for writing."""

    def __init__(self, n: int, code: int = errno.ENOSPC) -> None:
        self.n = n
        self.code = code
        self.opened = 0

    def __call__(self, path: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if "w" in mode or "x" in mode or "+" in mode:  # (a recycled page: written in place)
            self.opened += 1
            if self.opened == self.n:
                raise OSError(self.code, os.strerror(self.code), str(path))
        return open(path, mode, *args, **kwargs)  # type: ignore[call-overload]


@pytest.fixture
def small_site(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A journal, its site, and the site's bytes; the journal then gains a contact."""
    root = write_journal(tmp_path / "journal")
    out = tmp_path / "site"
    assert build(root, out).exit_code == 0
    (root / "content/contacts/kim-park.md").write_text("---\nname: Kim Park\n---\n")
    return root, out, tree(out)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_a_full_disk_at_any_file_keeps_the_old_site(
        small_site: tuple[Path, Path, dict[str, bytes]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """The disk fills at the 1st file written, the 2nd, ... the last page: every time the
    build fails with the system's words and the old site stays as it was."""
    root, out, old = small_site
    probe = tmp_path / "probe"
    assert build(root, probe, "--no-cache").exit_code == 0
    pages = len(tree(probe)) - 1  # every file but the marker is opened by the writer
    shutil.rmtree(probe)
    for n in range(1, pages + 1):
        monkeypatch.setattr(writer, "open", FailingOpen(n, code), raising=False)
        result = build(root, out, "--no-cache")
        monkeypatch.undo()
        assert_failed_cleanly(result, os.strerror(code), out, old)
    assert build(root, out).exit_code == 0
    assert (out / "contacts/kim-park/index.html").is_file()


def test_a_full_disk_at_the_marker_keeps_the_old_site(
        small_site: tuple[Path, Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch) -> None:
    """The last file written before the swap is the .infoint-site listing."""
    root, out, old = small_site
    real = Path.write_bytes

    def write_bytes(self: Path, data: bytes) -> int:
        if self.name == writer.MARKER:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    result = build(root, out)
    monkeypatch.undo()
    assert_failed_cleanly(result, "No space left on device", out, old)


@pytest.mark.parametrize("code", [errno.EPERM, errno.EXDEV, errno.EMLINK])
def test_a_file_system_without_hard_links_still_builds(
        small_site: tuple[Path, Path, dict[str, bytes]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """Unchanged pages are linked from the old site; where links fail (FAT, network
    shares) they are copied, and every build works, not only the first."""
    root, out, _ = small_site

    def no_link(src: object, dst: object, *args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code), str(src))

    monkeypatch.setattr(writer.os, "link", no_link)
    for _ in range(3):
        result = build(root, out)
        assert result.exit_code == 0, result.output
    monkeypatch.undo()
    fresh = tmp_path / "fresh"
    assert build(root, fresh, "--no-cache").exit_code == 0
    assert tree(out) == tree(fresh)


def test_a_full_disk_while_linking_keeps_the_old_site(
        small_site: tuple[Path, Path, dict[str, bytes]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    root, out, _ = small_site
    assert build(root, out).exit_code == 0  # Kim Park's site, now with a cache of it
    old = tree(out)
    (root / "content/contacts/sam-lee.md").write_text("---\nname: Sam Lee\n---\n")

    def full(src: object, dst: object, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))

    monkeypatch.setattr(writer.os, "link", full)
    monkeypatch.setattr(writer.shutil, "copy2", full)
    result = build(root, out)
    monkeypatch.undo()
    assert_failed_cleanly(result, "No space left on device", out, old)
