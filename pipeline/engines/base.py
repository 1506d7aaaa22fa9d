"""The engine interface: synthesize text with a voice and rate into mono 16-bit audio; list voices."""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pipeline.errors import UsageError



@dataclass(frozen=True)
class Voice:
    """A voice an engine offers."""

    id: str
    name: str
    languages: tuple[str, ...] = ()
    gender: str | None = None
    #: The model file the voice was loaded from, for engines whose voices are files (Piper).
    path: str | None = None


@dataclass(frozen=True, slots=True)
class WordTiming:
    """A word of the text an engine was given: its characters [text_start, text_end) in that text, and the
    samples [start_frame, end_frame) in which it is heard."""

    text_start: int
    text_end: int
    start_frame: int
    end_frame: int


@dataclass(frozen=True)
class Audio:
    """Mono signed 16-bit little-endian PCM samples at a sample rate, with the words heard in them when the
    engine can tell (in order, not overlapping)."""

    samples: bytes
    sample_rate: int
    words: tuple[WordTiming, ...] = ()

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
        """Speak `text` with `voice` at `rate` words per minute, with its word timings; raise EngineError on
        failure."""

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
        lambda v: v.path is not None and os.path.abspath(os.path.expanduser(wanted.strip())) == v.path,
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


def check_rate(engine: Engine, rate: int) -> None:
    """Refuse, before any synthesis, a rate the engine cannot speak (engines with a narrower range than the
    command line's say so with a `check_rate` of their own)."""
    check = getattr(engine, "check_rate", None)
    if check is not None:
        check(rate)


def key_prefix(wanted: str) -> str:
    """The part of a voice request to look for at the start of voice names: its first three letters."""
    return wanted.strip().lower()[:3]


def package_version(distribution: str) -> str:
    """The installed version of a distribution: the `Version` in the metadata of the first .dist-info for it on
    sys.path, read directly because importing importlib.metadata (email, zipfile, csv) costs 33 ms at the start of
    every render. Anything else (an .egg-info, a zip on the path, nothing found) is left to importlib.metadata."""
    wanted = _normalized(distribution)
    for entry in sys.path:
        held, version = _version_in(entry or ".", wanted)
        if version:
            return version
        if held:
            break  # an .egg-info, a zip, or metadata without a version: importlib.metadata reads those
    import importlib.metadata

    return importlib.metadata.version(distribution)


def _version_in(folder: str, wanted: str) -> tuple[bool, str | None]:
    """Whether a sys.path entry may hold the distribution's metadata, and its version when a .dist-info says."""
    try:
        names = os.listdir(folder)
    except NotADirectoryError:
        return True, None  # a zip may hold it
    except OSError:
        return False, None
    for name in names:
        stem, _, kind = name.rpartition(".")
        if kind in ("dist-info", "egg-info") and _normalized(stem.split("-")[0]) == wanted:
            return True, _metadata_version(Path(folder, name, "METADATA")) if kind == "dist-info" else None
    return False, None


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _metadata_version(path: Path) -> str | None:
    """The Version field of a METADATA file's headers; None if it has none or cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    return None  # the headers end at the first blank line
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None
