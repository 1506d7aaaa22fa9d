"""Report and captions: timestamps, escaping, JSON that any parser accepts."""

from __future__ import annotations

import json

import pytest

from pipeline.stages.loudness import LoudnessResult
from pipeline.stages.report import (
    build_vtt,
    loudness_summary,
    report_json,
    vtt_timestamp,
)
from pipeline.stages.script import ScriptSentence
from pipeline.stages.stitch import Timing


@pytest.mark.parametrize(
    "milliseconds, stamp",
    [(0, "00:00:00.000"), (1, "00:00:00.001"), (61_001, "00:01:01.001"), (3_600_000 + 59_999, "01:00:59.999")],
)
def test_vtt_timestamp(milliseconds, stamp):
    assert vtt_timestamp(milliseconds) == stamp


def test_vtt_cues_escape_and_number():
    script = (
        ScriptSentence(0, "Q&A <live> --> now", "Q and A live now", ()),
        ScriptSentence(1, "Second\nline.", "Second line.", ()),
    )
    vtt = build_vtt(script, (Timing(300, 1200), Timing(1650, 2500)))
    assert vtt == (
        "WEBVTT\n\n1\n00:00:00.300 --> 00:00:01.200\nQ&amp;A &lt;live&gt; --&gt; now\n\n"
        "2\n00:00:01.650 --> 00:00:02.500\nSecond line.\n"
    )


def test_loudness_of_silence_is_null_in_json():
    summary = loudness_summary(LoudnessResult(float("-inf"), float("-inf"), 0.0, False), 1)
    assert summary["output_lufs"] is None and summary["true_peak_dbfs"] is None
    assert json.loads(report_json({"loudness": summary}))["loudness"]["output_lufs"] is None
