"""Build speed and memory of infoint-site against Hugo, in one paired run.

    python benchmarks/bench.py [--files 1000 10000] [--runs 3] [--no-hugo] [--no-serve]

For each size: generates a deterministic journal (benchmarks/generate.py) in a temporary
folder and reports medians of `--runs` runs of

* ``check``;
* a cold ``build --no-cache`` (nothing reused);
* a ``build`` after adding a line to one meeting's note (the cache and the previous
  site in place: the quick rebuild, see infoint_site/quick.py);
* a ``build`` after changing one contact's role (shown as it is: the quick rebuild
  puts it where the old one stood);
* a ``build`` after setting one contact's ``last_contact`` date (the cached full
  build: the journal computes follow-ups from it);
* the same journal built by Hugo (Debian's ``hugo``) with minimal layouts, as a ratio
  (each Hugo build right before a cold build: the machine's speed drifts);
* a contact's note, then their role, then their ``last_contact`` date saved, then a
  new meeting file with them, while ``serve`` shows their page in Chromium → the page
  shows the change
  (benchmarks/serve_latency.py; at least 5 saves of each; needs Playwright and
  /usr/bin/chromium, else skipped with a note);

with each command's peak memory (maximum resident set size). Nothing is written into
the repository. ``--files 200 --runs 1 --no-hugo --no-serve`` is the smoke run CI makes.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
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


_ENV = {**os.environ, "CI": "1"}
"""The measured commands' environment (see `bench`)."""


def measured(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(seconds, peak MiB) using wait4, so the memory is this command's own."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env=_ENV)
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


def serve_latency(journal: Path, saves: int) -> dict[str, tuple[float, float]]:
    """Median seconds from a save to the page showing it in `serve`, or nothing when no
    browser can be driven; measured in a new process (no memory figure). In this one,
    the server's builds would grow this process, and each command it starts after that
    would report this process's peak as its own: Linux hands a process's peak resident
    set to the program it runs (`exec`), and `wait4` reports the larger."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_serve_latency_here, (journal, saves))  # type: ignore[no-any-return]


def _serve_latency_here(journal: Path, saves: int) -> dict[str, tuple[float, float]]:
    try:
        from playwright.sync_api import sync_playwright
        from serve_latency import CHROMIUM, LAUNCH_ARGS, SAVES, measure
    except ImportError as exc:
        print(f"  (serve latency skipped: {exc})", file=sys.stderr)
        return {}
    if not Path(CHROMIUM).exists():
        print(f"  (serve latency skipped: no {CHROMIUM})", file=sys.stderr)
        return {}
    contact = sorted((journal / "content" / "contacts").glob("*.md"))[0].stem
    results: dict[str, tuple[float, float]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            for save in SAVES:
                _, runs = measure(browser, journal, contact, TODAY, saves, "serve", quiet=True,
                                  save=save)
                results[f"serve: {save} saved → visible"] = \
                    (statistics.median(r.visible for r in runs), float("nan"))
        finally:
            browser.close()
    return results


def bench(files: int, runs: int, with_hugo: bool,
          with_serve: bool) -> dict[str, tuple[float, float]]:
    tmp = Path(tempfile.mkdtemp(prefix=f"infoint-bench-{files}-"))
    try:
        journal = generate(tmp / "journal", files)
        today = ["--today", TODAY.isoformat()]
        root = ["--root", str(journal)]
        out = tmp / "site"
        # Compiled modules are cached, as an installed package has them, even where the
        # environment says not to write them (PYTHONDONTWRITEBYTECODE): in this run's
        # folder, not in the repository; unmeasured commands on a small journal make them.
        _ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        _ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        small = ["--root", str(generate(tmp / "small", 30))]
        measured([*INFOINT, *small, "check", *today])
        measured([*INFOINT, *small, "build", *today, "--out", str(tmp / "small-site")])
        results: dict[str, tuple[float, float]] = {}
        results["check"] = median([measured([*INFOINT, *root, "check", *today])
                                   for _ in range(runs)])
        # The cold build and Hugo's take turns, so that both see the machine alike (its
        # speed drifts by tens of percent from one minute to the next).
        hugo = hugo_site(journal, tmp / "hugo") if with_hugo and shutil.which("hugo") \
            else None
        cold, hugo_runs = [], []
        for _ in range(runs):
            if hugo is not None:
                hugo_runs.append(measured(["hugo", "--quiet", "-s", str(hugo), "-d",
                                           str(tmp / "hugo-out")]))
            cold.append(measured([*INFOINT, *root, "build", *today, "--out", str(out),
                                  "--no-cache"]))
        results["cold build"] = median(cold)
        measured([*INFOINT, *root, "build", *today, "--out", str(out)])  # fill the cache
        meeting = sorted((journal / "content" / "meetings").glob("*.md"))[files // 3]
        edits = []
        for run_number in range(runs):
            with meeting.open("a", encoding="utf-8") as handle:
                handle.write(f"\nEdited for run {run_number}.\n")
            edits.append(measured([*INFOINT, *root, "build", *today, "--out", str(out)]))
        results["rebuild, 1 note edited"] = median(edits)
        contacts = sorted((journal / "content" / "contacts").glob("*.md"))
        # A role: shown as it is, spliced where it stands (the quick rebuild). A date
        # of last contact: the journal computes follow-ups from it (the cached full
        # build, as for any field the journal reads).
        for name, contact, pattern, line in [
            ("rebuild, 1 role edited", contacts[files // 5], r"(?m)^role: .*$",
             lambda run: f"role: Analyst {run}"),
            ("rebuild, 1 date set", contacts[files // 7], r"(?m)^(email: .*)$",
             lambda run: f"\\1\nlast_contact: {TODAY - timedelta(days=1 + run)}"),
        ]:
            edits = []
            text = contact.read_text(encoding="utf-8")
            for run_number in range(runs):
                edited, found = re.subn(pattern, line(run_number), text, count=1)
                if not found:
                    raise SystemExit(f"{contact} has no {pattern} to edit")
                contact.write_text(edited, encoding="utf-8")
                edits.append(measured([*INFOINT, *root, "build", *today, "--out", str(out)]))
            results[name] = median(edits)
        if hugo_runs:
            results["hugo build"] = median(hugo_runs)
        if with_serve:
            results.update(serve_latency(journal, max(runs, 5)))
        return results
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve latency")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]};"
          f" hugo: {'yes' if shutil.which('hugo') else 'not installed'}")
    for files in args.files:
        results = bench(files, args.runs, not args.no_hugo, not args.no_serve)
        hugo = results.get("hugo build")
        print(f"\n{files:,} files (medians of {args.runs})")
        width = max(len(name) for name in ("what", *results))
        print(f"  {'what':<{width}}{'seconds':>9}{'peak MiB':>10}{'× Hugo':>8}")
        for name, (seconds, mib) in results.items():
            ratio = f"{seconds / hugo[0]:.2f}" if hugo else "–"
            memory = f"{mib:.0f}" if mib == mib else "–"  # NaN: not measured
            print(f"  {name:<{width}}{seconds:>9.3f}{memory:>10}{ratio:>8}")
        if hugo:
            cold = results["cold build"]
            print(f"  memory: {cold[1] / hugo[1]:.2f}× Hugo's peak")


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
