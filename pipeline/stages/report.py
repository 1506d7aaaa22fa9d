"""The report (`<stem>.json`) and WebVTT captions (`<stem>.vtt`) that accompany a rendition."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from pipeline.stages.estimate import Estimate
from pipeline.stages.loudness import LoudnessResult
from pipeline.stages.normalize import SpokenPiece
from pipeline.stages.script import ScriptSentence
from pipeline.stages.stitch import Timing

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
) -> dict:
    """The report as a JSON-ready dict."""
    return {
        "report_version": REPORT_VERSION,
        "source": source,
        "input_sha256": input_sha256,
        "title": title,
        "output": output,
        "settings": asdict(info),
        "estimate": {"seconds": estimate.seconds, "label": estimate.label},
        "text_sha256": text_sha256(sentence.text for sentence in script),
        "duration_seconds": round(duration_seconds, 3),
        "loudness": loudness,
        "sentences": [
            {
                "paragraph": sentence.paragraph,
                "text": sentence.text,
                "spoken": sentence.spoken,
                "start_ms": timing.start_ms,
                "end_ms": timing.end_ms,
                "lexicon": list(sentence.lexicon),
                "not_spoken": [not_spoken_entry(sentence.text, piece) for piece in sentence.not_spoken],
                "flags": [flag_entry(sentence.text, piece) for piece in sentence.flags],
            }
            for sentence, timing in zip(script, timings, strict=True)
        ],
    }


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
    return json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def vtt_timestamp(milliseconds: int) -> str:
    """WebVTT timestamp hh:mm:ss.mmm."""
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def build_vtt(script: Sequence[ScriptSentence], timings: Sequence[Timing]) -> str:
    """WebVTT captions: one cue per sentence, showing its written text."""
    cues = ["WEBVTT", ""]
    for number, (sentence, timing) in enumerate(zip(script, timings, strict=True), start=1):
        # Cue text is escaped as WebVTT requires; joining lines keeps a blank line from ending the cue.
        text = " ".join(sentence.text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        cues += [str(number), f"{vtt_timestamp(timing.start_ms)} --> {vtt_timestamp(timing.end_ms)}", text, ""]
    return "\n".join(cues)
