"""Benchmarks measure the package as a user has it installed: byte-compiled, as pip leaves a wheel's modules."""

from __future__ import annotations

import compileall
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"


def byte_compile() -> None:
    """Write the package's bytecode beside its sources (only what changed is compiled again).

    An editable install never gets its bytecode from pip, and with PYTHONDONTWRITEBYTECODE set (as on these
    machines) Python compiles every module from source again at the start of every run: about 50 ms of a
    render's 1.3 s that a wheel's user never pays.
    """
    if not compileall.compile_dir(PACKAGE, quiet=1):
        raise SystemExit(f"could not byte-compile {PACKAGE}: fix the syntax error printed above")
