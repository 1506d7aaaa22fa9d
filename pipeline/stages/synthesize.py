"""Synthesis stage: each spoken sentence to trimmed audio, long sentences in clause-sized pieces."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

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
    samples = np.frombuffer(audio.samples, dtype="<i2")
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)  # int32: abs(-32768) fits
    if not len(loud):
        return audio
    margin = round(EDGE_MARGIN_SECONDS * audio.sample_rate)
    start = max(0, int(loud[0]) - margin)
    end = min(len(samples), int(loud[-1]) + 1 + margin)
    return Audio(audio.samples[2 * start : 2 * end], audio.sample_rate)


def synthesize_sentences(
    spoken: Iterator[str] | list[str], engine: Engine, voice: Voice, rate: int, max_piece_chars: int
) -> Iterator[SpokenAudio]:
    """Yield each sentence's audio in order, one engine call per clause piece."""
    for text in spoken:
        pieces = tuple(
            trim_silence(engine.synthesize(piece, voice, rate)) for piece in clause_pieces(text, max_piece_chars)
        )
        yield SpokenAudio(pieces)
