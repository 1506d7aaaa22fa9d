"""The engine interface: synthesize text with a voice and rate into mono 16-bit audio; list voices."""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from pipeline.errors import UsageError

_DIST_INFO = re.compile(r"(?P<name>[^-]+)-(?P<version>[^-]+)\.dist-info")


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
    by_key: dict[str, Voice] = {}
    for voice in voices:
        for name in (voice.id, voice.id.rsplit("/", 1)[-1], voice.name, *voice.languages):
            by_key.setdefault(name.lower(), voice)
    prefixed = [k for k in by_key if k.startswith(key_prefix(wanted))] if len(wanted) >= 3 else []
    close = list(dict.fromkeys(difflib.get_close_matches(key, list(by_key), n=5, cutoff=0.6) + prefixed))[:5]
    suggestions = list(dict.fromkeys(f"{by_key[k].id} ({by_key[k].name})" for k in close))
    hint = f"did you mean {', '.join(suggestions)}?" if suggestions else f"run `article-audio voices --engine {engine.name}` to list them"
    raise UsageError(f"unknown voice {wanted!r} for engine {engine.name}; {hint}")


def key_prefix(wanted: str) -> str:
    """The part of a voice request to look for at the start of voice names: its first three letters."""
    return wanted.strip().lower()[:3]


def package_version(distribution: str) -> str:
    """The installed version of a distribution, as importlib.metadata would give it: from the first folder on
    sys.path with its .dist-info. Read directly, because importing importlib.metadata (email, zipfile, csv)
    costs 33 ms at the start of every render; importlib.metadata is asked only when no such folder is found."""
    wanted = re.sub(r"[-_.]+", "_", distribution).lower()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            found = _DIST_INFO.fullmatch(name)
            if found and re.sub(r"[-_.]+", "_", found["name"]).lower() == wanted:
                return found["version"]
    import importlib.metadata

    return importlib.metadata.version(distribution)

