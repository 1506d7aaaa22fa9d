"""A deterministic test engine: a tone whose length follows exactly from the text and rate."""

from __future__ import annotations

import math
import re
from array import array

from pipeline.engines.base import Audio, DurationModel, Voice, WordTiming
from pipeline.errors import EngineError

SECONDS_PER_CHARACTER = 0.06
REFERENCE_RATE = 170


class ToneEngine:
    """Speaks every character as 60 ms of tone at 170 words per minute, scaled by rate."""

    name = "tone"
    sample_rate = 22050
    default_voice = "tone/a4"
    duration_model = DurationModel(reference_rate=REFERENCE_RATE, weights=(("characters", SECONDS_PER_CHARACTER),))
    _VOICES = (
        Voice("tone/a4", "Tone A4", ("en-us", "en"), None),
        Voice("tone/a3", "Tone A3", ("en-gb",), None),
    )
    _PITCH = {"tone/a4": 440.0, "tone/a3": 220.0}

    def __init__(self, **_options) -> None:
        self.calls: list[str] = []

    def version(self) -> str:
        """Version of the tone generator."""
        return "tone-1"

    def voices(self) -> tuple[Voice, ...]:
        """The two tone voices."""
        return self._VOICES

    @classmethod
    def frames_for(cls, text: str, rate: int) -> int:
        """Exactly how many samples `synthesize` returns for this text and rate."""
        seconds = SECONDS_PER_CHARACTER * len(text) * REFERENCE_RATE / rate
        return round(seconds * cls.sample_rate)

    def synthesize(self, text: str, voice: Voice, rate: int) -> Audio:
        """A sine tone, half-scale, as long as `frames_for` says."""
        if not text.strip():
            raise EngineError("tone engine was asked to speak empty text")
        self.calls.append(text)
        frames = self.frames_for(text, rate)
        step = 2 * math.pi * self._PITCH.get(voice.id, 440.0) / self.sample_rate
        samples = array("h", (int(16000 * math.sin(step * i)) for i in range(frames)))
        # Every character takes the same time, so each word is heard exactly where its characters fall.
        words = tuple(WordTiming(word.start(), word.end(), frames * word.start() // len(text), frames * word.end() // len(text))
                      for word in re.finditer(r"[^\W_]+", text))
        return Audio(samples.tobytes(), self.sample_rate, words)

    def phonemes(self, text: str, voice: Voice) -> None:
        """A tone has no phonemes."""
        return None

    def close(self) -> None:
        """Nothing to release."""
