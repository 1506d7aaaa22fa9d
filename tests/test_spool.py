"""The spool that keeps a program's raw audio: in memory while it is short, in a file beside the output once
it is long, read back identically; a render that spills to disk delivers the same audio and leaves nothing."""

from __future__ import annotations

import pytest

from pipeline.errors import ExportError
from pipeline.stages import spool as spool_module
from pipeline.stages.spool import PcmSpool, check_free_space


def test_a_short_program_stays_in_memory(tmp_path):
    made = []
    spool = PcmSpool(lambda: made.append(tmp_path / "s.partial") or made[-1], memory_limit=100)
    for piece in (b"ab", b"", b"cdef"):
        spool.append(piece)
    assert (len(spool), spool.nbytes, spool.on_disk, made) == (2, 6, False, [])
    assert list(spool) == [b"ab", b"cdef"] and spool[-1] == b"cdef"


def test_a_long_program_moves_to_a_file_and_reads_back_the_same(tmp_path):
    path = tmp_path / ".story.mp3.x.partial"
    spool = PcmSpool(lambda: path, memory_limit=10)
    pieces = [bytes([n]) * (n + 3) for n in range(20)]
    for piece in pieces[:5]:
        spool.append(piece)
    assert spool.on_disk and path.stat().st_size > 0
    for piece in pieces[5:]:
        spool.append(piece)
    assert list(spool) == pieces and spool[7] == pieces[7] and spool.nbytes == sum(map(len, pieces))
    assert list(spool) == pieces  # read again: a second loudness pass reads it twice
    with pytest.raises(IndexError):
        spool[20]
    spool.close()


def test_free_space_is_checked_only_for_a_book(tmp_path, monkeypatch):
    monkeypatch.setattr(spool_module.shutil, "disk_usage", lambda folder: type("Usage", (), {"free": 200 * 1024 ** 2}))
    check_free_space(tmp_path, 15 * 60, 22050, "story.mp3")  # 15 minutes: in memory, nothing to check
    with pytest.raises(ExportError, match=r"story.mp3: no space left for this render: about 2\.\d GB is needed .* 12\.0 "
                                          r"hours of audio and .* has 200 MB; free some space or write elsewhere"):
        check_free_space(tmp_path, 12 * 3600, 22050, "story.mp3")


@pytest.mark.parametrize("audio_format", ["wav", "mp3"])
@pytest.mark.parametrize("overlap", [True, False])
def test_a_render_that_spills_its_audio_to_disk_delivers_the_same_file(tmp_path, monkeypatch, audio_format, overlap):
    from pipeline.engines.tone import ToneEngine
    from pipeline.lexicon.model import EMPTY_LEXICON
    from pipeline.render import render
    from pipeline.settings import RenderSettings
    from pipeline.stages.article import parse_article

    article = parse_article(("# Ferry\n\n" + "The ferry crossed the bay again at noon. " * 12).encode())
    settings = RenderSettings(engine="tone", format=audio_format)
    memory = render(article, lexicon=EMPTY_LEXICON, settings=settings, out=tmp_path / "a" / f"s.{audio_format}",
                    engine=ToneEngine(), overlap_encoding=overlap)
    monkeypatch.setattr(spool_module, "MEMORY_LIMIT_BYTES", 4096)
    spilled = render(article, lexicon=EMPTY_LEXICON, settings=settings, out=tmp_path / "b" / f"s.{audio_format}",
                     engine=ToneEngine(), overlap_encoding=overlap)
    assert spilled.report["duration_seconds"] == memory.report["duration_seconds"]
    assert spilled.report["loudness"] == memory.report["loudness"]
    if audio_format == "wav":
        assert spilled.audio_path.read_bytes() == memory.audio_path.read_bytes()
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == sorted([f"s.{audio_format}", "s.json", "s.vtt"])
