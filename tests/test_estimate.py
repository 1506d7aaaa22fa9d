"""Estimate: labels as a news site shows them, features, exactness on the tone engine, monotonicity."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.engines.base import DurationModel
from pipeline.engines.tone import ToneEngine
from pipeline.lexicon.model import EMPTY_LEXICON
from pipeline.render import estimate_script, render, spoken_script
from pipeline.settings import RenderSettings
from pipeline.stages.article import parse_article
from pipeline.stages.estimate import (
    duration_label,
    estimate_seconds,
    pause_plan,
    phoneme_features,
    text_features,
    word_syllables,
)


@pytest.mark.parametrize(
    "seconds, label",
    [(0, "Estimated 1 minute"), (12, "Estimated 1 minute"), (89, "Estimated 1 minute"), (90, "Estimated 2 minutes"),
     (150, "Estimated 3 minutes"), (241, "Estimated 4 minutes"), (3600, "Estimated 60 minutes")],
)
def test_label(seconds, label):
    assert duration_label(seconds) == label


@pytest.mark.parametrize(
    "word, syllables",
    [("cat", 1), ("table", 2), ("make", 1), ("council", 2), ("wanted", 2), ("jumped", 1), ("CBC", 3),
     ("WHO", 5), ("2025", 6), ("a", 1)],
)
def test_word_syllables(word, syllables):
    assert word_syllables(word) == syllables


def test_text_features():
    found = text_features("Hello, world; it's 2025 (really).")
    assert found == {"syllables": 2 + 1 + 1 + 6 + 2, "words": 5, "characters": 33, "pause_marks": 4, "pieces": 1}


def test_phoneme_features():
    found = phoneme_features(["h_ə_l_ˈoʊ w_ˈɜː_l_d", "ð_ˈɛ_ɹ"])
    assert found == {"vowels": 4, "consonants": 7, "stresses": 3, "clauses": 2}


def test_model_scales_inversely_with_rate():
    model = DurationModel(reference_rate=170, weights=(("words", 0.5),))
    assert model.seconds({"words": 10}, 170) == pytest.approx(5.0)
    assert model.seconds({"words": 10}, 340) == pytest.approx(2.5)


def test_pause_plan():
    settings = RenderSettings()
    flags = [(True, True), (False, False), (False, True), (False, True)]
    assert pause_plan(flags, settings) == (1100, 450, 900, 700)


def test_tone_engine_estimate_is_exact(tmp_path):
    article = parse_article(b"# A title\n\nFirst sentence here. Second one, longer than the first.\n\nAnother paragraph.")
    engine = ToneEngine()
    settings = RenderSettings(engine="tone", format="wav")
    script = spoken_script(article, EMPTY_LEXICON)
    estimate = estimate_script(script, engine, engine.voices()[0], settings)
    report = render(article, lexicon=EMPTY_LEXICON, settings=settings, out=tmp_path / "a.wav", engine=engine).report
    assert estimate.seconds == pytest.approx(report["duration_seconds"], abs=0.05)


words = st.text(alphabet=st.sampled_from("abcdefghij "), min_size=1, max_size=40).filter(lambda t: t.strip())


@settings(max_examples=60, deadline=None)
@given(st.lists(words, min_size=1, max_size=8), words)
def test_estimate_never_falls_when_text_is_added(sentences, extra):
    model = DurationModel(reference_rate=170, weights=(("syllables", 0.2), ("words", 0.03), ("pause_marks", 0.2)))
    settings = RenderSettings()
    flags = [(False, False)] * len(sentences)
    before = estimate_seconds(sentences, pause_plan(flags, settings), model, settings)
    longer = sentences[:-1] + [sentences[-1] + " " + extra]
    after_appended = estimate_seconds(longer, pause_plan(flags, settings), model, settings)
    more = sentences + [extra]
    after_sentence = estimate_seconds(more, pause_plan(flags + [(False, False)], settings), model, settings)
    assert after_appended >= before
    assert after_sentence >= before
