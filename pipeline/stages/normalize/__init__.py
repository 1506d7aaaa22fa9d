"""Normalization stage: written form to spoken form, leaving text the editor's lexicon replaced alone.

The mechanism is here: text is a list of pieces, some protected (an editor's replacement, or words a
rule already wrote), and each rule in `rules.py` rewrites only unprotected pieces, in order.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from pipeline.lexicon.model import Piece
from pipeline.stages.normalize.rules import Rule, rules
from pipeline.stages.normalize.tables import CHARACTER_MAP, UNICODE_FRACTIONS

DEFAULT_DATE_ORDER = "mdy"
_CHARACTERS = re.compile("|".join(map(re.escape, {**CHARACTER_MAP, **UNICODE_FRACTIONS})))
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?])")
_REPEATED_COMMAS = re.compile(r"(?:,\s*){2,}")
_TERMINAL = re.compile(r"[.!?][\"')\]]*\s*$")


@lru_cache(maxsize=4)
def compiled_rules(date_order: str = DEFAULT_DATE_ORDER) -> tuple[Rule, ...]:
    """The rules for a date order, compiled once."""
    return rules(date_order)


def _prepare(text: str) -> str:
    text = html.unescape(text)
    return _CHARACTERS.sub(lambda m: CHARACTER_MAP.get(m.group(), f" {UNICODE_FRACTIONS.get(m.group(), '')}"), text)


def apply_rules(pieces: Sequence[tuple[str, bool]], rule_list: Iterable[Rule]) -> list[tuple[str, bool]]:
    """Run each rule over the unprotected pieces; what a rule writes is protected from later rules."""
    current = list(pieces)
    for rule in rule_list:
        rewritten: list[tuple[str, bool]] = []
        for text, protected in current:
            if protected:
                rewritten.append((text, True))
                continue
            position = 0
            for match in rule.pattern.finditer(text):
                spoken = rule.speak(match)
                if spoken == match.group(0):
                    continue  # the rule looked and decided this is not its case
                rewritten.append((text[position : match.start()], False))
                rewritten.append((spoken, True))
                position = match.end()
            rewritten.append((text[position:], False))
        current = [(text, protected) for text, protected in rewritten if text]
    return current


def _tidy(text: str) -> str:
    text = _SPACES.sub(" ", text)
    text = _REPEATED_COMMAS.sub(", ", text)
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text).strip()


def normalize_text(text: str, date_order: str = DEFAULT_DATE_ORDER) -> str:
    """The spoken form of a run of written text."""
    return _tidy("".join(piece for piece, _ in apply_rules([(_prepare(text), False)], compiled_rules(date_order))))


def normalize_pieces(pieces: Iterable[Piece], date_order: str = DEFAULT_DATE_ORDER) -> str:
    """The spoken form of a sentence: rules rewrite plain pieces; lexicon replacements pass through."""
    pieces = tuple(pieces)
    marked = [(piece.text, True) if piece.entry else (_prepare(piece.text), False) for piece in pieces]
    spoken = _tidy("".join(text for text, _ in apply_rules(marked, compiled_rules(date_order))))
    written = "".join(piece.text for piece in pieces)
    # A rule may swallow the final period with an abbreviation ("in the U.S."); the engine needs it back.
    if _TERMINAL.search(written) and spoken and not _TERMINAL.search(spoken):
        spoken += "."
    return spoken


__all__ = ["normalize_text", "normalize_pieces", "apply_rules", "compiled_rules"]
