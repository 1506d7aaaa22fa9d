"""How normalization time grows with a sentence's length: each pathological pattern at 10k, 20k and 40k
characters, and the ratio of the 40k time to the 10k time (linear is about 4; quadratic about 16).

Run: make bench-scaling   (or .venv/bin/python benchmarks/normalization_scaling.py)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.stages.normalize import normalize_text  # noqa: E402

PATTERNS = ["at 12.30 ", "THE CAT SAT ", "$1 ", "May 10 ", "won 3-2 ", "1-2-3-4-", "1.2.3.", "a.b.c@", "Mr Smith, ",
            "6-4 (7/5) ", "Queen Anne St. ", "ending in 1234 ", "www.x", "12 ", "N ", "9 May ", "foo-bar-"]


def timed(text: str) -> float:
    """Seconds to normalize the text, best of three."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        normalize_text(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    """Print each pattern's times and growth ratio; exit 1 if any grows clearly faster than linear."""
    normalize_text("warm up 1,200 on Dec. 14")
    worst = 0.0
    for pattern in PATTERNS:
        times = [timed(pattern * (size // len(pattern))) for size in (10_000, 20_000, 40_000)]
        ratio = times[2] / max(times[0], 1e-9)
        worst = max(worst, ratio)
        print(f"{pattern!r:<20} 10k {times[0]:.3f} s  20k {times[1]:.3f} s  40k {times[2]:.3f} s  40k/10k {ratio:.1f}")
    print(f"worst growth 40k/10k = {worst:.1f} (linear ~4, quadratic ~16; target < 8)")
    return 0 if worst < 8 else 1


if __name__ == "__main__":
    raise SystemExit(main())
