"""Engines: the interface, the deterministic tone engine, voice lookup, and the real pyttsx3/espeak-ng engine."""

from __future__ import annotations

import pytest

from pipeline.engines import ENGINE_NAMES, engine_class, get_engine, resolve_voice
from pipeline.engines.tone import ToneEngine
from pipeline.errors import EngineError, UsageError


@pytest.mark.parametrize("text, rate, frames", [("a", 170, 1323), ("hello world", 170, 14553), ("hello world", 340, 7276)])
def test_tone_length_follows_text_and_rate(text, rate, frames):
    engine = ToneEngine()
    audio = engine.synthesize(text, engine.voices()[0], rate)
    assert audio.frames == frames == ToneEngine.frames_for(text, rate)
    assert audio.sample_rate == 22050


def test_tone_refuses_empty_text():
    engine = ToneEngine()
    with pytest.raises(EngineError):
        engine.synthesize("  ", engine.voices()[0], 170)


def test_registry():
    assert set(ENGINE_NAMES) == {"espeak", "piper", "tone"}
    assert engine_class("tone") is ToneEngine
    with pytest.raises(UsageError, match="unknown engine 'nope'"):
        get_engine("nope")


@pytest.mark.parametrize("wanted, voice_id", [(None, "tone/a4"), ("tone/a3", "tone/a3"), ("a3", "tone/a3"),
                                                ("Tone A3", "tone/a3"), ("en-gb", "tone/a3")])
def test_resolve_voice(wanted, voice_id):
    assert resolve_voice(ToneEngine(), wanted).id == voice_id


def test_unknown_voice_lists_close_matches():
    with pytest.raises(UsageError, match="did you mean.*tone/a4"):
        resolve_voice(ToneEngine(), "tone/a5")


@pytest.mark.e2e
def test_espeak_voices_and_default(espeak_engine):
    ids = {voice.id for voice in espeak_engine.voices()}
    assert "gmw/en-us" in ids and len(ids) > 50
    assert resolve_voice(espeak_engine, None).id == "gmw/en-us"
    assert resolve_voice(espeak_engine, "en-gb").id == "gmw/en"


@pytest.mark.e2e
def test_espeak_synthesizes_22k_mono_speech(espeak_engine):
    voice = resolve_voice(espeak_engine, None)
    audio = espeak_engine.synthesize("The council met on Tuesday.", voice, 170)
    assert audio.sample_rate == 22050
    assert 1.0 < audio.seconds < 3.0
    slower = espeak_engine.synthesize("The council met on Tuesday.", voice, 120)
    assert slower.seconds > audio.seconds * 1.2


TIMED_SENTENCE = "The café in Zürich, said Ms Smith, costs three point eight billion pounds."


def check_word_timings(text: str, audio) -> list[str]:
    """Word timings that rise, never overlap, lie inside the audio and name words of the text: their texts."""
    words = audio.words
    assert words
    assert all(0 <= w.start_frame < w.end_frame <= audio.frames for w in words)
    assert all(a.end_frame <= b.start_frame and a.text_end <= b.text_start for a, b in zip(words, words[1:]))
    said = [text[w.text_start : w.text_end] for w in words]
    assert all(word.strip(".,") and not word[0].isspace() for word in said)
    return said


@pytest.mark.e2e
def test_espeak_times_the_words_it_speaks(espeak_engine):
    from pipeline.stages.synthesize import trim_silence

    audio = trim_silence(espeak_engine.synthesize(TIMED_SENTENCE, resolve_voice(espeak_engine, None), 170))
    said = check_word_timings(TIMED_SENTENCE, audio)
    assert said == TIMED_SENTENCE.replace(",", "").rstrip(".").split()  # offsets count characters, not bytes
    after_comma = said.index("said")
    gap = audio.words[after_comma].start_frame - audio.words[after_comma - 1].end_frame
    assert gap > 0.05 * audio.sample_rate  # a word ends with its sound, not at the next word


@pytest.mark.e2e
def test_espeak_many_utterances_in_a_row_are_never_cut(espeak_engine):
    # pyttsx3 2.99's driver can cancel an utterance when the previous one is still marked playing.
    voice = resolve_voice(espeak_engine, None)
    lengths = {espeak_engine.synthesize("Councillors voted five to two late Monday.", voice, 170).frames
               for _ in range(30)}
    assert min(lengths) > 0.97 * max(lengths)


@pytest.mark.e2e
def test_espeak_phonemes(espeak_engine):
    clauses = espeak_engine.phonemes("Hello there, world.", resolve_voice(espeak_engine, None))
    assert len(clauses) == 2
    assert "h_ə_l_ˈoʊ" in clauses[0]


@pytest.mark.e2e
def test_espeak_does_not_print_on_stdout(espeak_engine, capfd):
    espeak_engine.synthesize("Quiet, please.", resolve_voice(espeak_engine, None), 170)
    assert capfd.readouterr().out == ""


@pytest.mark.e2e
def test_espeak_hang_is_bounded(monkeypatch):
    from pipeline.engines.espeak import EspeakEngine

    engine = EspeakEngine(timeout=0.2)
    try:
        # An utterance that never reports it finished: the engine must give up with a clear error.
        monkeypatch.setattr(engine, "_on_finished", lambda **_: None)
        engine._engine.connect("finished-utterance", lambda **_: None)
        engine._finished.set = lambda: None
        with pytest.raises(EngineError, match="did not finish within 0.2 s"):
            engine.synthesize("This will hang.", resolve_voice(engine, None), 170)
    finally:
        engine.close()


@pytest.mark.e2e
def test_espeak_first_utterance_gets_the_requested_rate():
    # pyttsx3 queues property changes before its first run loop; a fresh process shows whether they apply.
    import subprocess
    import sys

    script = (
        "from pipeline.engines import get_engine, resolve_voice\n"
        "e = get_engine(); v = resolve_voice(e, None)\n"
        "e.phonemes('Warm up the voice.', v)\n"
        "first = e.synthesize('The ferry returns on Monday.', v, 120).frames\n"
        "again = e.synthesize('The ferry returns on Monday.', v, 120).frames\n"
        "print(first, again)\n"
    )
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
        first, again = map(int, out.split())
        assert abs(first - again) <= 0.01 * again  # a wrong rate (pyttsx3 default 200) is 40% off


@pytest.mark.e2e
def test_espeak_run_loop_is_abandoned_at_the_timeout(monkeypatch):
    from pyttsx3.drivers import _espeak

    from pipeline.engines.espeak import EspeakEngine

    engine = EspeakEngine(timeout=0.2)
    try:
        # An engine that accepts the text and never speaks: the driver's loop would wait forever.
        monkeypatch.setattr(_espeak, "Synth", lambda *args, **kwargs: None)
        with pytest.raises(EngineError, match="did not finish within 0.2 s"):
            engine.synthesize("This never ends.", resolve_voice(engine, None), 170)
    finally:
        monkeypatch.undo()
        engine.close()


@pytest.mark.parametrize("distribution", ["pyttsx3", "espeakng-loader", "imageio-ffmpeg", "numpy", "Pydub", "lameenc"])
def test_package_version_is_what_importlib_metadata_says(distribution):
    import importlib.metadata

    from pipeline.engines.base import package_version

    assert package_version(distribution) == importlib.metadata.version(distribution)


def test_package_version_leaves_an_egg_info_or_a_zip_to_importlib_metadata(tmp_path, monkeypatch):
    import importlib.metadata

    from pipeline.engines.base import package_version

    (tmp_path / "pyttsx3.egg-info").mkdir()
    (tmp_path / "pyttsx3.egg-info" / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: pyttsx3\nVersion: 0.0.1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    assert package_version("pyttsx3") == importlib.metadata.version("pyttsx3") == "0.0.1"


def test_package_version_reads_the_metadata_not_the_folder_name(tmp_path, monkeypatch):
    from pipeline.engines.base import package_version

    (tmp_path / "Some_Thing-1.0.dist-info").mkdir()
    (tmp_path / "Some_Thing-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: some-thing\nVersion: 1.0.post1\n\nVersion: not this\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert package_version("some.thing") == "1.0.post1"


def test_package_version_of_something_not_installed_says_so():
    import importlib.metadata

    from pipeline.engines.base import package_version

    with pytest.raises(importlib.metadata.PackageNotFoundError):
        package_version("no-such-distribution-here")


def test_the_espeak_engine_names_its_versions_without_importlib_metadata(espeak_engine):
    # importlib.metadata's import alone is 33 ms of a render's set-up; the version is in the cache key.
    import subprocess
    import sys

    import importlib.metadata

    code = ("import sys; from pipeline.engines.espeak import EspeakEngine; v = EspeakEngine().version(); "
            "print(v, 'importlib.metadata' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[:2] == ["pyttsx3", f"{importlib.metadata.version('pyttsx3')};"] and out[2] == "espeak-ng"
    assert out[-1] == "False"
