"""Shared fixtures: paths to the project's own sample data and a deterministic engine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from pipeline.engines.tone import ToneEngine

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "pipeline" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def tone_engine() -> ToneEngine:
    """The deterministic test engine: output length follows exactly from the text."""
    return ToneEngine()


@pytest.fixture
def sample_article_path() -> Path:
    """The bundled sample article."""
    return DATA / "sample_article.md"


@pytest.fixture
def sample_lexicon_path() -> Path:
    """The bundled sample lexicon."""
    return DATA / "sample_lexicon.toml"


@pytest.fixture(scope="session")
def espeak_engine():
    """The real pyttsx3/espeak-ng engine, started once per test session."""
    from pipeline.engines.espeak import EspeakEngine

    engine = EspeakEngine()
    yield engine
    engine.close()


# Under CI, property tests use a fixed sequence of examples so a run cannot fail by chance;
# on a developer's machine they keep exploring new examples.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
