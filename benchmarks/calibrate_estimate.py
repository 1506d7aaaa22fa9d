"""Fit the espeak-ng duration model to real synthesis, and report how well the estimate holds.

Run: .venv/bin/python benchmarks/calibrate_estimate.py [--rates 170,150,200]
Synthesizes every sentence of the test corpus with the real engine, fits seconds per syllable, word,
character, pause mark and piece by least squares, and prints the coefficients to paste into
pipeline/engines/espeak.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.article import read_article  # noqa: E402
from pipeline.engines import get_engine, resolve_voice  # noqa: E402
from pipeline.estimate import features  # noqa: E402
from pipeline.lexicon import EMPTY_LEXICON  # noqa: E402
from pipeline.render import spoken_script  # noqa: E402
from pipeline.synthesize import clause_pieces, trim_silence  # noqa: E402

CORPUS = sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.md")) + [ROOT / "benchmarks" / "article_600.md"]
FIELDS = ("syllables", "words", "characters", "pause_marks", "pieces")


def measure(rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and measured speech seconds for every sentence in the corpus."""
    engine = get_engine("espeak")
    voice = resolve_voice(engine, None)
    rows, seconds = [], []
    for path in CORPUS:
        for sentence in spoken_script(read_article(path), EMPTY_LEXICON):
            feature = features(sentence.spoken)
            pieces = clause_pieces(sentence.spoken, 300)
            rows.append([getattr(feature, name) for name in FIELDS])
            seconds.append(sum(trim_silence(engine.synthesize(p, voice, rate)).seconds for p in pieces))
    engine.close()
    return np.array(rows, dtype=float), np.array(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, default=170)
    parser.add_argument("--check", default="140,200", help="other rates to check the rate scaling at")
    args = parser.parse_args()
    x, y = measure(args.rate)
    coefficients, *_ = np.linalg.lstsq(x, y, rcond=None)
    for name, value in zip(FIELDS, coefficients):
        print(f"per_{name.rstrip('s') if name != 'pause_marks' else 'pause_mark'} = {value:.5f}")
    predicted = x @ coefficients
    error = (predicted - y) / y
    print(f"rate {args.rate}: {len(y)} sentences, total predicted {predicted.sum():.1f} s vs measured {y.sum():.1f} s;"
          f" per-sentence median |error| {np.median(np.abs(error)):.1%}")
    for rate in (int(r) for r in args.check.split(",") if r):
        xr, yr = measure(rate)
        scaled = (xr @ coefficients) * args.rate / rate
        print(f"rate {rate}: total predicted {scaled.sum():.1f} s vs measured {yr.sum():.1f} s "
              f"({scaled.sum() / yr.sum() - 1:+.1%})")


if __name__ == "__main__":
    main()
