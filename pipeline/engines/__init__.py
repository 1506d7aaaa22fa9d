"""Speech engines behind one small interface, and the registry that picks one by name."""

from __future__ import annotations

import importlib

from pipeline.engines.base import Audio, Engine, Voice, resolve_voice
from pipeline.errors import UsageError

DEFAULT_ENGINE = "espeak"


#: Engine name to "module:class"; imported only when used, so `estimate` never loads espeak-ng.
ENGINES = {
    "espeak": "pipeline.engines.espeak:EspeakEngine",
    "piper": "pipeline.engines.piper:PiperEngine",
    "tone": "pipeline.engines.tone:ToneEngine",
}
ENGINE_NAMES = tuple(ENGINES)


def engine_class(name: str) -> type:
    """The class registered under `name`, without starting the engine."""
    if name not in ENGINES:
        raise UsageError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINE_NAMES)}")
    module_name, class_name = ENGINES[name].split(":")
    return getattr(importlib.import_module(module_name), class_name)


def get_engine(name: str = DEFAULT_ENGINE, **options) -> Engine:
    """Create and start the engine registered under `name`."""
    return engine_class(name)(**options)


__all__ = ["Audio", "Engine", "Voice", "get_engine", "engine_class", "resolve_voice", "ENGINE_NAMES", "DEFAULT_ENGINE"]
