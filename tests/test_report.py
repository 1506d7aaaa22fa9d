"""Report and captions: timestamps, escaping, JSON that any parser accepts."""

from __future__ import annotations

import json
import re

import pytest

from pipeline.lexicon.model import Piece
from pipeline.stages.normalize import normalize_sentence

from pipeline.stages.loudness import LoudnessResult
from pipeline.stages.report import (
    build_vtt,
    loudness_summary,
    report_json,
    vtt_timestamp,
)
from pipeline.stages.script import ScriptSentence
from pipeline.stages.stitch import SpokenWord, Timing
from pipeline.stages.word_timings import WordMap


@pytest.mark.parametrize(
    "milliseconds, stamp",
    [(0, "00:00:00.000"), (1, "00:00:00.001"), (61_001, "00:01:01.001"), (3_600_000 + 59_999, "01:00:59.999")],
)
def test_vtt_timestamp(milliseconds, stamp):
    assert vtt_timestamp(milliseconds) == stamp


def test_vtt_cues_escape_and_number():
    script = (
        ScriptSentence(0, "Q&A <live> --> now", "Q and A live now", ()),
        ScriptSentence(1, "Second\nline.", "Second line.", ()),
    )
    vtt = build_vtt(script, (Timing(300, 1200), Timing(1650, 2500)))
    assert vtt == (
        "WEBVTT\n\n1\n00:00:00.300 --> 00:00:01.200\nQ&amp;A &lt;live&gt; --&gt; now\n\n"
        "2\n00:00:01.650 --> 00:00:02.500\nSecond line.\n"
    )


def test_loudness_of_silence_is_null_in_json():
    summary = loudness_summary(LoudnessResult(float("-inf"), float("-inf"), 0.0, False), 1)
    assert summary["output_lufs"] is None and summary["true_peak_dbfs"] is None
    assert json.loads(report_json({"loudness": summary}))["loudness"]["output_lufs"] is None


def test_text_sha256_is_the_rule_a_web_page_can_follow():
    """The documented rule: white space runs as one space, sentences joined by a newline, UTF-8, SHA-256."""
    import hashlib

    from pipeline.stages.report import text_sha256

    sentences = ["Ferry  back", "The ferry\nreturns Monday.", "  Fares stay — the same. "]
    expected = hashlib.sha256("Ferry back\nThe ferry returns Monday.\nFares stay — the same.".encode()).hexdigest()
    assert text_sha256(sentences) == expected
    assert text_sha256(["Ferry back", "The ferry returns Monday.", "Fares stay — the same."]) == expected
    assert text_sha256(["Ferry back."]) != text_sha256(["Ferry back"])


def test_the_report_carries_the_text_hash_of_its_sentences(tmp_path):
    from pipeline.engines.tone import ToneEngine
    from pipeline.lexicon.model import EMPTY_LEXICON
    from pipeline.render import render
    from pipeline.settings import RenderSettings
    from pipeline.stages.article import parse_article
    from pipeline.stages.report import text_sha256

    result = render(parse_article(b"# Ferry back\n\nThe ferry returns Monday. Crews finished early."),
                    lexicon=EMPTY_LEXICON, settings=RenderSettings(engine="tone", format="wav"),
                    out=tmp_path / "a.wav", engine=ToneEngine())
    report = json.loads(result.report_path.read_text())
    assert report["text_sha256"] == text_sha256(s["text"] for s in report["sentences"])


def test_the_report_lists_what_was_not_spoken_and_what_to_check(tmp_path):
    from pipeline.engines.tone import ToneEngine
    from pipeline.lexicon.model import EMPTY_LEXICON
    from pipeline.render import render
    from pipeline.settings import RenderSettings
    from pipeline.stages.article import parse_article

    result = render(parse_article("# Ferry back\n\nThe QXR ferry 🚢 returns <i>Monday</i>.".encode()),
                    lexicon=EMPTY_LEXICON, settings=RenderSettings(engine="tone", format="wav"),
                    out=tmp_path / "a.wav", engine=ToneEngine())
    sentence = json.loads(result.report_path.read_text())["sentences"][1]
    assert [(item["text"], item["reason"]) for item in sentence["not_spoken"]] == [
        ("🚢", "emoji"), ("<i>", "markup"), ("</i>", "markup")]
    assert all(sentence["text"][item["char_start"]:item["char_end"]] == item["text"] for item in sentence["not_spoken"])
    assert sentence["flags"] == [{"char_start": 4, "char_end": 7, "text": "QXR", "spoken": "Q X R",
                                  "reason": "capitals no table knows, spelled"}]


def _render_tone(tmp_path, text: str, **options):
    from pipeline.engines.tone import ToneEngine
    from pipeline.lexicon.model import EMPTY_LEXICON
    from pipeline.render import render
    from pipeline.settings import RenderSettings
    from pipeline.stages.article import parse_article

    return render(parse_article(text.encode()), lexicon=EMPTY_LEXICON,
                  settings=RenderSettings(engine="tone", format="wav"), out=tmp_path / "a.wav", engine=ToneEngine(),
                  **options)


def test_the_report_times_every_written_word_inside_its_sentence(tmp_path):
    # Canadian Press style: dateline, money, a score; the tone engine times each character exactly
    result = _render_tone(tmp_path, "# Leafs edge Habs\n\nTORONTO (CP) — The Leafs won 6-7 (3/7) at 12.30, "
                                    "and the club's owner pledged $1.2 million. Ms Roy said nothing.")
    report = json.loads(result.report_path.read_text())
    for sentence in report["sentences"]:
        words = sentence["words"]
        assert words and all(set(word) == {"text", "start_ms", "end_ms", "char_start", "char_end"} for word in words)
        assert all(sentence["text"][w["char_start"]:w["char_end"]] == w["text"] for w in words)
        assert all(sentence["start_ms"] <= w["start_ms"] <= w["end_ms"] <= sentence["end_ms"] for w in words)
        assert all(a["end_ms"] <= b["start_ms"] and a["char_end"] <= b["char_start"] for a, b in zip(words, words[1:]))
    body = report["sentences"][1]["words"]
    assert [w["text"] for w in body][:8] == ["TORONTO", "CP", "The", "Leafs", "won", "6-7 (3/7)", "at", "12.30"]
    assert "$1.2 million" in [w["text"] for w in body]


def test_cached_sentences_keep_their_word_timings(tmp_path):
    text = "# Ferry back\n\nThe ferry returns Monday. Crews finished early."
    first = _render_tone(tmp_path / "one", text, cache_dir=tmp_path / "cache")
    again = _render_tone(tmp_path / "two", text, cache_dir=tmp_path / "cache")
    assert again.from_cache == 3
    assert again.report["sentences"] == first.report["sentences"] and again.report["sentences"][1]["words"]
    assert again.captions_path.read_text() == first.captions_path.read_text()


def test_captions_carry_a_timestamp_before_each_timed_word():
    text = "Q&A <now>:  £3.8bn\nlater."
    normalized = normalize_sentence((Piece(text),))
    sentence = ScriptSentence(0, text, normalized.spoken, (), word_map=WordMap.of(normalized.spoken, normalized.pieces))
    engine_words = tuple(SpokenWord(word.start(), word.end(), 1000 + 100 * number, 1090 + 100 * number)
                         for number, word in enumerate(re.finditer(r"[^\W_]+", normalized.spoken)))
    cue = build_vtt((sentence,), (Timing.of(1000, 3000, engine_words),)).splitlines()[4]
    assert cue.startswith("Q&amp;A ") and "&lt;now&gt;" in cue and cue.endswith("later.")
    stamps = [int(stamp[-3:]) + 1000 * int(stamp[6:8]) for stamp in re.findall(r"<(\d\d:\d\d:\d\d\.\d{3})>", cue)]
    assert stamps == sorted(set(stamps)) and all(1000 < stamp < 3000 for stamp in stamps)
    assert "<00:00:01.300>£3.8bn" in cue  # one written word, from its first spoken word ("Q and Eh three ...")
