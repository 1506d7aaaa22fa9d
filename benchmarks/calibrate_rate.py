"""Calibrate --rate for the piper engine: words per minute at each length scale, against espeak-ng's own.

Run: .venv/bin/python benchmarks/calibrate_rate.py
Both engines speak the held-out articles' sentences (tests/fixtures/heldout/, the first six); a rate is the
script's words over the seconds of trimmed speech. espeak-ng speaks a fixed multiple of its nominal rate; the
piper engine's length scale is chosen so that --rate N means what it means for espeak-ng. Prints the table to
paste into pipeline/engines/piper.py (PIPER_WORDS_PER_MINUTE and ESPEAK_SPOKEN_PER_NOMINAL_WPM), then checks
the calibrated engine at 150, 170 and 200 words per minute.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.engines import get_engine, resolve_voice  # noqa: E402
from pipeline.engines import piper  # noqa: E402
from pipeline.lexicon.model import EMPTY_LEXICON  # noqa: E402
from pipeline.render import spoken_script  # noqa: E402
from pipeline.stages.article import read_article  # noqa: E402
from pipeline.stages.estimate import _WORD  # noqa: E402
from pipeline.stages.synthesize import clause_pieces, trim_silence  # noqa: E402

ARTICLES = sorted((ROOT / "tests" / "fixtures" / "heldout").glob("*.md"))[:6]
LENGTH_SCALES = (0.7, 0.85, 1.0, 1.15, 1.3, 1.5, 1.7)
CHECK_RATES = (150, 170, 200)


def spoken_rate(speak, texts: list[str], limit: int) -> float:
    """Words per minute of trimmed speech over the texts, each spoken by `speak` in the pieces of at most
    `limit` characters that a render would give the engine."""
    words = sum(len(_WORD.findall(text)) for text in texts)
    seconds = sum(trim_silence(speak(piece)).seconds for text in texts for piece in clause_pieces(text, limit))
    return words / seconds * 60


def main() -> None:
    texts = [s.spoken for path in ARTICLES for s in spoken_script(read_article(path), EMPTY_LEXICON)]
    espeak = get_engine("espeak")
    voice = resolve_voice(espeak, None)
    ratios = [spoken_rate(lambda piece: espeak.synthesize(piece, voice, rate), texts, 300) / rate for rate in CHECK_RATES]
    espeak.close()
    print(f"ESPEAK_SPOKEN_PER_NOMINAL_WPM = {sum(ratios) / len(ratios):.4f}  # at {CHECK_RATES}: "
          + ", ".join(f"{ratio:.4f}" for ratio in ratios))
    engine = get_engine("piper", threads=2)
    voice = resolve_voice(engine, None)
    rows = []
    print("PIPER_WORDS_PER_MINUTE = (")
    for scale in LENGTH_SCALES:
        speak = lambda piece: engine.synthesize_scaled(piece, voice, scale)  # noqa: E731
        rows.append((scale, spoken_rate(speak, texts, engine.max_piece_chars)))
        print(f"    ({scale}, {rows[-1][1]:.1f}),", flush=True)
    print(")")
    piper.ESPEAK_SPOKEN_PER_NOMINAL_WPM = sum(ratios) / len(ratios)  # check what was just measured
    piper.PIPER_WORDS_PER_MINUTE = tuple((scale, round(rate, 1)) for scale, rate in rows)
    for rate in CHECK_RATES:
        measured = spoken_rate(lambda piece: engine.synthesize(piece, voice, rate), texts, engine.max_piece_chars)
        wanted = rate * piper.ESPEAK_SPOKEN_PER_NOMINAL_WPM
        print(f"--rate {rate}: piper {measured:.1f} words per minute, espeak-ng {wanted:.1f} ({measured / wanted - 1:+.1%})")
    engine.close()


if __name__ == "__main__":
    main()
