"""Fit an engine's duration model to real synthesis of the fitting corpus, and check it on held-out text.

Run: .venv/bin/python benchmarks/calibrate_estimate.py [--engine espeak|piper]
Synthesizes every sentence of tests/fixtures/corpus/ with the real engine, fits seconds per vowel,
consonant, stress, clause and word (features of the engine's own phonemes) by least squares, prints the
weights to paste into pipeline/engines/<engine>.py, then checks the fit on tests/fixtures/heldout/ and at
other rates.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.engines import get_engine, resolve_voice  # noqa: E402
from pipeline.lexicon.model import EMPTY_LEXICON  # noqa: E402
from pipeline.render import spoken_script  # noqa: E402
from pipeline.stages.article import read_article  # noqa: E402
from pipeline.stages.estimate import features  # noqa: E402
from pipeline.stages.synthesize import clause_pieces, trim_silence  # noqa: E402

FITTING = sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.md"))
HELD_OUT = sorted((ROOT / "tests" / "fixtures" / "heldout").glob("*.md"))
FEATURES = ("vowels", "consonants", "stresses", "clauses", "words", "pieces")


def measure(engine, paths, rate: int) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Per article: feature rows and measured (trimmed) speech seconds of every sentence."""
    voice = resolve_voice(engine, None)
    articles = []
    for path in paths:
        rows, seconds = [], []
        for sentence in spoken_script(read_article(path), EMPTY_LEXICON):
            limit = min(300, getattr(engine, "max_piece_chars", 300))
            found = features(sentence.spoken, limit, lambda text: engine.phonemes(text, voice))
            rows.append([found[name] for name in FEATURES])
            pieces = clause_pieces(sentence.spoken, limit)
            seconds.append(sum(trim_silence(engine.synthesize(piece, voice, rate)).seconds for piece in pieces))
        articles.append((path.stem, np.array(rows, dtype=float), np.array(seconds)))
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=170)
    parser.add_argument("--check-rates", default="140,200")
    parser.add_argument("--engine", default="espeak", choices=("espeak", "piper"))
    args = parser.parse_args()
    engine = get_engine(args.engine)
    fitting = measure(engine, FITTING, args.rate)
    x = np.vstack([rows for _, rows, _ in fitting])
    y = np.concatenate([seconds for _, _, seconds in fitting])
    weights, *_ = np.linalg.lstsq(x, y, rcond=None)
    print("weights=(" + ", ".join(f'("{name}", {value:.5f})' for name, value in zip(FEATURES, weights)) + "),")
    for label, rate, paths in [("held-out", args.rate, HELD_OUT)] + [
        (f"held-out at {r}", int(r), HELD_OUT) for r in args.check_rates.split(",") if r
    ]:
        errors = [(rows @ weights).sum() * args.rate / rate / seconds.sum() - 1 for _, rows, seconds in measure(engine, paths, rate)]
        print(f"{label}: speech-time error per article: median {np.median(np.abs(errors)):.1%}, "
              f"worst {max(errors, key=abs):+.1%}")
    engine.close()


if __name__ == "__main__":
    main()
