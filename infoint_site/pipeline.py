"""The pipeline in one place: read → parse → link → analyze → validate.

`load_journal` reads a folder; `process` is the same pipeline from bytes already read,
pure given `today`. Everything is gathered before anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import parallel
from .analysis import Analysis, analyze
from .cache import BuildCache, digest
from .clock import today_in
from .journal import Journal, link
from .loader import SourceFile, Sources, read_sources
from .parse import parse_file, record_id
from .problems import Problem, count, sort_problems
from .records import Record
from .settings import parse_settings
from .validate import validate


@dataclass(frozen=True, slots=True)
class Loaded:
    """A journal with its analysis for one day and every problem found on the way."""

    root: Path
    journal: Journal
    analysis: Analysis
    problems: list[Problem]
    """Sorted by file and position."""
    files: int
    """How many content files were read."""

    @property
    def errors(self) -> int:
        return count(self.problems)[0]

    @property
    def warnings(self) -> int:
        return count(self.problems)[1]

    def failed(self, strict: bool = False) -> bool:
        """True when errors (or, if `strict`, warnings) should stop the command."""
        errors, warnings = count(self.problems)
        return errors > 0 or (strict and warnings > 0)


class ParseMemo:
    """Parse results kept by file, reused while a file's bytes stay the same: in memory
    (`serve`) and, with a `store`, across builds (the persistent cache)."""

    def __init__(self, store: BuildCache | None = None) -> None:
        self._kept: dict[tuple[str, str], tuple[bytes, tuple[Record | None, list[Problem]]]] = {}
        self.store = store
        self.parsed = 0
        """Files actually parsed by the last `process` call."""

    def parse(self, source: SourceFile) -> tuple[Record | None, list[Problem]]:
        """The file's record and problems. One not read (its `data` None) must be
        known to the store, by the digest its `SourceFile` gives."""
        kind, path, data = source.kind, source.path, source.data
        kept = self._kept.get((kind, path))
        if kept is not None and data is not None and kept[0] == data:
            if self.store is not None:
                self.store.put_parsed((kind, path, digest(data)), kept[1])
            return kept[1]
        key = (kind, path, source.digest()) if self.store is not None else None
        result = self.store.get_parsed(key) if self.store is not None else None
        if result is None:
            if data is None:
                raise ValueError(f"{path} was not read, and the cache has no record of it")
            self.parsed += 1
            result = parse_file(kind, path, data)
            if self.store is not None:
                self.store.put_parsed(key, result)
        if data is not None:
            self._kept[(kind, path)] = (data, result)
        return result

    def parse_many(self, files: Sequence[SourceFile], workers: int,
                   meanwhile: Callable[[], None] | None = None) -> None:
        """Parse the files not known yet in `workers` processes, when there are many,
        calling `meanwhile` while they do; `parse` then finds them here."""
        unknown = [f for f in files if not self._known(f)]
        if workers < 2 or len(unknown) < parallel.PARALLEL_MIN_FILES or not hasattr(os, "fork"):
            return
        for source, result in zip(unknown, parallel.parse_in_workers(unknown, workers, meanwhile),
                                  strict=True):
            self.parsed += 1
            if self.store is not None:
                self.store.put_parsed((source.kind, source.path, source.digest()), result)
            self._kept[(source.kind, source.path)] = (source.data, result)  # type: ignore[assignment]

    def _known(self, source: SourceFile) -> bool:
        kept = self._kept.get((source.kind, source.path))
        if kept is not None and kept[0] == source.data:
            return True
        return self.store is not None and \
            self.store.get_parsed((source.kind, source.path, source.digest())) is not None

    def forget_missing(self, sources: Sources) -> None:
        present = {(f.kind, f.path) for f in sources.files}
        for key in [k for k in self._kept if k not in present]:
            del self._kept[key]


def process(sources: Sources, today: date | None = None,
            memo: ParseMemo | None = None, workers: int = 1,
            meanwhile: Callable[[], None] | None = None) -> Loaded:
    """Parse, link, analyze and validate what `read_sources` read.

    `today` None means the current date in the journal's time zone. With a `memo`,
    files whose bytes did not change since the last call are not parsed again, and
    many new ones are parsed by `workers` processes; `meanwhile` is then called in this
    one, while they parse (and not at all when they do not).
    """
    parse = memo.parse if memo is not None else _parse
    if memo is not None:
        memo.parsed = 0
        memo.forget_missing(sources)
        memo.parse_many(sources.files, workers, meanwhile)
    settings, problems = parse_settings(sources.settings, sources.themes)
    problems = [*sources.problems, *problems]
    records: list[Record] = []
    unreadable: list[str] = []
    for source in sources.files:
        record, found = parse(source)
        problems.extend(found)
        if record is not None:
            records.append(record)
        elif source.kind == "contacts":
            unreadable.append(record_id(source.path))
    journal, found = link(records, settings, unreadable)
    problems.extend(found)
    day = today if today is not None else today_in(settings.timezone)
    analysis = analyze(journal, day)
    problems.extend(validate(analysis))
    return Loaded(sources.root, journal, analysis, sort_problems(problems), len(sources.files))


def _parse(source: SourceFile) -> tuple[Record | None, list[Problem]]:
    if source.data is None:
        raise ValueError(f"{source.path} was not read")
    return parse_file(source.kind, source.path, source.data)


def load_journal(root: Path | str, today: date | None = None,
                 memo: ParseMemo | None = None, workers: int = 1) -> Loaded:
    """Read and process the journal at `root`."""
    return process(read_sources(Path(root)), today, memo, workers)
