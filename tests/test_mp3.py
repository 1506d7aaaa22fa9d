"""MP3 in process: LAME's frames behind an ID3v2.3 tag and a LAME Info frame that players and tools read."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import ExportError
from pipeline.stages.encode import decode_to_pcm
from pipeline.stages.loudness import float_to_pcm16
from pipeline.stages.mp3 import ENCODER_DELAY, Mp3Writer, _crc16, id3v2_tag

RATE = 22050


def _tone(seconds: float, rate: int = RATE) -> bytes:
    t = np.arange(round(seconds * rate)) / rate
    return float_to_pcm16((0.3 * np.sin(2 * np.pi * 330 * t) * (np.sin(2 * np.pi * 2 * t) > 0)).astype(np.float32))


def _write(path, pcm: bytes, pieces: list[int] | None = None, rate: int = RATE, **tags) -> bytes:
    writer = Mp3Writer(path, sample_rate=rate, bitrate_kbps=64 if rate < 32000 else 128, tags=tags)
    start = 0
    for size in pieces or [len(pcm)]:
        writer.encode(pcm[start : start + size])
        start += size
    writer.encode(pcm[start:])
    writer.finish()
    return path.read_bytes()


@pytest.mark.parametrize("rate", [22050, 16000, 44100])
@pytest.mark.parametrize("seconds", [0.3, 7.77])
def test_a_decoder_trims_the_delay_and_padding_and_gets_the_program_back(tmp_path, rate, seconds):
    pcm = _tone(seconds, rate)
    _write(tmp_path / "a.mp3", pcm, rate=rate)
    decoded, decoded_rate = decode_to_pcm(tmp_path / "a.mp3")
    assert decoded_rate == rate
    assert len(decoded) == len(pcm)  # sample for sample: the Info frame's delay and padding are read
    original, back = (np.frombuffer(x, "<i2").astype(float) for x in (pcm, decoded))
    # Aligned, not shifted by the encoder's delay: the waveform matches where it is loudest.
    assert np.corrcoef(original, back)[0, 1] > 0.95


def test_mutagen_reads_the_tags_and_the_exact_length(tmp_path):
    from mutagen.mp3 import MP3

    pcm = _tone(5.0)
    _write(tmp_path / "a.mp3", pcm, title="Été à Montréal: “le traversier” 東京", artist="article-audio",
           comment="Machine-generated; mispronunciations can occur.", album="")
    audio = MP3(tmp_path / "a.mp3")
    assert str(audio.tags["TIT2"]) == "Été à Montréal: “le traversier” 東京"
    assert str(audio.tags["TPE1"]) == "article-audio"
    assert [str(frame) for frame in audio.tags.getall("COMM")] == ["Machine-generated; mispronunciations can occur."]
    assert "TALB" not in audio.tags  # empty tags are left out
    assert audio.info.sample_rate == RATE and audio.info.channels == 1 and audio.info.bitrate == 64000
    assert audio.info.encoder_info.startswith("LAME")
    assert audio.info.length == pytest.approx(len(pcm) / 2 / RATE, abs=1 / RATE)


def test_ffmpeg_reads_the_tags(tmp_path):
    import subprocess

    from pipeline.stages.encode import ffmpeg_executable

    _write(tmp_path / "a.mp3", _tone(1.0), title="Ferry vote", artist="article-audio", comment="A note")
    info = subprocess.run([ffmpeg_executable(), "-hide_banner", "-i", str(tmp_path / "a.mp3")], capture_output=True,
                          text=True).stderr
    for line in ("title           : Ferry vote", "artist          : article-audio", "comment         : A note"):
        assert line in info


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 9000), max_size=8))
def test_pieces_of_any_size_make_the_same_file(tmp_path_factory, pieces):
    folder = tmp_path_factory.mktemp("mp3")
    pcm = _tone(2.0)
    whole = _write(folder / "whole.mp3", pcm)
    assert _write(folder / "pieces.mp3", pcm, pieces=[2 * size for size in pieces]) == whole


def test_the_info_frame_counts_every_frame_and_says_the_delay(tmp_path):
    data = _write(tmp_path / "a.mp3", _tone(3.0))
    info = data.index(b"Info")
    frames, size = int.from_bytes(data[info + 8 : info + 12], "big"), int.from_bytes(data[info + 12 : info + 16], "big")
    assert size == len(data) - (info - 4 - 9)  # the Info frame and every audio frame, not the ID3 tag
    frame_start = info - 4 - 9
    flags = int.from_bytes(data[info + 4 : info + 8], "big")
    assert flags == 0x0F  # frames, bytes, a seek table and a quality, as LAME writes them
    toc = data[info + 16 : info + 116]
    assert toc[0] == 0 and list(toc) == sorted(toc)
    first_audio = frame_start + 208  # 64 kbit/s at 22,050 Hz: 208 bytes without a padding slot
    # The Info frame's header says the stream's bitrate: a reader may take a CBR file's bitrate from it.
    assert data[frame_start + 2] >> 4 == data[first_audio + 2] >> 4 == 8
    lame = data.index(b"LAME3.100")
    delay_and_padding = int.from_bytes(data[lame + 21 : lame + 24], "big")
    assert delay_and_padding >> 12 == ENCODER_DELAY
    # Frames of 576 samples hold the delay, the program and a padding of less than LAME's two flushed frames.
    assert 0 <= frames * 576 - ENCODER_DELAY - 3 * RATE == delay_and_padding & 4095 < 2 * 576
    assert int.from_bytes(data[lame + 34 : lame + 36], "big") == _crc16(data[frame_start : lame + 34])


def test_the_tag_checksum_is_lames_crc16():
    assert _crc16(b"123456789") == 0xBB3D  # CRC-16/ARC check value


def test_an_id3_tag_declares_its_own_size():
    tag = id3v2_tag({"title": "x" * 300})
    size = sum(byte << shift for byte, shift in zip(tag[6:10], (21, 14, 7, 0)))
    assert tag[:5] == b"ID3\x03\x00" and size == len(tag) - 10


@pytest.mark.parametrize("rate, kbps, fragment", [(22050, 192, "cannot be 192 kbit/s"), (22000, 64, "cannot carry 22000 Hz")])
def test_settings_lame_cannot_honour_are_refused_with_the_fix(tmp_path, rate, kbps, fragment):
    with pytest.raises(ExportError, match=fragment):
        Mp3Writer(tmp_path / "a.mp3", sample_rate=rate, bitrate_kbps=kbps, tags={})
