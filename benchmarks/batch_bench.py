"""Batch benchmarks: parallel speed-up, the cost of a run with nothing to do, incremental re-synthesis, memory.

Run: make bench-batch   (or .venv/bin/python benchmarks/batch_bench.py [--articles 50] [--engine piper])
With --engine piper (make bench-batch-neural: 8 articles; the neural voice is some 20 times slower) only the
speed-up and the largest process's peak memory are measured.

Builds 50 articles of 200 to 1,500 words from the project's own test articles, then, with the real engine
and MP3 output, in fresh processes:
- renders them with --jobs 1 and with --jobs 2 (target: jobs 2 at least 1.7 times as fast), and prints the
  CPU time each used and how many cores that kept busy (a worker takes one core: see render's overlap_encoding),
- runs again with nothing changed (target: under 5% of the first run),
- changes one sentence of one article (target: exactly one sentence synthesized),
- compares the peak memory of a worker over 10 and over 50 articles (target: it does not grow).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLI = [sys.executable, "-m", "pipeline", "batch"]
sys.path.insert(0, str(HERE))

from installed import byte_compile  # noqa: E402
from scratch import scratch_folder  # noqa: E402


def make_articles(folder: Path, count: int) -> None:
    """Articles of 200 to 1,500 words assembled from the test articles' paragraphs."""
    paragraphs = [p.strip() for path in sorted((ROOT / "tests" / "fixtures").rglob("*.md"))
                  for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip() and not p.startswith("#")]
    generator = random.Random(42)
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        target = generator.randint(200, 1500)
        chosen, words = [], 0
        while words < target:
            paragraph = generator.choice(paragraphs)
            chosen.append(paragraph)
            words += len(paragraph.split())
        (folder / f"article{index:03d}.md").write_text(f"# Article {index}\n\n" + "\n\n".join(chosen), encoding="utf-8")


def article_corpus(prefix: str, count: int) -> tuple[Path, Path, int]:
    """A scratch folder with `count` generated articles in its `articles` folder: (folder, articles, words)."""
    work = scratch_folder(prefix)
    articles = work / "articles"
    make_articles(articles, count)
    return work, articles, sum(len(path.read_text().split()) for path in articles.glob("*.md"))


@dataclass(frozen=True)
class Run:
    """One batch run in a fresh process: wall seconds, CPU seconds of it and everything it started, peak KiB."""

    seconds: float
    cpu_seconds: float
    peak_kib: int

    @property
    def cores(self) -> float:
        """How many cores the run kept busy on average."""
        return self.cpu_seconds / self.seconds


def run(input_dir: Path, out_dir: Path, jobs: int, log: Path | None = None, engine: str = "espeak",
        cache: Path | None = None) -> Run:
    """Run a batch in a fresh process and measure it (the CPU time includes the workers and ffmpeg; the peak
    memory is that of the largest single process among them, which is what a worker's growth would show in).
    Its sentence cache is `cache`, by default a new folder beside `out_dir`: runs never share one unless asked."""
    cache = cache or out_dir.with_name(out_dir.name + "-cache")
    script = (
        "import resource, subprocess, sys, time; start = time.perf_counter(); "
        f"code = subprocess.call({CLI + [str(input_dir), '--out', str(out_dir), '--jobs', str(jobs), '--engine', engine, '--cache-dir', str(cache)] + (['--log', str(log)] if log else [])!r}); "
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN); "
        "print(time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code)"
    )
    seconds, cpu, peak, code = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                              check=True, cwd=ROOT).stdout.split()
    if code != "0":
        sys.exit(f"batch failed with exit status {code}")
    return Run(float(seconds), float(cpu), int(peak))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--engine", default="espeak", choices=("espeak", "piper"))
    args = parser.parse_args()
    byte_compile()
    work, articles, words = article_corpus("article-audio-batch-bench-", args.articles)
    print(f"corpus   {args.articles} articles, {words} words")

    if args.engine == "piper":  # the voice patched for word timings, made once, before anything is timed
        from pipeline.engines.piper import aligned_model, bundled_voice_files

        aligned_model(bundled_voice_files())
    serial = run(articles, work / "out1", jobs=1, engine=args.engine)
    parallel = run(articles, work / "out2", jobs=2, engine=args.engine)
    print(f"jobs     --jobs 1: {serial.seconds:.1f} s   --jobs 2: {parallel.seconds:.1f} s   "
          f"speed-up {serial.seconds / parallel.seconds:.2f}x (target >= 1.7)")
    print(f"cpu      --jobs 1: {serial.cpu_seconds:.1f} s on {serial.cores:.2f} cores   --jobs 2: "
          f"{parallel.cpu_seconds:.1f} s on {parallel.cores:.2f} cores (workers and ffmpeg included)")
    if args.engine == "piper":
        print(f"memory   peak of the largest process with {args.engine}: --jobs 1 {serial.peak_kib / 1024:.0f} MiB, "
              f"--jobs 2 {parallel.peak_kib / 1024:.0f} MiB (target <= 400 MB)")
        return

    again = run(articles, work / "out2", jobs=2).seconds
    print(f"rerun    nothing changed: {again:.2f} s = {again / parallel.seconds:.1%} of the first run (target < 5%)")

    edited = articles / "article007.md"
    text = edited.read_text(encoding="utf-8")
    first_sentence_end = text.index(". ", text.index("\n\n")) + 1
    edited.write_text(text[:first_sentence_end] + " An editor added this sentence." + text[first_sentence_end:],
                      encoding="utf-8")
    log = work / "edit.log"
    run(articles, work / "out2", jobs=2, log=log)
    outcomes = [json.loads(line) for line in log.read_text().splitlines()]
    rendered = [o for o in outcomes if o["status"] == "rendered"]
    print(f"edit     one sentence added to one article: {len(rendered)} article rendered, "
          f"{sum(o['synthesized'] for o in rendered)} sentence synthesized, "
          f"{sum(o['cached'] for o in rendered)} from the cache (target: 1 synthesized)")

    measure_memory(articles, work, args.articles)


def measure_memory(articles: Path, work: Path, count: int) -> None:
    """Peak memory over the 10 longest articles and over all of them: a worker's peak follows the longest
    article it renders, so both sets hold the same longest articles and only the count differs."""
    small = work / "small"
    small.mkdir()
    for path in sorted(articles.glob("*.md"), key=lambda p: -p.stat().st_size)[:10]:
        (small / path.name).write_text(path.read_text())
    peak_small = run(small, work / "mem10", jobs=2).peak_kib
    peak_large = run(articles, work / "mem50", jobs=2).peak_kib
    print("memory   peak of the largest process (batch, worker or ffmpeg): "
          f"10 longest articles {peak_small / 1024:.0f} MiB, "
          f"all {count} articles {peak_large / 1024:.0f} MiB (ratio {peak_large / peak_small:.2f}; target: no growth)")


if __name__ == "__main__":
    main()
