"""The floor for the neural render benchmark: piper's PiperVoice, in a session built exactly as the piper engine
builds it, speaks a whole spoken text in one call; raw PCM to stdout as piper yields it, sentence by sentence.

No pipeline around it: no splitting into pieces, pauses, word timings or loudness. Used as
`python benchmarks/piper_floor.py SPOKEN.txt LENGTH_SCALE THREADS | ffmpeg -f s16le ... out.mp3`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.engines.piper import aligned_model, bundled_voice_files, load_voice  # noqa: E402


def main() -> None:
    path, scale, threads = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    from piper import SynthesisConfig

    files = bundled_voice_files()
    aligned_model(files)  # the same model file the render loads (made once, before any timing)
    config = json.loads(files.config.read_text(encoding="utf-8"))
    voice = load_voice(files, config, threads)
    text = Path(path).read_text(encoding="utf-8")
    for chunk in voice.synthesize(text, SynthesisConfig(length_scale=scale, normalize_audio=False)):
        sys.stdout.buffer.write(chunk.audio_int16_bytes)


if __name__ == "__main__":
    main()
