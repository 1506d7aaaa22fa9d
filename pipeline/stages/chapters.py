"""Chapters of a rendition: where each heading or chapter line starts, in the forms players read (the report,
Podcasting 2.0 JSON chapters, a WebVTT chapters track, and ffmpeg's metadata for ID3 CHAP/CTOC and Ogg
CHAPTERxxx comments)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from pipeline.stages.report import vtt_timestamp
from pipeline.stages.script import ScriptSentence
from pipeline.stages.stitch import Timing

#: The title of the stretch before the first chapter when the article has no headline of its own.
OPENING_TITLE = "Opening"
#: Podcasting 2.0 JSON chapters format version written.
JSON_CHAPTERS_VERSION = "1.2.0"
_FFMETADATA_SPECIAL = re.compile(r"([=;#\\\n])")


@dataclass(frozen=True)
class Chapter:
    """A chapter: its title and where it starts and ends in the rendition, in milliseconds."""

    title: str
    start_ms: int
    end_ms: int


def build_chapters(script: Sequence[ScriptSentence], timings: Sequence[Timing], duration_ms: int,
                   headline: str | None) -> tuple[Chapter, ...]:
    """One chapter per sentence that starts one, from its start to the next; what comes before the first is a
    chapter too (named after the headline), so the chapters cover the whole rendition. None without headings."""
    starts = [(" ".join(sentence.text.split()), timing.start_ms) for sentence, timing in zip(script, timings)
              if sentence.starts_chapter]
    if not starts:
        return ()
    if not script[0].starts_chapter:
        starts.insert(0, (headline or OPENING_TITLE, 0))
    else:
        starts[0] = (starts[0][0], 0)  # the lead-in belongs to the first chapter
    ends = [start for _, start in starts[1:]] + [duration_ms]
    return tuple(Chapter(title, start, max(start, end)) for (title, start), end in zip(starts, ends))


def chapters_report(chapters: Sequence[Chapter]) -> list[dict]:
    """The report's `chapters`: title, start_ms and end_ms of each."""
    return [asdict(chapter) for chapter in chapters]


def chapters_json(chapters: Sequence[Chapter]) -> str:
    """A Podcasting 2.0 JSON chapters file (podcast:chapters): times in seconds."""
    document = {
        "version": JSON_CHAPTERS_VERSION,
        "chapters": [{"startTime": chapter.start_ms / 1000, "endTime": chapter.end_ms / 1000, "title": chapter.title}
                     for chapter in chapters],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def chapters_vtt(chapters: Sequence[Chapter]) -> str:
    """A WebVTT chapters track (<track kind="chapters">): one cue per chapter, its title as the cue text."""
    cues = ["WEBVTT", ""]
    for number, chapter in enumerate(chapters, start=1):
        title = chapter.title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        cues += [str(number), f"{vtt_timestamp(chapter.start_ms)} --> {vtt_timestamp(chapter.end_ms)}", title, ""]
    return "\n".join(cues)


def ffmetadata(chapters: Sequence[Chapter]) -> str:
    """ffmpeg's FFMETADATA1 text with one [CHAPTER] per chapter, from which it writes ID3v2 CHAP and CTOC
    frames into MP3 and CHAPTERxxx comments into Ogg."""
    lines = [";FFMETADATA1"]
    for chapter in chapters:
        title = _FFMETADATA_SPECIAL.sub(r"\\\1", chapter.title)
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={chapter.start_ms}", f"END={chapter.end_ms}", f"title={title}"]
    return "\n".join(lines) + "\n"
