"""Normalization stage: written form to spoken form, leaving text the editor's lexicon replaced alone."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

from pipeline.lexicon import Piece

#: Characters rewritten before any rule runs: typography the engine reads badly or aloud.
CHARACTER_MAP = {
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "…": "...",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u200b": "",
    "\u00ad": "",
}
#: Symbols read as words when they stand between words or after numbers.
SYMBOL_WORDS = {"&": "and", "%": "percent", "+": "plus", "=": "equals", "@": "at"}

_DASH_BETWEEN_WORDS = re.compile(r"\s*[—–]\s*|\s+-{1,2}\s+")
_SYMBOL = re.compile(r"\s*([&%+=@])\s*")
_SPACES = re.compile(r"\s+")
_CHARACTERS = re.compile("|".join(map(re.escape, CHARACTER_MAP)))


def _characters(text: str) -> str:
    return _CHARACTERS.sub(lambda match: CHARACTER_MAP[match.group()], html.unescape(text))


def _dashes(text: str) -> str:
    # A dash between words is a pause; a comma gives espeak-ng the same short break.
    return _DASH_BETWEEN_WORDS.sub(", ", text)


def _symbols(text: str) -> str:
    return _SYMBOL.sub(lambda match: f" {SYMBOL_WORDS[match.group(1)]} ", text)


#: The ordered rules, each a pure function from text to text.
RULES: tuple[Callable[[str], str], ...] = (_characters, _dashes, _symbols)


def normalize_text(text: str, rules: Iterable[Callable[[str], str]] = RULES) -> str:
    """Apply every rule in order to a run of written text."""
    for rule in rules:
        text = rule(text)
    return text


def normalize_pieces(pieces: Iterable[Piece]) -> str:
    """The spoken form of a sentence: rules rewrite plain pieces; lexicon replacements pass through."""
    spoken = "".join(piece.text if piece.entry else normalize_text(piece.text) for piece in pieces)
    return _SPACES.sub(" ", spoken).strip()
