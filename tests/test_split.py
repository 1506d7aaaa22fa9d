"""Sentence splitting of news copy: table-driven cases plus no-word-lost and speed properties."""

import re
import time
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.stages import split
from pipeline.stages.split import (
    PUNKT_CONTEXT_TOKENS,
    PUNKT_WINDOW_CHARS,
    load_abbreviations,
    split_paragraphs,
    split_sentences,
)

# Each case: the expected sentences; the paragraph is them joined with single spaces.
CASES = {
    # plain ends
    "period": ["The council met on Tuesday.", "It approved the budget."],
    "question and exclamation": ["Who pays for the bridge?", "Nobody knows!", "The vote is next week."],
    "doubled marks": ["Really?!", "The mayor laughed.", "Again??", "Yes."],
    "no final period": ["Rain is expected.", "Bring an umbrella"],
    # titles, initials and dotted acronyms
    "title before name": ["Mr. Smith met Dr. Patel and Sen. Will Ortiz at noon."],
    "title at sentence start": ["The hearing ended.", "Gov. Tran left early."],
    "lowercase title word is a word": ["He works as a sales rep.", "The job pays well."],
    "acronym before name": ["U.S. President Lee spoke after J.D. Salinger's biographer."],
    "acronym ends sentence": ["Prices rose in the U.S.", "They fell in Canada."],
    "acronym then lowercase": ["The U.N. agency said the U.S. economy grew."],
    "acronym with doubled period": ["She moved to Washington, D.C..", "Her office is downtown."],
    "middle initial": ["The court named Maria T. Lopez as trustee."],
    "initials in a list": ["Witnesses included A. Brown, K. Osei and R. T. Marsh."],
    "grade letter ends sentence": ["She got an A.", "Then she went home."],
    "pronoun I ends sentence": ["It was you and I.", "Did anyone else see it?"],
    # abbreviations
    "province": ["The plant in Sarnia, Ont. employs 300 people."],
    "councillor title": ["The motion from Coun. Dana Reyes passed.", "It takes effect in May."],
    "state ends a sentence before a common word": ["The fund is based in Stamford, Conn.", "Investors pulled out."],
    "province ends a sentence": ["Flights resumed in Gander, N.L.", "Crews cleared the runway overnight."],
    "state in a dateline before the agency": ["ALBANY, Ore. (AP) — Crews restored power on Monday."],
    "state before a street word goes on": ["The office on Conn. Ave. closed."],
    "compass letter before a street": ["The clinic at 210 E. Main St. reopened.", "It had flooded."],
    "compass letter before a numbered street": ["It is at 400 N. 1st St. in the old bank."],
    "province ends sentence": ["The plant is in Sarnia, Ont.", "It employs 300 people."],
    "company ends sentence": ["The deal went to Harlow & Co.", "It closed on Friday."],
    "company mid sentence": ["Harlow & Co. shares fell 4 per cent."],
    "company name after Inc.": ["Shares of Nortek Inc. Class B rose."],
    "sentence adverb after abbreviation": ["She works for Bristow Corp.", "Previously, she taught school."],
    "hyphenated title": ["The unit is led by Lt.-Col. Ana Reyes."],
    "everyday word is not an abbreviation": ["The striker fell ill.", "Doctors said he will recover."],
    "et al.": ["The study by Novak et al. was cited twice."],
    "latin": ["Fees, e.g. parking and tolls, rose.", "Other costs, i.e. fuel, fell."],
    "versus": ["The case of Doe v. Harmon returns to court."],
    # numbers
    "number abbreviation": ["The team is ranked No. 2 in the province."],
    "no as a word": ["He said no.", "Then he walked out."],
    "page": ["The rule is on p. 14 of the report."],
    "date": ["The vote is set for Dec. 14 in Ottawa."],
    "date with year": ["It opened on Sept. 3, 2021 to large crowds."],
    "decimals and money": ["Inflation was 3.4 per cent in May.", "A litre of milk costs $2.49."],
    "money ends sentence": ["The fine is $250.00.", "It doubles next year."],
    "number ends sentence": ["The vote was 52 to 48.", "Turnout was 61 per cent."],
    "year ends sentence": ["The mill closed in 2019.", "2020 was worse."],
    "time then day": ["Polls close at 8 p.m. Monday in most ridings."],
    "time then dotted zone": ["The count resumes at 10:30 a.m. E.T. on Friday."],
    "time then zone": ["The launch is at 9:30 a.m. ET on Thursday."],
    "time ends sentence": ["The shop opens at 9 a.m.", "Customers lined up early."],
    "time then lowercase": ["The fire started at 2 a.m. near the docks."],
    "fronted time phrase": ["At 6 a.m. Mr. Lund opened the gates."],
    "unit letter ends sentence": ["The high was 38 C.", "Schools closed early."],
    "year before initial": ["Copyright 2021 K. Ibsen Media."],
    # ellipses
    "ellipsis ends sentence": ["He paused...", "Then he left."],
    "unicode ellipsis": ["She waited…", "Nobody came."],
    "ellipsis then lowercase": ["I was thinking... maybe not."],
    "four dots end sentence": ["The line went dead....", "Nobody called back."],
    "spaced omission": ["The report said . . . the plan was sound."],
    "spaced omission before capital": ["The minister said the deal . . . Canada would sign it."],
    "spaced four dots": ["The talks went on . . . .", "No deal emerged."],
    "bracketed omission": ['"The city [...] needs buses" (Ward 4 report).'],
    # quotes
    "quote then attribution with comma": ["“We will not back down,” the minister said Tuesday."],
    "exclamation then lowercase attribution": ["“Stop!” he said."],
    "question then named attribution": ["“Why now?” Smith asked.", "Nobody answered."],
    "exclamation then titled attribution": ["“Run!” Mr. Okafor shouted."],
    "question then new sentence": ["He asked, “Is that all?”", "Nobody replied."],
    "quote ends sentence": ["She said, “It is over.”", "Then she hung up."],
    "quote starts sentence": ["The room went quiet.", "“We are done here,” she said."],
    "quoted sentence inside": ["The sign read “Closed.” for the day."],
    "single quotes": ["He said it was 'a scandal.'", "The board disagreed."],
    "multi-sentence quote": ["“We tried.", "We failed,” the coach said."],
    # brackets
    "parenthetical sentence": ["The bridge is closed.", "(Detours are posted.)", "Expect delays."],
    "bracket ends the sentence": ["The law took effect last year (see below).", "Few noticed."],
    "abbreviation inside brackets": ["The bill (Sec. 4 and Art. 2) passed."],
    "short parenthetical with two ends": ["He quoted the verse (Ps. 23) aloud."],
    "long standalone parenthetical": [
        "The plan was approved.",
        "(The vote was close this time.",
        "Two members abstained from the motion.)",
        "Work starts soon.",
    ],
    "parenthetical mid sentence with periods": ["The group (founded 1990. Renamed 2004) met."],
    "citation marker before period": ["The drug works in most cases [3].", "Side effects are rare."],
    # enumerations and lists
    "numbered items": ["1. Cut the taxes.", "2. Fix the roads.", "3. Hire nurses."],
    "lettered items": ["A. The budget.", "B. The schedule."],
    "roman items": ["I. Background.", "II. Findings."],
    "list without periods": ["1) Buy land", "2) Build homes", "3) Sell them"],
    "list with dotted parens": ["1.) The first stop", "2.) The second stop"],
    "lowercase letters": ["a. the plan", "b. the cost"],
    "bracketed lowercase marker": ["The plan has two parts.", "(a) Land is bought.", "(b) Homes are built."],
    "bullets": ["• Roads are closed", "• Schools are open"],
    "number after an item is not an item": ["1. Prices rose.", "He bought 2.", "The rest were sold."],
    # web and mail
    "email": ["Send tips to news.desk@example.org.", "We read every one."],
    "url": ["Details are at www.example.ca/budget.", "The site is new."],
    "brand with exclamation": ["She works at Yahoo! in the ad unit."],
    "camel case brand starts sentence": ["Apple cut prices.", "iPhone sales rose."],
    # dashes
    "dash after sentence": ["He won. — and then he resigned."],
}


@pytest.mark.parametrize("sentences", list(CASES.values()), ids=list(CASES))
def test_splits_news_copy(sentences):
    assert split_sentences(" ".join(sentences)) == tuple(sentences)


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        ("", ()),
        ("   ", ()),
        ("  Two  spaces.   Here  too. ", ("Two spaces.", "Here too.")),
        ("One.", ("One.",)),
    ],
)
def test_whitespace_is_normalized(paragraph, expected):
    assert split_sentences(paragraph) == expected


def test_split_paragraphs_splits_each():
    assert split_paragraphs(["A cat. A dog.", "Rain."]) == (("A cat.", "A dog."), ("Rain.",))


def test_abbreviation_table_loads_and_excludes_everyday_words():
    abbreviations = load_abbreviations()
    assert {"mr", "u.s", "ont", "dec", "no", "p.m"} <= abbreviations
    assert not {"ill", "mass", "sun", "miss"} & abbreviations


def test_abbreviation_table_rejects_unknown_kind(tmp_path):
    table = tmp_path / "abbreviations.txt"
    table.write_text("# comment\nmr title\nxyz plural\n", encoding="utf-8")
    with pytest.raises(ValueError, match="xyz plural"):
        load_abbreviations(table)


def test_abbreviation_table_ignores_comments_and_final_periods(tmp_path):
    table = tmp_path / "abbreviations.txt"
    table.write_text("# heading\nMr.   title  # a title\n\nvol number\n", encoding="utf-8")
    assert load_abbreviations(table) == {"mr", "vol"}


# Text made of words, sentence punctuation, quotes, brackets and dots, glued or apart by odd whitespace.
_PIECES = st.sampled_from(
    ["Mr.", "U.S.", "no.", "No.", "2", "3.5", "A.", "i.", "(a)", "1)", "2)", "•", "...", ". . .", "…",
     "!", "?", ".", "“", "”", '"', "'", "(", ")", "[", "]", "p.m.", "e.g.", "Smith", "the", "It", "said",
     "—", "40 C."]
)
_SEPARATORS = st.sampled_from(["", " ", "  ", "\t", "\u00a0", "\n"])
_TEXT = st.lists(st.tuples(_SEPARATORS, st.one_of(_PIECES, st.text(max_size=6))), max_size=40).map(
    lambda parts: "".join(separator + piece for separator, piece in parts)
)


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_no_word_lost_added_or_moved(paragraph):
    sentences = split_sentences(paragraph)
    assert " ".join(sentences) == re.sub(r"\s+", " ", paragraph).strip()
    assert all(sentence == sentence.strip() and sentence for sentence in sentences)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_keeps_its_words(paragraph):
    sentences = split_sentences(paragraph)
    assert " ".join(sentences) == re.sub(r"\s+", " ", paragraph).strip()
    assert all(sentence and sentence.split() == sentence.split(" ") for sentence in sentences)


# nltk (3.10) abandons any regular-expression scan after 5 s and raises TimeoutError: Punkt on a whole
# 1.5 MB paragraph (a 2 MiB article with no blank lines) crashed the splitter. It now reads bounded windows.


def test_punkt_reads_a_long_paragraph_a_window_at_a_time(monkeypatch):
    punkt, lengths = split._punkt(), []

    class Recording:
        def span_tokenize(self, text):
            lengths.append(len(text))
            return punkt.span_tokenize(text)

    monkeypatch.setattr(split, "_punkt", Recording)
    sentences = ["The council met on Tuesday.", "Mr. Smith met Dr. Patel at noon.",
                 "Polls close at 8 p.m. Monday in most ridings.", "Who pays for the bridge?"] * 250
    assert split_sentences(" ".join(sentences)) == tuple(sentences)
    assert len(lengths) > 2
    assert max(lengths) <= PUNKT_WINDOW_CHARS + 2 * PUNKT_CONTEXT_TOKENS * 10


@settings(max_examples=200, deadline=None)
@given(_TEXT, st.integers(min_value=1, max_value=60))
def test_window_seams_do_not_change_the_split(paragraph, window):
    whole = split_sentences(paragraph)
    with mock.patch.object(split, "PUNKT_WINDOW_CHARS", window):
        assert split_sentences(paragraph) == whole


@pytest.mark.parametrize("sentences", list(CASES.values()), ids=list(CASES))
def test_news_copy_splits_the_same_in_small_windows(sentences):
    with mock.patch.object(split, "PUNKT_WINDOW_CHARS", 12):
        assert split_sentences(" ".join(sentences)) == tuple(sentences)


# Paragraphs that took the splitter quadratic time (5 to 20 seconds each) or memory.
PATHOLOGICAL = {
    "no sentence end": "word " * 30_000,
    "unclosed brackets": "( " * 15_000,
    "spaced dots": ". " * 12_000,
    "list markers": "a. " * 15_000,
}


@pytest.mark.parametrize("paragraph", list(PATHOLOGICAL.values()), ids=list(PATHOLOGICAL))
def test_pathological_paragraphs_split_quickly(paragraph):
    started = time.perf_counter()
    assert " ".join(split_sentences(paragraph)) == paragraph.strip()
    assert time.perf_counter() - started < 5  # linear: under a second


def _python(code: str) -> str:
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_punkt_loads_without_the_rest_of_nltk_and_leaves_nltk_importable():
    out = _python(
        "import sys; from pipeline.stages import split; "
        "print(split.split_sentences('Ms. Reyes arrived at 12.30. The vote was 6-7.')); "
        "print(sorted(m for m in sys.modules if m == 'nltk' or m.startswith('nltk.'))); "
        "import nltk; print(nltk.__version__, nltk.probability.FreqDist.__name__, nltk.tokenize.PunktSentenceTokenizer().tokenize('It rained. Then it stopped.'))"
    )
    sentences, loaded, later = out.splitlines()
    assert sentences == "('Ms. Reyes arrived at 12.30.', 'The vote was 6-7.')"
    assert loaded == "[]"  # nothing of nltk stays registered: a later import gets the whole package
    assert later.endswith("FreqDist ['It rained.', 'Then it stopped.']")


def test_punkt_comes_from_nltk_itself_when_nltk_is_already_loaded():
    out = _python("import nltk.tokenize.punkt as p; from pipeline.stages import split; "
                  "print(split.PunktSentenceTokenizer is p.PunktSentenceTokenizer)")
    assert out == "True"
