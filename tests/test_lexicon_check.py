"""Lexicon check: every kind of finding, with its line, from a lexicon written to have each problem once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli.main import main
from pipeline.lexicon.check import Finding, check_lexicon, exit_status, invalid_ipa
from pipeline.lexicon.model import load_lexicon

PROBLEMS = Path(__file__).parent / "fixtures" / "lexicons" / "problems.toml"
CORPUS = ["The ferry to Port Everell left at noon. Port Everell is small.", "Nguyen met the mayor."]


def fake_phonemes(text: str) -> str:
    """Stands in for the engine: two spellings sound alike when their consonants agree."""
    return "".join(ch for ch in text.lower() if ch not in "aeiou -")


@pytest.fixture(scope="module")
def findings() -> list[Finding]:
    return check_lexicon(PROBLEMS, corpus=CORPUS, phonemizer=fake_phonemes)


def codes(findings, level):
    return sorted((f.line, f.code) for f in findings if f.level == level)


def test_errors(findings):
    assert codes(findings, "error") == [(5, "duplicate"), (9, "entry"), (13, "ipa"), (18, "loop")]


def test_warnings(findings):
    warnings = codes(findings, "warning")
    assert (5, "case-variants") in warnings and (31, "case-variants") in warnings
    assert (5, "shadowed") in warnings  # 'nguyen' after 'Nguyen', same text
    assert (31, "no-change") in warnings  # 'reeding' sounds like 'reading' to the fake engine
    assert (36, "no-change") in warnings
    assert (40, "unusable") in warnings  # IPA only, and espeak takes no phonemes
    assert (44, "shadowed") in warnings  # 'Everell' only ever occurs inside 'Port Everell'
    assert (52, "unused") in warnings and (48, "unused") not in warnings


def test_line_format_and_exit_status(findings):
    assert str(findings[0]).startswith(f"{PROBLEMS}:5: error: ")
    assert exit_status(findings, strict=False) == 1
    warnings_only = [f for f in findings if f.level == "warning"]
    assert exit_status(warnings_only, strict=False) == 0 and exit_status(warnings_only, strict=True) == 1


def test_syntax_error_is_one_finding_with_its_line(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('[[entry]]\nword = "a"\nsay = "b\n', encoding="utf-8")
    (finding,) = check_lexicon(broken)
    assert (finding.line, finding.level, finding.code) == (3, "error", "syntax")


@pytest.mark.parametrize("ipa, bad", [("ˈkʊmdɛrwɛn", ""), ("ɑ̆|ɑnu hɑnu", ""), ("ʃɪˈvɔːn1", "1"), ("SHIV", "SHIV"), ("t͡ʃ", "")])
def test_invalid_ipa(ipa, bad):
    assert invalid_ipa(ipa) == bad


def test_sample_lexicon_is_clean_against_the_sample_article(capsys):
    data = Path(__file__).resolve().parent.parent / "pipeline" / "data"
    code = main(["lexicon", "check", str(data / "sample_lexicon.toml"), "--corpus", str(data / "sample_article.md"),
                 "--strict", "--engine", "tone"])
    assert code == 0, capsys.readouterr().out


def test_cli_json_and_exit_code(capsys):
    code = main(["lexicon", "check", str(PROBLEMS), "--engine", "tone", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {"file", "line", "level", "code", "message"} <= set(rows[0])


def test_a_respelling_the_engine_would_still_spell_is_warned(tmp_path):
    lexicon = tmp_path / "stress.toml"
    lexicon.write_text('[[entry]]\nword = "Suzuki"\nsay = "soo-ZOO-kee"\n\n'
                       '[[entry]]\nword = "Schmidt"\nsay = "SHM-it"\n')
    findings = check_lexicon(lexicon)
    assert [(f.line, f.code) for f in findings] == [(5, "spelled")]
    assert "'shm'" in findings[0].message and "letter by letter" in findings[0].message


def test_with_an_engine_that_takes_phonemes_ipa_only_entries_apply_and_unknown_sounds_are_named(tmp_path):
    from pipeline.lexicon.check import applicability_line

    lexicon = tmp_path / "names.toml"
    lexicon.write_text('[[entry]]\nword = "Lwyd"\nipa = "lʊɨd"\n\n[[entry]]\nword = "Xhosa"\nipa = "ˈǁʰosa"\n\n'
                       '[[entry]]\nword = "Prys"\nsay = "prees"\n', encoding="utf-8")
    voice_symbols = frozenset("lʊɨdosaˈ")
    with_phonemes = check_lexicon(lexicon, engine_name="piper", phoneme_symbols=voice_symbols)
    assert [(f.line, f.code) for f in with_phonemes] == [(5, "ipa-symbols")]
    assert "'ǁ'" in with_phonemes[0].message and "piper voice has no sound" in with_phonemes[0].message
    text_only = check_lexicon(lexicon, engine_name="espeak")
    assert sorted((f.line, f.code) for f in text_only) == [(1, "unusable"), (5, "unusable")]
    entries = load_lexicon(lexicon).entries
    assert applicability_line(entries, "piper", True) == "piper: 3 of 3 entries apply (2 through their IPA, 1 by respelling)"
    assert applicability_line(entries, "espeak", False) == "espeak: 1 of 3 entries apply (1 by respelling, 2 not at all (IPA only))"
