"""End to end with the real engine and ffmpeg: decode the rendition and check it against its report."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from pipeline.lexicon.model import EMPTY_LEXICON, load_lexicon
from pipeline.render import render
from pipeline.settings import RenderSettings
from pipeline.stages.article import read_article
from pipeline.stages.encode import decode_to_pcm, ffmpeg_executable
from pipeline.stages.report import vtt_timestamp

pytestmark = pytest.mark.e2e


def ffmpeg_info(path) -> str:
    return subprocess.run([ffmpeg_executable(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr


def ebur128(path) -> tuple[float, float]:
    """Integrated loudness and true peak as ffmpeg's own EBU R128 meter measures them."""
    result = subprocess.run(
        [ffmpeg_executable(), "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True,
    )
    integrated = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", result.stderr)[-1])
    peak = float(re.findall(r"Peak:\s+(-?[\d.]+|-inf) dBFS", result.stderr)[-1])
    return integrated, peak


def parse_vtt(text: str) -> list[tuple[str, str, str]]:
    assert text.startswith("WEBVTT\n")
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        number, times, *lines = block.split("\n")
        start, end = times.split(" --> ")
        cues.append((start, end, " ".join(lines)))
    return cues


@pytest.fixture(scope="module")
def sample_render(tmp_path_factory, espeak_engine):
    from tests.conftest import DATA

    out = tmp_path_factory.mktemp("render") / "sample.mp3"
    result = render(
        read_article(DATA / "sample_article.md"),
        lexicon=load_lexicon(DATA / "sample_lexicon.toml"),
        settings=RenderSettings(),
        out=out,
        engine=espeak_engine,
    )
    return result


def test_outputs_exist_and_nothing_partial(sample_render):
    folder = sample_render.audio_path.parent
    assert sorted(p.name for p in folder.iterdir()) == ["sample.json", "sample.mp3", "sample.vtt"]


def test_mp3_decodes_mono_22k_with_reported_duration(sample_render):
    info = ffmpeg_info(sample_render.audio_path)
    assert re.search(r"Audio: mp3.*22050 Hz, mono", info)
    pcm, rate = decode_to_pcm(sample_render.audio_path, 22050)
    decoded_seconds = len(pcm) / 2 / rate
    assert decoded_seconds == pytest.approx(sample_render.report["duration_seconds"], abs=0.1)


def test_tags(sample_render):
    info = ffmpeg_info(sample_render.audio_path)
    assert re.search(r"title\s*: Province pledges", info)
    assert re.search(r"artist\s*: article-audio", info)
    assert re.search(r"comment\s*: This audio is machine-generated", info)


def test_loudness_measured_by_ffmpeg(sample_render):
    integrated, peak = ebur128(sample_render.audio_path)
    assert integrated == pytest.approx(-16.0, abs=1.0)
    assert peak <= -1.0


def test_estimate_within_five_percent(sample_render):
    report = sample_render.report
    assert report["estimate"]["seconds"] == pytest.approx(report["duration_seconds"], rel=0.05)
    assert report["estimate"]["label"] == "Estimated 3 minutes"


def html_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_report_sentences_and_vtt_agree(sample_render):
    report = json.loads(sample_render.report_path.read_text(encoding="utf-8"))
    assert report == sample_render.report
    cues = parse_vtt(sample_render.captions_path.read_text(encoding="utf-8"))
    sentences = report["sentences"]
    assert len(cues) == len(sentences) > 10
    for (start, end, text), sentence in zip(cues, sentences):
        assert start == vtt_timestamp(sentence["start_ms"])
        assert end == vtt_timestamp(sentence["end_ms"])
        assert re.sub(r"<[\d:.]+>", "", text) == html_escaped(sentence["text"])
        # a timestamp before each word the engine timed after the cue's start: the report's words, in the text
        stamps = re.findall(r"<([\d:.]+)>", text)
        timed = [vtt_timestamp(w["start_ms"]) for w in sentence["words"] if w["start_ms"] > sentence["start_ms"]]
        assert stamps == timed and len(sentence["words"]) >= 0.8 * len(sentence["text"].split())
    starts = [s["start_ms"] for s in sentences]
    assert starts == sorted(starts) and sentences[-1]["end_ms"] <= report["duration_seconds"] * 1000


def test_sentence_timings_land_on_speech(sample_render):
    pcm, rate = decode_to_pcm(sample_render.audio_path, 22050)
    import numpy as np

    samples = np.frombuffer(pcm, dtype="<i2").astype(float)
    for sentence in sample_render.report["sentences"]:
        start, end = (round(sentence[key] * rate / 1000) for key in ("start_ms", "end_ms"))
        inside = np.sqrt(np.mean(samples[start:end] ** 2))
        gap = samples[end + round(0.1 * rate) : end + round(0.3 * rate)]
        assert inside > 1000  # speech
        assert np.sqrt(np.mean(gap**2)) < 300  # the pause after it (MP3 adds a little noise)


def test_report_records_settings_and_lexicon(sample_render):
    report = sample_render.report
    assert len(report["input_sha256"]) == 64
    settings = report["settings"]
    assert settings["engine"] == "espeak" and settings["voice"] == "gmw/en-us" and settings["rate"] == 170
    assert "espeak-ng 1.52" in settings["engine_version"] and len(settings["lexicon_sha256"]) == 64
    fired = {word for sentence in report["sentences"] for word in sentence["lexicon"]}
    assert "Cwmderwen" in fired
    title = report["sentences"][0]
    assert title["paragraph"] == 0 and "Cwmderwen" in title["lexicon"] and "Cwmderwen" not in title["spoken"]


def test_long_sentence_is_one_sentence_in_pieces(sample_render):
    long = [s for s in sample_render.report["sentences"] if len(s["text"]) > 300]
    assert len(long) == 1


@pytest.mark.parametrize("audio_format, pattern", [("ogg", r"Audio: opus.*48000 Hz, mono"), ("wav", r"pcm_s16le.*22050 Hz.*mono")])
def test_other_formats(tmp_path, espeak_engine, audio_format, pattern):
    from pipeline.lexicon.model import EMPTY_LEXICON
    from pipeline.stages.article import parse_article

    article = parse_article(b"# Short item\n\nThe ferry returns to service on Monday at 5 p.m., officials said.")
    out = tmp_path / f"short.{audio_format}"
    result = render(article, lexicon=EMPTY_LEXICON, settings=RenderSettings(format=audio_format), out=out,
                    engine=espeak_engine)
    assert re.search(pattern, ffmpeg_info(out))
    pcm, rate = decode_to_pcm(out, 22050)
    assert len(pcm) / 2 / rate == pytest.approx(result.report["duration_seconds"], abs=0.1)


@pytest.mark.parametrize("audio_format, article, overlap", [
    ("mp3", "06-science-lake-cores.md", True),  # its MP3 overshot the ceiling when leveled before encoding
    ("ogg", "06-science-lake-cores.md", True),  # its Opus encode overshoots by about 2 dB
    ("ogg", "17-budget-numbers.md", False),  # as a batch worker renders: leveled whole, on one core
    ("wav", "01-city-council.md", True),
])
def test_the_delivered_file_meets_the_target_and_the_report_says_what_it_measures(
        tmp_path, espeak_engine, audio_format, article, overlap):
    from tests.conftest import FIXTURES

    result = render(read_article(FIXTURES / "corpus" / article), lexicon=EMPTY_LEXICON,
                    settings=RenderSettings(format=audio_format), out=tmp_path / f"a.{audio_format}",
                    engine=espeak_engine, overlap_encoding=overlap)
    integrated, peak = ebur128(result.audio_path)  # ffmpeg's own meter, on the file a listener downloads
    assert integrated == pytest.approx(-16.0, abs=1.0) and peak <= -1.0
    loudness = result.report["loudness"]
    assert loudness["in_spec"] is True
    assert loudness["output_lufs"] == pytest.approx(integrated, abs=0.15)
    assert loudness["true_peak_dbfs"] == pytest.approx(peak, abs=0.15)
