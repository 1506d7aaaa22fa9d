"""Stitching: sentences joined with pauses at exact sample counts, timings where the speech is."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.engines.base import Audio, WordTiming
from pipeline.stages.stitch import SpokenWord, Stitcher, silence_frames
from pipeline.stages.synthesize import SpokenAudio

RATE = 22050


def tone(frames: int) -> Audio:
    return Audio(b"\x10\x00" * frames, RATE)


def test_timings_and_pauses_exact():
    stitcher = Stitcher(sample_rate=RATE, clause_ms=250)
    lead = stitcher.silence(300)
    first, first_timing = stitcher.sentence(SpokenAudio((tone(22050),)), 450)
    second, second_timing = stitcher.sentence(SpokenAudio((tone(11025), tone(11025))), 900)
    assert len(lead) // 2 == silence_frames(300, RATE) == 6615
    assert (first_timing.start_ms, first_timing.end_ms) == (300, 1300)
    assert (second_timing.start_ms, second_timing.end_ms) == (1750, 1750 + 1000 + 250)
    assert len(first) // 2 == 22050 + 9922
    assert stitcher.frames == 6615 + 22050 + 9922 + 22050 + 5512 + 19845


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(st.integers(min_value=1, max_value=5000), min_size=1, max_size=3), st.integers(0, 2000)),
        max_size=12,
    ),
    st.integers(0, 1000),
    st.integers(0, 600),
)
def test_total_length_is_segments_plus_pauses(sentences, lead_ms, clause_ms):
    stitcher = Stitcher(sample_rate=RATE, clause_ms=clause_ms)
    total = len(stitcher.silence(lead_ms)) // 2
    for pieces, pause_ms in sentences:
        pcm, timing = stitcher.sentence(SpokenAudio(tuple(tone(n) for n in pieces)), pause_ms)
        total += len(pcm) // 2
        assert timing.end_ms >= timing.start_ms
    expected = silence_frames(lead_ms, RATE) + sum(
        sum(pieces) + (len(pieces) - 1) * silence_frames(clause_ms, RATE) + silence_frames(pause_ms, RATE)
        for pieces, pause_ms in sentences
    )
    assert total == expected == stitcher.frames


def test_word_timings_are_placed_in_the_sentence_and_the_rendition():
    stitcher = Stitcher(sample_rate=RATE, clause_ms=500)
    stitcher.silence(1000)
    first = Audio(b"\x10\x00" * RATE, RATE, (WordTiming(0, 3, 0, 11025), WordTiming(4, 9, 11025, 22050)))
    second = Audio(b"\x10\x00" * RATE, RATE, (WordTiming(0, 4, 2205, 22050),))
    _, timing = stitcher.sentence(SpokenAudio((first, second), ((0, 9), (11, 15))), 300)
    # the second piece starts after the first (1 s) and the clause gap (0.5 s); its text 11 characters in
    assert timing.words == (SpokenWord(0, 3, 1000, 1500), SpokenWord(4, 9, 1500, 2000), SpokenWord(11, 15, 2600, 3500))


def test_a_piece_without_word_timings_is_one_word_over_its_own_audio():
    stitcher = Stitcher(sample_rate=RATE, clause_ms=500)
    timed = Audio(b"\x10\x00" * RATE, RATE, (WordTiming(0, 3, 0, 22050),))
    untimed = Audio(b"\x10\x00" * RATE, RATE)
    _, timing = stitcher.sentence(SpokenAudio((timed, untimed), ((0, 3), (4, 20))), 300)
    assert timing.words == (SpokenWord(0, 3, 0, 1000), SpokenWord(4, 20, 1500, 2500))
