"""The floor for the render benchmark: libespeak-ng speaks a whole text in one call, raw PCM to stdout.

No pipeline around it: no splitting, lexicon, pauses or loudness. Used as
`python benchmarks/espeak_floor.py TEXTFILE VOICE RATE | ffmpeg -f s16le ... out.mp3`.
"""

from __future__ import annotations

import ctypes
import sys

import espeakng_loader

AUDIO_OUTPUT_SYNCHRONOUS = 2
ESPEAK_RATE = 1
POS_CHARACTER = 1
CHARS_UTF8 = 1
CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


def main() -> None:
    path, voice, rate = sys.argv[1], sys.argv[2], int(sys.argv[3])
    text = open(path, encoding="utf-8").read().replace("#", " ").encode("utf-8")
    library = ctypes.CDLL(espeakng_loader.get_library_path())
    library.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    library.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), 0)
    chunks: list[bytes] = []

    def collect(wav, count, events):
        if count > 0:
            chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    callback = CALLBACK(collect)
    library.espeak_SetSynthCallback(callback)
    library.espeak_SetVoiceByName(voice.encode())
    library.espeak_SetParameter(ESPEAK_RATE, rate, 0)
    library.espeak_Synth(text, len(text) + 1, 0, POS_CHARACTER, 0, CHARS_UTF8, None, None)
    library.espeak_Synchronize()
    sys.stdout.buffer.write(b"".join(chunks))


if __name__ == "__main__":
    main()
