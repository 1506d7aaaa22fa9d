"""Words a phoneme-taking voice is given as phonemes because its own phonemizer reads them in a way listeners
mishear, with the map from the text it speaks back to the text it was given (word timings point into that).

espeak-ng (the phonemizer inside Piper) stresses "thirteen" to "nineteen" on the first syllable, as speech does
before a noun ("FOURteen days"); a listener, or a recognizer, then hears the tens: "fourteen" as "forty". A
newsreader stresses the "-teen" of a number that matters. benchmarks/number_clarity.py: of 51 teens in 16 news
sentences, Whisper tiny.en heard 44 in the voice's own reading and 51 with the stress on "-teen".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.engines import ipa

#: Number words said with the primary stress on their last syllable (the first keeps a secondary stress).
STRESSED_ON_LAST_SYLLABLE = ("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
#: Words after which a teen is the first half of a year or a count of hundreds ("nineteen ninety-five",
#: "eighteen hundred"): the context already tells it from the tens, and the voice's rhythm is the natural one.
KEEPS_OWN_STRESS_BEFORE = (
    "hundred", "hundreds", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", *STRESSED_ON_LAST_SYLLABLE, "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
    "ninety",
)
_RESTRESSED = re.compile(
    r"(?<![\w\[\]'’-])(" + "|".join(STRESSED_ON_LAST_SYLLABLE) + r")(?![\w'’])"
    r"(?![ -](?:" + "|".join(KEEPS_OWN_STRESS_BEFORE) + r")\b)",
    re.IGNORECASE,
)
_LAST_VOWEL = re.compile(rf"[{''.join(sorted(ipa.IPA_VOWELS))}][^{''.join(sorted(ipa.IPA_VOWELS))}]*$")


@dataclass(frozen=True)
class Respoken:
    """Text as the voice is given it, and where each replaced word was: (start, end) in this text and
    (start, end) in the original, in order."""

    text: str
    replaced: tuple[tuple[int, int, int, int], ...] = ()

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The characters of the original text that [start, end) of this text speaks (a word that is a
        replacement maps to the whole word it replaced)."""
        return self._original(start, at_end=False), self._original(end, at_end=True)

    def _original(self, position: int, *, at_end: bool) -> int:
        index = bisect.bisect_right([edit[0] for edit in self.replaced], position - (1 if at_end else 0)) - 1
        if index < 0:
            return position
        new_start, new_end, old_start, old_end = self.replaced[index]
        if position < new_end or (at_end and position == new_end):
            return old_end if at_end else old_start
        return position - new_end + old_end


def last_syllable_stressed(phonemes: str) -> str:
    """espeak-style phonemes with the primary stress moved onto the last vowel (the old one made secondary)."""
    phonemes = phonemes.replace("ˈ", "ˌ")
    match = _LAST_VOWEL.search(phonemes)
    if match is None:
        return phonemes
    before = phonemes[: match.start()].rstrip("ˌ")
    return before + "ˈ" + phonemes[match.start():]


def respoken(text: str, phonemes_of_word: Callable[[str], str]) -> Respoken:
    """The text with each teen number that listeners could take for the tens given as a phoneme block stressed
    on "-teen"; `phonemes_of_word` is the voice's own reading of one word."""
    parts: list[str] = []
    replaced = []
    at = 0
    length = 0
    for match in _RESTRESSED.finditer(text):
        parts.append(text[at:match.start()])
        length += match.start() - at
        block = f"[[{last_syllable_stressed(phonemes_of_word(match.group(1).lower()))}]]"
        parts.append(block)
        replaced.append((length, length + len(block), match.start(), match.end()))
        length += len(block)
        at = match.end()
    if not replaced:
        return Respoken(text)
    parts.append(text[at:])
    return Respoken("".join(parts), tuple(replaced))
