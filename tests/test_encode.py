"""The streamed encoder: ffmpeg encodes as PCM arrives, and the encoded stream is decoded and checked on the way."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import ExportError
from pipeline.stages.encode import StreamEncoder, decode_float_blocks, encode_command
from pipeline.stages.loudness import float_to_pcm16, measure_float32

RATE = 22050


def _speechlike(seconds: float = 6.0) -> bytes:
    """Bursts of a harmonic tone with a click in the middle of the fourth second: peaks to find, silence between."""
    t = np.arange(round(seconds * RATE)) / RATE
    tone = 0.25 * np.sin(2 * np.pi * 220 * t) + 0.12 * np.sin(2 * np.pi * 1330 * t)
    envelope = (np.sin(2 * np.pi * 1.5 * t) > 0).astype(np.float32)
    samples = (tone * envelope).astype(np.float32)
    if seconds > 3.5:
        samples[round(3.5 * RATE)] = 0.95
    return float_to_pcm16(samples)


def _encode(path: Path, audio_format: str, pcm: bytes, check=lambda blocks: measure_float32(blocks, 48000)):
    stream = StreamEncoder(path, audio_format=audio_format, sample_rate=RATE, bitrate=None, tags={"title": "t"},
                           check=check)
    try:
        for start in range(0, len(pcm), 8820):
            stream.write(pcm[start : start + 8820])
        return stream.finish()
    except BaseException:
        stream.abort()
        raise


@pytest.mark.parametrize("audio_format", ["mp3", "ogg", "wav"])
def test_the_checked_stream_measures_what_the_written_file_decodes_to(tmp_path, audio_format):
    path = tmp_path / f"out.{audio_format}"
    checked = _encode(path, audio_format, _speechlike())
    from_file = measure_float32(decode_float_blocks(path), 48000)
    assert checked.lufs == pytest.approx(from_file.lufs, abs=0.02)
    assert checked.true_peak_dbfs == pytest.approx(from_file.true_peak_dbfs, abs=0.05)
    # The loud blocks sit at the same 10 ms positions: an encoder delay left in would shift them.
    loudest = lambda m: int(m.block_peaks.index[np.argmax(m.block_peaks.peak)])  # noqa: E731
    assert loudest(checked) == loudest(from_file) == 350


@pytest.mark.parametrize("audio_format", ["mp3", "ogg", "wav"])
def test_the_checked_stream_is_sample_for_sample_the_written_file(tmp_path, audio_format):
    path = tmp_path / f"out.{audio_format}"
    checked = _encode(path, audio_format, _speechlike(7.3), check=lambda blocks: b"".join(blocks))
    from_file = b"".join(decode_float_blocks(path))
    checked, from_file = np.frombuffer(checked, "<f4"), np.frombuffer(from_file, "<f4")
    # The same samples from the first (the decoder's delay trimmed); a streamed MP3 cannot say how much of its
    # last frame is padding (the file's LAME tag does), so the check may read up to two frames of it more.
    assert 0 <= len(checked) - len(from_file) <= (2 * 576 * 48000 // RATE if audio_format == "mp3" else 0)
    assert np.abs(checked[: len(from_file)] - from_file).max() < 1e-4


def test_a_path_with_the_tee_muxers_special_characters_is_written_as_named(tmp_path):
    path = tmp_path / "it's [draft] a|b: c.mp3"
    checked = _encode(path, "mp3", _speechlike(2.0))
    assert path.is_file() and math.isfinite(checked.lufs)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_a_check_that_fails_is_raised_and_stops_nothing_else(tmp_path):
    def failing(blocks):
        next(iter(blocks))
        raise ValueError("the check broke")

    with pytest.raises(ValueError, match="the check broke"):
        _encode(tmp_path / "out.mp3", "mp3", _speechlike(30.0), check=failing)


def test_an_unchecked_encode_returns_nothing_and_writes_the_file(tmp_path):
    path = tmp_path / "plain.ogg"
    assert _encode(path, "ogg", _speechlike(1.0), check=None) is None
    assert path.stat().st_size > 0


def test_the_checked_command_copies_the_stream_to_standard_output_and_never_fails_the_file_for_it():
    command = encode_command("/x/out.mp3", audio_format="mp3", sample_rate=RATE, bitrate="64k", tags={},
                             copy_to_stdout=True)
    assert command[-2:] == ["tee", "[f=mp3:id3v2_version=3]/x/out.mp3|[f=mp3:onfail=ignore]pipe:1"]


def test_a_decoder_that_cannot_start_is_an_export_error(tmp_path, monkeypatch):
    import pipeline.stages.encode as encode

    monkeypatch.setitem(encode.MUXER_OPTIONS, "mp3", {"f": "no_such_muxer"})
    with pytest.raises(ExportError, match="ffmpeg could not"):
        _encode(tmp_path / "out.mp3", "mp3", _speechlike(1.0))


def test_a_check_that_stops_reading_early_neither_hangs_the_encode_nor_spoils_the_file(tmp_path):
    import threading

    def first_block_only(blocks):
        return len(next(iter(blocks)))

    path = tmp_path / "out.mp3"
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(result=_encode(path, "mp3", _speechlike(60.0),
                                                                          check=first_block_only)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the encode hung on a check that stopped reading"
    assert outcome["result"] > 0
    decoded = b"".join(decode_float_blocks(path))
    assert len(decoded) / 4 / 48000 == pytest.approx(60.0, abs=0.2)  # the whole minute is in the file


def test_a_checker_that_dies_stops_an_mp3_encode_with_its_reason(tmp_path, monkeypatch):
    import pipeline.stages.encode as encode
    from pipeline.stages.encode import LameEncoder

    # A decoder that reads a little, then exits: the rest of the file would go out unmeasured.
    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\nhead -c 1000 > /dev/null\necho 'decoder gave up' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(encode, "check_decode_command", lambda audio_format, rate: [str(fake)])
    stream = LameEncoder(tmp_path / "out.mp3", sample_rate=RATE, bitrate="64k", tags={},
                         check=lambda blocks: measure_float32(blocks, RATE))
    pcm = _speechlike(120.0)
    with pytest.raises(ExportError, match="decoder gave up"):
        try:
            for start in range(0, len(pcm), 8820):
                stream.write(pcm[start : start + 8820])
            stream.finish()
        except BaseException:
            stream.abort()
            raise


def test_the_bundled_ffmpeg_is_imageio_ffmpegs_found_without_running_anything(monkeypatch):
    import subprocess

    import imageio_ffmpeg

    from pipeline.stages import encode

    expected = imageio_ffmpeg.get_ffmpeg_exe()
    monkeypatch.delenv("ARTICLE_AUDIO_FFMPEG", raising=False)
    monkeypatch.delenv("IMAGEIO_FFMPEG_EXE", raising=False)
    encode._bundled_ffmpeg.cache_clear()
    imageio_ffmpeg._utils._get_ffmpeg_exe.cache_clear()  # it would run `ffmpeg -version` again

    def no_process(*args, **kwargs):
        raise AssertionError("ran a process to find ffmpeg")

    monkeypatch.setattr(subprocess.Popen, "__init__", no_process)
    assert encode.ffmpeg_executable() == expected


def test_imageio_ffmpegs_own_setting_is_still_obeyed(monkeypatch, tmp_path):
    from pipeline.stages.encode import ffmpeg_executable

    monkeypatch.delenv("ARTICLE_AUDIO_FFMPEG", raising=False)
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(tmp_path / "their-ffmpeg"))
    assert ffmpeg_executable() == str(tmp_path / "their-ffmpeg")
