"""What a long-running process keeps from build to build, out of the collector's walks.

`serve` keeps a whole build (the journal, its analysis, the pages) for the next one. To
Python's cycle collector those are objects like any others: every full collection walks
all of them, and at 10,000 files one started once or twice in every rebuild and took
0.35–0.45 s, sometimes before the edited page was shown. `settle`, at the end of each
build, freezes whatever exists (`gc.freeze`), so later collections walk only what newer
builds make.

Frozen objects are never collected. Old builds used to leave cyclic garbage (Jinja's
kept module of macros held the analysis it showed: about 14 MB a rebuild at 10,000
files); that cycle is now broken when the next build starts (`templating.Environment.
keep_modules_of`), and a rebuild leaves a few dozen objects. `sweep` collects what is
left, with everything unfrozen for that one collection (0.35–0.9 s at 10,000 files,
during which a save waits): `serve` calls it once the journal has been quiet for a
while after `IDLE_SWEEP_BUILDS` builds, and `settle` itself after `SETTLES_PER_SWEEP`
builds without one (a long run of saves), which bounds what the process holds beyond
what it needs to that many builds' garbage. (Counting the frozen objects instead would
walk them all: 55 ms at 10,000 files.)

The frozen set is the process's, so this state is too.
"""

from __future__ import annotations

import gc

SETTLES_PER_SWEEP = 64
"""`settle` sweeps itself once this many builds settled since the last sweep."""
IDLE_SWEEP_BUILDS = 8
"""How many builds must have settled since the last sweep for a quiet journal to be
swept (`DevSite.sweep`): rarely, so that a save seldom comes during one."""

_unswept = 0
"""How many builds settled since the last sweep."""
_swept = False
"""Whether a sweep was made since the process started (or since `reset`): the first
build's settle makes one."""


def settle() -> None:
    """Freeze everything that exists now, after a sweep if this is the first build or
    `SETTLES_PER_SWEEP` builds settled without one."""
    global _unswept
    _unswept += 1
    if not _swept or _unswept >= SETTLES_PER_SWEEP:
        sweep()
    else:
        gc.freeze()


def sweep(least: int = 1) -> bool:
    """Collect the garbage among frozen objects, then freeze what is left; False (and
    nothing done) when fewer than `least` builds settled since the last sweep."""
    global _unswept, _swept
    if not _unswept or _unswept < least:
        return False
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    _unswept, _swept = 0, True
    return True


def reset() -> None:
    """Unfreeze everything and start afresh, as if no build had settled: for a process
    that is done with its long-running builds (a benchmark between two `serve`s)."""
    global _unswept, _swept
    gc.unfreeze()
    _unswept, _swept = 0, False
