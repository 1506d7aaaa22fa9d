"""The allocator tuning a long render relies on is applied where glibc is present (these machines)."""

import re
from pathlib import Path

from pipeline.memory import release_free_memory, tune_allocator


def test_the_c_allocator_is_tuned_on_glibc():
    assert tune_allocator() is True


def _resident_kb() -> int:
    return int(re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text())[1])


def test_freed_heap_memory_goes_back_to_the_system():
    import ctypes

    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    tune_allocator()
    # Sentence-sized blocks under the mmap threshold come from the heap; small blocks kept between them (as a
    # render's long-lived objects are) pin its top, so only malloc_trim can give the freed pages back.
    blocks, pins = [], []
    for _ in range(100):
        blocks.append(libc.malloc(400 * 1024))
        libc.memset(blocks[-1], 1, 400 * 1024)
        pins.append(libc.malloc(64 * 1024))
    for block in blocks:
        libc.free(block)
    before = _resident_kb()
    release_free_memory()
    assert _resident_kb() < before - 20_000  # most of the 40 MB freed
    for pin in pins:
        libc.free(pin)


def test_a_trim_threshold_can_be_set_too():
    """As a Dask worker sets it (in a process of its own: the threshold stays for the life of a process)."""
    import os
    import subprocess
    import sys

    code = ("from pipeline.memory import MMAP_THRESHOLD_BYTES, tune_allocator; "
            "print(tune_allocator(trim_threshold_bytes=2 * MMAP_THRESHOLD_BYTES))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"})
    assert result.stdout.strip() == "True", result.stderr
