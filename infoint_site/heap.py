"""The C library's heap, told to give big blocks back to the system when they are freed.

glibc serves a block of 128 KiB or more with a mapping of its own, unmapped when the
block is freed; but each time it frees such a block it raises that threshold to the
block's size (up to 32 MiB), and from then on big blocks come from the heap, whose
freed space mostly stays with the process. In a full build that happens early (which
block first depends on whether the modules came compiled), so the journal's file
contents (each read into a 132 KB buffer, see `loader`) and the 17 MB search page are
made in the heap: the build's peak was 172–177 MiB with compiled modules, against
149–155 MiB with the threshold kept at 128 KiB. The price: a mapping made, shrunk and
unmapped for each content file, which makes reading 10,000 files 0.21 → 0.38 s.
"""

from __future__ import annotations

import ctypes

M_MMAP_THRESHOLD = -3
"""glibc's `mallopt` parameter (malloc.h): the size from which blocks get mappings."""
THRESHOLD = 128 * 1024
"""glibc's default, which setting it keeps from moving."""


def keep_big_blocks_apart() -> bool:
    """Fix the C library's mapping threshold at 128 KiB for the rest of the process
    (and the processes it forks); False where it has no `mallopt` (not glibc)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # no C library to ask, or not glibc
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(M_MMAP_THRESHOLD, THRESHOLD))
