"""Soak: many batch runs in a row, as cron makes them; every run must be silent and exit 0.

Run: make bench-soak   (or .venv/bin/python benchmarks/batch_soak.py [--noop 100] [--edits 20])

First the corpus is rendered once. Then `--noop` runs find nothing to do, and `--edits` runs each find one
edited article and render it in worker processes (where a worker pool's exit once printed an "Exception
ignored ... Bad file descriptor" about one run in twenty). Prints the runs that printed anything or failed,
and the time per no-op run against a reference in the same loop: `python -m pipeline --version`, the
command's own start.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from scratch import scratch_folder  # noqa: E402


def run(command: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    """Seconds taken and the finished process."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True)
    return time.perf_counter() - started, done


def main() -> int:
    """Run the soak and print one line per phase."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noop", type=int, default=100, help="runs with nothing to do (default 100)")
    parser.add_argument("--edits", type=int, default=20, help="runs with one edited article each (default 20)")
    args = parser.parse_args()
    work = scratch_folder("article-audio-soak-")
    articles = work / "in"
    shutil.copytree(ROOT / "tests" / "fixtures" / "corpus", articles)
    batch = [sys.executable, "-m", "pipeline", "batch", str(articles), "-o", str(work / "out"),
             "--cache-dir", str(work / "cache"), "--jobs", "2"]
    _, first = run(batch)
    if first.returncode != 0:
        print(f"the first run failed: {first.stderr.decode(errors='replace')}")
        return 1
    noisy = []
    noop_times, reference_times = [], []
    for number in range(args.noop):
        seconds, done = run(batch)
        noop_times.append(seconds)
        reference_times.append(run([sys.executable, "-m", "pipeline", "--version"])[0])
        if done.returncode or done.stdout or done.stderr:
            noisy.append((f"no-op {number}", done))
    edit_times = []
    edited = sorted(articles.glob("*.md"))
    for number in range(args.edits):
        path = edited[number % len(edited)]
        path.write_text(path.read_text(encoding="utf-8") + f"\n\nA late update, number {number}.\n", encoding="utf-8")
        seconds, done = run(batch)
        edit_times.append(seconds)
        if done.returncode or done.stdout or done.stderr:
            noisy.append((f"edit {number}", done))
    for label, done in noisy:
        print(f"{label}: exit {done.returncode}: {(done.stdout + done.stderr).decode(errors='replace')[:300]!r}")
    reference = statistics.median(reference_times)
    print(f"no-op runs: {args.noop}, noisy or failed: {sum(label.startswith('no-op') for label, _ in noisy)}; "
          f"median {statistics.median(noop_times):.2f} s = {statistics.median(noop_times) / reference:.1f}x "
          f"the command's own start ({reference:.3f} s)")
    print(f"runs rendering one edited article: {args.edits}, noisy or failed: "
          f"{sum(label.startswith('edit') for label, _ in noisy)}; median {statistics.median(edit_times):.2f} s")
    return 1 if noisy else 0


if __name__ == "__main__":
    raise SystemExit(main())
