"""Keep a long render's memory flat at the C allocator too: glibc's malloc raises its mmap threshold as big
blocks are freed, after which the sentence-sized PCM buffers a render makes and drops come from the heap and
fragment it (a 30,000-word render peaked at 214 MB instead of 166 MB). A fixed threshold returns each such
buffer to the system when it is freed; two arenas are enough for a render's few threads."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util

#: mallopt parameters (glibc <malloc.h>).
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 128 * 1024
ARENAS = 2


def tune_allocator() -> bool:
    """Fix glibc's mmap threshold and arena count for this process; False where there is no glibc."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(name)
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(libc.mallopt(_M_ARENA_MAX, ARENAS))
    return False
