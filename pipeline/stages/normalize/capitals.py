"""Words in capitals: a headline or dateline, a stressed word, an initialism said letter by letter, or an
acronym said as a word. The decision uses the neighbours (is this a run of capitals?), the house tables and a
word list derived from CMUdict.

Rule for a token in capitals that no table knows (documented in the README):
- in a run of two or more words in capitals (a headline, subheading or dateline) it is a word if CMUdict has it
  as one, or if it has five or more letters and can be pronounced; otherwise it is spelled;
- alone among lower-case words, a common short word (a table) or a CMUdict word of five letters or more is a
  stressed word ("There WAS a way") and is read in lower case; a dateline's first word is read as a word;
- anything else of four letters or fewer, or that cannot be pronounced, is spelled and flagged; a longer word
  that can be pronounced is read as a word and flagged.
"""

from __future__ import annotations

import re

from pipeline.stages.normalize.rule import Reading
from pipeline.stages.normalize.tables import (
    ACRONYMS,
    HEADLINE_WORDS,
    HOUSE_NAMES,
    INITIALISMS,
    SPOKEN_LETTERS,
    STRESSED_SHORT_WORDS,
    US_PRONOUN_BEFORE,
    WORD_ONSETS,
)
from pipeline.stages.normalize.words import is_english_word

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*\.?")
#: What may stand between two words of a run of capitals ("NEW YORK (AP) —", "ST. JOHN'S, N.L. —", "8 TO 12 IN").
_RUN_GAP = re.compile(r"[\s\d,()\[\]—–\-:&/.'\"’‘“”$£€%]*")
#: A run of capitals needs this many words of two letters or more to be a headline or dateline.
MIN_RUN_WORDS = 2


def is_capitals(word: str) -> bool:
    """Whether a word is written in capitals (letters, optional apostrophes and periods)."""
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 1 and all(ch.isupper() for ch in letters)


def pronounceable(word: str) -> bool:
    """Whether letters in capitals could be read as an English word (vowels, no long consonant clusters)."""
    lower = word.lower()
    consonant_start = not re.match(r"[aeiouy]", lower[:2]) and len(lower) > 1 and lower[1] not in "aeiouy"
    return (len(lower) >= 4 and bool(re.search(r"[aeiou]", lower)) and not re.search(r"[^aeiouy]{3}", lower)
            and not re.search(r"[aeiou]{3}", lower) and (not consonant_start or lower[:2] in WORD_ONSETS))


def recase_headlines(text: str) -> str:
    """The text with every run of words in capitals recased as words, keeping initialisms (same length).

    Headlines, subheadings and datelines ("WHERE IT ALL BEGAN", "ST. JOHN'S, N.L. —") are then read by the
    same rules as ordinary copy: "St." is Saint, "N.L." a province, "WHERE" a word.
    """
    words = list(_WORD.finditer(text))
    if sum(1 for word in words if is_capitals(word.group())) < MIN_RUN_WORDS:
        return text
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    for word in words:
        joined = bool(current) and _RUN_GAP.fullmatch(text, current[-1].end(), word.start()) is not None
        if is_capitals(word.group()) and (not current or joined):
            current.append(word)
            continue
        runs.append(current)
        current = [word] if is_capitals(word.group()) else []
    runs.append(current)
    chars = list(text)
    for run in runs:
        if sum(1 for word in run if len(word.group().rstrip(".")) >= 2) < MIN_RUN_WORDS:
            continue
        if not any(_plain_word(word.group()) for word in run):
            continue  # "RCMP, OPP" is a list of initialisms, not a headline
        for position, word in enumerate(run):
            previous = run[position - 1].group().lower() if position else ""
            # After an amount a word is a scale, a unit or a noun ("$4.5-BILLION", "8 TO 12 IN"): lower case.
            after_amount = _AFTER_AMOUNT.search(text, max(0, word.start() - 12), word.start()) is not None
            if not after_amount and _kept_in_capitals(word.group(), previous):
                continue
            recased = word.group().lower() if after_amount else word.group().capitalize()
            if len(recased) == len(word.group()):  # "ß" capitalizes to two letters: leave such a word be
                chars[word.start() : word.end()] = recased
    return "".join(chars)


_AFTER_AMOUNT = re.compile(r"[\d$£€¥%][\s\-]*$")


def _plain_word(word: str) -> bool:
    """A word in capitals that no table claims and that CMUdict has ("WHERE", "BEGAN")."""
    key = word.rstrip(".").replace("’", "'")
    return (len(key) >= 2 and key not in INITIALISMS and key not in HOUSE_NAMES and key not in ACRONYMS
            and is_english_word(key))


def _kept_in_capitals(word: str, previous: str = "") -> bool:
    """Whether a word of a headline stays in capitals (an initialism) rather than being read as a word."""
    bare = word.rstrip(".")
    if "." in bare or len(bare) == 1:
        return True  # "N.L.", "U.S.", initials
    key = bare.replace("’", "'")
    if key == "US" and previous in US_PRONOUN_BEFORE:
        return False  # "JOIN US", "WHAT IT MEANS FOR US"
    if key in INITIALISMS:
        return key not in HEADLINE_WORDS  # "WHO", "IT" in a headline are the words
    if key in HOUSE_NAMES or key in ACRONYMS or is_english_word(key):
        return False
    return not (len(bare) >= 5 and pronounceable(bare))


def spell(letters: str) -> str:
    """Letters said one by one, each written so the engine says its name ("AIG" -> "Eh I G")."""
    return " ".join(SPOKEN_LETTERS.get(letter, letter) for letter in letters.upper() if letter.isalpha())


def read_capitals(word: str, plural: str = "", starts_sentence: bool = False, dateline: bool = False) -> Reading:
    """A word in capitals outside a headline: house name, acronym, initialism, stressed word or unknown."""
    suffix = "'s" if plural else ""
    if word in HOUSE_NAMES:
        return Reading(HOUSE_NAMES[word] + plural)
    if word in ACRONYMS:
        return Reading(word.capitalize() + plural)
    if word in INITIALISMS:
        return Reading(spell(word) + suffix)
    if not plural and (word.lower() in STRESSED_SHORT_WORDS or len(word) >= 5 and is_english_word(word)):
        # A stressed word ("There WAS a way"), or a dateline's place before its state ("BRANDON, Man.").
        return Reading(word.capitalize() if starts_sentence else word.lower())
    if starts_sentence and dateline:
        return Reading(word.capitalize())  # "KYIV, Ukraine (AP) —": a dateline's place
    if len(word) <= 4 or not pronounceable(word):
        return Reading(spell(word) + suffix, "capitals no table knows, spelled")
    return Reading(word.capitalize() + plural, "capitals no table knows, read as a word")


_RESPELLING_PART = re.compile(r"[^\W\d_]+")
_STRESS_CAPITALS = re.compile(r"\b[A-Z]{2,}\b")


def engine_respelling(say: str) -> str:
    """An editor's respelling as the engine should get it: syllables written in capitals for stress
    ("soo-ZOO-kee") lower-cased, since espeak-ng spells a capital syllable letter by letter."""
    if not re.search(r"[a-z]", say) and "-" not in say:
        return say  # all capitals with no hyphen: an initialism the editor wants spelled ("B B C")
    return _STRESS_CAPITALS.sub(lambda match: match.group().lower(), say)


def still_spelled(say: str) -> tuple[str, ...]:
    """The parts of a respelling the engine would still read letter by letter: runs of two or more letters
    without a vowel ("shm", "brrt")."""
    spoken = engine_respelling(say)
    return tuple(part for part in _RESPELLING_PART.findall(spoken)
                 if len(part) >= 2 and not re.search(r"[aeiouyAEIOUY]", part) and not part.isupper())
