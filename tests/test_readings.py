"""Teen numbers given to a phoneme-taking voice stressed on "-teen", and the map back to the text it was given."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.engines.readings import STRESSED_ON_LAST_SYLLABLE, last_syllable_stressed, respoken

#: espeak-ng's en-us reading of each teen, as the bundled voice's phonemizer gives it.
ESPEAK = {"thirteen": "θˈɜːtiːn", "fourteen": "fˈɔːɹtiːn", "fifteen": "fˈɪftiːn", "sixteen": "sˈɪkstiːn",
          "seventeen": "sˈɛvəntiːn", "eighteen": "ˈeɪtiːn", "nineteen": "nˈaɪntiːn"}


def phonemes_of_word(word: str) -> str:
    return ESPEAK.get(word, word)


@pytest.mark.parametrize("phonemes, stressed", [
    ("fˈɔːɹtiːn", "fˌɔːɹtˈiːn"),
    ("ˈeɪtiːn", "ˌeɪtˈiːn"),
    ("sˈɛvəntiːn", "sˌɛvəntˈiːn"),
    ("fˌɔːɹtˈiːn", "fˌɔːɹtˈiːn"),  # already so: unchanged
    ("mm", "mm"),  # no vowel: nothing to stress
])
def test_the_primary_stress_moves_to_the_last_vowel(phonemes, stressed):
    assert last_syllable_stressed(phonemes) == stressed


@pytest.mark.parametrize("text, restressed", [
    ("The council voted fourteen to nine.", ["fourteen"]),
    ("Fifteen people were hurt.", ["Fifteen"]),  # capitalized at a sentence's start
    ("He scored at seven fourteen of overtime.", ["fourteen"]),
    ("a fourteen-year-old boy", ["fourteen"]),
    ("About seventeen thousand fans.", ["seventeen"]),  # "seventy thousand" is a real mishearing
    ("in nineteen ninety-five", []),  # a year: the context tells it from the tens
    ("in nineteen oh five", []),
    ("at eighteen hundred G M T", []),
    ("the eighteen hundreds", []),
    ("the fourteenth of May", []),  # an ordinal is not confused with "fortieth"
    ("the sixteen's finest", []),
    ("fifteen fifteen", ["fifteen"]),  # a clock time: the minutes
    ("[[fˈɔːɹtiːn]] fourteen", ["fourteen"]),  # an editor's phonemes are left alone
])
def test_teens_listeners_could_take_for_the_tens_are_restressed(text, restressed):
    spoken = respoken(text, phonemes_of_word)
    assert [text[old_start:old_end] for _, _, old_start, old_end in spoken.replaced] == restressed
    for new_start, new_end, old_start, old_end in spoken.replaced:
        word = text[old_start:old_end].lower()
        assert spoken.text[new_start:new_end] == f"[[{last_syllable_stressed(ESPEAK[word])}]]"
    if not restressed:
        assert spoken.text == text


def test_offsets_in_the_spoken_text_map_back_to_the_words_given():
    text = "Fourteen voted for, fifteen against."
    spoken = respoken(text, phonemes_of_word)
    assert spoken.text == "[[fˌɔːɹtˈiːn]] voted for, [[fˌɪftˈiːn]] against."
    for word in ("[[fˌɔːɹtˈiːn]]", "voted", "for", "[[fˌɪftˈiːn]]", "against"):
        start = spoken.text.index(word)
        original = text[slice(*spoken.original_span(start, start + len(word)))]
        assert original == {"[[fˌɔːɹtˈiːn]]": "Fourteen", "[[fˌɪftˈiːn]]": "fifteen"}.get(word, word)
    assert spoken.original_span(0, len(spoken.text)) == (0, len(text))


_WORDS = st.sampled_from([*STRESSED_ON_LAST_SYLLABLE, "votes", "to", "ninety", "hundred", "fans", "nine", ",", "."])


@given(st.lists(_WORDS, max_size=12))
def test_every_untouched_character_maps_back_to_itself(words):
    text = " ".join(words)
    spoken = respoken(text, phonemes_of_word)
    inside = [range(new_start, new_end) for new_start, new_end, _, _ in spoken.replaced]
    for position, character in enumerate(spoken.text):
        if not any(position in span for span in inside):
            start, end = spoken.original_span(position, position + 1)
            assert text[start:end] == character
