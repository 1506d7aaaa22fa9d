"""Benchmarks, each a ratio against a reference measured in the same run (machines here are shared).

Run: make bench   (or .venv/bin/python benchmarks/run.py [--repeat N])

render: `article-audio render` of a ~600-word article to MP3 in a fresh process, against the floor:
the same libespeak-ng speaking the whole text in one call, piped into the same ffmpeg binary with the
same voice, rate and MP3 settings. Target: at most 1.5 times the floor.
normalize: the normalization stage over the same article, as a share of that render. Target: under 5%.
lexicon: a 5,000-entry lexicon loaded and applied to the article, as a share of that render. Target: under 5%.
suggest: `lexicon suggest` over 1,000 articles. Target: seconds.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from installed import byte_compile  # noqa: E402
from scratch import scratch_folder  # noqa: E402

from pipeline.engines.espeak import DEFAULT_VOICE  # noqa: E402
from pipeline.settings import DEFAULT_BITRATES, DEFAULT_RATE  # noqa: E402
from pipeline.stages.encode import ffmpeg_executable  # noqa: E402

ARTICLE = HERE / "article_600.md"


def timed(command: list[str] | str, repeat: int) -> list[float]:
    """Wall-clock seconds of each of `repeat` runs of a command (a list, or a shell string)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, shell=isinstance(command, str), check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def bench_render(repeat: int) -> float:
    """Render vs the espeak-ng + ffmpeg floor, interleaved so load hits both alike; each render starts with an
    empty sentence cache of its own (a warm cache would measure the cache, not the render). When espeak-ng's
    own command line is installed, the render is also compared with it piped into the same ffmpeg."""
    out = scratch_folder("article-audio-bench-")
    python = sys.executable
    cli = Path(python).with_name("article-audio")
    runs = iter(range(1_000_000))

    def render() -> list[str]:
        return [str(cli), "render", str(ARTICLE), "-o", str(out / "render.mp3"), "--cache-dir",
                str(out / f"cache-{next(runs)}")]

    encode = (f"{shlex.quote(ffmpeg_executable())} -loglevel error -y -f s16le -ar 22050 -ac 1 -i - -c:a libmp3lame "
              f"-b:a {DEFAULT_BITRATES['mp3']}")
    floor = (f"{shlex.quote(python)} {shlex.quote(str(HERE / 'espeak_floor.py'))} {shlex.quote(str(ARTICLE))} "
             f"{DEFAULT_VOICE} {DEFAULT_RATE} | {encode} {shlex.quote(str(out / 'floor.mp3'))}")
    espeak_cli = shutil.which("espeak-ng")
    command_line = (f"{shlex.quote(espeak_cli)} -v en-us -s {DEFAULT_RATE} --stdout -f {shlex.quote(str(ARTICLE))} | "
                    f"{shlex.quote(ffmpeg_executable())} -loglevel error -y -i - -c:a libmp3lame -b:a "
                    f"{DEFAULT_BITRATES['mp3']} {shlex.quote(str(out / 'cli.mp3'))}") if espeak_cli else None
    timed(render(), 1), timed(floor, 1)  # warm the file cache for both
    render_times, floor_times, cli_times = [], [], []
    for _ in range(repeat):
        render_times += timed(render(), 1)
        floor_times += timed(floor, 1)
        if command_line:
            cli_times += timed(command_line, 1)
    words = len(ARTICLE.read_text(encoding="utf-8").split())
    render_median, floor_median = statistics.median(render_times), statistics.median(floor_times)
    print(f"render   {words} words -> mp3: median {render_median:.3f} s over {repeat} runs")
    print(f"floor    espeak-ng one call | ffmpeg mp3: median {floor_median:.3f} s")
    print(f"ratio    render / floor = {render_median / floor_median:.2f} (target <= 1.5)")
    if cli_times:
        cli_median = statistics.median(cli_times)
        print(f"cli      espeak-ng -s {DEFAULT_RATE} --stdout | ffmpeg: median {cli_median:.3f} s; "
              f"render / command line = {render_median / cli_median:.2f} (must not grow)")
    else:
        print("cli      espeak-ng's command line is not installed: no ratio to it (apt install espeak-ng)")
    return render_median


def bench_normalization(render_median: float, repeat: int) -> None:
    """Normalizing the article's sentences, in process, as a share of the render measured above."""
    from pipeline.lexicon.model import EMPTY_LEXICON, Piece
    from pipeline.stages.article import read_article
    from pipeline.stages.normalize import normalize_pieces
    from pipeline.stages.script import split_blocks

    sentences = [sentence for block in split_blocks(read_article(ARTICLE)) for sentence in block]
    normalize_pieces((Piece("warm up 1,200 on Dec. 14 at 5 p.m."),))  # compile the rules once, as a render does
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for sentence in sentences:
            normalize_pieces(EMPTY_LEXICON.apply(sentence))
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"normalize {len(sentences)} sentences: median {median * 1000:.1f} ms = {median / render_median:.1%} of the "
          "render (target < 5%)")


def bench_lexicon(render_median: float, repeat: int) -> None:
    """A 5,000-entry lexicon loaded and applied to the article, in process, as a share of the render."""
    import random
    import re

    from pipeline.lexicon.formats import write_toml
    from pipeline.lexicon.model import Entry, load_lexicon
    from pipeline.stages.article import read_article
    from pipeline.stages.script import split_blocks

    article_words = sorted(set(re.findall(r"[A-Za-z]{4,}", ARTICLE.read_text(encoding="utf-8"))))
    generator = random.Random(5)
    invented = set()
    while len(invented) < 5000 - len(article_words):
        invented.add("".join(generator.choice("bcdfghklmnprstvwz") + generator.choice("aeiou") for _ in range(3)).title())
    entries = [Entry(word, word.lower() + "h", case_sensitive=i % 3 == 0) for i, word in enumerate(article_words)]
    entries += [Entry(word, word.lower()) for word in sorted(invented)]
    path = scratch_folder("article-audio-bench-") / "lexicon.toml"
    path.write_text(write_toml(entries), encoding="utf-8")
    sentences = [sentence for block in split_blocks(read_article(ARTICLE)) for sentence in block]
    times, fired = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        lexicon = load_lexicon(path)
        fired = sum(len(lexicon.matcher.matches(sentence)) for sentence in sentences)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"lexicon  {len(entries)} entries loaded and applied ({fired} matches): median {median * 1000:.1f} ms = "
          f"{median / render_median:.1%} of the render (target < 5%)")


def bench_suggest() -> None:
    """`lexicon suggest` over 1,000 articles assembled from the project's own test articles."""
    import random

    from pipeline.lexicon.model import EMPTY_LEXICON
    from pipeline.lexicon.suggest import find_risks, pronouncing_dictionary
    from pipeline.stages.article import parse_article

    paragraphs = [p for path in sorted((ROOT / "tests" / "fixtures").rglob("*.md"))
                  for p in path.read_text(encoding="utf-8").split("\n\n") if not p.startswith("#")]
    generator = random.Random(9)
    articles = [parse_article("\n\n".join(generator.sample(paragraphs, 6)).encode(), name=f"a{i}") for i in range(1000)]
    words = sum(len(block.split()) for article in articles for block in article.blocks)
    start = time.perf_counter()
    pronouncing_dictionary()
    risks = find_risks(articles, EMPTY_LEXICON)
    seconds = time.perf_counter() - start
    print(f"suggest  1000 articles ({words} words): {seconds:.2f} s, {len(risks)} risky words (target: seconds)")


def bench_player_size() -> None:
    """The player's JavaScript and CSS as a browser downloads them, gzipped (budget: 15 KB)."""
    import gzip

    from pipeline.publish.page import PLAYER_SCRIPT, PLAYER_STYLE, asset_text

    sizes = {name: len(asset_text(name).encode()) for name in (PLAYER_SCRIPT, PLAYER_STYLE)}
    packed = {name: len(gzip.compress(asset_text(name).encode(), 9)) for name in sizes}
    total = sum(packed.values())
    print(f"player   {PLAYER_SCRIPT} {sizes[PLAYER_SCRIPT] / 1024:.1f} KB ({packed[PLAYER_SCRIPT] / 1024:.1f} KB gzipped) + "
          f"{PLAYER_STYLE} {sizes[PLAYER_STYLE] / 1024:.1f} KB ({packed[PLAYER_STYLE] / 1024:.1f} KB gzipped) = "
          f"{total / 1024:.1f} KB gzipped (budget 15 KB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    byte_compile()
    bench_player_size()
    render_median = bench_render(args.repeat)
    bench_normalization(render_median, args.repeat * 5)
    bench_lexicon(render_median, args.repeat)
    bench_suggest()


if __name__ == "__main__":
    main()
