"""The neural render against its floor, measured in the same run (machines here are shared).

Run: make bench-neural   (or .venv/bin/python benchmarks/neural_render.py [--repeat N])

render: `article-audio render --engine piper` of the ~600-word article to MP3 in a fresh process, with an empty
sentence cache, on the cores it may use (its default --threads).
floor: the same PiperVoice with the same session options (benchmarks/piper_floor.py) speaking the same spoken
text (the render's script, sentence by sentence) in one call, raw PCM piped into the same ffmpeg binary with the
same MP3 settings. Target: at most 1.15 times the floor. Also prints the render's peak RSS (target <= 400 MB).
"""

from __future__ import annotations

import argparse
import re
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from installed import byte_compile  # noqa: E402
from long_render import _WRAPPER  # noqa: E402
from scratch import scratch_folder  # noqa: E402

from pipeline.engines.piper import default_threads, length_scale  # noqa: E402
from pipeline.lexicon.model import EMPTY_LEXICON  # noqa: E402
from pipeline.render import spoken_script  # noqa: E402
from pipeline.settings import DEFAULT_BITRATES, DEFAULT_RATE, RenderSettings  # noqa: E402
from pipeline.stages.article import read_article  # noqa: E402
from pipeline.stages.encode import ffmpeg_executable  # noqa: E402

ARTICLE = HERE / "article_600.md"


def spoken_text(folder: Path) -> Path:
    """The render's spoken script as one text, each sentence ended so the voice pauses as the render does."""
    script = spoken_script(read_article(ARTICLE), EMPTY_LEXICON, RenderSettings(engine="piper"))
    text = "\n".join(s.spoken if re.search(r"[.!?][\"')]*$", s.spoken) else s.spoken + "." for s in script)
    path = folder / "spoken.txt"
    path.write_text(text, encoding="utf-8")
    return path


def run(command: list[str] | str) -> tuple[float, int]:
    """Wall-clock seconds, and the peak RSS in KB the command's wrapper reports (0 for a shell pipeline)."""
    start = time.perf_counter()
    result = subprocess.run(command, shell=isinstance(command, str), check=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    found = re.search(r"RSS (\d+) (\d+)", result.stderr)
    return seconds, int(found[1]) if found else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    byte_compile()
    out = scratch_folder("article-audio-bench-neural-")
    threads = default_threads()
    python = sys.executable
    runs = iter(range(1_000_000))

    def render() -> list[str]:
        return [python, "-c", _WRAPPER, "render", str(ARTICLE), "--engine", "piper", "-o", str(out / "render.mp3"),
                "--cache-dir", str(out / f"cache-{next(runs)}")]

    scale = length_scale(DEFAULT_RATE)  # the bundled voice's own length_scale is 1.0
    floor = (f"{shlex.quote(python)} {shlex.quote(str(HERE / 'piper_floor.py'))} "
             f"{shlex.quote(str(spoken_text(out)))} {scale} {threads} | {shlex.quote(ffmpeg_executable())} "
             f"-loglevel error -y -f s16le -ar 22050 -ac 1 -i - -c:a libmp3lame -b:a {DEFAULT_BITRATES['mp3']} "
             f"{shlex.quote(str(out / 'floor.mp3'))}")
    run(render()), run(floor)  # warm the file cache (and make the voice patched for alignments) for both
    render_times, floor_times, peaks = [], [], []
    for _ in range(args.repeat):
        seconds, peak = run(render())
        render_times.append(seconds)
        peaks.append(peak)
        floor_times.append(run(floor)[0])
    words = len(ARTICLE.read_text(encoding="utf-8").split())
    render_median, floor_median = statistics.median(render_times), statistics.median(floor_times)
    print(f"render   {words} words -> mp3 with piper on {threads} threads: median {render_median:.2f} s over "
          f"{args.repeat} runs; peak RSS {max(peaks) / 1024:.0f} MiB (target <= 400 MB)")
    print(f"floor    the same PiperVoice speaking the script in one call | ffmpeg mp3: median {floor_median:.2f} s")
    print(f"ratio    render / floor = {render_median / floor_median:.2f} (target <= 1.15)")


if __name__ == "__main__":
    main()
