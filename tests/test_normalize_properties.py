"""Invariants of the normalizer over any text (hypothesis): deterministic, never crashes, every letter and digit
of the written sentence in exactly one piece, and no rule ever hands the engine digits or bare symbols."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.lexicon.model import Entry, Lexicon, Piece
from pipeline.stages.normalize import normalize_sentence

#: Pieces of news copy that exercise the rules, mixed with arbitrary text.
FRAGMENTS = [
    "$", "£", "€", "US$", "HK$", "1", "12", "2019", "3.8", "0.5", ",000", "bn", "m", "k", "pc", "%", "p", "-", "–",
    "—", "/", ":", ".", "..", "(", ")", " ", " ", " ", "Mr", "Ms", "Dr", "St.", "St", "Ave.", "N", "E.", "W",
    "WHERE", "IT", "AND", "NHS", "FTSE", "OBR", "MPs", "B-52s", "Henry", "VIII", "C", "Louis", "Marchand",
    "March", "Dec.", "jan.", "SEPT.", "12.30", "GMT", "a.m.", "pm", "6-7", "(3/7)", "9/11", "2/3rds", "x",
    "*", "<b>", "</b>", "br />", "&amp;", "&#191;", "🎉", "שלום", "@", "gmail.com", "www.", "+1", "(555)",
    "123-4567", "203.0.113.45", "ending in", "km/h", "in", "Number", "won", "3-2", "Conn.", "soo-ZOO-kee",
    "½", "１２", "²", "\u0301", "ﬁ", "İ", "ß",
]
newsy_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=24).map("".join)
any_text = st.one_of(st.text(max_size=80), newsy_text)
#: What a piece a rule made may contain: letters, spaces and the punctuation the engine hears as prosody.
_RULE_PIECE = re.compile(r"[^\W\d_]|[\s'\-.,;:!?\u0300-\u036f]")
LEXICON = Lexicon(entries=(Entry("Marchand", "mar-SHAWN"), Entry("NHS", "N H S 9")))


def _check_coverage(text: str, normalized) -> None:
    covering = [0] * len(text)
    for piece in normalized.pieces:
        assert 0 <= piece.char_start <= piece.char_end <= len(text), piece
        for offset in range(piece.char_start, piece.char_end):
            covering[offset] += 1
    for offset, character in enumerate(text):
        if character.isalnum():
            assert covering[offset] == 1, (offset, character, normalized.pieces)


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_normalizing_is_deterministic_and_never_crashes(text):
    first = normalize_sentence((Piece(text),))
    assert normalize_sentence((Piece(text),)) == first
    assert isinstance(first.spoken, str)


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_every_letter_and_digit_is_in_exactly_one_piece(text):
    _check_coverage(text, normalize_sentence((Piece(text),)))


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_lexicon_pieces_keep_their_offsets_and_coverage_holds(text):
    pieces = LEXICON.apply(text)
    normalized = normalize_sentence(pieces)
    _check_coverage(text, normalized)
    for piece in normalized.pieces:
        if piece.kind == "lexicon":
            assert text[piece.char_start : piece.char_end].lower() in ("marchand", "nhs")


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_a_rule_never_hands_the_engine_digits_or_bare_symbols(text):
    for piece in normalize_sentence(LEXICON.apply(text)).pieces:
        if piece.kind == "rule":
            stray = [ch for ch in piece.spoken if not _RULE_PIECE.match(ch)]
            assert not stray, (piece, stray)
        if piece.kind in ("word", "rule"):
            assert not any(ch.isdigit() for ch in piece.spoken), piece
