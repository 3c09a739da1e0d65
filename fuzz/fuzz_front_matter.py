#!/usr/bin/env python3
"""Fuzz the readers of a journal file: the front-matter splitter, the YAML reader, the
record builder for each kind of file, and the settings reader.

Each input is one file's bytes. It is read as a contact, a meeting and a company, as
its front matter alone, and as ``infoint.yaml``. None of these may raise: whatever the
bytes, a reader returns problems. Every problem must name the file it was given and a
line inside it (1 to the file's number of lines) with a column of 1 or more. A
failure raises `AssertionError` (or the escaping exception), which the fuzzer saves.

With atheris (libFuzzer, coverage-guided)::

    python fuzz/fuzz_front_matter.py -max_total_time=60 fuzz/corpus

Without it, or for a reproducible run: seeded random mutations of the corpus in plain
Python, N inputs (0: as many as the time allows)::

    python fuzz/fuzz_front_matter.py --plain 20000 fuzz/corpus [--seed 1]
    python fuzz/fuzz_front_matter.py --plain 0 -max_total_time=60 fuzz/corpus

CI runs ``.ci/fuzz``, which picks one of the two.

Replay one input (a crash file the fuzzer wrote, say)::

    python fuzz/fuzz_front_matter.py crash-0123abcd
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(REPO))


def _coverage_guided(argv: list[str]) -> bool:
    """True for an atheris run: neither --plain nor a replay of saved files."""
    files = [a for a in argv if not a.startswith("-")]
    return "--plain" not in argv and not (files and all(Path(a).is_file() for a in files))


if __name__ == "__main__" and _coverage_guided(sys.argv[1:]):
    import atheris

    # Instrument only our readers and PyYAML's Python side: fast to start, and the
    # coverage that matters.
    with atheris.instrument_imports(include=["infoint_site", "yaml"]):
        import infoint_site.frontmatter
        import infoint_site.parse
        import infoint_site.settings  # noqa: F401

from infoint_site.frontmatter import parse_front_matter  # noqa: E402
from infoint_site.parse import KINDS, parse_file  # noqa: E402
from infoint_site.problems import Problem  # noqa: E402
from infoint_site.settings import SETTINGS_FILE, parse_settings  # noqa: E402

PATHS = {
    "contacts": "content/contacts/jane-doe.md",
    "meetings": "content/meetings/2026-11-03-jane-doe.md",
    "companies": "content/companies/acme.md",
}


def line_count(data: bytes) -> int:
    """The file's lines as an editor shows them: LF, CRLF and a lone CR all end one."""
    text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    return text.count("\n") + 1


def check_problems(path: str, problems: Iterable[Problem], lines: int) -> None:
    for problem in problems:
        shown = problem.format()
        assert problem.path == path, f"problem names another file: {shown}"
        assert 1 <= problem.line <= lines, f"line outside the file ({lines} lines): {shown}"
        assert problem.col >= 1, f"column before the line: {shown}"
        assert problem.message.strip(), f"empty message: {shown}"
        assert len(shown.splitlines()) == 1, f"a problem on more than one line: {shown!r}"
        assert problem.code[:1] in "EW" and problem.code[1:].isdigit(), shown


def check_input(data: bytes) -> int:
    """Run every reader over `data` and check what it says; the number of problems."""
    lines = line_count(data)
    found = 0
    _, _, problems = parse_front_matter(PATHS["contacts"], data)
    check_problems(PATHS["contacts"], problems, lines)
    for kind in KINDS:
        record, problems = parse_file(kind, PATHS[kind], data)
        check_problems(PATHS[kind], problems, lines)
        if record is None:
            assert any(p.is_error for p in problems), f"{kind}: no record and no error"
        found += len(problems)
    for themes in (None, ("mine",)):
        _, problems = parse_settings(data, themes)
        check_problems(SETTINGS_FILE, problems, lines)
        found += len(problems)
    return found


def corpus_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files named, and the files in the folders named, sorted."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        found.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir()
                     else [path])
    return found


# -- the plain-Python mutator -------------------------------------------------------------

TOKENS = (b"---\n", b"...\n", b"\n", b"\r\n", b"\r", b": ", b"- ", b"[", b"]", b"{", b"}",
          b", ", b"&a ", b"*a", b"&b ", b"*b", b"!!str ", b"!!python/object:os.system ",
          b"!!binary ", b"? ", b"|\n  ", b">-\n  ", b"'", b'"', b"\t", b"#", b"\xef\xbb\xbf",
          b"\x00", b"\xff", b"\xc3", b"2026-11-31", b"2026-11-03 25:00", b"NO", b"0x1F",
          b".inf", b"~", b"null", b"true", b"contact: ", b"date: ", b"follow_ups:\n  - ",
          b"referred_by: ", b"due: ", b"after: 9999m", b"timezone: ", b"output: ",
          b"privacy:\n  hide_fields: ", b"questions:\n  ", b"keep_in_touch: ", b"%YAML 1.2\n",
          b"%TAG ! tag:x,2000:\n", b"<<: *a\n", b"\xe2\x80\xa8", b"\x85", b"\\u", b"\\x",
          b"9999-12-31", b"0001-01-01", b"America", "é".encode(), b"\x1b", b"\"a\\nb\\N\\L\"")


def mutate(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    """A few random edits: flip, insert, delete, duplicate, splice, truncate, a token."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(7)
        at = rng.randint(0, len(out))
        if choice == 0 and out:
            out[min(at, len(out) - 1)] = rng.randrange(256)
        elif choice == 1:
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif choice == 2 and out:
            del out[at:at + rng.randint(1, 16)]
        elif choice == 3 and out:
            start = rng.randrange(len(out))
            out[at:at] = out[start:start + rng.randint(1, 64)]
        elif choice == 4 and others:
            other = rng.choice(others)
            cut = rng.randint(0, len(other))
            out = out[:at] + bytearray(other[cut:])
        elif choice == 5:
            del out[at:]
        else:
            out[at:at] = rng.choice(TOKENS)
    return bytes(out[:4096])


def plain_inputs(seeds: list[bytes], count: int, seed: int) -> Iterator[bytes]:
    """The seeds themselves, then `count` mutations of them, deterministic for `seed`."""
    rng = random.Random(seed)
    yield from seeds
    pool = list(seeds) or [b"---\nname: Jane Doe\n---\n"]
    for _ in range(count):
        child = mutate(rng.choice(pool), rng, pool)
        if rng.random() < 0.05 and len(pool) < 5000:
            pool.append(child)  # let some mutations breed, for deeper changes
        yield child


def run_plain(argv: list[str]) -> int:
    """``--plain N [--seed S] [-max_total_time=T] CORPUS...``: N mutations, or as many
    as T seconds allow when N is 0; a crash's input is saved as ``crash-plain-*``."""
    count = int(argv[argv.index("--plain") + 1])
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 1
    limit = next((float(a.split("=", 1)[1]) for a in argv if a.startswith("-max_total_time=")),
                 None)
    skip = {argv.index("--plain") + 1}
    if "--seed" in argv:
        skip.add(argv.index("--seed") + 1)
    names = [a for i, a in enumerate(argv) if i not in skip and not a.startswith("-")]
    seeds = [p.read_bytes() for p in corpus_files(names)]
    deadline = time.monotonic() + limit if limit is not None else None
    tried = 0
    for data in plain_inputs(seeds, count or 10**12, seed):
        if deadline is not None and time.monotonic() > deadline:
            break
        try:
            check_input(data)
        except Exception:
            crash = Path(f"crash-plain-{seed}-{tried}")
            crash.write_bytes(data)
            print(f"crash on input {tried}: {data!r}\nsaved as {crash}", file=sys.stderr)
            raise
        tried += 1
    print(f"plain fuzzing: {tried} inputs ({len(seeds)} seeds, seed {seed}), no crash")
    return 0


def main(argv: list[str]) -> int:
    if "--plain" in argv:
        return run_plain(argv)
    if not _coverage_guided(argv):  # replay crash files
        for path in [a for a in argv if not a.startswith("-")]:
            check_input(Path(path).read_bytes())
            print(f"{path}: ok")
        return 0
    import atheris  # only here: the plain mode and replays need no atheris

    def one_input(data: bytes) -> None:
        check_input(data)

    atheris.Setup([sys.argv[0], *argv], one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
