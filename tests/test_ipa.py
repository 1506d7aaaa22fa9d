"""An editor's IPA as espeak-ng-style phonemes for a voice that takes phoneme input (Piper's [[ ]])."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.engines.ipa import DROPPED, IPA_VOWELS, STRESS_MARKS, espeak_style, phoneme_input, unknown_symbols
from pipeline.lexicon.model import Entry, Lexicon, parse_lexicon


@pytest.mark.parametrize("ipa, phonemes", [
    ("kʊmˈdɛrwɛn", "kʊmdˈɛɹwɛn"),  # stress moves from the syllable's start to its vowel; r is English ɹ
    ("ˈstreɪn", "stɹˈeɪn"),
    ("ˌnuːˈjɔrk", "nˌuːjˈɔɹk"),
    ("ˈt͡ʃɛlsi", "tʃˈɛlsi"),  # tie bar dropped
    ("ˈʧɛlsi", "tʃˈɛlsi"),  # a ligature spelled out
    ("ˈiː.fə", "ˈiːfə"),  # syllable break dropped
    ("ˈaʊ.gʊst", "ˈaʊɡʊst"),  # ASCII g is IPA ɡ
    ("ˈɡəʊ", "ɡˈoʊ"),  # British GOAT: the voice's own
    ("ˈavɔn ˈlʊɨd", "ˈavɔn lˈʊɨd"),  # words stay apart
    ("bɝd", "bɜːd"),
    ("ˈpʰɪn", "pˈɪn"),  # aspiration: espeak-ng's English never writes it
    ("ʒɑ̃", "ʒɑ̃"),
    ("ˈmm", "mmˈ"),  # no vowel: the mark stays, at the end
])
def test_ipa_to_espeak_style(ipa, phonemes):
    assert espeak_style(ipa) == unicodedata.normalize("NFD", phonemes)


def test_phoneme_input_is_one_block_per_word():
    assert phoneme_input("ˈavɔn ˈlʊɨd") == "[[ˈavɔn]] [[lˈʊɨd]]"


def test_nasal_vowels_are_decomposed_as_piper_decomposes_espeak_ng():
    assert espeak_style("ɑ̃") == "ɑ\u0303" and len(espeak_style(unicodedata.normalize("NFC", "ɑ̃"))) == 2


def test_unknown_symbols_once_each_in_order():
    assert unknown_symbols("ʘaʘbǂ", frozenset("ab")) == "ʘǂ"


IPA_ALPHABET = "abdefhijklmnoprstuvwzæðŋɑɒɔəɛɜɡɪɹʃʊʌʒθˈˌː.ʰ͡ɝʧ ɫ"


@given(st.text(alphabet=IPA_ALPHABET, max_size=30))
def test_stress_marks_stand_before_vowels_and_no_dropped_mark_remains(ipa):
    phonemes = espeak_style(ipa)
    assert not any(mark in phonemes for mark in DROPPED)
    for word in phonemes.split():
        for position, symbol in enumerate(word):
            if symbol in STRESS_MARKS and any(s in IPA_VOWELS for s in word[position:]):
                assert word[position + 1] in IPA_VOWELS


def test_a_lexicon_read_with_phoneme_input_gives_the_ipa_and_applies_ipa_only_entries():
    lexicon = parse_lexicon('[[entry]]\nword = "Cwmderwen"\nsay = "koom dare wen"\nipa = "kʊmˈdɛrwɛn"\n\n'
                            '[[entry]]\nword = "Lwyd"\nipa = "lʊɨd"\n'.encode())
    text = "Cwmderwen is on the Lwyd."
    assert [piece.text for piece in lexicon.apply(text)] == ["koom dare wen", " is on the Lwyd."]
    read = lexicon.with_phoneme_input(phoneme_input)
    assert [piece.text for piece in read.apply(text)] == ["[[kʊmdˈɛɹwɛn]]", " is on the ", "[[lʊɨd]]", "."]
    assert read.sha256 == lexicon.sha256 and read.with_phoneme_input(phoneme_input) is read
    assert Lexicon((Entry("x", say="ex"),)).reading(Entry("x", say="ex", ipa="ɛks")) == "ex"


@pytest.mark.parametrize("ipa, given", [
    ("/kʊmˈdɛrwɛn/", "[[kʊmdˈɛɹwɛn]]"),  # an editor's slashes
    ("[ˈkʊm]", "[[kˈʊm]]"),  # or brackets
    (" . ", ""),  # nothing speakable
    ("ˈ", ""),
])
def test_delimiters_go_and_nothing_speakable_gives_nothing(ipa, given):
    assert phoneme_input(ipa) == given


def test_ipa_with_nothing_speakable_falls_back_to_the_respelling_then_the_word():
    read = Lexicon((), phoneme_input=phoneme_input)
    assert read.reading(Entry("Lwyd", say="looid", ipa=" . ")) == "looid"
    assert read.reading(Entry("Lwyd", ipa="ˈ")) == "Lwyd"


def test_article_text_never_passes_for_phonemes():
    from pipeline.stages.normalize import normalize_text

    assert "[" not in normalize_text("See [[Main Page]] now.") and "]" not in normalize_text("a[[0]]")
