"""A long render that is killed resumes from the sentence cache: the rerun synthesizes nothing the killed one
made and publishes a complete, valid file (the tone engine, in real processes, killed with SIGKILL)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LONG = next((ROOT / "tests" / "fixtures" / "heldout").glob("h12-*.md"))


def _command(out: Path, cache: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "render", str(LONG), "--engine", "tone", "-o", str(out),
            "--cache-dir", str(cache)]


def _entries(cache: Path) -> int:
    return sum(1 for path in cache.rglob("*") if path.is_file() and re.fullmatch(r"[0-9a-f]{64}", path.name))


def test_a_killed_render_resumes_from_the_cache_and_publishes_a_whole_file(tmp_path):
    out, cache = tmp_path / "out" / "long.wav", tmp_path / "cache"
    killed = subprocess.Popen(_command(out, cache), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while _entries(cache) < 8 and killed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert killed.poll() is None, "the render ended before it could be killed; use a longer article"
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    made_before_the_kill = _entries(cache)
    assert made_before_the_kill >= 8
    assert not out.exists() and not out.with_suffix(".json").exists()  # nothing half-published

    again = subprocess.run(_command(out, cache), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    reused = int(re.search(r"([\d,]+) pieces from the sentence cache", again.stdout)[1].replace(",", ""))
    assert reused >= made_before_the_kill
    report = __import__("json").loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    with wave.open(str(out)) as audio:
        assert audio.getnframes() / audio.getframerate() == __import__("pytest").approx(report["duration_seconds"],
                                                                                      abs=0.05)
    assert sorted(path.name for path in out.parent.iterdir()) == ["long.json", "long.vtt", "long.wav"]
