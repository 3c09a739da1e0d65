"""`infoint-site build`: validate, compute, render, then write the site in one swap.

Everything is computed and rendered in memory before the writer touches the disk,
so a journal with errors, a template error or an unsafe output folder leaves the
previous site exactly as it was.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .encrypt import check_password, site_key
from .errors import JournalInvalid
from .pipeline import Loaded, load_journal
from .privacy import PrivacyReport, privacy_report
from .problems import Problem, count, sort_problems, summary
from .render import SiteRenderer
from .theme import find_theme
from .urls import OpaqueUrls, Urls
from .writer import check_output, write_site


@dataclass(frozen=True, slots=True)
class BuildResult:
    out: Path
    pages: int
    files: int
    bytes: int
    seconds: float
    problems: list[Problem]
    loaded: Loaded
    privacy: PrivacyReport


def output_folder(root: Path, configured: str, out: Path | None) -> Path:
    """`--out` as given (relative to where you are), else the setting, relative to the root."""
    return out if out is not None else root / configured


def build_site(root: Path | str, today: date | None = None, out: Path | None = None,
               strict: bool = False, password: str | None = None) -> BuildResult:
    """Build the journal at `root` into its output folder; raise `JournalInvalid` on errors.

    With ``privacy.encrypt`` on, `password` (from INFOINT_PASSWORD) encrypts every page;
    a missing or short one stops the build before anything is written.
    """
    started = time.perf_counter()
    root = Path(root)
    loaded = load_journal(root, today)
    target = output_folder(root, loaded.journal.settings.output, out)
    if loaded.failed(strict):
        raise JournalInvalid(_failure(loaded.problems, strict), loaded.problems)
    check_output(root, target)
    settings = loaded.journal.settings
    key = site_key(check_password(password)) if settings.privacy.encrypt else None
    theme = find_theme(root, settings.theme)
    urls = OpaqueUrls(key.path_key) if key else Urls()
    renderer = SiteRenderer(loaded.analysis, theme, urls=urls, encrypted=key is not None)
    rendered = renderer.render()
    problems = sort_problems([*loaded.problems, *rendered.problems])
    errors, warnings = count(problems)
    if errors or (strict and warnings):
        raise JournalInvalid(_failure(problems, strict), problems)
    report = privacy_report(renderer.journal, rendered.files, encrypted=key is not None)
    if key is not None:
        rendered = renderer.seal(rendered, key)
    written = write_site(target, rendered.files)
    return BuildResult(target, report.pages, len(rendered.files) + 1, written,
                       time.perf_counter() - started, problems, loaded, report)


def _failure(problems: list[Problem], strict: bool) -> str:
    errors, warnings = count(problems)
    why = summary(errors, warnings) + (" (--strict)" if strict and not errors else "")
    return f"build stopped: {why}; the previous site was left as it was"
