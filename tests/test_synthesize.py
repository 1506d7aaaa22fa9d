"""Synthesis stage: clause-sized pieces for long sentences, silence trimming, one call per piece."""

from __future__ import annotations

from array import array

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.engines.base import Audio, WordTiming
from pipeline.engines.tone import ToneEngine
from pipeline.stages.synthesize import (
    EDGE_MARGIN_SECONDS,
    clause_pieces,
    clause_spans,
    synthesize_sentences,
    trim_silence,
)

LONG = (
    "The council approved the plan after a four-hour meeting, during which residents from every ward spoke; "
    "some praised the new routes, others warned that the cuts to weekend service would strand shift workers, "
    "and the mayor, who had said little all evening, closed the debate by promising a review in the spring — "
    "a promise her critics said they had heard before."
)


@pytest.mark.parametrize(
    "text, max_chars, expected",
    [
        ("Short sentence.", 300, ("Short sentence.",)),
        ("", 300, ()),
        ("...", 300, ()),
        ("One, two; three.", 8, ("One,", "two;", "three.")),
        ("Alpha beta gamma delta", 11, ("Alpha beta", "gamma delta")),
        ("Supercalifragilistic", 5, ("Super", "calif", "ragil", "istic")),
    ],
)
def test_clause_pieces(text, max_chars, expected):
    assert clause_pieces(text, max_chars) == expected


def test_long_sentence_cut_at_clause_punctuation():
    pieces = clause_pieces(LONG, 300)
    assert len(LONG) > 300 and len(pieces) == 2
    assert all(len(piece) <= 300 for piece in pieces)
    assert pieces[0].endswith((",", ";", "—"))


@given(st.text(alphabet=st.sampled_from("abc ,;:—-."), max_size=400), st.integers(min_value=5, max_value=120))
def test_pieces_fit_and_lose_no_letter(text, max_chars):
    pieces = clause_pieces(text, max_chars)
    assert all(len(piece) <= max_chars for piece in pieces)
    letters = lambda s: "".join(ch for ch in s if ch.isalpha())  # noqa: E731
    assert letters("".join(pieces)) == letters(text)


@given(st.text(alphabet=st.sampled_from("abc ,;:—-.\n"), max_size=400), st.integers(min_value=5, max_value=120))
def test_spans_are_where_the_pieces_lie(text, max_chars):
    collapsed = " ".join(text.split())
    spans = clause_spans(text, max_chars)
    assert tuple(collapsed[start:end] for start, end in spans) == clause_pieces(text, max_chars)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_trimming_moves_word_timings_with_the_samples_and_ends_words_at_their_sound():
    margin = round(EDGE_MARGIN_SECONDS * 1000)
    # silence 100, "one" loud 100-200, pause 200-300, "two" loud 300-350, silence to 500
    values = [0] * 100 + [5000] * 100 + [0] * 100 + [5000] * 50 + [0] * 150
    words = (WordTiming(0, 3, 90, 300), WordTiming(4, 7, 300, 500), WordTiming(8, 11, 480, 500))
    trimmed = trim_silence(Audio(array("h", values).tobytes(), 1000, words))
    start = 100 - margin
    assert trimmed.words == (WordTiming(0, 3, 90 - start, 200 + margin - start),
                             WordTiming(4, 7, 300 - start, 350 + margin - start))  # the third lay in trimmed silence


def _audio(values: list[int]) -> Audio:
    return Audio(array("h", values).tobytes(), 1000)


def test_trim_silence_keeps_margin():
    margin = round(EDGE_MARGIN_SECONDS * 1000)
    samples = [0] * 100 + [5000] * 10 + [0] * 100
    trimmed = trim_silence(_audio(samples))
    assert trimmed.frames == 10 + 2 * margin


@given(st.lists(st.integers(min_value=-32768, max_value=32767), max_size=300),
       st.integers(min_value=0, max_value=40000))
def test_trim_silence_keeps_exactly_the_loud_stretch_and_its_margins(values, threshold):
    margin = round(EDGE_MARGIN_SECONDS * 1000)
    loud = [i for i, value in enumerate(values) if abs(value) > threshold]
    expected = values[max(0, loud[0] - margin) : loud[-1] + 1 + margin] if loud else values
    assert trim_silence(_audio(values), threshold) == _audio(expected)


def test_trim_silence_leaves_all_silence_alone():
    silent = _audio([0] * 50)
    assert trim_silence(silent) == silent


def test_one_engine_call_per_piece():
    engine = ToneEngine()
    voice = engine.voices()[0]
    results = list(synthesize_sentences(["Short.", LONG], engine, voice, 170, 300))
    assert [len(result.pieces) for result in results] == [1, 2]
    assert engine.calls == ["Short."] + list(clause_pieces(LONG, 300))
    assert results[1].pieces[0].frames == ToneEngine.frames_for(engine.calls[1], 170)


# --- reading ahead ----------------------------------------------------------------------------------------


def test_read_ahead_yields_every_item_in_order_from_another_thread():
    import threading

    from pipeline.stages.synthesize import read_ahead

    made_on = set()

    def items():
        for number in range(50):
            made_on.add(threading.get_ident())
            yield number

    assert list(read_ahead(items(), 4)) == list(range(50))
    assert made_on and threading.get_ident() not in made_on


def test_read_ahead_raises_an_error_where_its_item_would_have_been():
    from pipeline.stages.synthesize import read_ahead

    def items():
        yield from (1, 2)
        raise ValueError("the engine broke")

    got = []
    with pytest.raises(ValueError, match="the engine broke"):
        for item in read_ahead(items(), 4):
            got.append(item)
    assert got == [1, 2]


def test_a_reader_that_stops_early_stops_the_thread_before_going_on():
    import threading

    from pipeline.stages.synthesize import read_ahead

    made = []

    def items():
        for number in range(1000):
            made.append(number)
            yield number

    before = threading.active_count()
    reader = read_ahead(items(), 3)
    assert [next(reader), next(reader)] == [0, 1]
    reader.close()  # as when a render fails: the engine must be free again when close returns
    count = len(made)
    assert threading.active_count() == before
    assert count <= 2 + 3 + 2  # what was read, what the queue held, and the item in hand
    assert len(made) == count  # nothing is made after close
