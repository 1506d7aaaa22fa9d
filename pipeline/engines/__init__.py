"""Speech engines behind one small interface, and the registry that picks one by name."""

from __future__ import annotations

from pipeline.engines.base import Audio, Engine, Voice, resolve_voice
from pipeline.errors import UsageError

ENGINE_NAMES = ("espeak", "tone")
DEFAULT_ENGINE = "espeak"


def get_engine(name: str = DEFAULT_ENGINE, **options) -> Engine:
    """Create the engine registered under `name`."""
    if name == "espeak":
        from pipeline.engines.espeak import EspeakEngine

        return EspeakEngine(**options)
    if name == "tone":
        from pipeline.engines.tone import ToneEngine

        return ToneEngine(**options)
    raise UsageError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINE_NAMES)}")


__all__ = ["Audio", "Engine", "Voice", "get_engine", "resolve_voice", "ENGINE_NAMES", "DEFAULT_ENGINE"]
