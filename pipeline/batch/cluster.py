"""Batches on a Dask cluster (`batch --scheduler tcp://HOST:PORT`): Dask distributed stays behind this module.

The client (the machine running `batch`) keeps everything that must happen in one place: the output folder's
lock, the render keys, the index, the feed, the pages and the atomic publishing. Workers get each article's
text, settings and lexicon as bytes (they need not see the client's folders), synthesize and encode into a
staging folder of their own, keep their own sentence cache, and hand the finished files back in chunks; the
client writes them beside their destinations and renames them into place only when every file of the article
has arrived whole. No process holds a whole rendition in memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
import threading
import time
import uuid
import warnings
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.errors import ArticleAudioError, UsageError
from pipeline.files import StagedOutputs, file_sha256
from pipeline.lexicon.model import Lexicon
from pipeline.publish.page import PageOptions
from pipeline.settings import RenderSettings

EX_TEMPFAIL = 75
INSTALL_HINT = "pip install 'article-audio[cluster]'"
#: How long to wait for the scheduler before giving up for this run (cron tries again).
CONNECT_TIMEOUT_SECONDS = 10
#: Bytes of a finished file sent in one piece from a worker to the client.
CHUNK_BYTES = 4 * 1024**2
#: Articles in flight for each thread the cluster has: enough to keep every worker busy, few enough that an
#: interrupted run has little to cancel.
IN_FLIGHT_PER_THREAD = 2
#: How long the client waits for one chunk from a worker before treating the worker as gone.
CHUNK_TIMEOUT_SECONDS = 120
#: Times an article is rendered again because the worker holding its finished files went away before they arrived.
FETCH_RETRIES = 2
#: A worker removes staging folders older than this that no client came back for (its client was killed).
STALE_STAGING_SECONDS = 6 * 3600
_STAGING = "article-audio-staging"


class SchedulerUnavailable(ArticleAudioError):
    """The Dask scheduler cannot be reached now: the run exits 75 and cron tries again."""

    exit_code = EX_TEMPFAIL


def dask_modules():
    """distributed's Client, as_completed and config, or a UsageError naming the extra to install."""
    try:
        import dask
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError(f"--scheduler needs Dask distributed; run `{INSTALL_HINT}`") from None
    return Client, as_completed, dask.config


@dataclass(frozen=True)
class RemoteJob:
    """Everything a worker needs to render one article, without access to the client's files."""

    relative: str
    name: str  # the article's stem
    label: str
    source: bytes
    source_sha256: str
    key: str
    output_name: str  # the audio file's name; the other files are named after it
    settings: RenderSettings
    lexicon: bytes | None
    lexicon_name: str | None
    notice: str
    max_minutes: float
    page: PageOptions | None
    client_version: str


@dataclass(frozen=True)
class Finished:
    """What a worker made for one article: where (its own staging folder), the files with sizes and digests."""

    worker: str
    staging: str
    files: tuple[tuple[str, int, str], ...]
    seconds: float
    synthesized: int
    cached: int


@dataclass(frozen=True)
class Refused:
    """An article a worker could not render, with the reason (one line)."""

    reason: str


# --- on the workers --------------------------------------------------------------------------------------

#: Each worker thread's engine and lexicon (engines are not shared between threads; one thread per worker is
#: the recommended set-up, as for local workers).
_local = threading.local()


def worker_identity(settings: RenderSettings, client_version: str) -> tuple[str, str]:
    """On a worker: its article-audio version and the engine identity render keys carry (so the client needs no
    engine of its own, and not the neural extra)."""
    from pipeline.batch.runner import engine_identity

    return __version__, engine_identity(settings)


def _worker_engine(settings: RenderSettings):
    """This worker's engine for these settings, behind its own sentence cache, made once."""
    from pipeline.batch.cache import DEFAULT_CACHE_MAX_BYTES, AudioCache, CachedEngine
    from pipeline.engines import get_engine
    from pipeline.files import user_cache_folder

    from pipeline.memory import tune_allocator

    key = repr(settings)
    if getattr(_local, "settings", None) != key:
        # Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_ set, which pins glibc's mmap threshold at
        # 128 KB: every loudness buffer is then a fresh mmap, and a render took 1.5 times as long. Our own
        # allocator settings, as local workers have them, undo that (pipeline/memory.py).
        tune_allocator()
        if getattr(_local, "engine", None) is not None:
            _local.engine.close()
        cache = AudioCache(user_cache_folder() / "sentences", DEFAULT_CACHE_MAX_BYTES)
        _local.engine = CachedEngine(get_engine(settings.engine, voice=settings.voice, threads=1), cache)
        _local.settings = key
    return _local.engine


def _worker_lexicon(data: bytes | None, name: str | None) -> Lexicon:
    from pipeline.lexicon.model import EMPTY_LEXICON, parse_lexicon

    if data is None:
        return EMPTY_LEXICON
    digest = hashlib.sha256(data).hexdigest()
    if getattr(_local, "lexicon_sha256", None) != digest:
        _local.lexicon = parse_lexicon(data, name=name or "lexicon")
        _local.lexicon_sha256 = digest
    return _local.lexicon


def _staging_root() -> Path:
    from distributed import get_worker

    root = Path(get_worker().local_directory) / _STAGING
    root.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in root.iterdir():
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > STALE_STAGING_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
    return root


def render_remote(job: RemoteJob) -> Finished | Refused:
    """On a worker: render one article into a staging folder of this worker's own; a failure in the article or
    the settings is this article's outcome, never the batch's."""
    from distributed import get_worker

    from pipeline.render import render
    from pipeline.stages.article import parse_article

    if job.client_version != __version__:
        return Refused(f"{job.relative}: worker {get_worker().address} runs article-audio {__version__} but this "
                       f"client runs {job.client_version}; install the same version on every worker")
    started = time.perf_counter()
    staging = _staging_root() / uuid.uuid4().hex
    staging.mkdir()
    try:
        engine = _worker_engine(job.settings)
        synthesized, cached = engine.synthesized, engine.stats.hits
        article = parse_article(job.source, name=job.name, label=job.label)
        render(article, lexicon=_worker_lexicon(job.lexicon, job.lexicon_name), settings=job.settings,
               out=staging / job.output_name, engine=engine,
               report_extra={"render_key": job.key, "source_path": job.relative}, overlap_encoding=False, force=True,
               max_minutes=job.max_minutes, notice=job.notice, page=job.page)
    except ArticleAudioError as error:
        shutil.rmtree(staging, ignore_errors=True)
        return Refused(str(error))
    except Exception as error:  # a bug must not stop the other articles
        shutil.rmtree(staging, ignore_errors=True)
        return Refused(f"internal error on worker {get_worker().address}: {type(error).__name__}: {error}")
    files = tuple((path.name, path.stat().st_size, file_sha256(path)) for path in sorted(staging.iterdir()))
    return Finished(get_worker().address, str(staging), files, time.perf_counter() - started,
                    engine.synthesized - synthesized, engine.stats.hits - cached)


def read_pieces(staging: str, pieces: list[tuple[str, int, int]]) -> list[bytes]:
    """On the worker that rendered an article: pieces (name, offset, size) of its finished files, at most
    CHUNK_BYTES in all (small files travel several to a request, a large one a piece at a time)."""
    found = []
    for name, offset, size in pieces:
        with open(Path(staging) / name, "rb") as file:
            file.seek(offset)
            found.append(file.read(size))
    return found


def remove_staging(staging: str) -> None:
    """On the worker that rendered an article: its staging folder, once the client has every file."""
    shutil.rmtree(staging, ignore_errors=True)


# --- on the client ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def connected(address: str) -> Iterator[object]:
    """A client of the scheduler at `address`, Dask's own logging kept off standard error (cron mails only
    failures; the batch's own lines say what failed), or SchedulerUnavailable within the timeout."""
    Client, _, config = dask_modules()
    quiet = _QuietDask()
    try:
        # distributed warns through `warnings` when client, scheduler and workers differ in a package's micro
        # version: not this run's business, and cron would mail it every time
        with config.set({"distributed.comm.timeouts.connect": f"{CONNECT_TIMEOUT_SECONDS}s"}), \
                warnings.catch_warnings():
            warnings.simplefilter("ignore")
            client = Client(address, timeout=f"{CONNECT_TIMEOUT_SECONDS}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        quiet.close()
        raise SchedulerUnavailable(f"the Dask scheduler at {address} cannot be reached ({_first_line(error)}); "
                                   "this run exits and the next scheduled run tries again") from None
    try:
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=5)
        quiet.close()


class _QuietDask:
    """distributed's log records held back from standard error while a client runs."""

    def __init__(self) -> None:
        self.logger = logging.getLogger("distributed")
        self.saved = (self.logger.level, self.logger.propagate, list(self.logger.handlers))
        self.logger.handlers = [logging.NullHandler()]
        self.logger.propagate = False
        self.logger.setLevel(logging.CRITICAL)

    def close(self) -> None:
        level, propagate, handlers = self.saved
        self.logger.setLevel(level)
        self.logger.propagate = propagate
        self.logger.handlers = handlers


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def cluster_identity(client, settings: RenderSettings) -> str:
    """The engine identity for render keys, as a worker computes it (this machine needs no engine of its own, not
    even the neural extra). Workers that cannot import article-audio, or run another version, are not refused
    here: each article they are given fails with a line saying so."""
    from pipeline.batch.runner import engine_identity

    try:
        _, identity = client.submit(worker_identity, settings, __version__, pure=False).result(
            timeout=CHUNK_TIMEOUT_SECONDS)
    except ArticleAudioError:
        raise
    except TimeoutError:
        raise SchedulerUnavailable(f"no Dask worker answered within {CHUNK_TIMEOUT_SECONDS} s; start workers with "
                                   "`dask worker` and try again") from None
    except Exception:  # the workers cannot run our code at all: the articles will say why
        return engine_identity(settings)
    return identity


def execute(client, config, lexicon: Lexicon, jobs: list) -> Iterator:
    """Render the jobs on the cluster, longest first, a bounded number in flight; yield each article's Outcome as
    its files are published. Interrupted (Ctrl-C, SIGTERM), it cancels what is still queued or running: a task
    already running may finish on its worker, and its files are never fetched or published."""
    from pipeline.batch.runner import Outcome, longest_first, refusal

    _, as_completed, _ = dask_modules()
    lexicon_bytes = Path(config.lexicon_path).read_bytes() if config.lexicon_path else None
    threads = sum(client.nthreads().values()) or 1
    waiting = deque(longest_first(jobs))
    attempts: dict[str, int] = {}
    running: dict = {}
    done = as_completed(loop=client.loop)

    def submit_next() -> Iterator:
        """Start the next article, or yield why it cannot start (where it would go, or its file unreadable)."""
        job = waiting.popleft()
        refused = refusal(job, config)
        if refused:
            yield refused
            return
        try:
            remote = _remote_job(job, config, lexicon_bytes)
        except OSError as error:
            yield Outcome(job.relative, "failed", reason=f"{job.relative}: cannot be read ({error.strerror})")
            return
        future = client.submit(render_remote, remote, pure=False, key=f"article-audio-{uuid.uuid4().hex}")
        running[future] = job
        done.add(future)

    try:
        while waiting and len(running) < threads * IN_FLIGHT_PER_THREAD:
            yield from submit_next()
        for future in done:
            job = running.pop(future)
            outcome = _collect(client, future, job, config)
            if outcome is None and attempts.get(job.relative, 0) < FETCH_RETRIES:  # its worker went away
                attempts[job.relative] = attempts.get(job.relative, 0) + 1
                waiting.appendleft(job)
            elif outcome is None:
                yield Outcome(job.relative, "failed", reason=f"{job.relative}: the workers that rendered it went away "
                              "before its files arrived; the next run retries")
            else:
                yield outcome
            while waiting and len(running) < threads * IN_FLIGHT_PER_THREAD:
                yield from submit_next()
    finally:
        if running:
            with contextlib.suppress(Exception):
                client.cancel(list(running), force=True)


def _remote_job(job, config, lexicon_bytes: bytes | None) -> RemoteJob:
    site = config.site
    return RemoteJob(
        relative=job.relative, name=job.source.stem, label=str(job.source), source=job.source.read_bytes(),
        source_sha256=job.source_sha256, key=job.key, output_name=job.output.name, settings=config.settings,
        lexicon=lexicon_bytes, lexicon_name=str(config.lexicon_path) if config.lexicon_path else None,
        notice=config.notice, max_minutes=config.max_minutes,
        page=site.page_options(config.out_dir, job.output) if site else None, client_version=__version__)


def _collect(client, future, job, config):
    """The article's Outcome once its files are published; None when they could not be fetched (render again)."""
    from pipeline.batch.runner import Outcome

    try:
        result = future.result()
    except ModuleNotFoundError as error:
        return Outcome(job.relative, "failed", reason=f"{job.relative}: the worker cannot import article-audio "
                       f"({error}); install {__version__} on every worker: {INSTALL_HINT}")
    except Exception as error:  # KilledWorker: its workers kept dying (allowed-failures), or a lost connection
        return Outcome(job.relative, "failed", reason=f"{job.relative}: {type(error).__name__}: {_first_line(error)}")
    if isinstance(result, Refused):
        return Outcome(job.relative, "failed", reason=result.reason)
    if job.source.exists() and file_sha256(job.source) != job.source_sha256:
        _forget(client, result)
        return Outcome(job.relative, "failed", reason=f"{job.relative}: changed during the run; the next run "
                       "renders the new text")
    try:
        _publish_files(client, result, job.output)
    except _WorkerGone:
        return None
    finally:
        _forget(client, result)
    return Outcome(job.relative, "rendered", output=str(job.output.relative_to(config.out_dir)),
                   seconds=result.seconds, synthesized=result.synthesized, cached=result.cached)


class _WorkerGone(Exception):
    """The worker holding an article's finished files stopped answering."""


def _publish_files(client, result: Finished, audio: Path) -> None:
    """Fetch every file of the article in requests of at most CHUNK_BYTES into partials beside their
    destinations, check each against the worker's digest, then rename them all into place; an earlier
    rendition's files the worker did not make (chapters an article no longer has, a page no longer written) go.
    The pieces are read by `Client.run`, beside the worker's task threads rather than in one: a worker busy
    rendering its next article answers at once, instead of when that article is done."""
    from pipeline.publish.page import page_path, remove_own_page
    from pipeline.render import chapter_paths

    audio.parent.mkdir(parents=True, exist_ok=True)
    with StagedOutputs() as outputs, contextlib.ExitStack() as files:
        handles = {name: files.enter_context(outputs.reserve(audio.parent / name).open("wb"))
                   for name, _, _ in result.files}  # named after the audio, as render names them
        checks = {name: hashlib.sha256() for name in handles}
        for request in _requests(result.files):
            try:
                pieces = client.run(read_pieces, result.staging, request, workers=[result.worker])[result.worker]
            except Exception:
                raise _WorkerGone(result.worker) from None
            for (name, _, _), piece in zip(request, pieces, strict=True):
                handles[name].write(piece)
                checks[name].update(piece)
        files.close()
        for name, size, digest in result.files:
            if checks[name].hexdigest() != digest:
                raise _WorkerGone(name)
        outputs.publish()
    made = {name for name, _, _ in result.files}
    for leftover in (*chapter_paths(audio), page_path(audio)):
        if leftover.name not in made:
            remove_own_page(leftover) if leftover.suffix == ".html" else leftover.unlink(missing_ok=True)


def _requests(files: tuple[tuple[str, int, str], ...]) -> list[list[tuple[str, int, int]]]:
    """The files cut into pieces and the pieces grouped into requests of at most CHUNK_BYTES, in order."""
    requests: list[list[tuple[str, int, int]]] = [[]]
    room = CHUNK_BYTES
    for name, size, _ in files:
        for offset in range(0, size, CHUNK_BYTES):
            piece = min(CHUNK_BYTES, size - offset)
            if piece > room:
                requests.append([])
                room = CHUNK_BYTES
            requests[-1].append((name, offset, piece))
            room -= piece
    return [request for request in requests if request]


def _forget(client, result: Finished) -> None:
    """Ask the worker to remove the article's staging folder (a worker that is gone took it with it)."""
    with contextlib.suppress(Exception):
        if result.worker in client.nthreads():  # a worker that is gone took its folder with it
            client.run(remove_staging, result.staging, workers=[result.worker], on_error="ignore")


def check_scheduler_address(address: str) -> str:
    """A scheduler address Dask can dial: tcp://HOST:PORT (or tls://, inproc://)."""
    scheme, _, rest = address.partition("://")
    if scheme not in ("tcp", "tls", "inproc", "ws", "wss") or not rest:
        raise UsageError(f"--scheduler {address!r}: give the scheduler's address, e.g. tcp://10.0.0.5:8786")
    return address

