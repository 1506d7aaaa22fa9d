"""Long-form renders: three book-length texts (about 26k, 59k and 127k words), each rendered to MP3 with the
espeak-ng engine in a process of its own; prints the peak RSS of the render and of its largest ffmpeg, and the
time per 1,000 words. The issue's targets: at most 250 MB in every process, time per 1,000 words within 15%.

Run: make bench-long   (or .venv/bin/python benchmarks/long_render.py [--engine tone] [WORDS ...])

The texts are generated here, deterministically, from the project's own original articles (the newsroom corpus
and the fixtures), shuffled into chapters with headings in the forms books use ("CHAPTER IV.", "Chapter 12",
"PART TWO"): book-shaped input without any text from elsewhere.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from installed import byte_compile  # noqa: E402
from scratch import scratch_folder  # noqa: E402

LENGTHS = (26_000, 59_000, 127_000)
#: Each engine's peak memory target per process (the neural voice's model and inference need more).
MEMORY_TARGETS_MB = {"espeak": 250, "piper": 400}
_ROMAN = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX".split()
_PARTS = "ONE TWO THREE FOUR FIVE SIX".split()
#: Runs the render in this process and reports its own peak RSS and its children's (ffmpeg) on stderr.
_WRAPPER = """
import resource, sys
from pipeline.cli.main import main
code = main(sys.argv[1:])
self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"RSS {self_kb} {children_kb}", file=sys.stderr)
sys.exit(code)
"""


def paragraphs() -> list[str]:
    """Every body paragraph of the project's own articles, Markdown headings and titles left out."""
    found = []
    for path in sorted((ROOT / "tests" / "fixtures").rglob("*.md")):
        for block in path.read_text(encoding="utf-8").split("\n\n"):
            block = " ".join(block.split())
            if len(block.split()) >= 25 and not block.startswith(("#", "|", "!", "-", "*", ">")):
                found.append(block)
    return found


def book(words: int, seed: int = 11) -> str:
    """A book of about `words` words: parts and chapters of shuffled paragraphs."""
    source = paragraphs()
    rng = random.Random(seed)
    lines, count, chapter = ["# A Year of Small Papers", ""], 0, 0
    while count < words:
        if chapter % 8 == 0:
            lines += [f"PART {_PARTS[(chapter // 8) % len(_PARTS)]}", ""]
        heading = f"CHAPTER {_ROMAN[chapter % len(_ROMAN)]}." if chapter % 2 == 0 else f"Chapter {chapter + 1}"
        lines += [heading, ""]
        chapter += 1
        for paragraph in rng.sample(source, k=min(len(source), 12)):
            lines += [paragraph, ""]
            count += len(paragraph.split())
    return "\n".join(lines)


def _descendants(pid: int) -> list[int]:
    """The process ids below `pid`, from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def _high_water_kb(pid: int) -> int:
    """A process's peak resident set (VmHWM, which exec resets, unlike a forked child's ru_maxrss)."""
    try:
        return int(re.search(r"VmHWM:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())[1])
    except (OSError, TypeError):
        return 0


def render(path: Path, out: Path, engine: str) -> tuple[float, int, int, dict]:
    """Seconds, peak RSS of the render and of its largest child process (KB, polled), and the report."""
    command = [sys.executable, "-c", _WRAPPER, "render", str(path), "-o", str(out), "--engine", engine,
               "--cache-dir", tempfile.mkdtemp(prefix="cache-", dir=out.parent)]  # an empty cache each time
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    children_kb = 0
    while process.poll() is None:
        for child in _descendants(process.pid):
            children_kb = max(children_kb, _high_water_kb(child))
        time.sleep(0.25)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"render failed: {stderr.strip()[-500:]}")
    self_kb = int(re.search(r"RSS (\d+) (\d+)", stderr)[1])
    return seconds, self_kb, children_kb, json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))


def main() -> int:
    """Render each length and print its line."""
    arguments = sys.argv[1:]
    engine = "espeak"
    if "--engine" in arguments:
        engine = arguments[arguments.index("--engine") + 1]
        del arguments[arguments.index("--engine") : arguments.index("--engine") + 2]
    lengths = [int(argument) for argument in arguments] or list(LENGTHS)
    byte_compile()
    folder = scratch_folder("article-audio-long-")
    per_thousand = []
    for words in lengths:
        text = folder / f"book-{words}.md"
        text.write_text(book(words), encoding="utf-8")
        actual = len(text.read_text(encoding="utf-8").split())
        seconds, self_kb, children_kb, report = render(text, folder / f"book-{words}.mp3", engine)
        per_thousand.append(seconds / actual * 1000)
        hours = report["duration_seconds"] / 3600
        print(f"{actual:>7} words {hours:5.2f} h audio: {seconds:7.1f} s = {per_thousand[-1]:.2f} s per 1,000 words; "
              f"peak RSS render {self_kb / 1024:.0f} MiB, ffmpeg {children_kb / 1024:.0f} MiB (target <= "
              f"{MEMORY_TARGETS_MB.get(engine, 250)} MB); "
              f"estimate off by {100 * (report['estimate']['seconds'] / report['duration_seconds'] - 1):+.1f}%; "
              f"{report['loudness']['passes']} encodes")
    spread = max(per_thousand) / min(per_thousand) - 1
    print(f"time per 1,000 words varies by {100 * spread:.1f}% across the lengths (target <= 15%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
