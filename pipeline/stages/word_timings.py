"""Word timings: the words an engine says it spoke, in the spoken text, laid onto the written words they came from.

An engine times the words of what it was asked to say ("three point eight billion pounds"); a listener follows
the written words ("£3.8bn"). The normalizer's pieces link the two: each written unit (a word, a rule's span,
a lexicon entry) has a span in the spoken text and a span in the written sentence. A unit is heard from the
start of the first engine word in it to the end of the last; engine words that run several written units
together (espeak-ng reports "in the" or "well-known" as one word) are shared among them by their length.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pipeline.stages.stitch import SpokenWord

#: What counts as a word when the spoken text is lined up with the pieces it was made of.
_SPOKEN_WORD = re.compile(r"[^\W_]+")
#: Pieces that stand for nothing the engine says as a word.
_SILENT_KINDS = frozenset({"punctuation", "not spoken"})


@dataclass(frozen=True)
class WordMap:
    """A sentence's spoken units: for each, its [start, end) in the spoken text and in the written sentence,
    packed four integers at a time (a book has a hundred thousand of them)."""

    packed: bytes = b""

    @classmethod
    def of(cls, spoken: str, pieces: Iterable) -> WordMap:
        """The map of a normalized sentence from its spoken text and its pieces (normalize's SpokenPiece); empty
        when the pieces do not add up to the spoken text word for word."""
        words = list(_SPOKEN_WORD.finditer(spoken))
        numbers = array("i")
        index = 0
        for piece in pieces:
            if piece.kind in _SILENT_KINDS:
                continue
            said = _SPOKEN_WORD.findall(piece.spoken)
            if not said:
                continue
            mine = words[index : index + len(said)]
            if [word.group() for word in mine] != said:
                return cls()  # the spoken text is not these pieces: no unit is timed rather than a wrong one
            numbers.extend((mine[0].start(), mine[-1].end(), piece.char_start, piece.char_end))
            index += len(said)
        return cls(numbers.tobytes()) if index == len(words) else cls()

    def units(self) -> Iterator[tuple[int, int, int, int]]:
        """(spoken_start, spoken_end, char_start, char_end) for each unit, in order."""
        numbers = array("i")
        numbers.frombytes(self.packed)
        for at in range(0, len(numbers), 4):
            yield numbers[at], numbers[at + 1], numbers[at + 2], numbers[at + 3]

    def __bool__(self) -> bool:
        return bool(self.packed)


@dataclass(frozen=True)
class TimedWord:
    """A written word (or a span read as one, "£3.8bn") and when it is heard, in milliseconds."""

    text: str
    start_ms: int
    end_ms: int
    char_start: int
    char_end: int


def timed_words(text: str, word_map: WordMap, spoken_words: Sequence[SpokenWord]) -> tuple[TimedWord, ...]:
    """The written units of a sentence with the times the engine's words give them, in order, never overlapping.

    Each engine word stands for the spoken text from its start to the next engine word's (the first from the
    beginning), so words the engine ran together or did not report are covered; its time is shared among the
    units in that stretch by how many of their characters lie in it. A unit's time runs from the start of its
    first share to the end of its last. Without engine words nothing is timed."""
    units = list(word_map.units())
    stretches = _stretches(spoken_words)
    if not units or not stretches:
        return ()
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    index = 0  # the first unit that may still reach into the current stretch
    for start, reach, start_ms, end_ms in stretches:
        while index < len(units) and units[index][1] <= start:
            index += 1
        shares = []
        for number in range(index, len(units)):
            unit_start, unit_end = units[number][:2]
            if reach is not None and unit_start >= reach:
                break
            shares.append((number, min(unit_end, reach if reach is not None else unit_end) - max(unit_start, start)))
        total = sum(max(1, length) for _, length in shares)
        done = 0
        for number, length in shares:
            share_start = start_ms + round((end_ms - start_ms) * done / total)
            done += max(1, length)
            first.setdefault(number, share_start)
            last[number] = start_ms + round((end_ms - start_ms) * done / total)
    timed = [TimedWord(text[char_start:char_end], first[number], last[number], char_start, char_end)
             for number, (_, _, char_start, char_end) in enumerate(units) if number in first]
    return _ordered(timed)


def _stretches(spoken_words: Sequence[SpokenWord]) -> list[tuple[int, int | None, int, int]]:
    """(start, reach, start_ms, end_ms) of each engine word: its stretch of the spoken text runs to the next
    word's start (the first from the beginning, the last to the end). An engine word placed inside the one
    before (espeak-ng now and then misplaces one by a few characters) starts where that one ends."""
    words = sorted(spoken_words, key=lambda word: (word.spoken_start, word.start_ms))
    starts: list[int] = []
    kept: list[SpokenWord] = []
    end = 0
    for word in words:
        start = max(word.spoken_start, end)
        if start >= word.spoken_end:
            continue
        starts.append(start)
        kept.append(word)
        end = max(end, word.spoken_end)
    return [(0 if number == 0 else starts[number], starts[number + 1] if number + 1 < len(kept) else None,
             word.start_ms, word.end_ms) for number, word in enumerate(kept)]


def _ordered(words: list[TimedWord]) -> tuple[TimedWord, ...]:
    """Times that never go back: each word starts no earlier than the one before ends."""
    result: list[TimedWord] = []
    floor = 0
    for word in words:
        start = max(word.start_ms, floor)
        end = max(word.end_ms, start)
        result.append(TimedWord(word.text, start, end, word.char_start, word.char_end))
        floor = end
    return tuple(result)
