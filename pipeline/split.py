"""Split paragraphs into sentences with nltk's Punkt, using parameters the project ships as data."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

ABBREVIATIONS_FILE = Path(__file__).parent / "data" / "abbreviations.txt"

#: Abbreviations that hold a sentence together only when a number follows ("No. 2", "Vol. 3").
NUMBER_ONLY = frozenset({"no", "nos", "vol", "pp", "art", "fig", "ch"})


def load_abbreviations(path: Path = ABBREVIATIONS_FILE) -> frozenset[str]:
    """Read the abbreviation table: one lowercase abbreviation per line, `#` starts a comment."""
    entries = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip().lower().rstrip(".")
        if entry:
            entries.add(entry)
    return frozenset(entries)


@lru_cache(maxsize=1)
def _tokenizer() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(load_abbreviations())
    return PunktSentenceTokenizer(params)


_ENDS_NUMBER_ABBREVIATION = re.compile(r"\b(" + "|".join(sorted(NUMBER_ONLY)) + r")\.$", re.IGNORECASE)
_STARTS_LOWER = re.compile(r"^[\"'“”‘’(\[]*[a-z]")


def split_sentences(paragraph: str) -> tuple[str, ...]:
    """Split one paragraph into its sentences, keeping every character but surrounding space."""
    pieces = _tokenizer().tokenize(paragraph.strip())
    sentences: list[str] = []
    for piece in pieces:
        if sentences and _joins_previous(sentences[-1], piece):
            sentences[-1] = sentences[-1] + " " + piece
        else:
            sentences.append(piece)
    return tuple(sentences)


def _joins_previous(previous: str, piece: str) -> bool:
    if _STARTS_LOWER.match(piece):
        return True  # '"Stop!" he said.' is one sentence
    return bool(_ENDS_NUMBER_ABBREVIATION.search(previous) and piece[:1].isdigit())


def split_paragraphs(paragraphs: tuple[str, ...] | list[str]) -> tuple[tuple[str, ...], ...]:
    """Split each paragraph into sentences."""
    return tuple(split_sentences(paragraph) for paragraph in paragraphs)
