"""Audition page with the tone engine: context choice, both readings, escaping, and all-or-nothing output."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest

from pipeline.engines.base import Voice
from pipeline.engines.tone import ToneEngine
from pipeline.errors import EngineError
from pipeline.lexicon.audition import (
    IPA_ONLY_NOTE,
    LEAD_SILENCE_SECONDS,
    NOT_FIRED_NOTE,
    audition,
    carrier_sentence,
    context_sentences,
    corpus_sentences,
)
from pipeline.lexicon.model import Entry, Lexicon, Piece
from pipeline.stages.encode import decode_to_pcm
from pipeline.stages.normalize import normalize_pieces

RATE = 170
CORPUS = [
    (
        "# Cwmderwen bridge to reopen\n\n"
        "The province will spend $1.2 million to repair the bridge that has cut\n"
        "Cwmderwen off from its hospital since Nov. 3. The village council met. Residents of\n"
        "cwmderwen cheered.\n\n"
        "Officials from the NRTA said the work starts in May."
    ),
    "",
    "The nrta logo was unveiled. Many NRTAs exist.",
]


def tone_voice(engine: ToneEngine) -> Voice:
    return engine.voices()[0]


def seconds(text: str) -> float:
    return round(LEAD_SILENCE_SECONDS + ToneEngine.frames_for(text, RATE) / ToneEngine.sample_rate, 3)


def run(tmp_path, entries, *, engine=None, corpus=CORPUS, findings=None):
    engine = engine or ToneEngine()
    page = audition(Lexicon(entries=tuple(entries)), corpus, engine, tone_voice(engine), RATE, tmp_path / "out", findings)
    return page, json.loads((tmp_path / "out" / "index.json").read_text(encoding="utf-8"))


# --- context sentences --------------------------------------------------------------------------------


def test_corpus_is_read_as_articles_and_split_into_sentences():
    sentences = corpus_sentences(CORPUS)
    assert sentences[0] == "Cwmderwen bridge to reopen"  # the Markdown heading, without its '#'
    assert "Residents of cwmderwen cheered." in sentences  # a wrapped line joined back
    assert "The village council met." in sentences
    assert "Many NRTAs exist." in sentences


def test_context_prefers_the_shortest_corpus_sentence_the_entry_fires_in():
    entry = Entry("Cwmderwen", "koom dare wen", line=3)
    assert context_sentences([entry], CORPUS) == {entry: "Cwmderwen bridge to reopen"}
    only_body = [CORPUS[0].split("\n\n", 1)[1]]
    # case-insensitive by default: the lowercase mention counts, and it is the shorter sentence
    assert context_sentences([entry], only_body)[entry] == "Residents of cwmderwen cheered."


def test_case_sensitive_entry_matches_only_its_own_case():
    nrta = Entry("NRTA", "N R T A", case_sensitive=True, example="The NRTA met.")
    assert context_sentences([nrta], CORPUS)[nrta] == "Officials from the NRTA said the work starts in May."
    # "nrta" is the wrong case and "NRTAs" is not the whole word: neither counts, so the example is used
    assert context_sentences([nrta], [CORPUS[2]])[nrta] == "The NRTA met."
    loose = Entry("NRTA", "nurta")
    assert context_sentences([loose], [CORPUS[2]])[loose] == "The nrta logo was unveiled."


def test_example_then_carrier_when_the_corpus_has_no_match():
    with_example = Entry("Kahgee", "kah-ghee", example="  Chief Delia\n Kahgee spoke. ")
    bare = Entry("Gwenllian", "gwen hlee-an")
    found = context_sentences([with_example, bare], CORPUS)
    assert found[with_example] == "Chief Delia Kahgee spoke."
    assert found[bare] == "The word is Gwenllian."
    assert carrier_sentence(Entry("Ph.D.", "P H D")) == "The word is Ph.D."
    assert context_sentences([bare], []) == {bare: "The word is Gwenllian."}


def test_ipa_only_entry_finds_its_context_by_the_written_word():
    entry = Entry("Cwmderwen", ipa="kʊmˈdɛrwɛn")
    assert context_sentences([entry], CORPUS)[entry] == "Cwmderwen bridge to reopen"


# --- the audition -------------------------------------------------------------------------------------


def test_writes_page_and_json_with_both_readings(tmp_path):
    entry = Entry("Cwmderwen", "koom dare wen", ipa="kʊmˈdɛrwɛn", note="Welsh village", line=7)
    engine = ToneEngine()
    page, report = run(tmp_path, [entry], engine=engine, findings={7: ["never heard in the corpus"], 9: ["other"]})
    assert page == tmp_path / "out" / "index.html"
    assert sorted(path.name for path in page.parent.iterdir()) == ["index.html", "index.json"]  # no partials
    assert report["engine"] == "tone" and report["voice"] == "tone/a4" and report["rate"] == RATE
    [record] = report["entries"]
    default_spoken = normalize_pieces((Piece("Cwmderwen bridge to reopen"),))
    assert record == {
        "word": "Cwmderwen", "say": "koom dare wen", "ipa": "kʊmˈdɛrwɛn", "line": 7, "note": "Welsh village",
        "context": "Cwmderwen bridge to reopen", "context_source": "corpus",
        "default_spoken": default_spoken, "override_spoken": "koom dare wen bridge to reopen",
        "default_ipa": None, "override_ipa": None,  # the tone engine has no phonemes
        "findings": ["never heard in the corpus"], "notes": [],
        "durations": {"default": seconds(default_spoken), "override": seconds("koom dare wen bridge to reopen")},
    }
    assert engine.calls == [default_spoken, "koom dare wen bridge to reopen"]
    html = page.read_text(encoding="utf-8")
    assert "never heard in the corpus" in html and "other" not in html
    assert html.count('<audio controls preload="metadata"') == 2


def test_override_applies_only_that_entry_and_default_no_entry(tmp_path):
    entries = [Entry("Cwmderwen", "koom dare wen"), Entry("bridge", "BRIDGE-X")]
    _, report = run(tmp_path, entries)
    first, second = report["entries"]
    assert first["override_spoken"] == "koom dare wen bridge to reopen"  # "bridge" left alone
    assert "bridge-X" not in first["default_spoken"] and "koom" not in second["default_spoken"]
    assert second["override_spoken"] == "Cwmderwen bridge-X to reopen"  # stress capitals reach the engine lower-cased


def test_clips_are_real_mp3s_as_long_as_reported(tmp_path):
    page, report = run(tmp_path, [Entry("Gwenllian", "gwen hlee-an")])
    sources = re.findall(r'src="data:audio/mpeg;base64,([A-Za-z0-9+/=]+)"', page.read_text(encoding="utf-8"))
    assert len(sources) == 2
    expected = report["entries"][0]["durations"]
    for source, wanted in zip(sources, (expected["default"], expected["override"])):
        clip = tmp_path / "clip.mp3"
        clip.write_bytes(base64.b64decode(source))
        pcm, rate = decode_to_pcm(clip, 22050)
        assert len(pcm) / 2 / rate == pytest.approx(wanted, abs=0.08)  # MP3 frames round the length up a little


def test_ipa_only_entry_gets_the_default_clip_and_a_note(tmp_path):
    engine = ToneEngine()
    page, report = run(tmp_path, [Entry("Zorp", ipa="zɔrp", line=4)], engine=engine)
    [record] = report["entries"]
    assert record["say"] is None and record["override_spoken"] is None and record["override_ipa"] is None
    assert record["durations"] == {"default": seconds("The word is Zorp."), "override": None}
    assert record["notes"] == [IPA_ONLY_NOTE]
    assert engine.calls == ["The word is Zorp."]
    html = page.read_text(encoding="utf-8")
    assert html.count("<audio ") == 1 and "cannot use the IPA" in html and "/zɔrp/" in html


def test_example_the_entry_does_not_fire_in_is_flagged(tmp_path):
    _, report = run(tmp_path, [Entry("NRTA", "N R T A", case_sensitive=True, example="The nrta met.")], corpus=[])
    assert report["entries"][0]["notes"] == [NOT_FIRED_NOTE]


def test_ipa_of_both_readings_when_the_engine_gives_phonemes(tmp_path):
    class PhonemeTone(ToneEngine):
        def phonemes(self, text, voice):
            return ("k_ˈʊ_m  d_ɜː", "w_ə_n") if "koom" in text else ("k_ˈʊ_m_d_ɜː_w_ə_n",)

    _, report = run(tmp_path, [Entry("Cwmderwen", "koom dare wen")], engine=PhonemeTone())
    record = report["entries"][0]
    assert record["default_ipa"] == "kˈʊmdɜːwən"
    assert record["override_ipa"] == "kˈʊm dɜː wən"


def test_hostile_text_is_escaped_everywhere(tmp_path):
    hostile = Entry('<script>alert("w")</script>', 'say & <b>bold</b>', ipa="</td><img src=x onerror=alert(1)>",
                    note='"quoted" <i>note</i>', line=2)
    page, report = run(tmp_path, [hostile], findings={2: ["<img src=x onerror=alert(2)>"]})
    html = page.read_text(encoding="utf-8")
    assert html.count("<script") == 1  # only the page's own script
    for raw in ("<img", "<b>", "<i>", "</td><img"):
        assert raw not in html
    assert "&lt;script&gt;alert(&quot;w&quot;)&lt;/script&gt;" in html
    assert "say &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert report["entries"][0]["word"] == hostile.word  # the JSON keeps the text as written
    assert report["entries"][0]["findings"] == ["<img src=x onerror=alert(2)>"]


class _Structure(HTMLParser):
    """Checks that every non-void element is closed in order, and collects what the checks below need."""

    VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "source"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.inline: dict[str, list[str]] = {"style": [], "script": []}
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(f"unexpected </{tag}>")

    def handle_data(self, data):
        if self.stack and self.stack[-1] in self.inline:
            self.inline[self.stack[-1]].append(data)


def test_page_is_well_formed_self_contained_html5(tmp_path):
    entries = [Entry("Cwmderwen", "koom dare wen", line=3), Entry("Zorp", ipa="zɔrp", line=9)]
    page, _ = run(tmp_path, entries)
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert '<meta charset="utf-8">' in html and "<title>Pronunciation audition</title>" in html
    structure = _Structure()
    structure.feed(html)
    structure.close()
    assert structure.problems == [] and structure.stack == []
    # nothing is fetched: every src or href is a data: URI
    links = [value for _, attrs in structure.tags for key, value in attrs.items() if key in ("src", "href")]
    assert links and all(value.startswith("data:") for value in links)
    # the Content-Security-Policy admits exactly the inline style and script the page carries
    [policy] = [attrs["content"] for tag, attrs in structure.tags if attrs.get("http-equiv") == "Content-Security-Policy"]
    for kind in ("style", "script"):
        [text] = structure.inline[kind]
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
        assert f"{kind}-src 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy
    summary = next(attrs for tag, attrs in structure.tags if attrs.get("id") == "summary")
    assert summary["data-total"] == "3"


def test_empty_lexicon_still_writes_a_page(tmp_path):
    page, report = run(tmp_path, [])
    assert report["entries"] == [] and "no entries" in page.read_text(encoding="utf-8")


class FailingTone(ToneEngine):
    def __init__(self, fail_on_call: int) -> None:
        super().__init__()
        self.fail_on_call = fail_on_call

    def synthesize(self, text, voice, rate):
        if len(self.calls) + 1 == self.fail_on_call:
            raise EngineError("engine broke")
        return super().synthesize(text, voice, rate)


def test_a_failure_leaves_no_partial_files(tmp_path):
    entries = [Entry("Cwmderwen", "koom dare wen"), Entry("Gwenllian", "gwen hlee-an")]
    with pytest.raises(EngineError):
        run(tmp_path, entries, engine=FailingTone(fail_on_call=3))
    assert list((tmp_path / "out").iterdir()) == []


def test_a_failed_rerun_keeps_the_previous_page_whole(tmp_path, monkeypatch):
    entries = [Entry("Cwmderwen", "koom dare wen")]
    page, _ = run(tmp_path, entries)
    before = {path.name: path.read_bytes() for path in page.parent.iterdir()}
    with pytest.raises(EngineError):
        run(tmp_path, entries, engine=FailingTone(fail_on_call=2))

    # a failure after the page is staged, while the JSON is made, leaves nothing half-published either
    def broken_report(*args):
        raise RuntimeError("report broke")

    monkeypatch.setattr("pipeline.lexicon.audition.report", broken_report)
    with pytest.raises(RuntimeError):
        run(tmp_path, entries)
    assert {path.name: path.read_bytes() for path in page.parent.iterdir()} == before


def test_clips_go_to_the_engine_in_pieces_no_longer_than_it_takes(tmp_path):
    class ShortPieces(ToneEngine):
        max_piece_chars = 30

    engine = ShortPieces()
    run(tmp_path, [Entry("Cwmderwen", say="koom DERR wen")], engine=engine)
    assert engine.calls and max(map(len, engine.calls)) <= 30
