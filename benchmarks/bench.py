"""Build speed and memory of infoint-site against Hugo, in one paired run.

    python benchmarks/bench.py [--files 1000 10000] [--runs 3] [--no-hugo]

For each size: generates a deterministic journal (benchmarks/generate.py) in a temporary
folder and reports medians of `--runs` runs of

* ``check``;
* a cold ``build --no-cache`` (nothing reused);
* a warm ``build`` after editing one meeting (the cache and the previous site in place);
* the same journal built by Hugo (Debian's ``hugo``) with minimal layouts, as a ratio;

with each command's peak memory (maximum resident set size). Nothing is written into
the repository. Edit-to-reload latency in `serve` is measured by
benchmarks/serve_latency.py.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import TODAY, generate

INFOINT = [sys.executable, "-m", "infoint_site"]
HUGO_CONFIG = """baseURL = "http://localhost/"
title = "bench"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
[markup.goldmark.renderer]
  unsafe = false
"""
HUGO_SINGLE = """<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><nav><a href="/">home</a></nav><main><h1>{{ .Params.name }}</h1>
<dl>{{ range $k, $v := .Params }}<dt>{{ $k }}</dt><dd>{{ $v }}</dd>{{ end }}</dl>
{{ .Content }}</main></body></html>
"""
HUGO_LIST = """<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">
{{ .Params.name }}</a></li>{{ end }}</ul></main></body></html>
"""


def measured(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(seconds, peak MiB) using wait4, so the memory is this command's own."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env={**os.environ, "CI": "1"})
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def hugo_site(journal: Path, folder: Path) -> Path:
    """A Hugo site whose content is the journal's Markdown files, as they are."""
    (folder / "layouts" / "_default").mkdir(parents=True)
    (folder / "hugo.toml").write_text(HUGO_CONFIG)
    (folder / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE)
    (folder / "layouts" / "_default" / "list.html").write_text(HUGO_LIST)
    (folder / "layouts" / "index.html").write_text(HUGO_LIST)
    shutil.copytree(journal / "content", folder / "content")
    return folder


def median(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return (statistics.median(s for s, _ in samples), max(m for _, m in samples))


def bench(files: int, runs: int, with_hugo: bool) -> dict[str, tuple[float, float]]:
    tmp = Path(tempfile.mkdtemp(prefix=f"infoint-bench-{files}-"))
    try:
        journal = generate(tmp / "journal", files)
        today = ["--today", TODAY.isoformat()]
        root = ["--root", str(journal)]
        out = tmp / "site"
        results: dict[str, tuple[float, float]] = {}
        results["check"] = median([measured([*INFOINT, *root, "check", *today])
                                   for _ in range(runs)])
        results["cold build"] = median([
            measured([*INFOINT, *root, "build", *today, "--out", str(out), "--no-cache"])
            for _ in range(runs)])
        measured([*INFOINT, *root, "build", *today, "--out", str(out)])  # fill the cache
        meeting = sorted((journal / "content" / "meetings").glob("*.md"))[files // 3]
        edits = []
        for run_number in range(runs):
            with meeting.open("a", encoding="utf-8") as handle:
                handle.write(f"\nEdited for run {run_number}.\n")
            edits.append(measured([*INFOINT, *root, "build", *today, "--out", str(out)]))
        results["rebuild after 1 edit"] = median(edits)
        if with_hugo and shutil.which("hugo"):
            site = hugo_site(journal, tmp / "hugo")
            results["hugo build"] = median([
                measured(["hugo", "--quiet", "-s", str(site), "-d", str(tmp / "hugo-out")])
                for _ in range(runs)])
        return results
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-hugo", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]};"
          f" hugo: {'yes' if shutil.which('hugo') else 'not installed'}")
    for files in args.files:
        results = bench(files, args.runs, not args.no_hugo)
        hugo = results.get("hugo build")
        print(f"\n{files:,} files (medians of {args.runs})")
        print(f"  {'what':<24}{'seconds':>9}{'peak MiB':>10}{'× Hugo':>8}")
        for name, (seconds, mib) in results.items():
            ratio = f"{seconds / hugo[0]:.2f}" if hugo else "–"
            print(f"  {name:<24}{seconds:>9.2f}{mib:>10.0f}{ratio:>8}")
        if hugo:
            cold = results["cold build"]
            print(f"  memory: {cold[1] / hugo[1]:.2f}× Hugo's peak")


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
