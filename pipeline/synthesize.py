"""Synthesis stage: each spoken sentence to trimmed audio, long sentences in clause-sized pieces."""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.engines.base import Audio, Engine, Voice

#: Samples quieter than this (about -40 dBFS) at either end of a piece are engine silence.
SILENCE_THRESHOLD = 328
#: Silence kept at each trimmed edge so consonant onsets and releases are not clipped.
EDGE_MARGIN_SECONDS = 0.02
_SPEAKABLE = re.compile(r"[^\W_]")
_CLAUSE_BREAK = re.compile(r"(?<=[,;:—–])\s+|\s+(?=[—–]\s)")


@dataclass(frozen=True)
class SpokenAudio:
    """The audio of one sentence: its pieces, each trimmed of engine silence."""

    pieces: tuple[Audio, ...]


def clause_pieces(text: str, max_chars: int) -> tuple[str, ...]:
    """Cut text longer than max_chars at clause punctuation (or spaces) into pieces of at most max_chars."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return (text,) if _SPEAKABLE.search(text) else ()
    pieces: list[str] = []
    current = ""
    for clause in _CLAUSE_BREAK.split(text):
        for part in _fit(clause, max_chars):
            if current and len(current) + 1 + len(part) > max_chars:
                pieces.append(current)
                current = part
            else:
                current = f"{current} {part}" if current else part
    if current:
        pieces.append(current)
    return tuple(piece for piece in pieces if _SPEAKABLE.search(piece))


def _fit(clause: str, max_chars: int) -> Iterator[str]:
    """Yield a clause whole, or cut at spaces when it alone is longer than max_chars."""
    while len(clause) > max_chars:
        cut = clause.rfind(" ", 0, max_chars + 1)
        if cut <= 0:
            cut = max_chars
        yield clause[:cut].rstrip()
        clause = clause[cut:].lstrip()
    if clause:
        yield clause


def trim_silence(audio: Audio, threshold: int = SILENCE_THRESHOLD) -> Audio:
    """Drop leading and trailing near-silence, keeping a short margin at each edge."""
    samples = array("h")
    samples.frombytes(audio.samples)
    loud = [index for index in (_first_loud(samples, threshold), _last_loud(samples, threshold))]
    if loud[0] is None:
        return audio
    margin = round(EDGE_MARGIN_SECONDS * audio.sample_rate)
    start = max(0, loud[0] - margin)
    end = min(len(samples), loud[1] + 1 + margin)
    return Audio(samples[start:end].tobytes(), audio.sample_rate)


def _first_loud(samples: array, threshold: int) -> int | None:
    for index, value in enumerate(samples):
        if value > threshold or value < -threshold:
            return index
    return None


def _last_loud(samples: array, threshold: int) -> int | None:
    for index in range(len(samples) - 1, -1, -1):
        value = samples[index]
        if value > threshold or value < -threshold:
            return index
    return None


def synthesize_sentences(
    spoken: Iterator[str] | list[str], engine: Engine, voice: Voice, rate: int, max_piece_chars: int
) -> Iterator[SpokenAudio]:
    """Yield each sentence's audio in order, one engine call per clause piece."""
    for text in spoken:
        pieces = tuple(
            trim_silence(engine.synthesize(piece, voice, rate)) for piece in clause_pieces(text, max_piece_chars)
        )
        yield SpokenAudio(pieces)
