"""Lexicon: parsing with line-numbered errors, and applying entries longest-first without re-matching."""

from __future__ import annotations

import pytest

from pipeline.errors import LexiconError
from pipeline.lexicon.model import (
    EMPTY_LEXICON,
    Entry,
    Lexicon,
    fired_entries,
    load_lexicon,
    parse_lexicon,
)
from pipeline.stages.normalize import normalize_pieces


def lexicon(*entries: Entry) -> Lexicon:
    return Lexicon(entries=entries)


def spoken(lex: Lexicon, sentence: str) -> str:
    return "".join(piece.text for piece in lex.apply(sentence))


@pytest.mark.parametrize(
    "entries, sentence, expected",
    [
        # whole word by default: no match inside a longer word
        ((Entry("Nguyen", "win"),), "Nguyen and Nguyenville", "win and Nguyenville"),
        # case-insensitive by default
        ((Entry("nguyen", "win"),), "NGUYEN spoke", "win spoke"),
        # case-sensitive entries match only that case
        ((Entry("Reading", "redding", case_sensitive=True),), "Reading is reading", "redding is reading"),
        # longest match first
        ((Entry("York", "yawk"), Entry("New York", "noo york")), "New York and York", "noo york and yawk"),
        # a part-word match that loses to an overlapping entry does not hide a later one
        ((Entry("ab", "<0>", whole_word=False), Entry("abc", "<1>"), Entry("c a", "<2>", whole_word=False)),
         "abc ab", "<1> <0>"),
        # replaced text is never re-matched, even when a replacement contains another entry's word
        ((Entry("Leicester", "lester"), Entry("lester", "WRONG")), "Leicester City", "lester City"),
        # phrases match across any white space
        ((Entry("Port Everell", "port EV-er-el"),), "Port \n Everell", "port EV-er-el"),
        # whole_word false matches inside words
        ((Entry("ough", "oh", whole_word=False),), "Thorough", "Thoroh"),
        # punctuation around a match stays
        ((Entry("Siobhan", "shiv-awn"),), "“Siobhan,” she said.", "“shiv-awn,” she said."),
        # entries written with punctuation
        ((Entry("C++", "see plus plus"),), "Learn C++ today", "Learn see plus plus today"),
    ],
)
def test_apply(entries, sentence, expected):
    assert spoken(lexicon(*entries), sentence) == expected


def test_fired_entries_in_order_once_each():
    lex = lexicon(Entry("Aoife", "eefa"), Entry("Cwmderwen", "koom dare wen"))
    pieces = lex.apply("Cwmderwen met Aoife in Cwmderwen")
    assert fired_entries(pieces) == ("Cwmderwen", "Aoife")


def test_empty_lexicon_passes_text_through():
    assert spoken(EMPTY_LEXICON, "Nothing changes here.") == "Nothing changes here."


def test_normalization_never_rewrites_a_lexicon_replacement():
    lex = lexicon(Entry("AT&T", "A T and T"), Entry("R&D", "R & D"))
    assert normalize_pieces(lex.apply("R&D at AT&T & co")) == "R & D at A T and T and co"


def test_parse_sample_lexicon(sample_lexicon_path, sample_article_path):
    lex = load_lexicon(sample_lexicon_path)
    assert len(lex.entries) >= 6
    assert lex.sha256 and len(lex.sha256) == 64
    article = sample_article_path.read_text(encoding="utf-8")
    assert all(entry.word.split()[0] in article for entry in lex.entries)


def test_parse_fields_and_lines():
    lex = parse_lexicon(
        b'# comment\n\n[[entry]]\nword = "Aoife"\nsay = "eefa"\nipa = "\xcb\x88i\xcb\x90f\xc9\x99"\n\n'
        b'[[entry]]\nword = "NRTA"\nsay = "N R T A"\ncase_sensitive = true\nwhole_word = false\nnote = "agency"\n'
    )
    first, second = lex.entries
    assert (first.word, first.say, first.ipa, first.line) == ("Aoife", "eefa", "ˈiːfə", 3)
    assert (second.case_sensitive, second.whole_word, second.note, second.line) == (True, False, "agency", 8)


@pytest.mark.parametrize(
    "data, message",
    [
        (b'[[entry]]\nword = "x\nsay = "y"\n', "line 2"),
        (b'[[entry]]\nword = "x"\n', "lexicon:1: entry needs a non-empty text 'say'"),
        (b'[[entry]]\nword = "x"\nsay = "y"\n\n[[entry]]\nword = " "\nsay = "z"\n', "lexicon:5: entry needs a non-empty text 'word'"),
        (b'[[entry]]\nword = "x"\nsay = "y"\nspeak = "z"\n', "unknown key 'speak'"),
        (b'[[entry]]\nword = "x"\nsay = "y"\ncase_sensitive = "yes"\n', "'case_sensitive' must be true or false"),
        (b'[entries]\nword = "x"\n', "unknown top-level key 'entries'"),
        (b"\xff\xfe[[entry]]", "not UTF-8"),
    ],
)
def test_parse_errors(data, message):
    with pytest.raises(LexiconError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_lexicon(data)


def test_load_missing_and_directory(tmp_path):
    with pytest.raises(LexiconError, match="no such file"):
        load_lexicon(tmp_path / "missing.toml")
    with pytest.raises(LexiconError, match="is a directory"):
        load_lexicon(tmp_path)


def test_ipa_only_entries_load_but_are_not_spoken_by_a_respelling_engine():
    lex = parse_lexicon(b'[[entry]]\nword = "Aether"\nipa = "\xcb\x88i\xce\xb8\xc9\x99r"\nexample = "The Aether rose."\n')
    (entry,) = lex.entries
    assert entry.say is None and entry.ipa == "ˈiθər" and entry.example == "The Aether rose."
    assert spoken(lex, "The Aether rose.") == "The Aether rose."


def _naive(lex: Lexicon, sentence: str) -> str:
    """The reference semantics: one alternation, longest written form first, scanned left to right."""
    import re

    from pipeline.lexicon.model import _pattern

    ordered = sorted((e for e in lex.entries if e.say), key=lambda e: (-len(e.word), not e.case_sensitive))
    if not ordered:
        return sentence
    pattern = re.compile("|".join(f"({_pattern(e)})" for e in ordered))
    return pattern.sub(lambda m: ordered[m.lastindex - 1].say, sentence)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_words = st.sampled_from(["ab", "Ab", "abc", "b", "c a", "ab c", "-x", "x-", "ca", "a", "bc", "AB C"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_words, st.booleans(), st.booleans()), min_size=1, max_size=6, unique_by=lambda t: t[0]),
    st.lists(st.sampled_from(["ab", "Ab", "abc", "b", "c", "a", " ", "  ", "-", "x", ",", "AB"]), max_size=20).map("".join),
)
def test_indexed_matcher_agrees_with_one_big_alternation(specs, sentence):
    entries = tuple(Entry(word, f"<{i}>", case_sensitive=cs, whole_word=ww) for i, (word, cs, ww) in enumerate(specs))
    lex = Lexicon(entries=entries)
    assert spoken(lex, sentence) == _naive(lex, sentence)
