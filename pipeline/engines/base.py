"""The engine interface: synthesize text with a voice and rate into mono 16-bit audio; list voices."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from collections.abc import Mapping
from typing import Protocol

from pipeline.errors import UsageError


@dataclass(frozen=True)
class Voice:
    """A voice an engine offers."""

    id: str
    name: str
    languages: tuple[str, ...] = ()
    gender: str | None = None


@dataclass(frozen=True)
class Audio:
    """Mono signed 16-bit little-endian PCM samples at a sample rate."""

    samples: bytes
    sample_rate: int

    @property
    def frames(self) -> int:
        """Number of samples."""
        return len(self.samples) // 2

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return self.frames / self.sample_rate


@dataclass(frozen=True)
class DurationModel:
    """Seconds an engine takes per unit of each named text feature, at its reference rate."""

    reference_rate: int
    weights: tuple[tuple[str, float], ...]

    def seconds(self, features: Mapping[str, float], rate: int) -> float:
        """Predicted speech seconds for text with these features, spoken at `rate`."""
        at_reference = sum(weight * features[name] for name, weight in self.weights)
        return at_reference * self.reference_rate / rate


class Engine(Protocol):
    """What the pipeline needs from a speech engine."""

    name: str
    sample_rate: int
    default_voice: str
    duration_model: DurationModel

    def version(self) -> str:
        """A version string that changes whenever the engine's audio could change."""

    def voices(self) -> tuple[Voice, ...]:
        """The voices this engine offers."""

    def synthesize(self, text: str, voice: Voice, rate: int) -> Audio:
        """Speak `text` with `voice` at `rate` words per minute; raise EngineError on failure."""

    def phonemes(self, text: str, voice: Voice) -> tuple[str, ...] | None:
        """The engine's own IPA reading of the text, one string per clause; None if it cannot say."""

    def close(self) -> None:
        """Release the engine's resources."""


def resolve_voice(engine: Engine, wanted: str | None) -> Voice:
    """Find a voice by id, id suffix, name or language; unknown names list close matches."""
    voices = engine.voices()
    wanted = wanted or engine.default_voice
    key = wanted.strip().lower()
    for test in (
        lambda v: v.id.lower() == key,
        lambda v: v.id.lower().rsplit("/", 1)[-1] == key,
        lambda v: v.name.lower() == key,
        lambda v: key in (language.lower() for language in v.languages),
    ):
        found = [voice for voice in voices if test(voice)]
        if found:
            return found[0]
    names = sorted({voice.id for voice in voices} | {voice.name for voice in voices})
    close = difflib.get_close_matches(wanted, names, n=5, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else "run `article-audio voices` to list them"
    raise UsageError(f"unknown voice {wanted!r} for engine {engine.name}; {hint}")
