"""The orchestrator with the deterministic tone engine: exact sample counts and timings, every format."""

from __future__ import annotations

import json

import pytest

from pipeline.engines.tone import ToneEngine
from pipeline.lexicon.model import EMPTY_LEXICON, Entry, Lexicon
from pipeline.render import render
from pipeline.settings import Pauses, RenderSettings
from pipeline.stages.article import parse_article
from pipeline.stages.encode import decode_to_pcm
from pipeline.stages.stitch import silence_frames

ARTICLE = b"# Ferry back\n\nThe ferry returns Monday. Crews finished early.\n\nFares stay the same."
RATE = 22050


def expected_timings(sentences: list[str], pauses: Pauses) -> tuple[list[tuple[int, int]], int]:
    """Timings and total frames computed independently from the tone engine's exact lengths."""
    after = [pauses.title, pauses.sentence, pauses.paragraph, pauses.tail]
    position = silence_frames(pauses.lead, RATE)
    timings = []
    for text, pause in zip(sentences, after):
        start = position
        position += ToneEngine.frames_for(text, 170)
        timings.append((round(start * 1000 / RATE), round(position * 1000 / RATE)))
        position += silence_frames(pause, RATE)
    return timings, position


@pytest.mark.parametrize("overlap", [True, False], ids=["overlapped", "one-core"])
@pytest.mark.parametrize("pauses", [Pauses(), Pauses(lead=0, title=2000, sentence=100, paragraph=1234, tail=0)])
def test_exact_timings_and_length(tmp_path, pauses, overlap):
    settings = RenderSettings(engine="tone", format="wav", pauses=pauses)
    result = render(parse_article(ARTICLE), lexicon=EMPTY_LEXICON, settings=settings, out=tmp_path / "a.wav",
                    engine=ToneEngine(), overlap_encoding=overlap)
    sentences = ["Ferry back", "The ferry returns Monday.", "Crews finished early.", "Fares stay the same."]
    timings, frames = expected_timings(sentences, pauses)
    report = result.report
    assert [(s["start_ms"], s["end_ms"]) for s in report["sentences"]] == timings
    assert report["duration_seconds"] == round(frames / RATE, 3)
    pcm, rate = decode_to_pcm(result.audio_path, RATE)
    assert len(pcm) // 2 == frames


@pytest.mark.parametrize("overlap", [True, False], ids=["overlapped", "one-core"])
def test_rendition_is_leveled_to_the_target(tmp_path, overlap):
    from pipeline.stages.loudness import integrated_loudness, pcm16_to_float

    text = b"# Tides\n\n" + b" ".join(b"Sentence number %d keeps the harbour talking." % i for i in range(40))
    result = render(parse_article(text), lexicon=EMPTY_LEXICON, settings=RenderSettings(engine="tone", format="wav"),
                    out=tmp_path / "a.wav", engine=ToneEngine(), overlap_encoding=overlap)
    loudness = result.report["loudness"]
    pcm, rate = decode_to_pcm(result.audio_path, RATE)
    measured = integrated_loudness(pcm16_to_float(pcm), rate)
    assert measured == pytest.approx(loudness["output_lufs"], abs=0.05)
    # Leveled with the whole program in hand it lands within 0.2 LU; the streamed warm-up guess is allowed 0.5.
    assert measured == pytest.approx(-16.0, abs=0.5 if overlap else 0.2)
    assert loudness["passes"] == 1 and loudness["true_peak_dbfs"] <= -1.0


def test_lexicon_feeds_the_engine_and_the_report(tmp_path):
    engine = ToneEngine()
    lexicon = Lexicon(entries=(Entry("ferry", "fairy boat"),))
    result = render(parse_article(ARTICLE), lexicon=lexicon, settings=RenderSettings(engine="tone", format="wav"),
                    out=tmp_path / "a.wav", engine=engine)
    assert engine.calls[1] == "The fairy boat returns Monday."
    sentences = json.loads(result.report_path.read_text())["sentences"]
    assert [s["lexicon"] for s in sentences] == [["ferry"], ["ferry"], [], []]
    assert sentences[1]["text"] == "The ferry returns Monday." and sentences[1]["spoken"] == "The fairy boat returns Monday."


def test_rerender_replaces_outputs_atomically(tmp_path):
    out = tmp_path / "a.mp3"
    settings = RenderSettings(engine="tone")
    render(parse_article(ARTICLE), lexicon=EMPTY_LEXICON, settings=settings, out=out, engine=ToneEngine())
    first = out.read_bytes()
    render(parse_article(ARTICLE + b" More."), lexicon=EMPTY_LEXICON, settings=settings, out=out, engine=ToneEngine())
    assert out.read_bytes() != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "a.mp3", "a.vtt"]


@pytest.mark.parametrize("overlap", [True, False], ids=["overlapped", "one-core"])
def test_full_disk_while_encoding_is_one_clear_error_and_no_file(tmp_path, monkeypatch, overlap):
    from pipeline.errors import ExportError

    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\ncat > /dev/null\necho 'Error writing trailer: No space left on device' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("ARTICLE_AUDIO_FFMPEG", str(fake))
    out = tmp_path / "out" / "a.ogg"
    out.parent.mkdir()
    with pytest.raises(ExportError, match="no space left on the device"):
        render(parse_article(ARTICLE), lexicon=EMPTY_LEXICON, settings=RenderSettings(engine="tone", format="ogg"),
               out=out, engine=ToneEngine(), overlap_encoding=overlap)
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize("overlap", [True, False], ids=["overlapped", "one-core"])
def test_full_disk_while_lame_writes_is_one_clear_error_and_no_file(tmp_path, monkeypatch, overlap):
    import errno

    import pipeline.stages.mp3 as mp3
    from pipeline.errors import ExportError

    real_write = mp3.Mp3Writer._write

    def full(self, encoded):
        if encoded:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, encoded)

    monkeypatch.setattr(mp3.Mp3Writer, "_write", full)
    out = tmp_path / "out" / "a.mp3"
    out.parent.mkdir()
    with pytest.raises(ExportError, match="no space left on the device"):
        render(parse_article(ARTICLE), lexicon=EMPTY_LEXICON, settings=RenderSettings(engine="tone"), out=out,
               engine=ToneEngine(), overlap_encoding=overlap)
    assert list(out.parent.iterdir()) == []


class ClickEngine(ToneEngine):
    """Speaks every sentence as silence with one full-scale click: a program no leveler can bring to -16 LUFS."""

    def synthesize(self, text, voice, rate):
        audio = super().synthesize(text, voice, rate)
        samples = bytearray(len(audio.samples))
        samples[len(samples) // 2 : len(samples) // 2 + 2] = (32000).to_bytes(2, "little", signed=True)
        return type(audio)(bytes(samples), audio.sample_rate)


@pytest.mark.parametrize("audio_format", ["wav", "mp3", "ogg"])
@pytest.mark.parametrize("overlap", [True, False], ids=["overlapped", "one-core"])
def test_a_program_that_cannot_reach_the_target_is_not_made_worse_and_the_report_says_so(
        tmp_path, audio_format, overlap):
    from pipeline.stages.encode import checking_rate, decode_float_blocks
    from pipeline.stages.loudness import measure_float32

    result = render(parse_article(ARTICLE), lexicon=EMPTY_LEXICON,
                    settings=RenderSettings(engine="tone", format=audio_format), out=tmp_path / f"a.{audio_format}",
                    engine=ClickEngine(), overlap_encoding=overlap)
    loudness = result.report["loudness"]
    # Read as the render's check reads it: at the rate its decoder gives (22,050 Hz; 48 kHz for Opus). A
    # resample to 48 kHz cuts the top of a click's spectrum: for WAV that reads 0.17 LU quieter.
    rate = checking_rate(audio_format, ToneEngine.sample_rate)
    measured = measure_float32(decode_float_blocks(result.audio_path, rate), rate)
    assert loudness["output_lufs"] == pytest.approx(measured.lufs, abs=0.05)
    assert measured.true_peak_dbfs <= -1.0  # the ceiling holds even where the loudness cannot be reached
    at_48k = measure_float32(decode_float_blocks(result.audio_path, 48000), 48000)
    assert at_48k.true_peak_dbfs <= -1.0  # and as a player resampling to 48 kHz meets it
    assert loudness["in_spec"] is False and measured.lufs < -20  # no gain piled onto clicks, and it says so
    assert loudness["gain_db"] < 40 and loudness["passes"] <= 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["a.json", f"a.{audio_format}", "a.vtt"])  # no scratch


def test_a_streamed_render_that_decodes_in_spec_never_levels_the_program_again(tmp_path, monkeypatch):
    # The file is decoded and measured anyway: the leveler's own reading (another pass) is for a miss only.
    from pipeline.stages.loudness import StreamingLeveler

    def refuse(self):
        raise AssertionError("the leveler measured its output again")

    monkeypatch.setattr(StreamingLeveler, "_measure_output", refuse)
    text = b"# Tides\n\n" + b" ".join(b"Sentence number %d keeps the harbour talking." % i for i in range(40))
    result = render(parse_article(text), lexicon=EMPTY_LEXICON, settings=RenderSettings(engine="tone"),
                    out=tmp_path / "a.mp3", engine=ToneEngine(), overlap_encoding=True)
    assert result.report["loudness"]["passes"] == 1 and result.report["loudness"]["in_spec"]


class LateLoudEngine(ToneEngine):
    """Whispers the first sentences (the whole warm-up) and speaks the rest at full voice."""

    spoken_pieces = 0

    def synthesize(self, text, voice, rate):
        audio = super().synthesize(text, voice, rate)
        self.spoken_pieces += 1
        if self.spoken_pieces > 8:
            return audio
        quiet = (int.from_bytes(audio.samples[i : i + 2], "little", signed=True) // 30
                 for i in range(0, len(audio.samples), 2))
        return type(audio)(b"".join(v.to_bytes(2, "little", signed=True) for v in quiet), audio.sample_rate)


def test_a_streamed_render_whose_warm_up_misjudged_the_program_is_leveled_whole_and_lands_in_spec(
        tmp_path, monkeypatch):
    from pipeline.stages.loudness import StreamingLeveler, level_program

    relevels, whole_levelings = [], []
    relevel = StreamingLeveler.relevel
    monkeypatch.setattr(StreamingLeveler, "relevel", lambda self: relevels.append(1) or relevel(self))
    monkeypatch.setattr("pipeline.render.level_program", lambda *a: whole_levelings.append(1) or level_program(*a))
    text = b" ".join(b"Sentence number %d keeps the harbour talking." % i for i in range(60))
    result = render(parse_article(text), lexicon=EMPTY_LEXICON, settings=RenderSettings(engine="tone"),
                    out=tmp_path / "a.mp3", engine=LateLoudEngine(), overlap_encoding=True)
    loudness = result.report["loudness"]
    assert relevels == [1] and whole_levelings == []  # a correction would start from the relevel, not level again
    assert loudness["passes"] == 2 and loudness["in_spec"]
    assert loudness["output_lufs"] == pytest.approx(-16.0, abs=0.5)


def test_a_render_that_fails_stops_the_synthesis_thread_before_it_returns(tmp_path):
    import threading

    class CountingEngine(ToneEngine):
        calls = 0

        def synthesize(self, text, voice, rate):
            CountingEngine.calls += 1
            return super().synthesize(text, voice, rate)

    def fail_at_the_third_sentence(done, total, seconds):
        if done == 3:
            raise RuntimeError("stopped by the test")

    before = threading.active_count()
    # The exception is kept (as the CLI keeps it while it reports it): its traceback holds render's frames, so
    # only render itself can have stopped the thread.
    with pytest.raises(RuntimeError, match="stopped by the test") as caught:
        render(parse_article(ARTICLE * 4), lexicon=EMPTY_LEXICON, settings=RenderSettings(engine="tone"),
               out=tmp_path / "a.mp3", engine=CountingEngine(), progress=fail_at_the_third_sentence)
    calls = CountingEngine.calls
    assert threading.active_count() == before  # no synthesis thread, encoder or check left running
    assert calls < 12  # read ahead of the third sentence by at most a few, then stopped
    threading.Event().wait(0.3)
    assert CountingEngine.calls == calls  # and nothing uses the engine after render has returned
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    assert caught.value is not None


class ShortPieceEngine(ToneEngine):
    """A tone engine that takes at most 40 characters in one call, as Piper takes at most 120."""

    max_piece_chars = 40


def test_an_engine_with_a_piece_limit_never_gets_a_longer_piece_even_behind_the_cache(tmp_path):
    engine = ShortPieceEngine()
    text = (b"# Tides\n\nThe harbour authority, meeting late on Tuesday evening, voted to dredge the channel "
            b"before the autumn storms arrive and the ferries stop.")
    result = render(parse_article(text), lexicon=EMPTY_LEXICON, settings=RenderSettings(engine="tone", format="wav"),
                    out=tmp_path / "a.wav", engine=engine, cache_dir=tmp_path / "cache")
    assert engine.calls and max(map(len, engine.calls)) <= 40
    assert result.report["estimate"]["seconds"] == pytest.approx(result.report["duration_seconds"], rel=0.05)


def test_engine_settings_take_the_engines_piece_limit_only_when_it_is_shorter():
    from pipeline.render import engine_settings

    assert engine_settings(RenderSettings(), ShortPieceEngine()).max_piece_chars == 40
    assert engine_settings(RenderSettings(max_piece_chars=30), ShortPieceEngine()).max_piece_chars == 30
    assert engine_settings(RenderSettings(), ToneEngine()) == RenderSettings()
