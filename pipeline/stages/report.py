"""The report (`<stem>.json`) and WebVTT captions (`<stem>.vtt`) that accompany a rendition."""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass

from pipeline.stages.estimate import Estimate
from pipeline.stages.loudness import LoudnessResult
from pipeline.stages.normalize import SpokenPiece
from pipeline.stages.script import ScriptSentence
from pipeline.stages.stitch import Timing
from pipeline.stages.word_timings import TimedWord, timed_words

REPORT_VERSION = 1


@dataclass(frozen=True)
class RenderInfo:
    """What produced a rendition, for the report's settings block."""

    engine: str
    engine_version: str
    voice: str
    rate: int
    format: str
    bitrate: str | None
    lexicon: str | None
    lexicon_sha256: str | None
    pipeline_version: str
    pauses_ms: dict[str, int]
    loudness_lufs: float
    true_peak_dbfs: float
    date_order: str = "mdy"


def build_report(
    *,
    source: str,
    input_sha256: str,
    title: str | None,
    output: str,
    info: RenderInfo,
    estimate: Estimate,
    duration_seconds: float,
    loudness: dict[str, float | bool | int | None],
    script: Sequence[ScriptSentence],
    timings: Sequence[Timing],
    language: str = "en",
    notice: str | None = None,
) -> dict:
    """The report as a JSON-ready dict."""
    return {
        "report_version": REPORT_VERSION,
        "source": source,
        "input_sha256": input_sha256,
        "title": title,
        "output": output,
        "language": language,
        "notice": notice,
        "settings": asdict(info),
        "estimate": {"seconds": estimate.seconds, "label": estimate.label},
        "text_sha256": text_sha256(sentence.text for sentence in script),
        "duration_seconds": round(duration_seconds, 3),
        "loudness": loudness,
        "sentences": [
            {
                "paragraph": sentence.paragraph,
                "kind": sentence_kind(sentence),
                "text": sentence.text,
                "spoken": sentence.spoken,
                "start_ms": timing.start_ms,
                "end_ms": timing.end_ms,
                "lexicon": list(sentence.lexicon),
                "not_spoken": [not_spoken_entry(sentence.text, piece) for piece in sentence.not_spoken],
                "flags": [flag_entry(sentence.text, piece) for piece in sentence.flags],
                "words": [asdict(word) for word in sentence_words(sentence, timing)],
            }
            for sentence, timing in zip(script, timings, strict=True)
        ],
    }


def sentence_kind(sentence: ScriptSentence) -> str:
    """What a sentence is on the page: the headline ("title"), a heading that starts a chapter ("heading"), or
    running text ("text")."""
    return "title" if sentence.is_title else "heading" if sentence.starts_chapter else "text"


def language_tag(languages: Sequence[str]) -> str:
    """A voice's first language as a BCP 47 tag ("en-us" is "en-US"); "en" when it names none."""
    first = next((language for language in languages if language), "en")
    parts = first.replace("_", "-").split("-")
    return "-".join([parts[0].lower()] + [part.upper() if len(part) == 2 else part for part in parts[1:]])


def sentence_words(sentence: ScriptSentence, timing: Timing) -> tuple[TimedWord, ...]:
    """The sentence's written words with the times they are heard, inside the sentence's own timing."""
    words = timed_words(sentence.text, sentence.word_map, timing.words)
    return tuple(TimedWord(word.text, min(max(word.start_ms, timing.start_ms), timing.end_ms),
                           min(max(word.end_ms, timing.start_ms), timing.end_ms), word.char_start, word.char_end)
                 for word in words)


def not_spoken_entry(text: str, piece: SpokenPiece) -> dict:
    """A written span left out of the spoken form, and why."""
    return {"char_start": piece.char_start, "char_end": piece.char_end,
            "text": text[piece.char_start : piece.char_end], "reason": piece.semiotic_class}


def flag_entry(text: str, piece: SpokenPiece) -> dict:
    """A reading an editor should check: where, what was written, what it is read as, and why."""
    return {"char_start": piece.char_start, "char_end": piece.char_end,
            "text": text[piece.char_start : piece.char_end], "spoken": piece.spoken, "reason": piece.flag}


def text_sha256(sentences: Iterable[str]) -> str:
    """SHA-256 of the written sentences, each with runs of white space as one space, joined by newlines, in
    UTF-8: a page showing the same sentences computes the same value, so a player can tell stale audio."""
    return hashlib.sha256("\n".join(" ".join(text.split()) for text in sentences).encode("utf-8")).hexdigest()


def loudness_summary(result: LoudnessResult, passes: int, in_spec: bool = True) -> dict[str, float | bool | int | None]:
    """What loudness normalization achieved, measured on the delivered file as decoded, for the report
    (silence has no loudness: null; passes: encodes)."""

    def measure(value: float) -> float | None:
        return round(value, 2) if math.isfinite(value) else None

    return {
        "output_lufs": measure(result.output_lufs),
        "true_peak_dbfs": measure(result.output_true_peak_dbfs),
        "gain_db": measure(result.gain_db),
        "limited": result.limited,
        "passes": passes,
        "in_spec": in_spec,
    }


def report_json(report: dict) -> str:
    """Serialize a report the way it is written to disk."""
    return "".join(report_chunks(report))


def report_chunks(report: dict) -> Iterator[str]:
    """The report's JSON in pieces, for writing without holding it all (a book's words make it large)."""
    yield from json.JSONEncoder(ensure_ascii=False, indent=2, allow_nan=False).iterencode(report)
    yield "\n"


def vtt_timestamp(milliseconds: int) -> str:
    """WebVTT timestamp hh:mm:ss.mmm."""
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def build_vtt(script: Sequence[ScriptSentence], timings: Sequence[Timing]) -> str:
    """WebVTT captions: one cue per sentence, showing its written text, with a timestamp before each word the
    engine timed (karaoke-style, `<00:00:01.500>word`), so a player can follow the word being spoken."""
    cues = ["WEBVTT", ""]
    for number, (sentence, timing) in enumerate(zip(script, timings, strict=True), start=1):
        text = cue_text(sentence.text, timing, sentence_words(sentence, timing))
        cues += [str(number), f"{vtt_timestamp(timing.start_ms)} --> {vtt_timestamp(timing.end_ms)}", text, ""]
    return "\n".join(cues)


def cue_text(text: str, timing: Timing, words: Sequence[TimedWord]) -> str:
    """A sentence as cue text: escaped as WebVTT requires, on one line (a blank line would end the cue), with
    word timestamps where they lie strictly inside the cue and rise (WebVTT requires both)."""
    parts = []
    cut = 0
    last = timing.start_ms
    for word in words:
        if last < word.start_ms < timing.end_ms and word.char_start > cut:
            parts.append(_escaped(text[cut:word.char_start]))
            parts.append(f"<{vtt_timestamp(word.start_ms)}>")
            cut, last = word.char_start, word.start_ms
    parts.append(_escaped(text[cut:]))
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
