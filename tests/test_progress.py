"""Progress of a render: on a terminal only (never under cron or into a pipe), at most twice a second, with
the sentences done, the minutes of audio and the time left; the line is cleared at the end."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli.progress import Progress, format_duration

ROOT = Path(__file__).resolve().parent.parent


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_on_a_terminal():
    now = [0.0]
    stream = Terminal()
    progress = Progress(stream, clock=lambda: now[0])
    progress(1, 4, 30.0)
    now[0] = 0.2
    progress(2, 4, 60.0)  # too soon: not shown
    now[0] = 10.0
    progress(3, 4, 90.0)
    progress(4, 4, 120.0)  # the end is always shown
    progress.close()
    shown = stream.getvalue().split("\r")
    assert shown[1].startswith("1 of 4 sentences, 0.5 min of audio, about 0 s left")
    assert shown[2].startswith("3 of 4 sentences, 1.5 min of audio, about 3 s left")
    assert shown[3].startswith("4 of 4 sentences, 2.0 min of audio, about 0 s left")
    assert shown[-1] == "" and shown[-2].strip() == ""  # cleared


def test_no_progress_where_there_is_no_terminal():
    stream = io.StringIO()
    progress = Progress(stream)
    progress(1, 2, 1.0)
    progress.close()
    assert stream.getvalue() == ""


@pytest.mark.parametrize("seconds, text", [(12.4, "12 s"), (59.6, "1 min"), (185, "3 min"), (3900, "1 h 05 min")])
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def _render(tmp_path: Path, stderr) -> subprocess.CompletedProcess:
    article = tmp_path / "ferry.md"
    article.write_text("# Ferry\n\nThe ferry left. It came back. Crews cheered.\n", encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "pipeline", "render", str(article), "--engine", "tone", "-o",
                           str(tmp_path / "out.wav")], cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, timeout=120)


def test_render_shows_progress_on_a_terminal_and_nothing_into_a_pipe(tmp_path):
    piped = _render(tmp_path, subprocess.PIPE)
    assert piped.returncode == 0 and piped.stderr == b""
    leader, follower = pty.openpty()
    try:
        done = _render(tmp_path, follower)
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            shown += data
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    assert done.returncode == 0
    assert b"sentences," in shown and b"min of audio" in shown and b"left" in shown
