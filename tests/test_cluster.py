"""Batches on a Dask cluster: a real distributed.LocalCluster on loopback, two worker processes of one thread."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.batch.runner import BatchConfig, run_batch
from pipeline.stages.encode import decode_to_pcm
from tests.test_cli import run

pytestmark = pytest.mark.e2e
try:
    import distributed  # noqa: F401
except ImportError:
    if "CI" in os.environ:  # CI installs the extra: missing there is a failure, not a skip
        raise
    pytest.skip("the cluster extra is not installed (pip install -e '.[cluster]')", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "newsroom"
ARTICLES = sorted((FIXTURES / "us-wire").glob("0[1-4]*.md")) + sorted((FIXTURES / "british-broadcaster").glob("0[12]*.md"))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """One LocalCluster for every test here (processes, 2 workers, 1 thread each), and a client to steer it."""
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 3, "distributed.worker.daemon": False}):
        # made before any test's own cache folder: the workers get one of theirs, never the user's
        local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                             local_directory=str(tmp_path_factory.mktemp("dask")), silence_logs=50,
                             env={"XDG_CACHE_HOME": str(tmp_path_factory.mktemp("worker-cache"))})
    client = Client(local, set_as_default=False)
    yield local, client
    client.close()
    local.close()


def corpus(folder: Path, articles=ARTICLES) -> Path:
    (folder / "in").mkdir(parents=True, exist_ok=True)
    for path in articles:
        (folder / "in" / path.name).write_bytes(path.read_bytes())
    return folder / "in"


def reports(out: Path) -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(out.glob("*.json"))
            if path.name != "index.json" and not path.name.endswith(".chapters.json")}


def test_a_cluster_run_makes_the_renditions_a_local_run_makes(cluster, tmp_path):
    local, client = cluster
    source = corpus(tmp_path)
    here = run_batch(BatchConfig(source, tmp_path / "local", jobs=2, cache_dir=tmp_path / "cache-local"))
    there = run_batch(BatchConfig(source, tmp_path / "cluster", scheduler=local.scheduler_address, pages=True))
    assert here.count("rendered") == there.count("rendered") == len(ARTICLES)
    mine, theirs = reports(tmp_path / "local"), reports(tmp_path / "cluster")
    assert mine.keys() == theirs.keys()
    for stem in mine:
        assert [s["text"] for s in mine[stem]["sentences"]] == [s["text"] for s in theirs[stem]["sentences"]]
        assert [s["spoken"] for s in mine[stem]["sentences"]] == [s["spoken"] for s in theirs[stem]["sentences"]]
        assert abs(theirs[stem]["duration_seconds"] / mine[stem]["duration_seconds"] - 1) < 0.02
        assert theirs[stem]["render_key"] == mine[stem]["render_key"]  # the same keys: no re-render on switching
        assert (tmp_path / "cluster" / f"{stem}.html").exists() and (tmp_path / "cluster" / f"{stem}.vtt").exists()
    assert not list((tmp_path / "cluster").rglob(".*.partial*"))
    folders = client.run(lambda dask_worker: dask_worker.local_directory).values()
    assert [path for folder in folders for path in Path(folder).glob("article-audio-staging/*")] == []  # swept
    again = run_batch(BatchConfig(source, tmp_path / "cluster", scheduler=local.scheduler_address))
    assert again.count("skipped") == len(ARTICLES)
    planned = run_batch(BatchConfig(source, tmp_path / "elsewhere", scheduler=local.scheduler_address, dry_run=True))
    assert planned.count("would render") == len(ARTICLES) and not (tmp_path / "elsewhere").exists()


def test_a_worker_killed_mid_run_has_its_articles_rendered_again(cluster, tmp_path):
    local, client = cluster
    source = corpus(tmp_path)
    outcome = {}
    def batch():
        try:
            outcome["result"] = run_batch(BatchConfig(source, tmp_path / "out", scheduler=local.scheduler_address))
        except Exception as error:  # noqa: BLE001 - said by the assertion below
            outcome["error"] = error

    runner = threading.Thread(target=batch)
    runner.start()
    deadline = time.monotonic() + 60
    victim, keys = None, []
    while victim is None and time.monotonic() < deadline:
        busy = {worker: [k for k in keys if "article-audio" in k] for worker, keys in client.processing().items()}
        victim, keys = next(((worker, keys) for worker, keys in busy.items() if keys), (None, []))
        time.sleep(0.05)
    assert victim, "no article started on the cluster"
    with contextlib.suppress(Exception):
        client.run(os._exit, 1, workers=[victim])  # the worker process dies mid-article; its nanny starts another
    runner.join(timeout=240)
    assert not runner.is_alive() and "result" in outcome, outcome.get("error")
    result = outcome["result"]
    assert result.count("rendered") == len(ARTICLES), result.outcomes
    story = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.story(*keys))
    started = [transition for transition in story if transition[2] == "processing"]
    assert len(started) > len(keys), "the killed worker's articles were not started again"
    for stem, report in reports(tmp_path / "out").items():
        samples, _ = decode_to_pcm(tmp_path / "out" / report["output"], 8000)
        assert abs(len(samples) / 2 / 8000 - report["duration_seconds"]) < 0.2  # whole files, none half-written
    assert not list((tmp_path / "out").rglob(".*.partial*"))
    client.wait_for_workers(2, timeout=60)


def test_an_article_that_fails_fails_alone_and_a_version_mismatch_is_named(cluster, tmp_path, monkeypatch):
    from pipeline.batch import cluster as executor

    local, _ = cluster
    source = corpus(tmp_path, ARTICLES[:2])
    (source / "empty.md").write_text("   \n", encoding="utf-8")
    (source / "index.md").write_text("An article called index.", encoding="utf-8")
    result = run_batch(BatchConfig(source, tmp_path / "out", scheduler=local.scheduler_address))
    assert {o.source: o.status for o in result.outcomes} == {ARTICLES[0].name: "rendered", ARTICLES[1].name: "rendered",
                                                             "empty.md": "failed", "index.md": "failed"}
    assert "would overwrite the batch's index.json" in next(o.reason for o in result.outcomes if o.source == "index.md")
    (source / "index.md").unlink()
    monkeypatch.setattr(executor, "__version__", "0.0.1")
    (source / "empty.md").unlink()
    result = run_batch(BatchConfig(source, tmp_path / "other", scheduler=local.scheduler_address))
    reasons = [o.reason for o in result.outcomes]
    assert all("runs article-audio" in reason and "but this client runs 0.0.1" in reason for reason in reasons)


def test_an_unreachable_scheduler_is_one_line_and_exit_75(tmp_path, capsys):
    source = corpus(tmp_path, ARTICLES[:1])
    started = time.monotonic()
    code, out, err = run(capsys, "batch", source, "-o", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:9")
    assert code == 75 and out == "" and err.count("\n") == 1
    assert "the Dask scheduler at tcp://127.0.0.1:9 cannot be reached" in err and "next scheduled run" in err
    assert time.monotonic() - started < 30
    code, _, err = run(capsys, "batch", source, "--scheduler", "10.0.0.5:8786")
    assert code == 2 and "give the scheduler's address, e.g. tcp://" in err


def wait_for_articles_on(client, seconds: float = 60) -> bool:
    """True once some article of ours is queued or running on the cluster."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(any("article-audio" in key for key in keys) for keys in client.processing().values()):
            return True
        time.sleep(0.05)
    return False


def test_a_second_client_on_the_same_folder_exits_75_and_a_good_run_is_silent(cluster, tmp_path):
    local, client = cluster
    source = corpus(tmp_path, ARTICLES[:3])
    command = [sys.executable, "-m", "pipeline", "batch", str(source), "-o", str(tmp_path / "out"),
               "--scheduler", local.scheduler_address]
    first = subprocess.Popen([*command, "--log", str(tmp_path / "batch.log")], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for_articles_on(client), "the first batch started nothing on the cluster"
        second = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert second.returncode == 75 and "another batch" in second.stderr and second.stderr.count("\n") == 1
        out, err = first.communicate(timeout=180)
    finally:
        first.kill()
    assert (first.returncode, out, err) == (0, "", "")  # cron mails nothing: Dask stays quiet
    assert len(reports(tmp_path / "out")) == 3
    logged = [json.loads(line) for line in (tmp_path / "batch.log").read_text(encoding="utf-8").splitlines()]
    assert sorted(entry["source"] for entry in logged) == [path.name for path in ARTICLES[:3]]
    assert {entry["status"] for entry in logged} == {"rendered"}


def test_sigterm_cancels_the_cluster_work_and_publishes_nothing_partial(cluster, tmp_path):
    local, client = cluster
    source = corpus(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "batch", str(source), "-o", str(tmp_path / "out"),
                                "--scheduler", local.scheduler_address], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert wait_for_articles_on(client), "the batch started nothing on the cluster"
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "no partial file was left" in stderr and "Traceback" not in stderr
    out = tmp_path / "out"
    assert len(reports(out)) < len(ARTICLES), "the signal came after the run: nothing was interrupted"
    assert not list(out.rglob(".*.partial*"))
    for stem, report in reports(out).items():  # whatever was published is whole
        assert (out / report["output"]).stat().st_size > 0
    deadline = time.monotonic() + 30  # the client's tasks are cancelled: the cluster goes idle
    while time.monotonic() < deadline and any(client.processing().values()):
        time.sleep(0.1)
    assert not any(client.processing().values())


def test_the_client_needs_no_engine_of_its_own(cluster, tmp_path, monkeypatch):
    """Render keys carry the engine identity a worker reports: a client without the engine (or without the
    neural extra, for piper) still plans and publishes."""
    from pipeline.batch import runner

    def no_engine_here(settings):
        raise AssertionError("the client made an engine")

    monkeypatch.setattr(runner, "engine_identity", no_engine_here)
    local, _ = cluster
    result = run_batch(BatchConfig(corpus(tmp_path, ARTICLES[:1]), tmp_path / "out", scheduler=local.scheduler_address))
    assert result.count("rendered") == 1


def test_files_that_arrive_damaged_or_not_at_all_are_fetched_again_then_the_article_fails(cluster, tmp_path, monkeypatch):
    from pipeline.batch import cluster as executor

    local, _ = cluster
    source = corpus(tmp_path, ARTICLES[:1])
    real, damaged = executor._on_worker, []

    def damaging(run, worker, function, *args, **options):
        pieces = real(run, worker, function, *args, **options)
        if function is executor.read_pieces_beside_loop and not damaged:
            damaged.append(worker)
            pieces = [bytes([piece[0] ^ 0xFF]) + piece[1:] for piece in pieces]  # one flipped byte per piece
        return pieces

    monkeypatch.setattr(executor, "_on_worker", damaging)
    result = run_batch(BatchConfig(source, tmp_path / "out", scheduler=local.scheduler_address))
    assert damaged and result.count("rendered") == 1, result.outcomes
    (report,) = reports(tmp_path / "out").values()
    samples, _ = decode_to_pcm(tmp_path / "out" / report["output"], 8000)
    assert abs(len(samples) / 2 / 8000 - report["duration_seconds"]) < 0.2

    def gone(run, worker, function, *args, **options):
        if function is executor.read_pieces_beside_loop:
            raise executor._WorkerGone(worker)
        return real(run, worker, function, *args, **options)

    monkeypatch.setattr(executor, "_on_worker", gone)
    result = run_batch(BatchConfig(source, tmp_path / "never", scheduler=local.scheduler_address))
    (outcome,) = result.outcomes
    assert outcome.status == "failed" and "went away before its files arrived whole" in outcome.reason
    assert [path.name for path in (tmp_path / "never").iterdir() if not path.name.startswith(".")] == ["index.json"]


BARE_WORKER = """
import sys

class NoArticleAudio:  # this worker's machine has Dask but not article-audio
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "pipeline":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

if sys.argv[3] == "bare":
    sys.meta_path.insert(0, NoArticleAudio())
from distributed.cli.dask_worker import main

sys.argv = ["dask worker", sys.argv[1], "--no-nanny", "--nthreads", "1", "--no-dashboard",
            "--local-directory", sys.argv[2]]
main()
"""


def test_a_worker_without_article_audio_fails_each_article_saying_so(tmp_path, monkeypatch):
    import dask
    from distributed import Client, LocalCluster

    from pipeline.batch import cluster as executor
    from pipeline.batch.runner import engine_identity
    from pipeline.settings import RenderSettings

    source = corpus(tmp_path, ARTICLES[:2])
    with dask.config.set({"temporary-directory": str(tmp_path / "scheduler")}), \
            LocalCluster(n_workers=0, processes=False, protocol="tcp", host="127.0.0.1",  # a scheduler, no workers
                         dashboard_address=":0", local_directory=str(tmp_path / "scheduler")) as bare:
        monkeypatch.setattr(executor, "NO_WORKERS_SECONDS", 1)
        with pytest.raises(executor.SchedulerUnavailable, match="has had no worker for 1 s"):
            run_batch(BatchConfig(source, tmp_path / "out", scheduler=bare.scheduler_address))
        monkeypatch.setattr(executor, "NO_WORKERS_SECONDS", 60)
        workers = [start_worker(tmp_path, bare.scheduler_address, "bare")]
        try:
            result = run_batch(BatchConfig(source, tmp_path / "out", scheduler=bare.scheduler_address))
            assert [outcome.status for outcome in result.outcomes] == ["failed", "failed"]
            for outcome in result.outcomes:
                assert "the worker cannot import article-audio" in outcome.reason and "install" in outcome.reason
            # a cluster of both kinds: the render keys carry the engine of the worker that has article-audio;
            # the bare one's articles fail, the others are rendered
            workers.append(start_worker(tmp_path, bare.scheduler_address, "installed"))
            with Client(bare.scheduler_address, set_as_default=False) as client:
                client.wait_for_workers(2, timeout=60)
            with executor.connected(bare.scheduler_address) as run:
                assert executor.cluster_identity(run, RenderSettings()) == engine_identity(RenderSettings())
            result = run_batch(BatchConfig(source, tmp_path / "mixed", scheduler=bare.scheduler_address))
            for outcome in result.outcomes:
                assert outcome.status == "rendered" or "cannot import article-audio" in outcome.reason, outcome
            assert result.count("rendered") >= 1
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait(timeout=30)


def start_worker(folder: Path, address: str, kind: str) -> subprocess.Popen:
    """A `dask worker` process (no nanny) for `address`: "bare" cannot import article-audio."""
    (folder / "worker.py").write_text(BARE_WORKER, encoding="utf-8")
    return subprocess.Popen([sys.executable, str(folder / "worker.py"), address, str(folder / f"dask-{kind}"), kind],
                            cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "XDG_CACHE_HOME": str(folder / f"cache-{kind}")})


def interrupted_batch(config: BatchConfig, interrupt) -> tuple[Exception | None, int]:
    """Run a batch in a thread, call `interrupt()` once its first article is published; what it raised, and how
    many articles it had published by then."""
    seen: dict = {}

    def batch():
        try:
            run_batch(config, on_outcome=lambda *_: seen.setdefault("first", True))
        except Exception as error:  # noqa: BLE001 - any error is the test's to judge
            seen["error"] = error

    runner = threading.Thread(target=batch)
    runner.start()
    deadline = time.monotonic() + 90
    while "first" not in seen and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "first" in seen, "no article was published"
    interrupt()
    runner.join(timeout=90)
    assert not runner.is_alive()
    return seen.get("error"), len(reports(config.out_dir))


def test_losing_the_workers_or_the_scheduler_mid_run_exits_75_and_keeps_what_was_published(tmp_path, monkeypatch):
    import dask
    from distributed import LocalCluster

    from pipeline.batch import cluster as executor

    monkeypatch.setattr(executor, "NO_WORKERS_SECONDS", 3)
    with dask.config.set({"temporary-directory": str(tmp_path / "dask")}):
        lost = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0",
                            local_directory=str(tmp_path / "dask"), silence_logs=50,
                            env={"XDG_CACHE_HOME": str(tmp_path / "worker-cache")})
    config = BatchConfig(corpus(tmp_path), tmp_path / "out", scheduler=lost.scheduler_address)
    try:
        error, published = interrupted_batch(config, lambda: lost.scale(0))  # the worker machines go away
        assert isinstance(error, executor.SchedulerUnavailable) and error.exit_code == 75, repr(error)
        assert "every Dask worker" in str(error) and "has been gone for 3 s" in str(error)
        assert 0 < published < len(ARTICLES)
        lost.scale(1)
        lost.wait_for_workers(1, timeout=60)
        config = dataclasses.replace(config, out_dir=tmp_path / "again")
        error, published = interrupted_batch(config, lambda: lost.sync(lost.scheduler.close))  # and the scheduler's
    finally:
        with contextlib.suppress(Exception):
            lost.close(timeout=10)
    assert isinstance(error, executor.SchedulerUnavailable) and error.exit_code == 75, repr(error)
    assert "connection to the Dask scheduler" in str(error) and "next scheduled run renders the rest" in str(error)
    for out in (tmp_path / "out", tmp_path / "again"):
        listed = json.loads((out / "index.json").read_text(encoding="utf-8"))["renditions"]
        assert 0 < len(listed) == len(reports(out)) < len(ARTICLES)
        assert not list(out.rglob(".*.partial*"))
    assert published == len(reports(tmp_path / "again"))


def test_dask_log_records_are_held_and_shown_only_when_asked(capsys):
    import logging

    from pipeline.batch.cluster import _HeldLogs

    logging.getLogger("distributed.client").addHandler(extra := logging.StreamHandler())  # as distributed sets up
    logging.getLogger("distributed.client").propagate = False
    before = {name: list(logging.getLogger(name).handlers) for name in ("distributed", "distributed.client")}
    try:
        for show in (False, True):
            held = _HeldLogs()
            logging.getLogger("distributed.client").error("Failed to reconnect to scheduler")
            logging.getLogger("distributed.worker").warning("Run out-of-band function\nwith a second line")
            logging.getLogger("tornado.application").error("Exception in callback")
            logging.getLogger("distributed.core").info("an info line is never kept")
            assert capsys.readouterr().err == ""
            held.close(show=show)
            shown = capsys.readouterr().err.splitlines()
            assert shown == ([] if not show else [
                "article-audio: dask: ERROR distributed.client: Failed to reconnect to scheduler",
                "article-audio: dask: WARNING distributed.worker: Run out-of-band function",
                "article-audio: dask: ERROR tornado.application: Exception in callback"])
        assert {name: list(logging.getLogger(name).handlers) for name in before} == before
    finally:
        logging.getLogger("distributed.client").removeHandler(extra)


@pytest.mark.parametrize(("sizes", "expected"), [
    ([], []),
    ([10, 20], [[("a", 0, 10), ("b", 0, 20)]]),
    ([4 * 2**20 + 1], [[("a", 0, 4 * 2**20)], [("a", 4 * 2**20, 1)]]),
    ([3 * 2**20, 2 * 2**20, 5], [[("a", 0, 3 * 2**20)], [("b", 0, 2 * 2**20), ("c", 0, 5)]]),
])
def test_files_travel_in_requests_of_at_most_four_mebibytes(sizes, expected):
    from pipeline.batch.cluster import CHUNK_BYTES, _requests

    files = tuple((name, size, "digest") for name, size in zip("abc", sizes, strict=False))
    assert _requests(files) == expected
    assert all(sum(size for _, _, size in request) <= CHUNK_BYTES for request in _requests(files))


def test_an_article_whose_files_cannot_be_written_here_fails_alone(cluster, tmp_path, monkeypatch):
    from pipeline.batch import cluster as executor
    from pipeline.errors import ExportError
    from pipeline.files import StagedOutputs

    class FullDisk(StagedOutputs):
        def reserve(self, destination):
            if destination.stem == ARTICLES[0].stem:
                raise ExportError(f"{destination}: cannot be written (No space left on device)")
            return super().reserve(destination)

    monkeypatch.setattr(executor, "StagedOutputs", FullDisk)
    local, _ = cluster
    result = run_batch(BatchConfig(corpus(tmp_path, ARTICLES[:2]), tmp_path / "out", scheduler=local.scheduler_address))
    assert {o.source: o.status for o in result.outcomes} == {ARTICLES[0].name: "failed", ARTICLES[1].name: "rendered"}
    failed = next(outcome for outcome in result.outcomes if outcome.status == "failed")
    assert failed.reason.startswith(f"{ARTICLES[0].name}: ") and "No space left on device" in failed.reason
    assert list(reports(tmp_path / "out")) == [ARTICLES[1].stem]
    assert not list((tmp_path / "out").rglob(".*.partial*"))


def test_a_task_cancelled_under_the_batch_is_sent_again(cluster, tmp_path, monkeypatch):
    """Dask cancels every task of a client whose connection to the scheduler dropped and came back: the articles
    are sent again, not failed."""
    from pipeline.batch import cluster as executor

    local, _ = cluster
    real, sent = executor._submit, []

    def cancelling_the_first(run, function, *args, **options):
        future = real(run, function, *args, **options)
        if function is executor.render_remote:
            sent.append(future)
            if len(sent) == 1:
                run.client.cancel([future])
        return future

    monkeypatch.setattr(executor, "_submit", cancelling_the_first)
    result = run_batch(BatchConfig(corpus(tmp_path, ARTICLES[:2]), tmp_path / "out", scheduler=local.scheduler_address))
    assert result.count("rendered") == 2 and len(sent) == 3, result.outcomes


ESPEAK_A, ESPEAK_B = "espeak-ng|1.51|en-us", "espeak-ng|1.52|en-us"
OTHER_VERSION = ("other version", "tcp://10.0.0.9:4000", "0.2.0")


@pytest.mark.parametrize(("answers", "expected"), [
    ({"w1": ESPEAK_A}, ESPEAK_A),
    ({"w1": ESPEAK_A, "w2": ESPEAK_B, "w3": ESPEAK_B}, ESPEAK_B),
    ({"w1": ESPEAK_A, "w2": ESPEAK_B}, ESPEAK_B),  # a tie: the same answer whichever worker is listed first
    ({"w2": ESPEAK_B, "w1": ESPEAK_A}, ESPEAK_B),
    ({"w1": ESPEAK_A, "w2": OTHER_VERSION, "w3": ModuleNotFoundError("pipeline"), "w4": TimeoutError()}, ESPEAK_A),
    ({"w1": OTHER_VERSION, "w2": ModuleNotFoundError("pipeline")}, "unknown|workers cannot run article-audio|"),
])
def test_the_workers_vote_on_the_engine_identity(answers, expected):
    from pipeline.batch.cluster import vote

    assert vote(answers, "tcp://10.0.0.5:8786") == expected


def test_a_vote_without_an_identity_says_why():
    from pipeline.batch.cluster import SchedulerUnavailable, vote
    from pipeline.errors import EngineError

    with pytest.raises(EngineError, match="voice file"):
        vote({"w1": EngineError("/srv/voices/joe.onnx: no such voice file"), "w2": OTHER_VERSION}, "tcp://h:1")
    with pytest.raises(SchedulerUnavailable, match="did not answer within"):
        vote({"w1": TimeoutError(), "w2": TimeoutError()}, "tcp://h:1")
