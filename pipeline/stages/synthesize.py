"""Synthesis stage: each spoken sentence to trimmed audio, long sentences in clause-sized pieces."""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from pipeline.engines.base import Audio, Engine, Voice, WordTiming

#: Samples quieter than this (about -40 dBFS) at either end of a piece are engine silence.
SILENCE_THRESHOLD = 328
#: Silence kept at each trimmed edge so consonant onsets and releases are not clipped.
EDGE_MARGIN_SECONDS = 0.02
T = TypeVar("T")
_SPEAKABLE = re.compile(r"[^\W_]")
_CLAUSE_BREAK = re.compile(r"(?<=[,;:—–])\s+|\s+(?=[—–]\s)")


@dataclass(frozen=True)
class SpokenAudio:
    """The audio of one sentence: its pieces, each trimmed of engine silence, and where each piece's text lies
    in the sentence's spoken text ([start, end); the pieces' word timings count characters from its start)."""

    pieces: tuple[Audio, ...]
    spans: tuple[tuple[int, int], ...] = ()


def clause_spans(text: str, max_chars: int) -> tuple[tuple[int, int], ...]:
    """Where the pieces `clause_pieces` cuts from the text lie in it, as [start, end) character offsets into the
    text with its white space collapsed (a normalized sentence's spoken text already is)."""
    collapsed = " ".join(text.split())
    spans = []
    cursor = 0
    for piece in clause_pieces(collapsed, max_chars):
        start = collapsed.index(piece, cursor)
        cursor = start + len(piece)
        spans.append((start, cursor))
    return tuple(spans)


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
    """Drop leading and trailing near-silence, keeping a short margin at each edge; word timings move with the
    samples, stay inside them, and end where each word's sound does (not where the next word begins)."""
    samples = np.frombuffer(audio.samples, dtype="<i2")
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)  # int32: abs(-32768) fits
    if not len(loud):
        return audio
    margin = round(EDGE_MARGIN_SECONDS * audio.sample_rate)
    start = max(0, int(loud[0]) - margin)
    end = min(len(samples), int(loud[-1]) + 1 + margin)
    words = _words_within(audio.words, loud, margin, start, end)
    return Audio(audio.samples[2 * start : 2 * end], audio.sample_rate, words)


def _words_within(words: tuple[WordTiming, ...], loud: np.ndarray, margin: int, start: int, end: int
                  ) -> tuple[WordTiming, ...]:
    """Word timings relative to the kept samples [start, end): each clipped to them and ended a margin after its
    last loud sample (a word followed by a pause would otherwise last until the next word)."""
    kept = []
    for word in words:
        first, last = max(word.start_frame, start), min(word.end_frame, end)
        if last <= first:
            continue
        inside = loud[np.searchsorted(loud, first) : np.searchsorted(loud, last)]
        if len(inside):
            last = min(last, int(inside[-1]) + 1 + margin)
        kept.append(WordTiming(word.text_start, word.text_end, first - start, last - start))
    return tuple(kept)


def synthesize_sentences(
    spoken: Iterator[str] | list[str], engine: Engine, voice: Voice, rate: int, max_piece_chars: int
) -> Iterator[SpokenAudio]:
    """Yield each sentence's audio in order, one engine call per clause piece."""
    for text in spoken:
        text = " ".join(text.split())
        spans = clause_spans(text, max_piece_chars)
        pieces = tuple(trim_silence(engine.synthesize(text[start:end], voice, rate)) for start, end in spans)
        yield SpokenAudio(pieces, spans)


def read_ahead(items: Iterator[T], depth: int) -> Iterator[T]:
    """The same items in the same order, made up to `depth` ahead by a thread of their own: the engine speaks
    the next sentences while this thread levels and stitches the last one. An error is raised where its item
    would have been; when the reader stops early, the thread finishes the item in hand and stops, so nothing
    else uses the engine once this generator is closed."""
    ready: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        ready.put(("item", item), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ready.put(("end", None))
        except BaseException as error:  # handed to the reader, raised there
            ready.put(("error", error))

    worker = threading.Thread(target=produce, name="synthesis", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = ready.get()
            if kind == "end":
                return
            if kind == "error":
                raise value  # type: ignore[misc]
            yield value  # type: ignore[misc]
    finally:
        stop.set()
        while worker.is_alive():  # a worker blocked on a full queue gets room to see the stop
            try:
                ready.get(timeout=0.05)
            except queue.Empty:
                pass
        worker.join()
