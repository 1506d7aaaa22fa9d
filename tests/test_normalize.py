"""Normalization (the issue-2 subset): typography, dashes, symbols, entities; lexicon text passes untouched."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.lexicon import Entry, Piece
from pipeline.normalize import normalize_pieces, normalize_text


@pytest.mark.parametrize(
    "written, spoken",
    [
        ("“We will not back down,” she said.", '"We will not back down," she said.'),
        ("It’s the mayor’s call.", "It's the mayor's call."),
        ("Wait for it…", "Wait for it..."),
        ("The bridge — closed since May — reopens.", "The bridge, closed since May, reopens."),
        ("Salt &amp; pepper", "Salt and pepper"),
        ("Up 5% on the day", "Up 5 percent on the day"),
        ("Q&A session", "Q and A session"),
        ("Price &#163;20", "Price £20"),
        ("non\u00a0breaking\u200bspace", "non breakingspace"),
    ],
)
def test_normalize(written, spoken):
    assert normalize_pieces((Piece(written),)) == spoken


def test_lexicon_pieces_are_not_rewritten():
    entry = Entry("AT&T", "A T & T")
    assert normalize_pieces((Piece("Call "), Piece("A T & T", entry), Piece(" & co"))) == "Call A T & T and co"


@given(st.text(max_size=300))
def test_normalize_never_crashes_and_is_deterministic(text):
    assert normalize_text(text) == normalize_text(text)
    assert isinstance(normalize_pieces((Piece(text),)), str)
