"""The newsroom corpus: the share of tricky sentences read exactly as a newsreader would.

Run: make bench-newsroom   (or .venv/bin/python benchmarks/newsroom_eval.py [-v] [STYLE ...])

tests/fixtures/newsroom/<style>/ holds original articles in four house styles (US wire, Canadian Press,
British broadcaster, international business wire) and `expected.tsv`: `file<TAB>written<TAB>spoken`, one row
per tricky sentence, its reading checked by hand before any rule was written for it (alternatives separated
by ` || `). A row counts when the renderer splits out exactly that sentence and its spoken form matches one
alternative, compared as a listener hears words: case, punctuation, apostrophes and hyphens ignored, spelled
letters as letters, spellings that sound the same as one ("metre"/"meter", "per cent"/"percent"), and "and"
between number words optional. The target is 97%.
"""

from __future__ import annotations

import collections
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.lexicon.model import EMPTY_LEXICON  # noqa: E402
from pipeline.render import spoken_script  # noqa: E402
from pipeline.stages.article import read_article  # noqa: E402
from pipeline.stages.normalize.tables import SPOKEN_LETTERS  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "newsroom"
_NUMBER_WORDS = set(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million "
    "billion trillion".split()
)
_NOT_SPOKEN = re.compile(r"[^\w'’\s]|_")
#: A letter as the normalizer writes it for the engine ("Eh") is that letter.
_LETTERS = {spoken.lower(): letter.lower() for letter, spoken in SPOKEN_LETTERS.items()}


#: Spellings a listener cannot tell apart.
_SAME_SOUND = [(re.compile(r"(metre|litre|centre)"), lambda m: m[1][:-2] + "er"),
               (re.compile(r"\bper cent\b"), lambda m: "percent")]


def words(text: str) -> list[str]:
    """A reading as the words a listener hears: lower case, no punctuation, hyphens and periods as breaks."""
    text = _NOT_SPOKEN.sub(" ", text.replace("’", "'").lower())
    for pattern, replacement in _SAME_SOUND:
        text = pattern.sub(replacement, text)
    text = text.replace("'", "")
    return [_LETTERS.get(word, word) for word in text.split()]


def without_number_and(tokens: list[str]) -> list[str]:
    """Drop "and" inside a number ("one hundred and twenty"): British and American readers differ only there."""
    kept = []
    for index, token in enumerate(tokens):
        between_numbers = 0 < index < len(tokens) - 1 and tokens[index - 1] in _NUMBER_WORDS \
            and tokens[index + 1] in _NUMBER_WORDS
        if not (token == "and" and between_numbers):
            kept.append(token)
    return kept


def same_reading(spoken: str, expected: str) -> bool:
    """Whether our reading matches one of the expected alternatives."""
    ours = without_number_and(words(spoken))
    return any(ours == without_number_and(words(alternative)) for alternative in expected.split(" || "))


def collapse(text: str) -> str:
    """Written text with runs of white space as one space, for finding a sentence."""
    return " ".join(text.split())


def evaluate(style_dir: Path) -> tuple[list[tuple[str, str, str, str]], int]:
    """The rows read wrong (file, written, expected, ours or a reason) and the number of rows."""
    with (style_dir / "expected.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    scripts = {}
    misses = []
    for row in rows:
        name = row["file"]
        if name not in scripts:
            article = read_article(style_dir / name)
            scripts[name] = {collapse(s.text): s.spoken for s in spoken_script(article, EMPTY_LEXICON)}
        spoken = scripts[name].get(collapse(row["written"]))
        if spoken is None:
            misses.append((name, row["written"], row["spoken"], "(not split out as one sentence)"))
        elif not same_reading(spoken, row["spoken"]):
            misses.append((name, row["written"], row["spoken"], spoken))
    return misses, len(rows)


def main() -> int:
    """Print the share per style and in all; -v also prints every miss."""
    verbose = "-v" in sys.argv
    wanted = [argument for argument in sys.argv[1:] if argument != "-v"]
    styles = [path for path in sorted(CORPUS.iterdir()) if (path / "expected.tsv").is_file()
              and (not wanted or path.name in wanted)]
    totals = collections.Counter()
    for style in styles:
        misses, count = evaluate(style)
        totals["rows"] += count
        totals["right"] += count - len(misses)
        print(f"{style.name:<22} {count - len(misses):>4} of {count:>4} tricky sentences read right "
              f"({100 * (count - len(misses)) / max(count, 1):.1f}%)")
        if verbose:
            for name, written, expected, ours in misses:
                print(f"  {name}: {written}\n    expected: {expected}\n    ours:     {ours}")
    share = 100 * totals["right"] / max(totals["rows"], 1)
    print(f"{'all':<22} {totals['right']:>4} of {totals['rows']:>4} ({share:.1f}%; target >= 97%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
