"""Publishing: collecting renditions from an output folder, index.json and the podcast feed."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pipeline.batch.publish import (
    ITUNES_NS,
    Rendition,
    collect_renditions,
    itunes_duration,
    write_feed,
    write_index,
)
from pipeline.errors import UsageError

BASE = "https://news.example.com/audio/"
SPECIAL_TITLE = 'Fish & chips < "Café" prices > 2024'
# 2025-01-02T03:04:05Z and an hour and a day later.
T0 = 1735787045


def feedparser():
    """The feedparser module; skipped when missing, except under CI, where a missing feedparser is a failure."""
    try:
        import feedparser as module
    except ImportError:
        reason = "feedparser is not installed (pip install feedparser) so the feed cannot be parsed"
        if "CI" in os.environ:
            pytest.fail(f"CI is set but {reason}; it belongs in the project's test extras", pytrace=False)
        pytest.skip(reason)
    return module


def make_rendition(
    folder: Path, stem: str, *, title: str | None, mtime: int, suffix: str = "mp3", audio: bytes = b"ID3fake", **extra
) -> Path:
    """A fake rendition written by hand: tiny audio, a report in the shape render writes, and captions.

    The report is written with \\u escapes so that a test can give it a lone surrogate, as JSON allows.
    """
    folder.mkdir(parents=True, exist_ok=True)
    audio_path = folder / f"{stem}.{suffix}"
    audio_path.write_bytes(audio)
    report = {
        "report_version": 1,
        "source": stem,
        "title": title,
        "output": audio_path.name,
        "settings": {"format": suffix},
        "estimate": {"seconds": 61.0, "label": "Estimated 1 minute"},
        "duration_seconds": 65.4,
        **extra,
    }
    (folder / f"{stem}.json").write_text(json.dumps(report), encoding="utf-8")
    (folder / f"{stem}.vtt").write_text("WEBVTT\n", encoding="utf-8")
    os.utime(audio_path, (mtime, mtime))
    return audio_path


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An output folder with three good renditions (one nested) and several things that are not renditions."""
    out = tmp_path / "out"
    make_rendition(out, "oldest", title="Council meets", mtime=T0)
    make_rendition(out, "special", title=SPECIAL_TITLE, mtime=T0 + 3600, audio=b"x" * 1234, source_path="special.md")
    make_rendition(out / "world news", "été", title="Summer", mtime=T0 + 86400, suffix="ogg",
                   source_path="world news/été.txt")
    (out / "corrupt.json").write_text('{"report_version": 1, "output": "corr', encoding="utf-8")
    (out / "corrupt.mp3").write_bytes(b"x")
    (out / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    (out / "list.json").write_text("[1, 2]", encoding="utf-8")
    (out / "other.json").write_text('{"name": "not a report"}', encoding="utf-8")
    make_rendition(out, "gone", title="Audio missing", mtime=T0).unlink()
    make_rendition(out, "escape", title="Outside", mtime=T0, output="../outside.mp3")
    (out.parent / "outside.mp3").write_bytes(b"x")
    make_rendition(out / ".cache", "cached", title="Cache", mtime=T0)
    make_rendition(out, "mismatch", title="Other stem", mtime=T0, output="oldest.mp3")
    (out / "folder.mp3").mkdir()
    (out / "folder.json").write_text('{"report_version": 1, "output": "folder.mp3"}', encoding="utf-8")
    # The batch's own index, even one that looks like a report with audio beside it, is not a rendition...
    (out / "index.json").write_text('{"report_version": 1, "output": "index.mp3"}', encoding="utf-8")
    (out / "index.mp3").write_bytes(b"x")
    # ...but a nested index.json is the report of an article called index.
    make_rendition(out / "desk", "index", title="Desk index", mtime=T0 - 60)
    return out


def test_collect_finds_renditions_newest_first_and_skips_everything_else(out_dir: Path) -> None:
    renditions = collect_renditions(out_dir)
    assert [r.file for r in renditions] == ["world news/été.ogg", "special.mp3", "oldest.mp3", "desk/index.mp3"]
    nested, special, oldest, _ = renditions
    assert nested == Rendition(
        title="Summer", file="world news/été.ogg", duration_seconds=65.4, estimate_label="Estimated 1 minute",
        updated="2025-01-03T03:04:05+00:00", source="world news/été.txt", size_bytes=7, mime_type="audio/ogg",
        captions="world news/été.vtt", chapters=None,
    )
    assert special.title == SPECIAL_TITLE and special.size_bytes == 1234 and special.source == "special.md"
    assert oldest.source == "oldest"  # no source_path: the report's source
    assert oldest.mime_type == "audio/mpeg"


def test_collect_tolerates_odd_reports(tmp_path: Path) -> None:
    make_rendition(tmp_path, "untitled", title=None, mtime=T0, source_path="desk/untitled.md")
    make_rendition(tmp_path, "odd", title="Bell\x07 \ud800line\nbreak", mtime=T0, duration_seconds=float("inf"),
                   estimate="nope")
    make_rendition(tmp_path, "huge", title="Huge", mtime=T0, duration_seconds=10**400)
    (tmp_path / "nested.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    by_file = {r.file: r for r in collect_renditions(tmp_path)}
    assert by_file["untitled.mp3"].title == "desk/untitled.md"
    odd = by_file["odd.mp3"]
    assert (odd.title, odd.duration_seconds, odd.estimate_label) == ("Bell line break", 0.0, "")
    assert by_file["huge.mp3"].duration_seconds == 0.0
    assert collect_renditions(tmp_path / "missing") == []


def test_write_index(out_dir: Path) -> None:
    renditions = collect_renditions(out_dir)
    path = write_index(out_dir, renditions)
    assert path == out_dir / "index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    assert datetime.fromisoformat(index["generated"]).tzinfo is not None
    assert [entry["file"] for entry in index["renditions"]] == [r.file for r in renditions]
    assert Rendition(**index["renditions"][1]) == renditions[1]
    assert not list(out_dir.glob(".*.partial"))
    assert collect_renditions(out_dir) == renditions  # the index itself is never collected


def test_feed_structure(out_dir: Path) -> None:
    path = write_feed(out_dir, collect_renditions(out_dir), BASE, title="Daily audio")
    assert path == out_dir / "feed.xml"
    assert path.read_bytes().startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    channel = ET.parse(path).getroot().find("channel")
    assert channel.findtext("title") == "Daily audio"
    assert channel.findtext("link") == BASE
    assert channel.findtext("language") == "en-us"
    assert channel.findtext(f"{{{ITUNES_NS}}}author") == "article-audio"
    assert channel.findtext(f"{{{ITUNES_NS}}}explicit") == "false"
    assert channel.find(f"{{{ITUNES_NS}}}category").get("text") == "News"
    items = channel.findall("item")
    assert len(items) == 4
    assert items[1].findtext("title") == SPECIAL_TITLE
    assert items[0].find("guid").get("isPermaLink") == "true"
    assert items[0].findtext("pubDate") == "Fri, 03 Jan 2025 03:04:05 GMT"
    assert "machine-generated" in items[0].findtext("description")
    assert not list(out_dir.glob(".*.partial"))


@pytest.mark.parametrize("base", ["https://news.example.com/audio", "https://news.example.com/audio//"])
def test_feed_urls_have_no_double_slashes(out_dir: Path, base: str) -> None:
    write_feed(out_dir, collect_renditions(out_dir), base)
    items = ET.parse(out_dir / "feed.xml").getroot().iter("enclosure")
    assert [e.get("url") for e in items] == [
        "https://news.example.com/audio/world%20news/%C3%A9t%C3%A9.ogg",
        "https://news.example.com/audio/special.mp3",
        "https://news.example.com/audio/oldest.mp3",
        "https://news.example.com/audio/desk/index.mp3",
    ]


def test_feed_parses_as_a_podcast(out_dir: Path) -> None:
    parsed = feedparser().parse((write_feed(out_dir, collect_renditions(out_dir), BASE)).read_bytes())
    assert parsed.bozo is False, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.title == "Audio articles"
    assert parsed.feed.author == "article-audio"
    assert parsed.feed.language == "en-us"
    assert [entry.title for entry in parsed.entries] == ["Summer", SPECIAL_TITLE, "Council meets", "Desk index"]
    nested, special, oldest, _ = parsed.entries
    (enclosure,) = nested.enclosures
    assert enclosure.href == "https://news.example.com/audio/world%20news/%C3%A9t%C3%A9.ogg"
    assert (enclosure.length, enclosure.type) == ("7", "audio/ogg")
    assert special.enclosures[0].length == "1234" and special.enclosures[0].type == "audio/mpeg"
    assert nested.id == enclosure.href and nested.guidislink
    assert nested.itunes_duration == "0:01:05"
    assert nested.published_parsed[:6] == (2025, 1, 3, 3, 4, 5)
    assert "Estimated 1 minute" in oldest.summary and "machine-generated" in oldest.summary


def test_feed_with_odd_titles_and_no_renditions_still_parses(tmp_path: Path) -> None:
    make_rendition(tmp_path, "odd", title="Bell\x07 \ud800 <b>bold</b> & ]]> end", mtime=T0)
    parsed = feedparser().parse(write_feed(tmp_path, collect_renditions(tmp_path), BASE).read_bytes())
    assert parsed.bozo is False, parsed.get("bozo_exception")
    assert parsed.entries[0].title == "Bell <b>bold</b> & ]]> end"
    (tmp_path / "empty").mkdir()
    parsed = feedparser().parse(write_feed(tmp_path / "empty", [], BASE, title="Nothing yet").read_bytes())
    assert parsed.bozo is False and parsed.entries == [] and parsed.feed.title == "Nothing yet"


@pytest.mark.parametrize(
    "base", ["ftp://example.com/audio", "example.com/audio", "https://", "/audio", "", "https://x.com/a?b=1",
             "https://x.com/a#top", "https://x.com/my audio", "http://x.com:port/"],
)
def test_feed_refuses_a_bad_url_base(tmp_path: Path, base: str) -> None:
    with pytest.raises(UsageError, match="http:// or https://"):
        write_feed(tmp_path, [], base)
    assert not (tmp_path / "feed.xml").exists()


@pytest.mark.parametrize("seconds, text", [(0, "0:00:00"), (65.4, "0:01:05"), (3599.6, "1:00:00"), (36000, "10:00:00")])
def test_itunes_duration(seconds: float, text: str) -> None:
    assert itunes_duration(seconds) == text


def test_updated_is_utc_iso(out_dir: Path) -> None:
    updated = collect_renditions(out_dir)[2].updated
    assert datetime.fromisoformat(updated) == datetime.fromtimestamp(T0, timezone.utc)


def test_feed_carries_transcripts_chapters_and_cover_art(out_dir: Path) -> None:
    from pipeline.batch.publish import PODCAST_NS

    (out_dir / "special.chapters.json").write_text('{"version": "1.2.0", "chapters": []}', encoding="utf-8")
    image = "https://news.example.com/audio/cover.png"
    path = write_feed(out_dir, collect_renditions(out_dir), BASE, image=image)
    channel = ET.parse(path).getroot().find("channel")
    assert channel.find(f"{{{ITUNES_NS}}}image").get("href") == image
    items = {item.findtext("title"): item for item in channel.findall("item")}
    transcript = items[SPECIAL_TITLE].find(f"{{{PODCAST_NS}}}transcript")
    assert transcript.attrib == {"url": BASE + "special.vtt", "type": "text/vtt", "language": "en-us"}
    chapters = items[SPECIAL_TITLE].find(f"{{{PODCAST_NS}}}chapters")
    assert chapters.attrib == {"url": BASE + "special.chapters.json", "type": "application/json+chapters"}
    assert items["Council meets"].find(f"{{{PODCAST_NS}}}chapters") is None  # no chapters, no element
    assert 'xmlns:podcast="https://podcastindex.org/namespace/1.0"' in path.read_text(encoding="utf-8")
    parsed = feedparser().parse(path.read_bytes())
    assert parsed.bozo is False and parsed.feed.image.href == image


@pytest.mark.parametrize("image", ["cover.png", "ftp://x.com/a.png", "https://x.com/my cover.png"])
def test_feed_refuses_a_bad_image_address(tmp_path: Path, image: str) -> None:
    with pytest.raises(UsageError, match="feed image"):
        write_feed(tmp_path, [], BASE, image=image)
