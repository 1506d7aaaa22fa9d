"""Stitching with pydub: each sentence's pieces joined with clause gaps, followed by its pause."""

from __future__ import annotations

import warnings
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.engines.base import Audio
from pipeline.errors import EngineError
from pipeline.stages.synthesize import SpokenAudio

with warnings.catch_warnings():
    # pydub warns at import when ffmpeg is not on PATH (it never runs ffmpeg here: encode.py does),
    # and about the audioop module it uses, deprecated in Python 3.11 and replaced by audioop-lts on 3.13.
    warnings.simplefilter("ignore", RuntimeWarning)
    warnings.simplefilter("ignore", DeprecationWarning)
    from pydub import AudioSegment


@dataclass(frozen=True, slots=True)  # a book has a hundred thousand of them
class SpokenWord:
    """A word as the engine spoke it: its characters [spoken_start, spoken_end) in the sentence's spoken text,
    and where it is heard in the rendition, in milliseconds."""

    spoken_start: int
    spoken_end: int
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Timing:
    """Where one sentence's speech starts and ends in the rendition, in milliseconds, and its words' timings
    when the engine gave them (packed four integers to a word: a book has a hundred thousand words, and the
    timings are kept until the report is written)."""

    start_ms: int
    end_ms: int
    packed_words: bytes = b""

    @classmethod
    def of(cls, start_ms: int, end_ms: int, words: Iterable[SpokenWord] = ()) -> Timing:
        """A timing with these words."""
        numbers = array("i", [n for w in words for n in (w.spoken_start, w.spoken_end, w.start_ms, w.end_ms)])
        return cls(start_ms, end_ms, numbers.tobytes())

    @property
    def words(self) -> tuple[SpokenWord, ...]:
        """The words, unpacked."""
        numbers = array("i")
        numbers.frombytes(self.packed_words)
        return tuple(SpokenWord(*numbers[at : at + 4]) for at in range(0, len(numbers), 4))


def silence_frames(milliseconds: int, sample_rate: int) -> int:
    """How many samples a pause of this many milliseconds takes (exact integer arithmetic)."""
    return round(milliseconds * sample_rate / 1000)


def _silent(milliseconds: int, sample_rate: int) -> AudioSegment:
    # pydub's AudioSegment.silent rounds through floating point (700 ms at 22050 Hz gives 15434 samples).
    frames = silence_frames(milliseconds, sample_rate)
    return AudioSegment(data=b"\x00\x00" * frames, sample_width=2, frame_rate=sample_rate, channels=1)


def _segment(audio: Audio) -> AudioSegment:
    return AudioSegment(data=audio.samples, sample_width=2, frame_rate=audio.sample_rate, channels=1)


class Stitcher:
    """Joins sentences one at a time, keeping count of where each lands in the rendition."""

    def __init__(self, *, sample_rate: int, clause_ms: int) -> None:
        self.sample_rate = sample_rate
        self.clause_ms = clause_ms
        self.frames = 0

    def silence(self, milliseconds: int) -> bytes:
        """A pause, as PCM, counted into the rendition."""
        segment = _silent(milliseconds, self.sample_rate)
        self.frames += int(segment.frame_count())
        return segment.raw_data

    def sentence(self, spoken: SpokenAudio, pause_ms: int) -> tuple[bytes, Timing]:
        """A sentence's pieces with clause gaps between them, then its pause; and where its speech sits."""
        if any(piece.sample_rate != self.sample_rate for piece in spoken.pieces):
            raise EngineError(f"the engine returned audio at another sample rate than {self.sample_rate} Hz")
        gap = _silent(self.clause_ms, self.sample_rate)
        segments = [_segment(piece) for piece in spoken.pieces]
        joined = segments[0] if segments else _silent(0, self.sample_rate)
        for segment in segments[1:]:
            joined = joined + gap + segment
        start = self.frames
        self.frames += int(joined.frame_count())
        timing = Timing.of(self.to_ms(start), self.to_ms(self.frames), self._words(spoken, start, len(gap.raw_data) // 2))
        return joined.raw_data + self.silence(pause_ms), timing

    def _words(self, spoken: SpokenAudio, start: int, gap_frames: int) -> tuple[SpokenWord, ...]:
        """The pieces' word timings placed in the sentence's spoken text and in the rendition; a piece the engine
        gave no timings for is one word over all its audio, so its words are never timed inside another piece."""
        words = []
        at = start
        for piece, (offset, end) in zip(spoken.pieces, spoken.spans):
            if piece.words:
                words += [SpokenWord(offset + word.text_start, offset + word.text_end,
                                     self.to_ms(at + word.start_frame), self.to_ms(at + word.end_frame))
                          for word in piece.words]
            elif piece.frames:
                words.append(SpokenWord(offset, end, self.to_ms(at), self.to_ms(at + piece.frames)))
            at += piece.frames + gap_frames
        return tuple(words)

    def to_ms(self, frames: int) -> int:
        """Frames to whole milliseconds."""
        return round(frames * 1000 / self.sample_rate)
