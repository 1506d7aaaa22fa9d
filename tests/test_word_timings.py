"""Word timings: the spoken text lined up with its written words, and engine words laid onto them."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.lexicon.model import EMPTY_LEXICON, Lexicon, parse_lexicon
from pipeline.stages.article import parse_article
from pipeline.stages.script import build_script
from pipeline.stages.stitch import SpokenWord
from pipeline.stages.word_timings import WordMap, timed_words


def _sentence(text: str, lexicon: Lexicon = EMPTY_LEXICON):
    (sentence,) = build_script(parse_article(text.encode()), lexicon)
    return sentence


def _units(sentence):
    """(spoken words, written text) of each unit."""
    return [(sentence.spoken[s:e], sentence.text[cs:ce]) for s, e, cs, ce in sentence.word_map.units()]


@pytest.mark.parametrize("text, expected", [
    # British broadcaster: a title without a stop, money with a scale word
    ("Ms Patel said the deal was worth £3.8bn.",
     [("Miz", "Ms"), ("Patel", "Patel"), ("said", "said"), ("the", "the"), ("deal", "deal"), ("was", "was"),
      ("worth", "worth"), ("three point eight billion pounds", "£3.8bn")]),
    # US wire: a contraction is two written words at its apostrophe; an initialism is one
    ("It didn't rain in the U.S. capital.",
     [("It", "It"), ("didn", "didn"), ("t", "t"), ("rain", "rain"), ("in", "in"), ("the", "the"),
      ("U S", "U.S."), ("capital", "capital")]),
    # a score, a time in the British style, a season: each one unit however many words it takes to say
    ("The score was 6-7 (3/7) at 12.30 in 2019/20.",
     [("The", "The"), ("score", "score"), ("was", "was"), ("six seven, three seven", "6-7 (3/7)"), ("at", "at"),
      ("twelve thirty", "12.30"), ("in", "in"), ("twenty nineteen twenty", "2019/20")]),
])
def test_each_written_unit_knows_the_words_that_say_it(text, expected):
    assert _units(_sentence(text)) == expected


NEWSROOM_SENTENCES = [
    "TORONTO (CP) — The Leafs won 6-7 (3/7) in a shootout at 12.30 on Saturday.",
    "WASHINGTON (AP) — The Senate voted 51-49 on Tuesday to confirm Dr. Alvarez, 62, as the new surgeon general.",
    "Profits for 2019/20 rose 4.5% to $1.2 million, the company said in a statement on Oct. 3.",
    "The well-known café on St. Anne's Rd. — a fixture since the 1970s — closes at 9 p.m. on Fridays.",
    "NEW YORK, Nov. 4, 2026 /PRNewswire/ -- Acme Corp. (NYSE: ACME) today reported Q3 revenue of US$412m.",
]


@pytest.mark.parametrize("text", NEWSROOM_SENTENCES)
def test_newsroom_copy_maps_every_spoken_word(text):
    for sentence in build_script(parse_article(text.encode()), EMPTY_LEXICON):
        covered = " ".join(sentence.spoken[s:e] for s, e, _, _ in sentence.word_map.units())
        assert sentence.word_map, sentence.spoken
        assert re.findall(r"[^\W_]+", covered) == re.findall(r"[^\W_]+", sentence.spoken)


def test_an_editors_entry_is_one_unit_with_its_respelling():
    lexicon = parse_lexicon(b'[[entry]]\nword = "Nguyen"\nsay = "win"\n')
    sentence = _sentence("Mayor Nguyen spoke.", lexicon)
    assert ("win", "Nguyen") in _units(sentence)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["the", "council", "£3.8bn", "12.30", "6-7", "(3/7)", "Ms", "2019/20", "Dr.",
                                 "U.S.", "well-known", "don't", "CEO", "4.5%", "—", "Oct. 3", "$1.2", "café", "&",
                                 "#1", "5km", "B.C.", "42nd", "NASA"]), min_size=1, max_size=14))
def test_the_map_is_complete_ordered_and_inside_both_texts(words):
    for sentence in build_script(parse_article(("Start " + " ".join(words) + " end.").encode()), EMPTY_LEXICON):
        units = list(sentence.word_map.units())
        assert units, sentence.spoken
        for (s, e, cs, ce), following in zip(units, units[1:] + [None]):
            assert 0 <= s < e <= len(sentence.spoken) and 0 <= cs < ce <= len(sentence.text)
            if following:
                assert e <= following[0] and ce <= following[2]


def test_a_map_that_does_not_add_up_is_empty_rather_than_wrong():
    from pipeline.stages.normalize import SpokenPiece

    pieces = (SpokenPiece("one", 0, 1, "rule", "cardinal", "number"),)
    assert not WordMap.of("two", pieces) and not WordMap.of("one more", pieces)
    assert list(WordMap.of("one", pieces).units()) == [(0, 3, 0, 1)]


def _map(*units):
    from array import array

    return WordMap(array("i", [n for unit in units for n in unit]).tobytes())


@pytest.mark.parametrize("units, engine, expected", [
    # one engine word per written word
    ([(0, 3, 0, 3), (4, 8, 4, 8)], [(0, 3, 100, 400), (4, 8, 450, 900)], [(100, 400), (450, 900)]),
    # "in the" reported as one engine word: shared by length, "in" 2 letters, "the" 3
    ([(0, 2, 0, 2), (3, 6, 3, 6)], [(0, 2, 1000, 1500)], [(1000, 1200), (1200, 1500)]),
    # "£3.8bn" said as five engine words: one written unit from the first to the last
    ([(0, 4, 0, 4), (5, 37, 5, 11)], [(0, 4, 0, 300), (5, 10, 300, 500), (11, 16, 500, 700), (17, 22, 700, 900),
                                      (23, 30, 900, 1300), (31, 37, 1300, 1800)], [(0, 300), (300, 1800)]),
    # espeak-ng misplaces a word event inside the one before ("each of whom": "of" reported at "ach ")
    ([(0, 4, 0, 4), (5, 7, 5, 7), (8, 12, 8, 12)], [(0, 4, 100, 300), (1, 5, 300, 400), (8, 12, 400, 600)],
     [(100, 300), (300, 400), (400, 600)]),
    # and reports no event for the second half of "two point six-kilometre": "six" shares its time 3:9
    ([(0, 13, 0, 3), (14, 23, 4, 13), (24, 31, 14, 21)],
     [(0, 3, 0, 100), (4, 9, 100, 200), (10, 13, 200, 600), (24, 31, 600, 800)], [(0, 300), (300, 600), (600, 800)]),
    # no engine words: nothing is timed
    ([(0, 3, 0, 3)], [], []),
])
def test_engine_words_laid_onto_written_words(units, engine, expected):
    text = "x" * 40
    words = timed_words(text, _map(*units), [SpokenWord(*word) for word in engine])
    assert [(word.start_ms, word.end_ms) for word in words] == expected


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=12),
       st.lists(st.tuples(st.integers(0, 80), st.integers(1, 8), st.integers(0, 10_000), st.integers(0, 3_000)),
                min_size=1, max_size=15))
def test_any_engine_words_give_rising_words_that_never_overlap(lengths, engine):
    """Engine words out of order, overlapping, misplaced or past the text's end (espeak-ng's quirks, and worse)."""
    units, at = [], 0
    for length in lengths:
        units.append((at, at + length, at, at + length))
        at += length + 1
    spoken = [SpokenWord(start, start + length, begin, begin + duration) for start, length, begin, duration in engine]
    words = timed_words("z" * at, _map(*units), spoken)
    assert all(0 <= word.start_ms <= word.end_ms for word in words)
    assert all(a.end_ms <= b.start_ms and a.char_end <= b.char_start for a, b in zip(words, words[1:]))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=12), st.data())
def test_timed_words_rise_and_never_overlap(lengths, data):
    units, at = [], 0
    for length in lengths:
        units.append((at, at + length, at, at + length))
        at += length + 1
    chosen = sorted(data.draw(st.sets(st.integers(0, len(units) - 1), min_size=1)))
    times = sorted(data.draw(st.lists(st.integers(0, 10_000), min_size=2 * len(chosen), max_size=2 * len(chosen))))
    engine = [SpokenWord(units[i][0], units[i][1], times[2 * n], times[2 * n + 1]) for n, i in enumerate(chosen)]
    words = timed_words("y" * at, _map(*units), engine)
    assert all(word.start_ms <= word.end_ms for word in words)
    assert all(a.end_ms <= b.start_ms and a.char_end <= b.char_start for a, b in zip(words, words[1:]))
    assert len(words) == len(units)  # units before the first engine word share its time
    assert [word.text for word in words] == ["y" * length for length in lengths]
