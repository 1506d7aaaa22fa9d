"""Batch runs: incremental, cached, parallel, locked, and safe when killed or starved of disk."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.batch.runner import (
    LOCK_NAME,
    BatchConfig,
    BatchLocked,
    Job,
    longest_first,
    run_batch,
)
from pipeline.cli.main import build_parser, main
from pipeline.errors import UsageError
from pipeline.settings import RenderSettings
from pipeline.stages.encode import decode_to_pcm

TONE_WAV = RenderSettings(engine="tone", format="wav")
ARTICLES = {
    "ferry.md": "# Ferry back\n\nThe ferry returns Monday. Crews finished early.\n\nFares stay the same.",
    "local/council.txt": "Council votes 5-2 to keep the rink open. The mayor abstained.",
    "weather.md": "Rain, then snow. Roads will be slick by 5 p.m.",
}


def write_articles(folder: Path, articles: dict[str, str] = ARTICLES) -> None:
    for name, text in articles.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def config(tmp_path: Path, **changes) -> BatchConfig:
    values = dict(input_dir=tmp_path / "in", out_dir=tmp_path / "out", settings=TONE_WAV, jobs=1,
                  cache_dir=tmp_path / "cache")
    values.update(changes)
    values.setdefault("in_process", values["jobs"] == 1)  # fast, and lets tests patch what a worker does
    return BatchConfig(**values)


def statuses(result) -> dict[str, str]:
    return {outcome.source: outcome.status for outcome in result.outcomes}


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and ".cache" not in p.parts and p.name != LOCK_NAME)


@pytest.fixture
def corpus(tmp_path) -> Path:
    write_articles(tmp_path / "in")
    return tmp_path


def test_first_run_renders_everything_and_mirrors_folders(corpus):
    result = run_batch(config(corpus))
    assert statuses(result) == {name: "rendered" for name in ARTICLES}
    out = corpus / "out"
    assert {"ferry.wav", "ferry.json", "ferry.vtt", "local/council.wav", "weather.wav", "index.json"} <= set(files(out))
    index = json.loads((out / "index.json").read_text())
    assert sorted(r["source"] for r in index["renditions"]) == sorted(ARTICLES)
    report = json.loads((out / "ferry.json").read_text())
    assert report["source_path"] == "ferry.md" and len(report["render_key"]) == 64


def test_batch_renditions_are_leveled_on_the_whole_article(corpus):
    from pipeline.stages.loudness import integrated_loudness, pcm16_to_float

    long_article = "# Tides\n\n" + " ".join(f"Sentence {i} keeps the harbour talking." for i in range(60))
    (corpus / "in" / "tides.md").write_text(long_article)
    run_batch(config(corpus))
    report = json.loads((corpus / "out" / "tides.json").read_text())
    pcm, rate = decode_to_pcm(corpus / "out" / "tides.wav", 22050)
    # One core per article: leveled with the whole article in hand, then encoded once.
    assert integrated_loudness(pcm16_to_float(pcm), rate) == pytest.approx(-16.0, abs=0.2)
    assert report["loudness"]["passes"] == 1


def test_workers_take_the_longest_articles_first():
    jobs = [Job(Path(name), name, Path(name), "key", size=size) for name, size in
            [("short", 10), ("long", 900), ("middle", 300), ("also-middle", 300)]]
    assert [job.relative for job in longest_first(jobs)] == ["long", "middle", "also-middle", "short"]


def test_nothing_changed_means_nothing_rendered(corpus):
    run_batch(config(corpus))
    before = {name: (corpus / "out" / name).stat().st_mtime_ns for name in files(corpus / "out") if name.endswith(".wav")}
    result = run_batch(config(corpus))
    assert set(statuses(result).values()) == {"skipped"}
    assert before == {name: (corpus / "out" / name).stat().st_mtime_ns for name in before}


def test_edited_article_rerenders_alone_and_only_its_changed_sentence_is_synthesized(corpus):
    run_batch(config(corpus))
    (corpus / "in" / "ferry.md").write_text(ARTICLES["ferry.md"].replace("Crews finished early.", "Crews finished late."))
    result = run_batch(config(corpus))
    assert statuses(result) == {"ferry.md": "rendered", "local/council.txt": "skipped", "weather.md": "skipped"}
    (ferry,) = [o for o in result.outcomes if o.status == "rendered"]
    assert (ferry.synthesized, ferry.cached) == (1, 3)


def test_lexicon_edit_rerenders_only_articles_that_use_the_entry(corpus):
    lexicon = corpus / "lexicon.toml"
    lexicon.write_text('[[entry]]\nword = "ferry"\nsay = "fairy"\n\n[[entry]]\nword = "rink"\nsay = "rinque"\n')
    run_batch(config(corpus, lexicon_path=lexicon))
    lexicon.write_text('[[entry]]\nword = "ferry"\nsay = "fery boat"\n\n[[entry]]\nword = "rink"\nsay = "rinque"\n'
                       '\n[[entry]]\nword = "unused"\nsay = "nothing"\n')
    result = run_batch(config(corpus, lexicon_path=lexicon))
    assert statuses(result) == {"ferry.md": "rendered", "local/council.txt": "skipped", "weather.md": "skipped"}


def test_settings_change_rerenders_everything(corpus):
    run_batch(config(corpus))
    result = run_batch(config(corpus, settings=RenderSettings(engine="tone", format="wav", rate=200)))
    assert set(statuses(result).values()) == {"rendered"}


def test_a_bad_article_fails_alone_and_is_retried(corpus):
    (corpus / "in" / "empty.md").write_text("   \n")
    (corpus / "in" / "binary.txt").write_bytes(b"\x00\x01\x02PNG")
    result = run_batch(config(corpus))
    assert statuses(result)["empty.md"] == "failed" and statuses(result)["binary.txt"] == "failed"
    assert "is empty" in [o.reason for o in result.outcomes if o.source == "empty.md"][0]
    assert result.count("rendered") == 3
    again = run_batch(config(corpus))
    assert statuses(again)["empty.md"] == "failed" and again.count("skipped") == 3


def test_an_article_named_index_cannot_overwrite_the_index(corpus):
    (corpus / "in" / "index.md").write_text("An article that happens to be called index.")
    result = run_batch(config(corpus))
    assert statuses(result)["index.md"] == "failed"
    assert "rename" in [o.reason for o in result.outcomes if o.source == "index.md"][0]
    assert json.loads((corpus / "out" / "index.json").read_text())["renditions"]


def test_articles_that_would_share_an_output_do_not_fight_over_it(corpus):
    (corpus / "in" / "ferry.txt").write_text("A second ferry story with the same name.")
    first, second = run_batch(config(corpus)), run_batch(config(corpus))
    assert statuses(first)["ferry.md"] == "rendered" and statuses(first)["ferry.txt"] == "failed"
    assert "same output as ferry.md" in [o.reason for o in first.outcomes if o.source == "ferry.txt"][0]
    assert statuses(second)["ferry.md"] == "skipped"


def test_an_article_edited_during_the_run_is_left_for_the_next_run(corpus, monkeypatch):
    import pipeline.batch.runner as batch

    real_plan = batch.plan

    def plan_then_edit(*args):
        jobs = real_plan(*args)
        (corpus / "in" / "weather.md").write_text("Sunny all week, the forecast now says.")
        return jobs

    monkeypatch.setattr(batch, "plan", plan_then_edit)
    result = run_batch(config(corpus))
    assert "changed during the run" in [o.reason for o in result.outcomes if o.source == "weather.md"][0]
    monkeypatch.undo()
    assert statuses(run_batch(config(corpus)))["weather.md"] == "rendered"


def test_dry_run_renders_nothing(corpus):
    result = run_batch(config(corpus, dry_run=True))
    assert set(statuses(result).values()) == {"would render"}
    assert not (corpus / "out").exists()  # not even the folder or its lock


def test_dry_run_of_a_rendered_folder_writes_nothing(corpus):
    run_batch(config(corpus))
    (corpus / "in" / "weather.md").write_text("Sun all week.", encoding="utf-8")
    (corpus / "out" / LOCK_NAME).unlink()
    before = {path: path.stat().st_mtime_ns for path in (corpus / "out").rglob("*")}
    result = run_batch(config(corpus, dry_run=True, prune=True))
    assert statuses(result)["weather.md"] == "would render" and result.pruned == ()
    assert {path: path.stat().st_mtime_ns for path in (corpus / "out").rglob("*")} == before


def test_config_paths_and_the_default_output_are_relative_to_the_config_file(corpus, monkeypatch, tmp_path_factory):
    from pipeline.cli.batch import batch_config

    config_file = corpus / "batch.toml"
    config_file.write_text('input = "in"\nengine = "tone"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    config, _ = batch_config(build_parser().parse_args(["batch", "--config", str(config_file)]))
    assert config.input_dir == corpus / "in"
    assert config.out_dir == corpus / "audio_out"
    assert main(["batch", "--config", str(config_file), "--dry-run"]) == 0
    assert not (corpus / "audio_out").exists() and not Path("audio_out").exists()


def test_prune_removes_renditions_of_deleted_articles_only_when_asked(corpus):
    run_batch(config(corpus))
    (corpus / "in" / "weather.md").unlink()
    run_batch(config(corpus))
    assert "weather.wav" in files(corpus / "out")
    result = run_batch(config(corpus, prune=True))
    assert result.pruned == ("weather.wav",)
    assert not {"weather.wav", "weather.json", "weather.vtt"} & set(files(corpus / "out"))


def test_a_held_lock_means_exit_75(corpus, capsys):
    out = corpus / "out"
    out.mkdir()
    with open(out / LOCK_NAME, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("pid 12345")
        held.flush()
        with pytest.raises(BatchLocked):
            run_batch(config(corpus))
        assert main(["batch", str(corpus / "in"), "--out", str(out), "--engine", "tone", "--jobs", "1"]) == 75
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "another batch (pid 12345)" in err[0]


def test_a_killed_runs_lock_is_taken_over(corpus):
    out = corpus / "out"
    out.mkdir()
    (out / LOCK_NAME).write_text("pid 99999999")  # a lock file nobody holds any more
    assert run_batch(config(corpus)).count("rendered") == 3


def test_parallel_workers_render_the_same_renditions(corpus, tmp_path):
    serial = run_batch(config(corpus))
    parallel = run_batch(config(corpus, out_dir=tmp_path / "out2", jobs=2))
    assert statuses(parallel) == statuses(serial)
    for name in ("ferry.wav", "local/council.wav"):
        assert (tmp_path / "out2" / name).read_bytes() == (corpus / "out" / name).read_bytes()


def test_corrupt_cache_entry_is_redone(corpus):
    run_batch(config(corpus))
    for entry in (corpus / "cache").rglob("*"):
        if entry.is_file():
            data = bytearray(entry.read_bytes())
            data[-1] ^= 0xFF
            entry.write_bytes(bytes(data))
    (corpus / "in" / "ferry.md").write_text(ARTICLES["ferry.md"] + " One more line.")
    result = run_batch(config(corpus))
    (ferry,) = [o for o in result.outcomes if o.status == "rendered"]
    assert ferry.cached == 0 and ferry.synthesized == 5  # every corrupt entry was synthesized again


def test_full_disk_fails_the_article_cleanly(corpus, monkeypatch):
    from pipeline import files as files_module

    original = files_module.StagedOutputs.stage_text

    def full_disk(self, destination, text):
        if "weather" in str(destination):
            raise files_module.write_error(destination, OSError(28, "No space left on device"))
        return original(self, destination, text)

    monkeypatch.setattr(files_module.StagedOutputs, "stage_text", full_disk)
    result = run_batch(config(corpus))
    assert statuses(result)["weather.md"] == "failed"
    assert "no space left" in [o.reason for o in result.outcomes if o.source == "weather.md"][0]
    assert not [name for name in files(corpus / "out") if name.startswith("weather") or ".partial" in name]


def test_cli_is_quiet_on_success_and_logs_json(corpus, capsys):
    log = corpus / "batch.log"
    args = ["batch", str(corpus / "in"), "--out", str(corpus / "out"), "--engine", "tone", "--format", "wav",
            "--jobs", "1", "--log", str(log)]
    assert main(args) == 0
    assert capsys.readouterr() == ("", "")
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted(line["source"] for line in lines) == sorted(ARTICLES)
    assert {line["status"] for line in lines} == {"rendered"}
    (corpus / "in" / "broken.md").write_bytes(b"\xff\xfe\x00")
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "failed: broken.md:" in err and "rendered 0, skipped 3, failed 1" in err


def test_config_file_holds_the_settings(corpus, capsys):
    config_file = corpus / "batch.toml"
    config_file.write_text('input = "in"\nout = "published"\nengine = "tone"\nformat = "wav"\njobs = 1\n'
                           'feed_url = "https://news.example/audio/"\n')
    assert main(["batch", "--config", str(config_file), "--verbose"]) == 0
    assert "rendered 3, skipped 0, failed 0" in capsys.readouterr().out
    assert (corpus / "published" / "feed.xml").is_file()
    config_file.write_text('input = "in"\njobz = 2\n')
    assert main(["batch", "--config", str(config_file)]) == 2
    assert "unknown setting 'jobz'" in capsys.readouterr().err


def _batch_process(corpus: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "pipeline", "batch", str(corpus / "in"), "--out", str(corpus / "out"), *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _long_corpus(corpus: Path, count: int = 8) -> None:
    source = Path(__file__).parent / "fixtures" / "heldout"
    middling = sorted(source.glob("*.md"))[4:9]  # 360 to 1,240 words: long enough to strike mid-article
    for index, path in enumerate(middling[-count:]):
        (corpus / "in" / f"long{index}.md").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")


def _assert_all_valid(out: Path) -> None:
    for report_path in out.rglob("*.json"):
        if report_path.name == "index.json":
            continue
        report = json.loads(report_path.read_text())
        pcm, rate = decode_to_pcm(report_path.with_suffix(".mp3"), 22050)
        assert len(pcm) / 2 / rate == pytest.approx(report["duration_seconds"], abs=0.1)
    assert not [p for p in out.rglob("*") if p.name.endswith(".partial")]


@pytest.mark.e2e
@pytest.mark.parametrize("kill", [signal.SIGKILL, signal.SIGTERM])
def test_killed_batch_leaves_only_complete_renditions_and_the_next_run_finishes(corpus, kill):
    _long_corpus(corpus, 5)
    process = _batch_process(corpus, "--jobs", "2")
    deadline = time.monotonic() + 60
    while not list((corpus / "out").glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.05)  # wait until something has been published, then strike mid-run
    time.sleep(0.3)
    process.send_signal(kill)
    process.wait(timeout=60)
    if kill == signal.SIGTERM:
        assert process.returncode == 130, process.stderr.read().decode()
        time.sleep(0.5)  # ffmpeg processes of the stopped workers see their input end and exit
        assert not [p for p in (corpus / "out").rglob("*.partial")]
    finish = _batch_process(corpus, "--jobs", "2")
    assert finish.wait(timeout=120) == 0, finish.stderr.read().decode()
    _assert_all_valid(corpus / "out")
    rendered = {p.stem for p in (corpus / "out").rglob("*.mp3")}
    assert rendered == {p.stem for p in (corpus / "in").rglob("*.*")}


@pytest.mark.e2e
def test_two_batches_started_together_one_works_one_exits_75(corpus):
    _long_corpus(corpus, 2)
    first, second = _batch_process(corpus, "--jobs", "1"), _batch_process(corpus, "--jobs", "1")
    codes = sorted([first.wait(timeout=120), second.wait(timeout=120)])
    assert codes == [0, 75]


@pytest.mark.e2e
def test_an_article_whose_worker_is_killed_is_retried_and_the_batch_finishes(corpus):
    _long_corpus(corpus, 4)
    process = _batch_process(corpus, "--jobs", "2")
    worker = None
    deadline = time.monotonic() + 60
    while worker is None and time.monotonic() < deadline:
        for child in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"spawn_main" in cmdline and b"resource_tracker" not in cmdline:
                worker = int(child)
        time.sleep(0.05)
    assert worker, "no worker process appeared"
    time.sleep(1.0)  # let it get into an article
    os.kill(worker, signal.SIGKILL)  # as the OOM killer would
    assert process.wait(timeout=120) == 0, process.stderr.read().decode()
    _assert_all_valid(corpus / "out")
    assert {p.stem for p in (corpus / "out").rglob("*.mp3")} == {p.stem for p in (corpus / "in").rglob("*.*")}


def _ffmpeg_that_kills_its_worker(folder: Path) -> Path:
    """An ffmpeg that, for an article titled "Crash ...", kills the worker that started it, every time."""
    from pipeline.stages.encode import ffmpeg_executable

    fake = folder / "ffmpeg"
    fake.write_text(f'#!/bin/sh\ncase "$*" in *"title=Crash"*) kill -9 $PPID; sleep 5; exit 1;; esac\n'
                    f'exec "{ffmpeg_executable()}" "$@"\n')
    fake.chmod(0o755)
    return fake


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_article_that_kills_its_worker_fails_alone_and_the_others_are_rendered(corpus, monkeypatch, jobs):
    (corpus / "in" / "crash.md").write_text("# Crash course\n\nThe course reopens in March.")
    monkeypatch.setenv("ARTICLE_AUDIO_FFMPEG", str(_ffmpeg_that_kills_its_worker(corpus)))
    result = run_batch(config(corpus, jobs=jobs, in_process=False))
    assert statuses(result) == {"crash.md": "failed", **{name: "rendered" for name in ARTICLES}}
    (failure,) = [o for o in result.outcomes if o.status == "failed"]
    assert "worker process rendering it died 2 times" in failure.reason
    assert not [p for p in (corpus / "out").rglob("*") if p.name.endswith(".partial") or p.stem == "crash"]


def test_an_in_process_batch_renders_one_article_at_a_time(corpus):
    from pipeline.errors import UsageError

    with pytest.raises(UsageError, match="jobs = 1"):
        run_batch(config(corpus, jobs=2, in_process=True))


def test_default_jobs_are_the_cores_this_process_may_use(corpus, monkeypatch):
    from pipeline.cli.batch import batch_config
    from pipeline.cli.main import build_parser

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3}, raising=False)  # as under `taskset -c 3`
    config_, _ = batch_config(build_parser().parse_args(["batch", str(corpus / "in")]))
    assert config_.jobs == 1
    config_, _ = batch_config(build_parser().parse_args(["batch", str(corpus / "in"), "--jobs", "4"]))
    assert config_.jobs == 4


def _executor_threads() -> list:
    import threading
    from concurrent.futures.process import _ExecutorManagerThread

    return [thread for thread in threading.enumerate() if isinstance(thread, _ExecutorManagerThread)]


@pytest.mark.parametrize("interrupted", [False, True])
def test_a_batch_returns_only_after_its_worker_pool_is_gone(corpus, interrupted):
    """A manager thread still running at exit races the interpreter's exit hook for its wake-up pipe, which
    printed 'Exception ignored in: <module threading> ... Bad file descriptor' into cron mails."""

    def stop(outcome, done, total):
        if interrupted:
            raise KeyboardInterrupt

    try:
        run_batch(config(corpus, jobs=2, in_process=False), stop)
    except KeyboardInterrupt:
        assert interrupted
    assert _executor_threads() == []


def test_twenty_runs_with_nothing_to_do_print_nothing(corpus):
    command = [sys.executable, "-m", "pipeline", "batch", str(corpus / "in"), "--out", str(corpus / "out"),
               "--engine", "tone", "--format", "wav", "--jobs", "2"]
    subprocess.run(command, check=True, capture_output=True)
    for _ in range(20):
        done = subprocess.run(command, capture_output=True)
        assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")


def test_batch_takes_o_date_order_and_pause_like_render_and_logs_skipped_articles(corpus):
    log = corpus / "batch.log"
    (corpus / "in" / "dated.md").write_text("The vote was on 03/04/2025.", encoding="utf-8")
    args = ["batch", str(corpus / "in"), "-o", str(corpus / "out"), "--engine", "tone", "--format", "wav",
            "--jobs", "1", "--date-order", "dmy", "--pause", "paragraph=1500", "--log", str(log)]
    assert main(args) == 0
    report = json.loads((corpus / "out" / "dated.json").read_text())
    assert report["settings"]["date_order"] == "dmy" and report["settings"]["pauses_ms"]["paragraph"] == 1500
    assert "April third" in report["sentences"][0]["spoken"]  # day first: 03/04 is the 3rd of April
    assert main(args) == 0
    second_run = [json.loads(line) for line in log.read_text().splitlines()][len(ARTICLES) + 1:]
    assert sorted((line["source"], line["status"]) for line in second_run) == sorted(
        (name, "skipped") for name in [*ARTICLES, "dated.md"])


def test_config_file_sets_date_order_and_pauses(corpus):
    from pipeline.cli.batch import batch_config

    config_file = corpus / "batch.toml"
    config_file.write_text('input = "in"\ndate_order = "dmy"\npause = { paragraph = 1300, title = 900 }\n')
    config, _ = batch_config(build_parser().parse_args(["batch", "--config", str(config_file), "--pause", "title=800"]))
    assert config.settings.date_order == "dmy"
    assert (config.settings.pauses.paragraph, config.settings.pauses.title) == (1300, 800)
    config_file.write_text('input = "in"\npause = { breath = 100 }\n')
    with pytest.raises(UsageError, match="pause 'breath=100'"):
        batch_config(build_parser().parse_args(["batch", "--config", str(config_file)]))


def test_a_run_without_feed_keeps_an_earlier_feed_true_to_the_files(corpus):
    import feedparser

    run_batch(config(corpus, feed_url="https://news.example/audio/", feed_title="Harbour audio"))
    (corpus / "in" / "weather.md").write_text("Rain, then snow, then a long spell of sun.", encoding="utf-8")
    run_batch(config(corpus))  # an ad-hoc run, without --feed
    feed = feedparser.parse((corpus / "out" / "feed.xml").read_bytes())
    assert feed.feed.title == "Harbour audio"
    enclosures = {entry.enclosures[0].href: int(entry.enclosures[0].length) for entry in feed.entries}
    assert enclosures["https://news.example/audio/weather.wav"] == (corpus / "out" / "weather.wav").stat().st_size


def test_a_run_that_changes_nothing_leaves_index_and_feed_untouched(corpus):
    run_batch(config(corpus, feed_url="https://news.example/audio/"))
    published = [corpus / "out" / "index.json", corpus / "out" / "feed.xml"]
    before = [(path.read_bytes(), path.stat().st_mtime_ns) for path in published]
    time.sleep(1.1)  # the documents carry times to the second
    assert statuses(run_batch(config(corpus, feed_url="https://news.example/audio/"))) == {
        name: "skipped" for name in ARTICLES}
    assert [(path.read_bytes(), path.stat().st_mtime_ns) for path in published] == before
    (corpus / "in" / "weather.md").write_text("Fog.", encoding="utf-8")
    run_batch(config(corpus, feed_url="https://news.example/audio/"))
    assert all(path.read_bytes() != old for path, (old, _) in zip(published, before))


def test_the_sentence_cache_lives_in_the_users_cache_directory_not_in_the_published_folder(corpus, monkeypatch):
    xdg = corpus / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))
    result = run_batch(config(corpus, cache_dir=None))
    assert result.count("rendered") == len(ARTICLES)
    assert not (corpus / "out" / ".cache").exists()
    assert any((xdg / "article-audio" / "sentences").rglob("*"))


def test_a_batch_onto_a_real_full_disk_fails_each_article_cleanly_and_the_next_run_recovers(tmp_path, small_disk):
    write_articles(tmp_path / "in", {"weather.md": ARTICLES["weather.md"]})
    (tmp_path / "in" / "long.md").write_text((Path(__file__).parent / "fixtures" / "heldout" /
                                              "h12-investigation-tutoring-program.md").read_text(encoding="utf-8"))
    mp3 = RenderSettings(engine="tone", format="mp3")
    result = run_batch(config(tmp_path, out_dir=small_disk, settings=mp3))
    assert statuses(result)["long.md"] == "failed"
    assert "no space left" in [o.reason for o in result.outcomes if o.source == "long.md"][0]
    assert not [p.name for p in small_disk.rglob("*") if p.name.endswith(".partial") or p.name.startswith("long.")]
    for rendition in small_disk.glob("*.mp3"):  # whatever fitted is complete
        assert rendition.with_suffix(".json").is_file() and rendition.with_suffix(".vtt").is_file()
    (tmp_path / "in" / "long.md").unlink()  # the operator moves the long read elsewhere
    again = run_batch(config(tmp_path, out_dir=small_disk, settings=mp3))
    assert statuses(again) in ({"weather.md": "rendered"}, {"weather.md": "skipped"})
    assert (small_disk / "weather.mp3").is_file() and (small_disk / "index.json").is_file()


def test_the_cache_earlier_versions_kept_in_the_published_folder_is_removed(corpus):
    old = corpus / "out" / ".cache" / "ab"
    old.mkdir(parents=True)
    (old / ("ab" + "0" * 62)).write_bytes(b"old audio")
    run_batch(config(corpus))
    assert not (corpus / "out" / ".cache").exists()
    mine = corpus / "out" / ".cache"
    mine.mkdir()
    (mine / "notes.txt").write_text("an editor's own file")
    run_batch(config(corpus))
    assert (mine / "notes.txt").is_file()  # not a cache this tool made: left alone


def test_without_a_home_directory_the_cache_is_asked_for_in_one_line(corpus, monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME")

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    with pytest.raises(UsageError, match="give --cache-dir"):
        run_batch(config(corpus, cache_dir=None))


def test_an_article_longer_than_max_minutes_fails_alone(corpus):
    (corpus / "in" / "long.md").write_text((Path(__file__).parent / "fixtures" / "heldout" /
                                            "h12-investigation-tutoring-program.md").read_text(encoding="utf-8"))
    result = run_batch(config(corpus, max_minutes=1.5))
    assert statuses(result)["long.md"] == "failed"
    assert "longer than the 1.5-minute limit" in [o.reason for o in result.outcomes if o.source == "long.md"][0]
    assert {status for source, status in statuses(result).items() if source != "long.md"} == {"rendered"}
    assert not (corpus / "out" / "long.wav").exists()


def test_config_file_and_option_set_max_minutes(corpus):
    from pipeline.cli.batch import batch_config

    config_file = corpus / "batch.toml"
    config_file.write_text('input = "in"\nmax_minutes = 90\n')
    config, _ = batch_config(build_parser().parse_args(["batch", "--config", str(config_file)]))
    assert config.max_minutes == 90
    config, _ = batch_config(build_parser().parse_args(["batch", "--config", str(config_file), "--max-minutes", "5"]))
    assert config.max_minutes == 5
    config, _ = batch_config(build_parser().parse_args(["batch", "in"]))
    assert config.max_minutes == 1440
    config_file.write_text('input = "in"\nmax_minutes = 0\n')
    with pytest.raises(UsageError, match="max_minutes must be greater than 0"):
        batch_config(build_parser().parse_args(["batch", "--config", str(config_file)]))


@pytest.mark.parametrize("engine, changes", [("piper", True), ("espeak", False)])
def test_an_ipa_only_entry_changes_the_render_key_only_for_an_engine_that_reads_ipa(engine, changes):
    from pipeline.batch.runner import render_key
    from pipeline.lexicon.model import parse_lexicon

    article = "LLANDRE, Wales — The Lwyd bridge reopened on Tuesday.".encode()
    before, after = (parse_lexicon(f'[[entry]]\nword = "Lwyd"\nipa = "{ipa}"\n'.encode()) for ipa in ("lʊɨd", "lʊid"))
    settings = RenderSettings(engine=engine)
    keys = {render_key(article, lexicon, settings, "engine 1") for lexicon in (before, after)}
    assert len(keys) == (2 if changes else 1)


def test_pages_are_written_kept_current_and_pruned(corpus):
    from pipeline.batch.publish import MISSING_IMAGE_WARNING
    from pipeline.publish.site import read_pages_settings

    result = run_batch(config(corpus, pages=True, feedback_url="/feedback", feed_url="https://news.example/audio/"))
    out = corpus / "out"
    assert MISSING_IMAGE_WARNING in result.summary()
    assert {"index.html", "player.js", "player.css", "ferry.html", "local/council.html", "weather.html"} <= set(files(out))
    council = (out / "local" / "council.html").read_text(encoding="utf-8")
    assert '<script src="../player.js"></script>' in council and 'feedback="/feedback"' in council
    assert '"contentUrl":"https://news.example/audio/local/council.wav"' in council
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("<article-audio-player") == 3 and 'href="local/council.html"' in index
    assert '"sentences"' not in index  # the index's players carry no text: it stays small
    assert read_pages_settings(out)["feedback_url"] == "/feedback"
    before = (out / "ferry.html").stat().st_mtime_ns
    # an ad-hoc run without --pages keeps them current, with the options they were written with
    (corpus / "in" / "weather.md").write_text("Fog, then a long spell of sun.", encoding="utf-8")
    result = run_batch(config(corpus, feed_image="https://news.example/audio/cover.png"))
    assert "warning" not in result.summary()
    weather = (out / "weather.html").read_text(encoding="utf-8")
    assert "a long spell of sun" in weather and 'feedback="/feedback"' in weather
    assert (out / "ferry.html").stat().st_mtime_ns == before  # its report did not change: neither did its page
    (corpus / "in" / "weather.md").unlink()
    run_batch(config(corpus, prune=True))
    assert not (out / "weather.html").exists() and "weather" not in (out / "index.html").read_text(encoding="utf-8")


def test_a_bad_feed_image_is_refused_before_any_work(corpus):
    with pytest.raises(UsageError, match="feed image"):
        run_batch(config(corpus, feed_url="https://news.example/audio/", feed_image="cover.png"))
    assert not (corpus / "out").exists()


def test_a_new_notice_rewrites_reports_and_pages_but_never_the_audio(corpus):
    run_batch(config(corpus, pages=True))
    out = corpus / "out"
    audio = {path: path.read_bytes() for path in out.rglob("*.wav")}
    result = run_batch(config(corpus, notice="Read by a synthetic voice; tell us about mistakes."))
    assert set(statuses(result).values()) == {"skipped"}
    assert {path: path.read_bytes() for path in out.rglob("*.wav")} == audio
    for name in ("ferry", "local/council", "weather"):
        report = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        assert report["notice"] == "Read by a synthetic voice; tell us about mistakes."
        assert "Read by a synthetic voice; tell us about mistakes." in (out / f"{name}.html").read_text(encoding="utf-8")
