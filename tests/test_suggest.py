"""Suggest: words the engine must guess, ranked, with stubs an editor can fill in."""

from __future__ import annotations

import json
import re

import pytest

from pipeline.cli.main import main
from pipeline.lexicon.model import (
    EMPTY_LEXICON,
    Entry,
    Lexicon,
    load_lexicon,
    parse_lexicon,
)
from pipeline.lexicon.suggest import Risk, classify, find_risks, stub_entries
from pipeline.stages.article import parse_article

ARTICLES = [
    parse_article("# Cwmderwen bridge\n\nThe Cwmderwen council met Dr. Okonjo on Tuesday. The CUPE local and "
                  "the NRTA agreed. Mayor Gwenllian Prys spoke.".encode()),
    parse_article("The café in Cwmderwen reopened. Okonjo's team cheered at 5 p.m.".encode()),
]


def test_ranked_by_frequency_with_context_and_kind():
    risks = find_risks(ARTICLES, EMPTY_LEXICON)
    words = [risk.word for risk in risks]
    assert words[:2] == ["Cwmderwen", "Okonjo"]  # 3 and 2 occurrences
    first = risks[0]
    assert (first.count, first.kind, first.context) == (3, "proper noun", "Cwmderwen bridge")
    assert "CUPE" in words and classify("CUPE") == "acronym"
    assert "café" not in words or classify("café") == "foreign"
    # Expanded abbreviations and dictionary words are not guesses.
    assert not {"Dr", "council", "Tuesday", "p", "m"} & set(words)
    # An initialism no table knows is spelled, and listed as a reading risk with the reading it got.
    nrta = next(risk for risk in risks if risk.word == "NRTA")
    assert (nrta.kind, nrta.reading) == ("reading risk: capitals no table knows, spelled", "N R T Eh")


def test_lexicon_words_are_not_suggested():
    lexicon = Lexicon(entries=(Entry("Cwmderwen", "koom dare wen"),))
    assert "Cwmderwen" not in [risk.word for risk in find_risks(ARTICLES, lexicon)]


def test_stubs_are_comments_that_keep_the_lexicon_valid(tmp_path):
    path = tmp_path / "lexicon.toml"
    path.write_text('[[entry]]\nword = "Prys"\nsay = "prees"\n', encoding="utf-8")
    risks = find_risks(ARTICLES, load_lexicon(path))
    stubs = stub_entries(risks, load_lexicon(path))
    assert '# word = "Cwmderwen"' in stubs and 'word = "Prys"' not in stubs
    parse_lexicon((path.read_text() + stubs).encode())  # still valid TOML with one entry


def test_cli_tsv_json_and_add_stubs(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("Okonjo met Okonjo. Kahgee left.", encoding="utf-8")
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[[entry]]\nword = "Kahgee"\nsay = "kah-ghee"\n', encoding="utf-8")
    assert main(["lexicon", "suggest", "--corpus", str(corpus), "--lexicon", str(lexicon), "--engine", "tone"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "word\tcount\tkind\tguessed_ipa\tcontext"
    assert lines[1].startswith("Okonjo\t2\tproper noun\t")
    assert main(["lexicon", "suggest", "--corpus", str(corpus), "--json", "--engine", "tone"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["word"] for row in rows] == ["Okonjo", "Kahgee"]
    before = lexicon.read_text()
    assert main(["lexicon", "suggest", "--corpus", str(corpus), "--lexicon", str(lexicon), "--add-stubs",
                 "--engine", "tone"]) == 0
    after = lexicon.read_text()
    assert after.startswith(before) and '# word = "Okonjo"' in after
    assert len(load_lexicon(lexicon).entries) == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_cli_add_stubs_needs_a_lexicon(capsys):
    assert main(["lexicon", "suggest", "--corpus", "pipeline/data/sample_article.md", "--add-stubs"]) == 2
    assert "--add-stubs needs --lexicon" in capsys.readouterr().err


@pytest.mark.parametrize(
    "entries, text, words, expected",
    [
        # an entry matches regardless of case unless it is case_sensitive
        ((Entry("okonjo", "oh kon jo"),), "", ["Okonjo", "OKONJO", "Kahgee"], ["Kahgee"]),
        ((Entry("NRTA", "N R T A", case_sensitive=True),), "", ["Nrta", "NRTA"], ["Nrta"]),
        # stubs appended earlier are comments, not entries, but the lexicon has them all the same
        ((), '# [[entry]]\n# word = "okonjo"\n# say = ""\n', ["Okonjo", "Kahgee"], ["Kahgee"]),
        ((), '# [[entry]]\n# word = "Ng\\u2019ozi"\n', ["Ng\u2019ozi", "Prys"], ["Prys"]),
        # one run never stubs a word twice
        ((), "", ["Okonjo", "OKONJO", "okonjo"], ["Okonjo"]),
    ],
)
def test_stubs_skip_words_the_lexicon_has(entries, text, words, expected):
    risks = [Risk(word, 1, classify(word), "", "context") for word in words]
    stubs = stub_entries(risks, Lexicon(entries=entries), text)
    assert re.findall(r'^# word = "(.*)"$', stubs, re.MULTILINE) == expected


def test_cli_add_stubs_twice_adds_nothing_the_second_time(tmp_path, capsys):
    corpus = tmp_path / "a.md"
    corpus.write_text("Okonjo met Okonjo. Kahgee left. OKONJO waved.", encoding="utf-8")
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[[entry]]\nword = "Prys"\nsay = "prees"\n', encoding="utf-8")
    command = ["lexicon", "suggest", "--corpus", str(corpus), "--lexicon", str(lexicon), "--add-stubs",
               "--engine", "tone"]
    assert main(command) == 0
    first = lexicon.read_text(encoding="utf-8")
    assert re.findall(r'^# word = "(.*)"$', first, re.MULTILINE) == ["Okonjo", "Kahgee"]
    assert f"{lexicon}: added 2 stubs" in capsys.readouterr().err
    assert main(command) == 0
    assert lexicon.read_text(encoding="utf-8") == first
    assert f"{lexicon}: no stubs added" in capsys.readouterr().err
