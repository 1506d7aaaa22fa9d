"""Score normalization the way a listener hears it: espeak-ng's phonemes of our spoken text vs a reference reading.

Run: .venv/bin/python benchmarks/normalization_eval.py [CASES.tsv]
Each case is `category<TAB>written<TAB>spoken` (benchmarks/normalization_cases.tsv, written independently of
the code). A case counts when espeak-ng's phonemes for our normalization equal those of the reference (stress
marks and word breaks ignored). The baseline is espeak-ng reading the written text as it is.
"""

from __future__ import annotations

import collections
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.engines import get_engine, resolve_voice  # noqa: E402
from pipeline.lexicon.model import Piece  # noqa: E402
from pipeline.stages.normalize import normalize_pieces  # noqa: E402
from pipeline.stages.normalize.readers import spell  # noqa: E402

_IGNORED = re.compile(r"[ˈˌ_\s]")


def letters_as_names(reference: str) -> str:
    """A reference writes spelled letters as single letters ("nine a m"); a listener hears their names, so
    each single letter next to another is phonemized as its name, as the normalizer writes it for the engine."""
    tokens = reference.split(" ")
    single = [len(token.strip(".,;:!?")) == 1 and token.strip(".,;:!?").isalpha() for token in tokens]
    for index, token in enumerate(tokens):
        neighbour = (index > 0 and single[index - 1]) or (index + 1 < len(tokens) and single[index + 1])
        if single[index] and neighbour:
            letter = token.strip(".,;:!?")
            tokens[index] = token.replace(letter, spell(letter))
    return " ".join(tokens)


def main() -> None:
    arguments = [argument for argument in sys.argv[1:] if argument != "-v"]
    path = Path(arguments[0]) if arguments else Path(__file__).with_name("normalization_cases.tsv")
    with path.open(encoding="utf-8") as handle:
        cases = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    engine = get_engine("espeak")
    voice = resolve_voice(engine, None)

    def heard(text: str) -> str:
        return _IGNORED.sub("", "".join(engine.phonemes(text, voice)))

    ours, baseline = collections.Counter(), collections.Counter()
    totals = collections.Counter()
    misses = []
    for case in cases:
        reference = heard(letters_as_names(case["spoken"]))
        spoken = normalize_pieces((Piece(case["written"]),))
        totals[case["category"]] += 1
        if heard(spoken) == reference:
            ours[case["category"]] += 1
        else:
            misses.append((case["category"], case["written"], spoken, case["spoken"]))
        baseline[case["category"]] += heard(case["written"]) == reference
    for category in totals:
        print(f"{category:20} ours {ours[category]:3d}/{totals[category]:<3d}  as written {baseline[category]:3d}/{totals[category]}")
    count = sum(totals.values())
    print(f"{'all':20} ours {sum(ours.values()) / count:.1%}  as written {sum(baseline.values()) / count:.1%}  ({count} cases)")
    if "-v" in sys.argv:
        for category, written, spoken, reference in misses:
            print(f"\n[{category}] {written}\n   ours: {spoken}\n   ref:  {reference}")
    engine.close()


if __name__ == "__main__":
    main()
