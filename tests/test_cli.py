"""The `article-audio` command line: help, every command, and one-line errors that leave nothing behind."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cli.main import COMMANDS, build_parser, main
from pipeline.stages import encode

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "pipeline" / "data"
SAMPLE = DATA / "sample_article.md"
SAMPLE_LEXICON = DATA / "sample_lexicon.toml"
CLI_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cli"
SHORT = CLI_FIXTURES / "short.md"
SHORT_LEXICON = CLI_FIXTURES / "short_lexicon.toml"
LONG = next((Path(__file__).resolve().parent / "fixtures" / "heldout").glob("h12-*.md"))

SHORT_TITLE = "Harbour ferry adds an evening crossing"
SHORT_BLOCKS = [
    [SHORT_TITLE],
    ["The Tidewater ferry will run a third crossing on weekday evenings from Monday, the operator said."],
    ["\u201cCommuters asked for it,\u201d said dispatcher Ora Fenwick.", "The new sailing leaves the north dock at 7 p.m."],
]
SAMPLE_TITLE = "Province pledges $1.2 million to reopen Cwmderwen bridge before spring"
MAGIC = {"mp3": b"ID3", "ogg": b"OggS", "wav": b"RIFF"}
ERROR_PREFIX = "article-audio: error: "
LABEL = re.compile(r"^Estimated (\d+) minutes?$")

# What each command's help must offer; a command missing here still has its parser's own options checked.
EXPECTED_OPTIONS = {
    "render": ["ARTICLE", "-o", "--out", "--format", "--lexicon", "--rate", "--voice", "--engine", "--pause", "--json",
               "--force", "--max-minutes", "--cache-dir", "--page", "--notice", "--feedback-url"],
    "split": ["ARTICLE", "--json"],
    "script": ["ARTICLE", "--lexicon", "--json", "--explain", "--flag"],
    "estimate": ["ARTICLE", "--lexicon", "--rate", "--voice", "--engine", "--pause", "--json"],
    "voices": ["--engine", "--json"],
    "lexicon": ["TOOL", "check", "audition", "suggest", "feedback", "import", "export"],
    "batch": ["INPUT_DIR", "-o", "--out", "--lexicon", "--jobs", "--config", "--dry-run", "--log", "--feed", "--prune",
              "--date-order", "--pause", "--cache-dir", "--max-minutes", "--pages", "--feedback-url", "--notice",
              "--feed-image"],
    "serve": ["DIR", "--port", "--host", "--allow-origin", "--max-feedback-mb"],
}


@pytest.fixture(autouse=True)
def _restore_sigterm():
    """main() installs a SIGTERM handler; keep it from leaking into the rest of the test session."""
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)


def run(capsys, *argv) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_process(*argv, cwd: Path, input: bytes | None = None, env: dict | None = None, timeout: float = 60,
                command: list[str] | None = None) -> subprocess.CompletedProcess:
    """Run the CLI as a real process (`python -m pipeline` unless `command` is given)."""
    command = command or [sys.executable, "-m", "pipeline"]
    return subprocess.run(command + [str(arg) for arg in argv], cwd=cwd, input=input, capture_output=True,
                          env={**os.environ, **(env or {})}, timeout=timeout)


def assert_one_line_error(code: int, err: str, expected_code: int, *fragments: str) -> str:
    """Exactly one line on stderr, prefixed, no traceback, with the right status; return the line."""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(ERROR_PREFIX), err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert code == expected_code, err
    return lines[0]


def names(folder: Path) -> list[str]:
    """Every entry in a folder, hidden ones included, sorted; [] for a folder that does not exist."""
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def partials(folder: Path) -> list[str]:
    return [name for name in names(folder) if name.endswith(".partial")]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def read_report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# --- help -------------------------------------------------------------------------------------------------


def _subparser(name: str) -> argparse.ArgumentParser:
    parser = build_parser()
    (commands,) = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    assert name in commands.choices, f"command {name!r} has no parser, so no help"
    return commands.choices[name]


def test_top_level_help_lists_every_command(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: article-audio")
    for name in COMMANDS:
        # Each command appears with a one-line description beside it.
        assert re.search(rf"^\s+{name}\s+\w", out, re.MULTILINE), f"{name} has no help line in --help"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_command_help(capsys, name: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main([name, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: article-audio {name}")
    for option in EXPECTED_OPTIONS.get(name, []):
        assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", out, re.IGNORECASE), f"{name} --help lacks {option}"
    for action in _subparser(name)._actions:
        for option in action.option_strings:
            assert option in out
        assert action.help and action.help != argparse.SUPPRESS, f"{name}: {action.dest} has no help text"


def test_every_command_is_in_the_help_table() -> None:
    # A new command must come with its documented options listed here.
    assert set(EXPECTED_OPTIONS) == set(COMMANDS)


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert re.fullmatch(r"article-audio \d+\.\d+\.\d+\n", capsys.readouterr().out)


@pytest.mark.parametrize("argv", [["--help"], ["render", "--help"], ["voices", "--help"]], ids=" ".join)
def test_help_in_a_subprocess(tmp_path, argv) -> None:
    result = run_process(*argv, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith("usage: article-audio")
    assert result.stderr == b""


def test_console_script(tmp_path) -> None:
    script = Path(sys.executable).parent / "article-audio"
    if not script.exists():
        pytest.skip("the article-audio console script is not installed beside this Python")
    result = run_process("split", SHORT, "--json", cwd=tmp_path, command=[str(script)])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == SHORT_BLOCKS
    bad = run_process("split", write(tmp_path / "empty.md", b""), cwd=tmp_path, command=[str(script)])
    assert_one_line_error(bad.returncode, bad.stderr.decode(), 2, "the article is empty")


# --- render -----------------------------------------------------------------------------------------------


def test_render(capsys, tmp_path) -> None:
    out = tmp_path / "out" / "story.mp3"
    code, stdout, err = run(capsys, "render", SHORT, "--engine", "tone", "-o", out)
    assert (code, err) == (0, "")
    folder = out.parent
    assert names(folder) == ["story.json", "story.mp3", "story.vtt"]
    assert out.read_bytes().startswith(MAGIC["mp3"])
    lines = stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{out}  ")
    assert lines[0].endswith("(Estimated 1 minute, 4 sentences)")
    assert lines[1:] == [str(folder / "story.json"), str(folder / "story.vtt")]
    report = read_report(folder / "story.json")
    assert report["source"] == "short"
    assert report["output"] == "story.mp3"
    assert report["title"] == SHORT_TITLE
    assert report["input_sha256"] == hashlib.sha256(SHORT.read_bytes()).hexdigest()
    assert report["settings"]["engine"] == "tone"
    assert report["settings"]["format"] == "mp3"
    assert report["settings"]["lexicon"] is None
    assert [s["text"] for s in report["sentences"]] == [text for block in SHORT_BLOCKS for text in block]
    assert report["estimate"]["label"] == "Estimated 1 minute"
    # The tone engine's length follows exactly from the text, so the estimate must match the rendition.
    assert report["duration_seconds"] == pytest.approx(report["estimate"]["seconds"], abs=0.2)
    vtt = (folder / "story.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.300 --> ")
    assert vtt.count(" --> ") == 4
    assert SHORT_TITLE in re.sub(r"<[\d:.]+>", "", vtt)  # without the word timestamps


def test_render_json_prints_the_report(capsys, tmp_path) -> None:
    out = tmp_path / "story.mp3"
    code, stdout, err = run(capsys, "render", SHORT, "--engine", "tone", "-o", out, "--json",
                            "--lexicon", SHORT_LEXICON)
    assert (code, err) == (0, "")
    printed = json.loads(stdout)
    assert printed == read_report(tmp_path / "story.json")
    assert printed["settings"]["lexicon"] == str(SHORT_LEXICON)
    assert printed["settings"]["lexicon_sha256"] == hashlib.sha256(SHORT_LEXICON.read_bytes()).hexdigest()
    assert [s["lexicon"] for s in printed["sentences"]] == [[], ["Tidewater"], ["Fenwick"], []]


@pytest.mark.parametrize(
    "out_arg, format_arg, expected, audio_format",
    [
        ("clip.ogg", None, "clip.ogg", "ogg"),
        ("clip.wav", None, "clip.wav", "wav"),
        ("clip.OGG", None, "clip.OGG", "ogg"),
        ("clip.mp3", "mp3", "clip.mp3", "mp3"),
        ("clip", "wav", "clip.wav", "wav"),
        ("clip", None, "clip.mp3", "mp3"),
        ("new-folder/", "ogg", "new-folder/short.ogg", "ogg"),
        (".", None, "short.mp3", "mp3"),
    ],
)
def test_render_output_path_and_format(capsys, tmp_path, monkeypatch, out_arg, format_arg, expected, audio_format):
    monkeypatch.chdir(tmp_path)
    extra = ["--format", format_arg] if format_arg else []
    code, _, err = run(capsys, "render", SHORT, "--engine", "tone", "-o", out_arg, *extra)
    assert (code, err) == (0, "")
    audio = tmp_path / expected
    assert audio.read_bytes().startswith(MAGIC[audio_format])
    assert audio.with_suffix(".json").exists() and audio.with_suffix(".vtt").exists()
    assert read_report(audio.with_suffix(".json"))["settings"]["format"] == audio_format
    assert partials(audio.parent) == []


def test_render_into_an_existing_folder(capsys, tmp_path) -> None:
    code, _, err = run(capsys, "render", SHORT, "--engine", "tone", "-o", tmp_path)
    assert (code, err) == (0, "")
    assert names(tmp_path) == ["short.json", "short.mp3", "short.vtt"]


def test_render_the_sample_by_default(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, err = run(capsys, "render", "--engine", "tone", "--json")
    assert (code, err) == (0, "")
    assert names(tmp_path / "audio_out") == ["sample_article.json", "sample_article.mp3", "sample_article.vtt"]
    report = json.loads(stdout)
    assert report["title"] == SAMPLE_TITLE
    # The sample article is rendered with the sample lexicon.
    assert report["settings"]["lexicon"] == str(SAMPLE_LEXICON)
    assert ["Cwmderwen"] == report["sentences"][0]["lexicon"]
    assert report["estimate"]["label"] == "Estimated 3 minutes"


def test_render_replaces_an_earlier_rendition(capsys, tmp_path) -> None:
    out = tmp_path / "story.mp3"
    assert run(capsys, "render", SHORT, "--engine", "tone", "-o", out)[0] == 0
    changed = write(tmp_path / "changed.md", SHORT.read_bytes().replace(b"7 p.m.", b"8 p.m."))
    assert run(capsys, "render", changed, "--engine", "tone", "-o", out)[0] == 0
    report = read_report(tmp_path / "story.json")
    assert report["source"] == "changed"
    assert report["sentences"][-1]["text"] == "The new sailing leaves the north dock at 8 p.m."
    assert names(tmp_path) == ["changed.md", "story.json", "story.mp3", "story.vtt"]


def test_render_removes_only_partials_no_live_run_holds(capsys, tmp_path) -> None:
    import fcntl

    stale = write(tmp_path / ".story.mp3.dead0001.partial", b"left by a killed run an hour ago")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    killed = write(tmp_path / ".story.mp3.dead0002.partial", b"left by a run killed a moment ago")
    live = write(tmp_path / ".story.mp3.live0001.partial", b"a running render's")
    handle = os.open(live, os.O_RDONLY)
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as the running render holds it
    try:
        assert run(capsys, "render", SHORT, "--engine", "tone", "-o", tmp_path / "story.mp3")[0] == 0
    finally:
        os.close(handle)
    assert not stale.exists() and not killed.exists()
    assert live.exists()


def test_render_from_stdin(tmp_path) -> None:
    result = run_process("render", "-", "--engine", "tone", "-o", f"{tmp_path / 'out'}/", "--json", cwd=tmp_path,
                         input=SHORT.read_bytes())
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert names(tmp_path / "out") == ["stdin.json", "stdin.mp3", "stdin.vtt"]
    report = json.loads(result.stdout)
    assert report["source"] == "stdin"
    assert report["title"] == SHORT_TITLE
    assert report["input_sha256"] == hashlib.sha256(SHORT.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", ["split", "script"])
def test_stdin_for_other_commands(tmp_path, command) -> None:
    result = run_process(command, "-", "--json", cwd=tmp_path, input=SHORT.read_bytes())
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    texts = [text for block in rows for text in block] if command == "split" else [row["text"] for row in rows]
    assert texts == [text for block in SHORT_BLOCKS for text in block]


# --- split, script, estimate, voices ----------------------------------------------------------------------


def test_split_json(capsys) -> None:
    code, stdout, err = run(capsys, "split", SHORT, "--json")
    assert (code, err) == (0, "")
    assert json.loads(stdout) == SHORT_BLOCKS


def test_split_json_sample(capsys) -> None:
    code, stdout, _ = run(capsys, "split", SAMPLE, "--json")
    blocks = json.loads(stdout)
    assert code == 0
    assert isinstance(blocks, list) and all(isinstance(block, list) and block for block in blocks)
    assert all(isinstance(sentence, str) and sentence.strip() for block in blocks for sentence in block)
    assert blocks[0] == [SAMPLE_TITLE]
    assert len(blocks) == 10
    assert sum(len(block) for block in blocks) == 18


def test_split_text(capsys) -> None:
    code, stdout, err = run(capsys, "split", SHORT)
    assert (code, err) == (0, "")
    assert stdout == "\n\n".join("\n".join(block) for block in SHORT_BLOCKS) + "\n"


def test_script_json(capsys) -> None:
    code, stdout, err = run(capsys, "script", SHORT, "--json", "--lexicon", SHORT_LEXICON)
    assert (code, err) == (0, "")
    rows = json.loads(stdout)
    assert all(set(row) == {"paragraph", "text", "spoken", "lexicon", "not_spoken", "flags"} for row in rows)
    assert [row["paragraph"] for row in rows] == [0, 1, 2, 2]
    assert [row["lexicon"] for row in rows] == [[], ["Tidewater"], ["Fenwick"], []]
    assert rows[1]["spoken"].startswith("The tide water ferry")
    assert "fen ick" in rows[2]["spoken"] and "Fenwick" not in rows[2]["spoken"]
    assert rows[2]["text"] == SHORT_BLOCKS[2][0]


def test_script_json_sample_lexicon(capsys) -> None:
    code, stdout, _ = run(capsys, "script", SAMPLE, "--json", "--lexicon", SAMPLE_LEXICON)
    assert code == 0
    rows = json.loads(stdout)
    assert len(rows) == 18
    fired = {word for row in rows for word in row["lexicon"]}
    assert {"Cwmderwen", "Afon Lwyd", "Gwenllian", "NRTA"} <= fired
    assert rows[0]["lexicon"] == ["Cwmderwen"]
    assert "koom dare wen" in rows[0]["spoken"]


def test_script_without_lexicon_fires_nothing(capsys) -> None:
    code, stdout, _ = run(capsys, "script", SAMPLE, "--json")
    assert code == 0
    assert all(row["lexicon"] == [] for row in json.loads(stdout))


def test_script_text(capsys) -> None:
    code, stdout, err = run(capsys, "script", SHORT, "--lexicon", SHORT_LEXICON)
    assert (code, err) == (0, "")
    lines = stdout.splitlines()
    assert lines[0] == f"[0] {SHORT_TITLE}"
    assert lines[1] == f"[1] {SHORT_BLOCKS[1][0]}"
    assert lines[2].startswith("    says: The tide water ferry")
    assert lines[3] == "    lexicon: Tidewater"


RISKY = "# Depot deal\n\nThe QXR board met Ms Ada Vole at 12.30 <b>today</b>. Nothing odd here.\n"


def test_script_explain_shows_each_class_and_rule(capsys, tmp_path) -> None:
    article = tmp_path / "risky.md"
    article.write_text(RISKY)
    code, stdout, err = run(capsys, "script", str(article), "--explain")
    assert (code, err) == (0, "")
    assert re.search(r"'Ms'\s+abbreviation\s+title\s+-> Miz", stdout)
    assert re.search(r"'QXR'\s+initialism\s+capitals\s+-> Q X R", stdout)
    assert re.search(r"'<b>'\s+markup\s+html tag\s+-> \(not spoken\)", stdout)
    code, stdout, _ = run(capsys, "script", str(article), "--explain", "--json")
    pieces = json.loads(stdout)[1]["pieces"]
    ms = next(piece for piece in pieces if piece["text"] == "Ms")
    assert (ms["class"], ms["rule"], ms["spoken"], ms["kind"]) == ("abbreviation", "title", "Miz", "rule")


def test_script_flag_lists_only_the_readings_to_check(capsys, tmp_path) -> None:
    article = tmp_path / "risky.md"
    article.write_text(RISKY)
    code, stdout, err = run(capsys, "script", str(article), "--flag")
    assert (code, err) == (0, "")
    assert "check 'QXR': read as 'Q X R' (capitals no table knows, spelled)" in stdout
    assert "Nothing odd here" not in stdout and "Depot deal" not in stdout
    code, stdout, _ = run(capsys, "script", str(article), "--flag", "--json")
    rows = json.loads(stdout)
    assert [flag["text"] for row in rows for flag in row["flags"]] == ["QXR"]
    text = rows[0]["text"]
    assert rows[0]["not_spoken"] == [
        {"char_start": text.index("<b>"), "char_end": text.index("<b>") + 3, "text": "<b>", "reason": "markup"},
        {"char_start": text.index("</b>"), "char_end": text.index("</b>") + 4, "text": "</b>", "reason": "markup"}]
    article.write_text("# Calm\n\nNothing odd here.\n")
    code, stdout, _ = run(capsys, "script", str(article), "--flag")
    assert (code, stdout.strip()) == (0, "nothing flagged: every reading came from a rule that knew its case")


@pytest.mark.parametrize("article, label", [(SHORT, "Estimated 1 minute"), (SAMPLE, "Estimated 3 minutes")])
def test_estimate_json(capsys, article, label) -> None:
    code, stdout, err = run(capsys, "estimate", article, "--engine", "tone", "--json")
    assert (code, err) == (0, "")
    estimate = json.loads(stdout)
    assert set(estimate) == {"seconds", "label"}
    assert estimate["label"] == label
    assert isinstance(estimate["seconds"], float) and estimate["seconds"] > 0


def test_estimate_rate_changes_the_estimate(capsys) -> None:
    seconds = {}
    for rate in (100, 170, 300):
        code, stdout, _ = run(capsys, "estimate", SHORT, "--engine", "tone", "--json", "--rate", rate)
        assert code == 0
        seconds[rate] = json.loads(stdout)["seconds"]
    assert seconds[100] > seconds[170] > seconds[300]


def test_pause_option(capsys, tmp_path) -> None:
    # short.md has one paragraph break (after its first body paragraph): +1000 ms there adds exactly 1 s.
    def seconds(*extra) -> float:
        code, stdout, err = run(capsys, "estimate", SHORT, "--engine", "tone", "--json", *extra)
        assert (code, err) == (0, "")
        return json.loads(stdout)["seconds"]

    base = seconds()
    assert seconds("--pause", "paragraph=1900") == pytest.approx(base + 1.0, abs=0.11)
    assert seconds("--pause", "paragraph=1900", "--pause", "tail=0") == pytest.approx(base + 0.3, abs=0.11)
    code, stdout, err = run(capsys, "render", SHORT, "--engine", "tone", "-o", tmp_path / "p.mp3", "--json",
                            "--pause", "paragraph=1900")
    assert (code, err) == (0, "")
    report = json.loads(stdout)
    assert report["settings"]["pauses_ms"]["paragraph"] == 1900
    assert report["duration_seconds"] == pytest.approx(base + 1.0, abs=0.11)


@pytest.mark.parametrize("command", ["render", "estimate"])
@pytest.mark.parametrize("value", ["breath=100", "paragraph=long", "paragraph=-5", "paragraph=20000", "paragraph"])
def test_bad_pause(capsys, tmp_path, command, value) -> None:
    extra = ["-o", tmp_path / "p.mp3"] if command == "render" else []
    code, stdout, err = run(capsys, command, SHORT, "--engine", "tone", "--pause", value, *extra)
    assert_one_line_error(code, err, 2, f"--pause {value!r}")
    assert stdout == ""
    assert names(tmp_path) == []


def test_estimate_text(capsys) -> None:
    code, stdout, err = run(capsys, "estimate", SHORT, "--engine", "tone")
    assert (code, err) == (0, "")
    assert re.fullmatch(r"Estimated 1 minute \(\d+ s\)\n", stdout)


@pytest.mark.e2e
def test_estimate_espeak(capsys) -> None:
    code, stdout, err = run(capsys, "estimate", SAMPLE, "--json")
    assert (code, err) == (0, "")
    estimate = json.loads(stdout)
    match = LABEL.match(estimate["label"])
    assert match
    minutes = int(match.group(1))
    assert estimate["label"].endswith("minute" if minutes == 1 else "minutes")
    assert 60 < estimate["seconds"] < 600
    assert abs(minutes - estimate["seconds"] / 60) <= 0.5


@pytest.mark.e2e
def test_voices(capsys) -> None:
    code, stdout, err = run(capsys, "voices")
    assert (code, err) == (0, "")
    lines = stdout.splitlines()
    assert len(lines) > 20
    default = [line for line in lines if line.startswith("*")]
    assert len(default) == 1 and default[0].split()[1] == "gmw/en-us"
    code, stdout, _ = run(capsys, "voices", "--json")
    voices = json.loads(stdout)
    assert code == 0
    assert "gmw/en-us" in {voice["id"] for voice in voices}
    assert all(set(voice) == {"id", "name", "languages", "gender", "default"} for voice in voices)
    assert [voice["id"] for voice in voices if voice["default"]] == ["gmw/en-us"]


def test_voices_tone(capsys) -> None:
    code, stdout, err = run(capsys, "voices", "--engine", "tone")
    assert (code, err) == (0, "")
    assert stdout.splitlines()[0].split()[:2] == ["*", "tone/a4"]
    assert "tone/a3" in stdout


@pytest.mark.e2e
def test_render_espeak_json_is_clean(tmp_path) -> None:
    # pyttsx3 prints to stdout while saving; --json output must still be one JSON document.
    result = run_process("render", SHORT, "-o", tmp_path / "real.mp3", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["settings"]["engine"] == "espeak"
    assert report["settings"]["voice"] == "gmw/en-us"
    assert len(report["sentences"]) == 4
    assert report["duration_seconds"] == pytest.approx(report["estimate"]["seconds"], rel=0.25)
    assert names(tmp_path) == ["real.json", "real.mp3", "real.vtt"]


# --- errors -----------------------------------------------------------------------------------------------

ARTICLE_ERRORS = {
    "empty file": (lambda d: write(d / "empty.md", b""), "the article is empty"),
    "whitespace only": (lambda d: write(d / "blank.md", b" \n\t\n\r\n   \n"), "the article is empty"),
    "NUL bytes": (lambda d: write(d / "nul.md", b"Some text\x00\x00\x00 here.\n"), "binary file"),
    "PNG image": (lambda d: write(d / "photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"),
                  "binary file"),
    "latin-1 text": (lambda d: write(d / "latin.md", "Un caf\u00e9 au lait.\n".encode("latin-1")),
                     "not UTF-8 text (invalid byte 0xe9 at offset 6)"),
    "directory": (lambda d: (d / "folder.md").mkdir() or d / "folder.md", "is a directory"),
    "missing path": (lambda d: d / "missing.md", "no such file"),
    "huge file": (lambda d: write(d / "huge.md", b"All work and no play. " * (3 * 1024 * 1024 // 22)),
                  "larger than 2 MiB"),
}
COMMAND_EXTRAS = {"render": ["--engine", "tone"], "split": [], "script": [], "estimate": ["--engine", "tone"]}


@pytest.mark.parametrize("command", list(COMMAND_EXTRAS))
@pytest.mark.parametrize("make, fragment", list(ARTICLE_ERRORS.values()), ids=list(ARTICLE_ERRORS))
def test_bad_article(capsys, tmp_path, command, make, fragment) -> None:
    article = make(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out_args = ["-o", out_dir / "story.mp3"] if command == "render" else []
    before = names(tmp_path)
    code, stdout, err = run(capsys, command, article, *COMMAND_EXTRAS[command], *out_args)
    assert_one_line_error(code, err, 2, fragment)
    assert stdout == ""
    assert names(out_dir) == []
    assert names(tmp_path) == before


def test_directory_hint_names_a_real_command(capsys, tmp_path) -> None:
    code, _, err = run(capsys, "split", tmp_path)
    line = assert_one_line_error(code, err, 2, "is a directory")
    for word in re.findall(r"`(?:article-audio )?(\w+)", line):
        assert word in COMMANDS


def test_empty_stdin(tmp_path) -> None:
    result = run_process("render", "-", "--engine", "tone", "-o", tmp_path / "out.mp3", cwd=tmp_path, input=b"")
    assert_one_line_error(result.returncode, result.stderr.decode(), 2, "stdin: the article is empty")
    assert names(tmp_path) == []


BAD_TOML = b'[[entry]]\nword = "Tidewater"\nsay = "tide water"\n\n[[entry]]\nword = "Fenwick\nsay = "fen ick"\n'
NO_SAY = b'[[entry]]\nword = "Tidewater"\nsay = "tide water"\n\n[[entry]]\nword = "Fenwick"\nnote = "no say"\n'
UNKNOWN_KEY = b'[[entry]]\nword = "Tidewater"\nsai = "tide water"\n'
LEXICON_ERRORS = {
    "TOML syntax error": (BAD_TOML, ["TOML syntax error", "line 6"]),
    "entry without say": (NO_SAY, ["lexicon.toml:5:", "'say'"]),
    "unknown key": (UNKNOWN_KEY, ["lexicon.toml:1:", "unknown key 'sai'"]),
    "not UTF-8": ("word = 'caf\u00e9'".encode("latin-1"), ["not UTF-8"]),
}


@pytest.mark.parametrize("command", ["render", "script", "estimate"])
@pytest.mark.parametrize("data, fragments", list(LEXICON_ERRORS.values()), ids=list(LEXICON_ERRORS))
def test_bad_lexicon(capsys, tmp_path, command, data, fragments) -> None:
    lexicon = write(tmp_path / "lexicon.toml", data)
    out = tmp_path / "out" / "story.mp3"
    extra = {"render": ["--engine", "tone", "-o", out], "estimate": ["--engine", "tone"]}.get(command, [])
    code, stdout, err = run(capsys, command, SHORT, "--lexicon", lexicon, *extra)
    assert_one_line_error(code, err, 2, *fragments)
    assert stdout == ""
    assert names(out.parent) == []


def test_missing_lexicon(capsys, tmp_path) -> None:
    code, _, err = run(capsys, "script", SHORT, "--lexicon", tmp_path / "nope.toml")
    assert_one_line_error(code, err, 2, "nope.toml: no such file")


RENDER_USAGE_ERRORS = {
    "--format against .ogg": (["-o", "{out}.ogg", "--format", "mp3"], ["extension .ogg but --format is mp3"]),
    "--format against .wav": (["-o", "{out}.wav", "--format", "ogg"], ["extension .wav but --format is ogg"]),
    "--format against .mp3": (["-o", "{out}.mp3", "--format", "wav"], ["extension .mp3 but --format is wav"]),
    "unknown --format": (["-o", "{out}.mp3", "--format", "flac"], ["--format", "invalid choice: 'flac'"]),
    "unknown engine": (["-o", "{out}.mp3", "--engine", "nope"], ["unknown engine 'nope'", "espeak", "tone"]),
    "rate too low": (["-o", "{out}.mp3", "--rate", "10"], ["rate 10 is out of range"]),
    "rate not a number": (["-o", "{out}.mp3", "--rate", "fast"], ["--rate", "invalid int value"]),
    "unknown tone voice": (["-o", "{out}.mp3", "--voice", "tone/a5"], ["unknown voice 'tone/a5'", "tone/a4"]),
    "unknown option": (["-o", "{out}.mp3", "--loud"], ["unrecognized arguments: --loud"]),
}


@pytest.mark.parametrize("args, fragments", list(RENDER_USAGE_ERRORS.values()), ids=list(RENDER_USAGE_ERRORS))
def test_render_usage_errors(capsys, tmp_path, args, fragments) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    argv = [arg.format(out=out_dir / "story") for arg in ["render", str(SHORT), "--engine", "tone", *args]]
    code, stdout, err = run(capsys, *argv)
    assert_one_line_error(code, err, 2, *fragments)
    assert stdout == ""
    assert names(out_dir) == []


@pytest.mark.parametrize(
    "argv, fragments",
    [
        (["frob"], ["invalid choice: 'frob'"]),
        ([], ["the following arguments are required: COMMAND"]),
        (["split"], ["the following arguments are required: article"]),
        (["voices", "--engine", "nope"], ["unknown engine 'nope'"]),
        (["estimate", str(SHORT), "--engine", "tone", "--rate", "500"], ["rate 500 is out of range"]),
    ],
    ids=["unknown command", "no command", "no article", "voices unknown engine", "estimate rate"],
)
def test_usage_errors(capsys, argv, fragments) -> None:
    code, stdout, err = run(capsys, *argv)
    assert_one_line_error(code, err, 2, *fragments)
    assert stdout == ""


def test_output_under_a_regular_file(capsys, tmp_path) -> None:
    blocker = write(tmp_path / "somefile", b"not a folder\n")
    code, _, err = run(capsys, "render", SHORT, "--engine", "tone", "-o", blocker / "out.mp3")
    assert_one_line_error(code, err, 2, "somefile", "choose another")
    assert blocker.read_bytes() == b"not a folder\n"
    assert names(tmp_path) == ["somefile"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_output_folder_not_writable(capsys, tmp_path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, _, err = run(capsys, "render", SHORT, "--engine", "tone", "-o", locked / "out.mp3")
        assert_one_line_error(code, err, 2, "not writable")
        assert names(locked) == []
    finally:
        locked.chmod(0o700)


def test_output_folder_not_writable_simulated(capsys, tmp_path, monkeypatch) -> None:
    # The same check without relying on permissions (which root ignores): the folder reports no write access.
    import pipeline.files

    monkeypatch.setattr(pipeline.files.os, "access", lambda path, mode: False)
    code, _, err = run(capsys, "render", SHORT, "--engine", "tone", "-o", tmp_path / "out.mp3")
    assert_one_line_error(code, err, 2, str(tmp_path), "not writable")
    assert names(tmp_path) == []


@pytest.mark.e2e
@pytest.mark.parametrize("command", ["render", "estimate"])
def test_unknown_voice_lists_close_matches(capsys, tmp_path, command) -> None:
    extra = ["-o", tmp_path / "story.mp3"] if command == "render" else []
    code, stdout, err = run(capsys, command, SHORT, "--voice", "en-uss", *extra)
    line = assert_one_line_error(code, err, 2, "unknown voice 'en-uss'", "did you mean")
    suggestions = line.split("did you mean", 1)[1]
    assert "en-us" in suggestions
    assert stdout == ""
    assert names(tmp_path) == []


# --- failures while rendering -----------------------------------------------------------------------------


def _broken_codec(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(encode.FORMAT_ARGUMENTS, "ogg", ["-c:a", "no_such_encoder"])


def _broken_decoder(monkeypatch, tmp_path) -> None:
    broken = ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "no_such_filter", "-f", "f32le", "pipe:1"]
    monkeypatch.setattr(encode, "check_decode_command", lambda audio_format, rate: [encode.ffmpeg_executable(), *broken])


def _lame_missing(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "lameenc", None)  # import fails as if it were not installed


def _false_ffmpeg(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("ARTICLE_AUDIO_FFMPEG", "/bin/false")


def _missing_ffmpeg(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("ARTICLE_AUDIO_FFMPEG", str(tmp_path / "no-such-ffmpeg"))


ENCODER_FAILURES = {  # (how it breaks, the format it breaks, what the one line says)
    "invalid codec": (_broken_codec, "ogg", "ffmpeg could not encode"),
    "ffmpeg exits 1": (_false_ffmpeg, "ogg", "ffmpeg could not encode"),
    "ffmpeg missing": (_missing_ffmpeg, "mp3", "is not an executable; fix or unset it"),
    "check cannot decode": (_broken_decoder, "mp3", "ffmpeg could not decode"),
    "check's ffmpeg exits 1": (_false_ffmpeg, "mp3", "ffmpeg could not decode"),
    "lameenc missing": (_lame_missing, "mp3", "lameenc is not installed"),
}


@pytest.mark.parametrize("break_encoder, suffix, fragment", list(ENCODER_FAILURES.values()), ids=list(ENCODER_FAILURES))
def test_encoder_failure_leaves_nothing(capsys, tmp_path, monkeypatch, break_encoder, suffix, fragment) -> None:
    break_encoder(monkeypatch, tmp_path)
    out_dir = tmp_path / "out"
    code, stdout, err = run(capsys, "render", SHORT, "--engine", "tone", "-o", out_dir / f"story.{suffix}")
    assert_one_line_error(code, err, 1, fragment)
    assert stdout == ""
    assert names(out_dir) == []


@pytest.mark.parametrize("suffix", ["ogg", "wav"])
def test_encoder_failure_other_formats(capsys, tmp_path, monkeypatch, suffix) -> None:
    monkeypatch.setenv("ARTICLE_AUDIO_FFMPEG", "/bin/false")
    code, _, err = run(capsys, "render", SHORT, "--engine", "tone", "-o", tmp_path / f"story.{suffix}")
    assert_one_line_error(code, err, 1, "ffmpeg could not encode")
    assert names(tmp_path) == []


def test_encoder_failure_names_the_output(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ARTICLE_AUDIO_FFMPEG", "/bin/false")
    code, _, err = run(capsys, "render", SHORT, "--engine", "tone", "-o", tmp_path / "story.mp3")
    line = assert_one_line_error(code, err, 1)
    assert ".partial" not in line
    assert "story.mp3" in line


@pytest.mark.parametrize(
    "failure, expected_code",
    [("encoder", 1), ("bad voice", 2), ("bad lexicon", 2), ("empty article", 2)],
)
def test_failed_render_keeps_the_earlier_rendition(capsys, tmp_path, monkeypatch, failure, expected_code) -> None:
    out_dir = tmp_path / "out"
    out = out_dir / "story.mp3"
    assert run(capsys, "render", SHORT, "--engine", "tone", "-o", out)[0] == 0
    published = {name: (out_dir / name).read_bytes() for name in names(out_dir)}
    assert sorted(published) == ["story.json", "story.mp3", "story.vtt"]

    changed = write(tmp_path / "changed.md", SHORT.read_bytes().replace(b"7 p.m.", b"8 p.m."))
    argv = ["render", changed, "--engine", "tone", "-o", out]
    if failure == "encoder":
        monkeypatch.setenv("ARTICLE_AUDIO_FFMPEG", "/bin/false")
    elif failure == "bad voice":
        argv += ["--voice", "nobody"]
    elif failure == "bad lexicon":
        argv += ["--lexicon", write(tmp_path / "bad.toml", BAD_TOML)]
    else:
        argv[1] = write(tmp_path / "empty.md", b"")
    code, _, err = run(capsys, *argv)
    assert_one_line_error(code, err, expected_code)
    assert {name: (out_dir / name).read_bytes() for name in names(out_dir)} == published


def test_exit_statuses_through_a_real_process(tmp_path) -> None:
    ok = run_process("render", SHORT, "--engine", "tone", "-o", tmp_path / "ok.mp3", cwd=tmp_path)
    assert (ok.returncode, ok.stderr) == (0, b"")
    usage = run_process("render", SHORT, "--engine", "tone", "--format", "flac", cwd=tmp_path)
    assert_one_line_error(usage.returncode, usage.stderr.decode(), 2, "invalid choice: 'flac'")
    failed = run_process("render", SHORT, "--engine", "tone", "-o", tmp_path / "bad.mp3", cwd=tmp_path,
                         env={"ARTICLE_AUDIO_FFMPEG": "/bin/false"})
    assert_one_line_error(failed.returncode, failed.stderr.decode(), 1, "ffmpeg could not decode")
    assert names(tmp_path) == ["ok.json", "ok.mp3", "ok.vtt"]


@pytest.mark.e2e
def test_sigterm_during_render_publishes_nothing(tmp_path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "long.mp3"
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "render", str(LONG), "-o", str(out)],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # Wait until the render has staged its output (it is synthesizing and encoding), then a little more.
        deadline = time.monotonic() + 20
        while not partials(out_dir) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert partials(out_dir), "the render never staged a .partial file"
        time.sleep(0.5)
        assert process.poll() is None, "the render finished before it could be interrupted"
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode != 0
    assert process.returncode == 130
    assert "Traceback" not in err.decode()
    assert err.decode().strip() == "article-audio: interrupted; no partial file was left"
    assert names(out_dir) == []


def test_an_output_path_through_a_file_says_so(capsys, tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("not a folder")
    code, stdout, err = run(capsys, "render", SHORT, "--engine", "tone", "-o", tmp_path / "notes.txt" / "out.mp3")
    assert_one_line_error(code, err, 2, "notes.txt: is a file", "-o")
    assert "File exists" not in err and stdout == ""
    assert names(tmp_path) == ["notes.txt"]


def test_a_second_format_beside_the_first_is_refused_unless_forced(capsys, tmp_path) -> None:
    assert run(capsys, "render", SHORT, "--engine", "tone", "-o", tmp_path / "story.mp3")[0] == 0
    first = {name: (tmp_path / name).read_bytes() for name in names(tmp_path)}
    code, stdout, err = run(capsys, "render", SHORT, "--engine", "tone", "-o", tmp_path / "story.wav")
    assert_one_line_error(code, err, 2, "story.json is the report of", "story.mp3", "--force")
    assert {name: (tmp_path / name).read_bytes() for name in names(tmp_path)} == first
    code, stdout, err = run(capsys, "render", SHORT, "--engine", "tone", "-o", tmp_path / "story.wav", "--force")
    assert code == 0 and json.loads((tmp_path / "story.json").read_text())["output"] == "story.wav"
    assert run(capsys, "render", SHORT, "--engine", "tone", "-o", tmp_path / "story.wav")[0] == 0  # its own again


def test_one_sentence_is_not_sentences(capsys, tmp_path) -> None:
    article = tmp_path / "brief.txt"
    article.write_text("Council meets Monday.")
    code, stdout, _ = run(capsys, "render", article, "--engine", "tone", "-o", tmp_path / "out")
    assert code == 0 and "1 sentence)" in stdout.splitlines()[0]


@pytest.mark.parametrize("audio_format", ["mp3", "wav"])
def test_a_real_full_disk_is_one_line_and_leaves_nothing(capsys, small_disk, audio_format) -> None:
    """On a 64 KiB file system the rendition cannot fit: one line saying so, exit 1, and no partial file."""
    done = run_process("render", LONG, "--engine", "tone", "-o", small_disk / f"story.{audio_format}", cwd=small_disk.parent)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "no space left" in lines[0] and "Traceback" not in lines[0]
    assert names(small_disk) == []


def test_an_article_longer_than_max_minutes_is_refused_before_synthesis(capsys, tmp_path, monkeypatch) -> None:
    from pipeline.engines.tone import ToneEngine

    def no_synthesis(*args, **kwargs):
        raise AssertionError("synthesis started")

    monkeypatch.setattr(ToneEngine, "synthesize", no_synthesis)
    code, stdout, err = run(capsys, "render", LONG, "--engine", "tone", "-o", tmp_path / "out", "--max-minutes", "0.5")
    assert code == 2 and stdout == ""
    line = err.strip()
    assert "\n" not in line and re.search(r"estimated \d+ minutes, longer than the 0\.5-minute limit; give "
                                          r"--max-minutes \d+ \(or max_minutes in the config\)", line)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("value", ["0", "-3", "soon", "nan"])
def test_max_minutes_must_be_a_positive_number(capsys, value) -> None:
    code, _, err = run(capsys, "render", SHORT, "--engine", "tone", "--max-minutes", value)
    assert code == 2 and "--max-minutes" in err and len(err.strip().splitlines()) == 1
