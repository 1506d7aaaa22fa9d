"""Duration estimate before synthesis: the spoken script at the voice's rate, plus every pause."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.engines.base import DurationModel
from pipeline.settings import RenderSettings
from pipeline.stages.synthesize import clause_pieces

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_PAUSE_MARK = re.compile(r"[,;:()]|\s[-–—]\s|\.\.\.")
_SPELLED = re.compile(r"^[A-Z]{2,5}$")
#: Letters whose names take more than one syllable when an initialism is spelled out.
_LETTER_SYLLABLES = {"w": 3}
_IPA_VOWELS = frozenset("aeiouyɑɐɒæɔəɘɚɛɜɝɞɨɪɯɵøœɶʉʊʌʏɤ")


@dataclass(frozen=True)
class Estimate:
    """The estimate a player shows before anyone presses play."""

    seconds: float
    label: str


def word_syllables(word: str) -> int:
    """Syllables in one written word, by vowel groups with the common English corrections."""
    if word.isdigit():
        return _number_syllables(word)
    if _SPELLED.match(word):
        return sum(_LETTER_SYLLABLES.get(letter, 1) for letter in word.lower())
    lower = word.lower()
    count = len(_VOWEL_GROUP.findall(lower))
    if lower.endswith("e") and not lower.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1  # silent final e
    if lower.endswith(("ed", "es")) and count > 1 and not lower.endswith(("ted", "ded", "ses", "zes", "ces", "ges")):
        count -= 1
    return max(1, count)


def _number_syllables(digits: str) -> int:
    # Digits are read as number words; about one and a half syllables per digit, more for long numbers.
    return max(1, round(1.6 * len(digits.lstrip("0") or "0")))


def text_features(text: str, max_piece_chars: int = 300) -> dict[str, float]:
    """Features any engine's text has: syllables, words, characters, pause marks, synthesis pieces."""
    words = _WORD.findall(text)
    pieces = clause_pieces(text, max_piece_chars)
    return {
        "syllables": sum(word_syllables(word) for word in words),
        "words": len(words),
        "characters": sum(len(piece) for piece in pieces),
        "pause_marks": len(_PAUSE_MARK.findall(text)),
        "pieces": len(pieces),
    }


def phoneme_features(clauses: Sequence[str]) -> dict[str, float]:
    """Features of the engine's own phonemes ("_"-separated IPA per clause): vowels, consonants, stresses, clauses."""
    phonemes = [phoneme for clause in clauses for word in clause.split() for phoneme in word.split("_") if phoneme]
    vowels = sum(1 for phoneme in phonemes if _IPA_VOWELS.intersection(phoneme))
    return {
        "vowels": vowels,
        "consonants": len(phonemes) - vowels,
        "stresses": sum(clause.count("ˈ") for clause in clauses),
        "clauses": len(clauses),
    }


#: Turns text into the engine's phoneme clauses, or None when the engine has no phonemes.
Phonemizer = Callable[[str], "Sequence[str] | None"]


def features(text: str, max_piece_chars: int = 300, phonemizer: Phonemizer | None = None) -> dict[str, float]:
    """Every feature of one sentence's spoken text that a duration model may weigh."""
    found = text_features(text, max_piece_chars)
    clauses = phonemizer(text) if phonemizer else None
    if clauses is not None:
        found.update(phoneme_features(clauses))
    return found


def pause_plan(flags: Sequence[tuple[bool, ...]], settings: RenderSettings) -> tuple[int, ...]:
    """The pause after each sentence, given (is_title, ends_paragraph[, starts_chapter]) per sentence: a
    sentence before a chapter's first one gets the chapter pause."""
    last = len(flags) - 1
    starts = [len(flag) > 2 and bool(flag[2]) for flag in flags]
    return tuple(
        settings.pauses.after(is_title=flag[0], ends_paragraph=flag[1], is_last=index == last,
                              before_chapter=index < last and starts[index + 1])
        for index, flag in enumerate(flags)
    )


def estimate_seconds(
    spoken: Sequence[str],
    pauses_ms: Sequence[int],
    model: DurationModel,
    settings: RenderSettings,
    phonemizer: Phonemizer | None = None,
) -> float:
    """Predicted length of the rendition: speech, clause gaps, pauses and the lead-in."""
    total = settings.pauses.lead / 1000 + sum(pauses_ms) / 1000
    for text in spoken:
        found = features(text, settings.max_piece_chars, phonemizer)
        total += model.seconds(found, settings.rate)
        total += (found["pieces"] - 1) * settings.pauses.clause / 1000
    return total


def duration_label(seconds: float) -> str:
    """The label a news site shows: whole minutes, and never less than one."""
    minutes = max(1, math.floor(seconds / 60 + 0.5))
    return f"Estimated {minutes} minute{'s' if minutes != 1 else ''}"


def make_estimate(seconds: float) -> Estimate:
    """Seconds rounded for display, with their label."""
    return Estimate(seconds=round(seconds, 1), label=duration_label(seconds))
