"""Chapters: Markdown headings and chapter lines in plain text start chapters, after a pause of their own, and
every format carries them (ID3 CHAP/CTOC in MP3, CHAPTERxxx comments in Ogg, read back with mutagen and ffmpeg;
Podcasting 2.0 JSON, a WebVTT chapters track and the report for all)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from pipeline.engines.tone import ToneEngine
from pipeline.lexicon.model import EMPTY_LEXICON
from pipeline.render import render
from pipeline.settings import RenderSettings
from pipeline.stages.article import parse_article
from pipeline.stages.chapters import Chapter, ffmetadata
from pipeline.stages.encode import ffmpeg_executable

BOOK = """# The Harbour Year

A short note before the first chapter.

CHAPTER I.

The ferry left at dawn. The gulls followed it.

Chapter 2: The Storm

Rain came in sideways.

## What the keeper saw

He counted the boats twice.
"""
TITLES = ["The Harbour Year", "CHAPTER I.", "Chapter 2: The Storm", "What the keeper saw"]


def _render(tmp_path, audio_format, text=BOOK, **settings):
    out = tmp_path / audio_format / f"book.{audio_format}"
    return render(parse_article(text.encode(), name="book"), lexicon=EMPTY_LEXICON,
                  settings=RenderSettings(engine="tone", format=audio_format, **settings), out=out, engine=ToneEngine())


def _ffmpeg_chapters(path) -> list[tuple[int, str]]:
    done = subprocess.run([ffmpeg_executable(), "-loglevel", "error", "-i", str(path), "-f", "ffmetadata", "-"],
                          capture_output=True, text=True, check=True)
    return [(int(start), title) for start, title in re.findall(r"START=(\d+)\nEND=\d+\ntitle=(.*)", done.stdout)]


@pytest.mark.parametrize("line, is_chapter", [
    ("CHAPTER II.", True), ("Chapter 4", True), ("PART ONE", True), ("Part Two", True), ("Book III: The Sea", True),
    ("PROLOGUE", True), ("Chapter 12 — Homecoming", True),
    ("Chapter and verse were quoted.", False), ("Part of the roof fell in.", False), ("CHAPTERS", False),
])
def test_chapter_lines_in_plain_text(line, is_chapter):
    article = parse_article(f"Title line\n\nBefore it.\n\n{line}\n\nAfter it.".encode())
    assert (article.chapters == (1,)) is is_chapter


def test_every_format_carries_the_chapters(tmp_path):
    from mutagen.id3 import ID3

    reports = {}
    for audio_format in ("mp3", "ogg", "wav"):
        result = _render(tmp_path, audio_format)
        reports[audio_format] = result.report
        chapters = result.report["chapters"]
        assert [c["title"] for c in chapters] == TITLES
        assert chapters[0]["start_ms"] == 0 and chapters[-1]["end_ms"] == round(result.report["duration_seconds"] * 1000)
        assert all(a["end_ms"] == b["start_ms"] for a, b in zip(chapters, chapters[1:]))
        document = json.loads(result.audio_path.with_suffix(".chapters.json").read_text(encoding="utf-8"))
        assert document["version"] == "1.2.0"
        assert [(c["title"], round(c["startTime"] * 1000)) for c in document["chapters"]] == \
            [(c["title"], c["start_ms"]) for c in chapters]
        track = result.audio_path.with_suffix(".chapters.vtt").read_text(encoding="utf-8")
        assert track.startswith("WEBVTT") and track.count(" --> ") == 4 and "Chapter 2: The Storm" in track
        if audio_format != "wav":
            read_back = _ffmpeg_chapters(result.audio_path)
            assert [title for _, title in read_back] == TITLES
            assert all(abs(start - c["start_ms"]) <= 80 for (start, _), c in zip(read_back, chapters))
    tags = ID3(tmp_path / "mp3" / "book.mp3")
    ctoc = tags.getall("CTOC")[0]
    frames = {frame.element_id: frame for frame in tags.getall("CHAP")}
    assert len(ctoc.child_element_ids) == 4 and set(ctoc.child_element_ids) == set(frames)
    assert [frames[i].sub_frames["TIT2"].text[0] for i in ctoc.child_element_ids] == TITLES
    assert [frames[i].start_time for i in ctoc.child_element_ids] == [c["start_ms"] for c in reports["mp3"]["chapters"]]
    assert str(tags["TIT2"]) == "The Harbour Year"  # the tags survive the chapter pass


def test_a_chapter_starts_after_a_pause_of_its_own(tmp_path):
    result = _render(tmp_path, "wav")
    sentences = result.report["sentences"]
    gaps = {s["text"]: s["start_ms"] - previous["end_ms"] for previous, s in zip(sentences, sentences[1:])}
    assert gaps["CHAPTER I."] >= 1500 and gaps["Chapter 2: The Storm"] >= 1500
    assert gaps["The gulls followed it."] < 1000  # a sentence pause
    shorter = _render(tmp_path / "short", "wav", pauses=RenderSettings().pauses.__class__(chapter=600))
    gaps = {s["text"]: s["start_ms"] - p["end_ms"] for p, s in zip(shorter.report["sentences"],
                                                                 shorter.report["sentences"][1:])}
    assert 600 <= gaps["CHAPTER I."] < 1000


def test_an_article_without_headings_has_no_chapters_and_loses_stale_ones(tmp_path):
    first = _render(tmp_path, "mp3")
    assert first.audio_path.with_suffix(".chapters.json").exists()
    again = _render(tmp_path, "mp3", text="# Ferry\n\nThe ferry left. It came back.\n")
    assert again.report["chapters"] == []
    assert not again.audio_path.with_suffix(".chapters.json").exists()
    assert not again.audio_path.with_suffix(".chapters.vtt").exists()
    assert _ffmpeg_chapters(again.audio_path) == []


def test_ffmetadata_escapes_what_ffmpeg_reads_as_syntax():
    text = ffmetadata([Chapter("A=B; #1 \\ end", 0, 10)])
    assert "title=A\\=B\\; \\#1 \\\\ end" in text
