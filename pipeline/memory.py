"""Keep a long render's memory flat at the C allocator too. glibc's malloc raises its mmap threshold as big
blocks are freed, up to 32 MB, after which every buffer a render makes and drops comes from the heap and
fragments it (a 30,000-word render peaked at 214 MB instead of 166 MB). A fixed threshold stops that; it is
set at 4 MB, not lower, because each block above it is a fresh mmap whose pages fault in one by one: at 128 KB
the loudness meter's FFT buffers tripled its time. The freed sentence-sized blocks that stay in the heap go back
to the system in `release_free_memory`, which a render calls now and then. Two arenas are shared by a
render's threads (main, synthesis, ffmpeg writer and check): each arena holds freed memory of its own."""

from __future__ import annotations

import contextlib
import ctypes
from functools import lru_cache

#: mallopt parameters (glibc <malloc.h>).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 4 * 1024 * 1024
ARENAS = 2


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    try:
        # The process's own symbols: the C library is linked in already, and find_library("c") would run ldconfig.
        libc = ctypes.CDLL(None)
        libc.mallopt, libc.malloc_trim  # noqa: B018 (glibc's, not another C library's)
    except (OSError, AttributeError):
        return None
    return libc


def tune_allocator(trim_threshold_bytes: int | None = None) -> bool:
    """Fix glibc's mmap threshold and arena count for this process (and its trim threshold, when given); False
    where there is no glibc."""
    libc = _libc()
    if libc is None:
        return False
    tuned = bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(libc.mallopt(_M_ARENA_MAX, ARENAS))
    if trim_threshold_bytes is not None:
        tuned = tuned and bool(libc.mallopt(_M_TRIM_THRESHOLD, trim_threshold_bytes))
    return tuned


def release_free_memory() -> None:
    """Give the heap's free pages back to the system (glibc's malloc_trim; nothing elsewhere)."""
    libc = _libc()
    if libc is not None:
        with contextlib.suppress(OSError):
            libc.malloc_trim(0)
