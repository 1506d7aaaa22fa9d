"""The default engine: pyttsx3 driving the libespeak-ng that the espeakng-loader wheel ships."""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import threading
import time
import wave
from types import SimpleNamespace

from pipeline.engines.base import Audio, DurationModel, Voice, WordTiming, package_version
from pipeline.errors import EngineError

#: Fitted by benchmarks/calibrate_estimate.py to this engine's real output at 170 words per minute.
ESPEAK_DURATION_MODEL = DurationModel(
    reference_rate=170,
    weights=(("vowels", 0.03662), ("consonants", 0.07030), ("stresses", 0.07430), ("clauses", 0.30508), ("words", 0.02629),
             ("pieces", -0.13024)),
)
DEFAULT_TIMEOUT_SECONDS = 60.0
ATTEMPTS = 2
DEFAULT_VOICE = "gmw/en-us"


def load_espeak_library() -> str:
    """Load the wheel's libespeak-ng before pyttsx3 looks for it; return the espeak-ng version."""
    try:
        import espeakng_loader
    except ImportError:
        raise EngineError(
            "espeak-ng is missing (the espeakng-loader package is not installed); run `make venv` or "
            "`pip install espeakng-loader==0.2.4`"
        ) from None
    # Always use the bundled data: a system espeak-ng's data may not match the bundled library.
    os.environ["ESPEAK_DATA_PATH"] = espeakng_loader.get_data_path()
    try:
        # Local, not global: pyttsx3's dlopen("libespeak-ng.so.1") finds it loaded by its soname all the same,
        # and piper's own espeak-ng (linked into its extension) would otherwise bind to this one and crash.
        library = ctypes.CDLL(espeakng_loader.get_library_path())
    except OSError as error:
        raise EngineError(f"libespeak-ng could not be loaded ({error}); reinstall espeakng-loader") from None
    library.espeak_Info.restype = ctypes.c_char_p
    library.espeak_TextToPhonemes.restype = ctypes.c_char_p
    library.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
    global _library
    _library = library
    return (library.espeak_Info(None) or b"unknown").decode()


_library: ctypes.CDLL | None = None
#: The voice and rate espeak-ng is set to. One espeak-ng serves the whole process (pyttsx3 shares its engine
#: between instances), so this belongs to the process, not to an EspeakEngine.
_current_settings: list = [None, None]
#: (character offset, length, sample) of each word espeak-ng has started in the utterance being made; one list
#: for the process, like the callback that fills it.
_word_events: list[tuple[int, int, int]] = []
#: The pyttsx3 driver whose synthesis callback was wrapped (a new driver installs its own callback).
_listening_to: list[object] = [None]


_IPA_WITH_SEPARATOR = (ord("_") << 8) | 0x02
_CHARS_UTF8 = 1


def text_to_phonemes(text: str) -> tuple[str, ...]:
    """Clauses of IPA from libespeak-ng's espeak_TextToPhonemes, for the voice currently set."""
    if _library is None:
        raise EngineError("espeak-ng is not loaded")
    buffer = ctypes.create_string_buffer(text.encode("utf-8"))
    pointer = ctypes.c_void_p(ctypes.addressof(buffer))
    clauses = []
    while pointer.value:
        result = _library.espeak_TextToPhonemes(ctypes.byref(pointer), _CHARS_UTF8, _IPA_WITH_SEPARATOR)
        if result:
            clauses.append(result.decode("utf-8", "replace"))
    return tuple(clauses)


def _listen_for_words(driver) -> None:
    """Note espeak-ng's word events with their sample positions (pyttsx3's own started-word event carries no
    audio position), then hand every buffer to pyttsx3's driver as before. Installed once per driver."""
    if _listening_to[0] is driver:
        return
    from pyttsx3.drivers import _espeak

    on_synth = driver._onSynth

    def callback(wav, numsamples, events):
        index = 0
        while events[index].type != _espeak.EVENT_LIST_TERMINATED:
            event = events[index]
            if event.type == _espeak.EVENT_WORD:
                # text_position counts characters (not bytes) from 1; sample is exact, audio_position is in ms
                _word_events.append((event.text_position - 1, event.length, event.sample))
            index += 1
        return on_synth(wav, numsamples, events)

    _espeak.SetSynthCallback(callback)  # pyttsx3's module keeps the ctypes callback alive
    _listening_to[0] = driver


def _word_timings(events: list[tuple[int, int, int]], frames: int) -> tuple[WordTiming, ...]:
    """Each word from its event's sample to the next word's (the last to the end of the audio), in the order
    they are heard."""
    events = sorted((sample, max(0, position), length) for position, length, sample in events if length > 0)
    starts = [min(max(0, sample), frames) for sample, _, _ in events] + [frames]
    return tuple(WordTiming(position, position + length, starts[number], starts[number + 1])
                 for number, (_, position, length) in enumerate(events) if starts[number + 1] > starts[number])


class EspeakEngine:
    """Synthesizes with pyttsx3's espeak driver, one sentence piece per call."""

    name = "espeak"
    sample_rate = 22050
    default_voice = DEFAULT_VOICE
    duration_model = ESPEAK_DURATION_MODEL

    def __init__(self, timeout: float = DEFAULT_TIMEOUT_SECONDS, **_options) -> None:
        self._espeak_version = load_espeak_library()
        self._timeout = timeout
        self._deadline: float | None = None
        self._engine = self._init_pyttsx3(self._pause)
        # espeak-ng synthesizes on its own thread: the WAV is complete only when the driver reports the
        # utterance finished (pyttsx3 2.99's first run loop returns before that).
        self._finished = threading.Event()
        self._cancelled = False
        self._engine.connect("finished-utterance", self._on_finished)
        if self._engine.proxy.isBusy():
            # pyttsx3 queues property changes until its first run loop, and that loop's stop() cancels what
            # espeak-ng still has queued, a rate change included: run one empty loop so changes apply at once.
            self._engine.runAndWait()
        self._voices: tuple[Voice, ...] | None = None
        _listen_for_words(self._engine.proxy._driver)

    def _pause(self, seconds: float) -> None:
        """The driver loop's sleep: 1 ms instead of 10, and the end of a loop that outlives the timeout."""
        if self._deadline is not None and time.monotonic() > self._deadline:
            self._deadline = None
            self._engine.stop()  # cancels the utterance if espeak-ng is still on it
            self._engine.proxy._driver.endLoop()  # pyttsx3 has no public way to end its driver's loop
        time.sleep(min(seconds, 0.001))

    @staticmethod
    def _init_pyttsx3(pause):
        try:
            import pyttsx3
            import pyttsx3.drivers.espeak as driver_module

            # The driver's loop polls every 10 ms while espeak-ng speaks; polling every millisecond saves a
            # third of a second on a 600-word article, and lets a hung utterance be abandoned at the timeout.
            driver_module.time = SimpleNamespace(sleep=pause)
            with contextlib.redirect_stdout(io.StringIO()):
                return pyttsx3.init("espeak")
        except ImportError:
            raise EngineError("pyttsx3 is not installed; run `make venv` or `pip install pyttsx3==2.99`") from None
        except Exception as error:
            raise EngineError(f"pyttsx3 could not start espeak-ng ({error}); reinstall espeakng-loader") from None

    def _wait_until_idle(self) -> None:
        """Make sure no earlier utterance can cancel the next one.

        pyttsx3 2.99's runAndWait calls the driver's stop(), which marks the driver "stopping" whenever
        espeak-ng reports it is playing (it does so even before the first utterance). Nothing clears that
        mark, and a later utterance is then cancelled half-way and saved as silence.
        """
        from pyttsx3.drivers import _espeak

        _espeak.Synchronize()
        self._engine.proxy._driver._stopping = False

    def _on_finished(self, name=None, completed=False) -> None:
        # A cancelled utterance also ends the wait, so the attempt can be retried at once.
        self._cancelled = not completed
        self._finished.set()

    def phonemes(self, text: str, voice: Voice) -> tuple[str, ...]:
        """espeak-ng's own reading of the text as IPA, one string per clause, phonemes separated by "_"."""
        if _current_settings[0] != voice.id:
            self._engine.setProperty("voice", voice.id)
            _current_settings[:] = [voice.id, None]
        self._wait_until_idle()
        return text_to_phonemes(text)

    def version(self) -> str:
        """pyttsx3 and espeak-ng versions."""
        return f"pyttsx3 {package_version('pyttsx3')}; espeak-ng {self._espeak_version}"

    def voices(self) -> tuple[Voice, ...]:
        """espeak-ng's voices as pyttsx3 lists them."""
        if self._voices is None:
            listed = self._engine.getProperty("voices")
            self._voices = tuple(
                Voice(
                    id=voice.id,
                    name=voice.name,
                    languages=tuple(str(language) for language in (voice.languages or ())),
                    gender=voice.gender,
                )
                for voice in listed
            )
        return self._voices

    def synthesize(self, text: str, voice: Voice, rate: int) -> Audio:
        """Speak one piece of text to an in-memory WAV through pyttsx3 and return its samples."""
        if not text.strip():
            raise EngineError("asked to speak empty text")
        for _ in range(ATTEMPTS):
            audio = self._attempt(text, voice.id, rate)
            if audio is not None:
                return audio
        raise EngineError(f"espeak-ng produced no audio for {text[:60]!r} in {ATTEMPTS} attempts; the text may be "
                          "unspeakable, or the engine is broken — reinstall with `make venv`")

    def _attempt(self, text: str, voice_id: str, rate: int) -> Audio | None:
        """One utterance; None when it was cancelled or came back empty."""
        # pyttsx3 2.99's driver hands the "file name" to wave.open, which takes a file object too: the WAV stays
        # in memory, so no process (not even a killed batch worker) leaves a file in the temporary directory.
        wav = io.BytesIO()
        if _current_settings != [voice_id, rate]:
            # A voice change resets espeak-ng's rate, so the rate always follows the voice.
            self._engine.setProperty("voice", voice_id)
            self._engine.setProperty("rate", rate)
            _current_settings[:] = [voice_id, rate]
        self._wait_until_idle()
        self._finished.clear()
        self._cancelled = False
        _word_events.clear()
        # pyttsx3 prints "Audio saved to ..." on stdout, which belongs to our --json output.
        with contextlib.redirect_stdout(io.StringIO()):
            self._engine.save_to_file(text, wav)
            self._deadline = time.monotonic() + self._timeout
            try:
                self._engine.runAndWait()
            finally:
                self._deadline = None
            finished = self._finished.wait(self._timeout)
        if not finished:
            self._engine.stop()
            raise EngineError(
                f"espeak-ng did not finish within {self._timeout:g} s; the engine may have hung — "
                "try again, or shorten the sentence"
            )
        if self._cancelled:
            return None
        if not wav.getbuffer().nbytes:
            return None
        wav.seek(0)
        try:
            with wave.open(wav, "rb") as handle:
                if handle.getsampwidth() != 2 or handle.getnchannels() != 1:
                    raise EngineError("espeak-ng wrote audio in an unexpected format")
                samples = handle.readframes(handle.getnframes())
                sample_rate = handle.getframerate()
        except (wave.Error, EOFError):
            return None
        if not samples or not samples.strip(b"\x00"):
            return None
        return Audio(samples, sample_rate, _word_timings(_word_events, len(samples) // 2))

    def close(self) -> None:
        """Nothing to release: espeak-ng belongs to the process, and no temporary files are made."""
