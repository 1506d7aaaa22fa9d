"""What a normalization rule is: a pattern for one semiotic class and the reader that says its matches."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Reading:
    """What a span is read as, and why an editor should check it (None when the reading is safe)."""

    spoken: str
    flag: str | None = None


@dataclass(frozen=True)
class Rule:
    """A named pattern for one semiotic class and what each match is read as (None or the match: not its case)."""

    name: str
    semiotic_class: str
    pattern: re.Pattern[str]
    speak: Callable[[re.Match[str]], str | Reading | None]
    flag: str | None = None


def alternation(words: Iterable[str], *, escape: bool = True) -> str:
    """A regex alternation of the words, longest first (so "Mrs" is tried before "Mr"), each once."""
    ordered = sorted(set(words), key=lambda word: (-len(word), word))
    return "|".join(re.escape(word) if escape else word for word in ordered)
