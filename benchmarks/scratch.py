"""Scratch folders for benchmarks, removed when the benchmark exits: nothing is left in the temp directory."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path


def scratch_folder(prefix: str) -> Path:
    """A new folder in the temporary directory, removed (with everything in it) at exit."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, True)
    return folder
