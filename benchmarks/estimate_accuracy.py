"""How close the pre-synthesis estimate lands to the measured duration, over many varied articles.

Run: .venv/bin/python benchmarks/estimate_accuracy.py [--engine piper]
Renders each article with the real engine (espeak-ng, or the neural voice; to WAV: the duration does not depend
on the codec) and
prints the estimate's error per article, then the median and worst error. tests/fixtures/heldout/ was
never used to fit the duration model (benchmarks/calibrate_estimate.py fits on tests/fixtures/corpus/).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch import scratch_folder  # noqa: E402

from pipeline.engines import get_engine  # noqa: E402
from pipeline.lexicon.model import EMPTY_LEXICON  # noqa: E402
from pipeline.render import render  # noqa: E402
from pipeline.settings import RenderSettings  # noqa: E402
from pipeline.stages.article import read_article  # noqa: E402

SETS = {
    "held-out": sorted((ROOT / "tests" / "fixtures" / "heldout").glob("*.md")),
    "fitted": sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.md")),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="espeak", choices=("espeak", "piper"))
    args = parser.parse_args()
    engine = get_engine(args.engine)
    settings = RenderSettings(engine=args.engine, format="wav")
    out = scratch_folder("article-audio-estimate-")
    everything, lengths = [], []
    for name, paths in SETS.items():
        errors = []
        for path in paths:
            article = read_article(path)
            report = render(article, lexicon=EMPTY_LEXICON, settings=settings, out=out / f"{path.stem}.wav",
                            engine=engine).report
            words = sum(len(s["text"].split()) for s in report["sentences"])
            error = report["estimate"]["seconds"] / report["duration_seconds"] - 1
            errors.append(error)
            lengths.append(words)
            print(f"{name:9} {path.stem:40} {words:5d} words  estimate {report['estimate']['seconds']:7.1f} s  "
                  f"measured {report['duration_seconds']:7.1f} s  error {error:+.1%}")
        everything += errors
        absolute = [abs(e) for e in errors]
        print(f"{name}: {len(errors)} articles, median |error| {statistics.median(absolute):.1%}, "
              f"worst {max(errors, key=abs):+.1%}")
    absolute = [abs(e) for e in everything]
    print(f"lengths: {min(lengths)} to {max(lengths)} words")
    print(f"all ({args.engine}): {len(everything)} articles, median |error| {statistics.median(absolute):.1%}, "
          f"worst {max(everything, key=abs):+.1%}, within ±5%: {sum(a <= 0.05 for a in absolute)}/{len(absolute)}")
    engine.close()


if __name__ == "__main__":
    main()
