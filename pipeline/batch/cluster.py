"""Batches on a Dask cluster (`batch --scheduler tcp://HOST:PORT`): Dask distributed stays behind this module.

The client (the machine running `batch`) keeps everything that must happen in one place: the output folder's
lock, the render keys, the index, the feed, the pages and the atomic publishing. Workers get each article's
text, settings and the parsed lexicon in the task (they need not see the client's folders), synthesize and
encode into a staging folder of their own, keep their own sentence cache, and hand the finished files back in
chunks, straight to the client rather than through the scheduler; the client writes them beside their
destinations and renames them into place only when every file of the article has arrived whole. No process
holds a whole rendition in memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import shutil
import sys
import threading
import time
import uuid
import warnings
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.errors import ArticleAudioError, TryAgainLater, UsageError
from pipeline.files import StagedOutputs, file_sha256
from pipeline.lexicon.model import Lexicon
from pipeline.publish.page import PageOptions
from pipeline.settings import RenderSettings

INSTALL_HINT = "pip install 'article-audio[cluster]'"
#: How long to wait for the scheduler before giving up for this run (cron tries again).
CONNECT_TIMEOUT_SECONDS = 10
#: Bytes of a finished file sent in one piece from a worker to the client.
CHUNK_BYTES = 4 * 1024**2
#: Articles in flight for each thread the cluster has: enough to keep every worker busy, few enough that an
#: interrupted run has little to cancel.
IN_FLIGHT_PER_THREAD = 2
#: How long the client waits for one request to a worker (a chunk, a clean-up) before treating the worker as gone.
CHUNK_TIMEOUT_SECONDS = 120
#: How long a run waits while the cluster has no worker at all (at the start, or after they all left) before it
#: exits 75 for the next scheduled run.
NO_WORKERS_SECONDS = 120
#: How often the client looks up from waiting for articles to check that the scheduler and workers are there.
POLL_SECONDS = 2
#: Times an article is rendered again because the worker holding its finished files went away before they arrived.
FETCH_RETRIES = 2
#: Times an article is submitted again after Dask gave up on it (KilledWorker: its workers died
#: `distributed.scheduler.allowed-failures` times). It may only have shared a worker with the article that kills.
KILLED_RETRIES = 1
#: Times an article is submitted again after its task was cancelled under it: the client's connection to the
#: scheduler dropped and came back (Dask cancels every task of a client that reconnects).
CANCELLED_RETRIES = 3
#: Dask's log records kept while a client runs, printed only when something failed.
HELD_LOG_RECORDS = 50
#: A worker removes staging folders older than this that no client came back for (its client was killed).
STALE_STAGING_SECONDS = 6 * 3600
_STAGING = "article-audio-staging"


class SchedulerUnavailable(TryAgainLater):
    """The Dask scheduler cannot be reached now, or has no workers: the run exits 75 and cron tries again."""


def dask_modules():
    """distributed's Client, wait and config, or a UsageError naming the extra to install."""
    try:
        import dask
        from distributed import Client, wait
    except ImportError:
        raise UsageError(f"--scheduler needs Dask distributed; run `{INSTALL_HINT}`") from None
    return Client, wait, dask.config


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
    engine_identity: str  # what the render key was made with: a worker with another engine or voice refuses
    lexicon: Lexicon  # parsed once by the client: the one the render keys were made with
    notice: str
    max_minutes: float
    page: PageOptions | None


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


def portable(function, beside_loop: bool = False):
    """`function` as a task any worker can read, with its arguments pickled apart: a worker without article-audio
    fails the task with a ModuleNotFoundError the client reads (unable to read the task itself, it would drop its
    connection and be restarted over and over), and one with another version says which it runs, before
    anything of this version is unpickled there. `beside_loop`: for `Client.run`, which calls a plain function
    on the worker's event loop; the work then goes to a thread, and the worker's heartbeats go on."""
    module, name = function.__module__, function.__name__

    def task(client_version: str, arguments: bytes):  # pickled by value (a local function): no import needed
        import importlib
        import pickle

        from distributed import get_worker

        installed = getattr(importlib.import_module("pipeline"), "__version__", "none (another package is "
                            "called pipeline there)")
        if installed != client_version:
            try:
                where = get_worker().address
            except ValueError:
                where = "(its address unknown)"
            return ("other version", where, installed)
        return getattr(importlib.import_module(module), name)(*pickle.loads(arguments))

    async def task_beside_loop(client_version: str, arguments: bytes):
        import asyncio

        return await asyncio.to_thread(task, client_version, arguments)

    return task_beside_loop if beside_loop else task


def version_refusal(result, relative: str) -> str | None:
    """What a portable task's result says when its worker runs another version, or None."""
    if isinstance(result, tuple) and result[:1] == ("other version",):
        _, worker, installed = result
        return (f"{relative}: worker {worker} runs article-audio {installed} but this client runs {__version__}; "
                "install the same version on every worker")
    return None


def worker_identity(settings: RenderSettings) -> str:
    """On a worker: the engine identity render keys carry (so the client needs no engine of its own, and not the
    neural extra)."""
    return _worker_engine_identity(settings)


def _worker_engine(settings: RenderSettings):
    """This worker's engine for these settings, behind its own sentence cache, made once."""
    from pipeline.batch.cache import DEFAULT_CACHE_MAX_BYTES, AudioCache, CachedEngine
    from pipeline.engines import get_engine
    from pipeline.files import user_cache_folder
    from pipeline.memory import MMAP_THRESHOLD_BYTES, tune_allocator

    key = repr(settings)
    if getattr(_local, "settings", None) != key:
        # Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which pins glibc's mmap threshold at
        # 128 KB (every loudness buffer a fresh mmap: a render took 1.5 times as long) and its trim threshold at
        # 64 KB (the heap's top given back and faulted in again for every sentence: workers spent a quarter more
        # time in the kernel). Our allocator settings undo the first (pipeline/memory.py); the trim threshold
        # goes where glibc's own rule puts it for that mmap threshold, twice it.
        tune_allocator(trim_threshold_bytes=2 * MMAP_THRESHOLD_BYTES if "MALLOC_TRIM_THRESHOLD_" in os.environ
                       else None)
        if getattr(_local, "engine", None) is not None:
            _local.engine.close()
        cache = AudioCache(user_cache_folder() / "sentences", DEFAULT_CACHE_MAX_BYTES)
        _local.engine = CachedEngine(get_engine(settings.engine, voice=settings.voice, threads=1), cache)
        _local.settings = key
    return _local.engine


def _worker_engine_identity(settings: RenderSettings) -> str:
    """This worker's engine identity for these settings, found once."""
    from pipeline.batch.runner import engine_identity

    key = repr(settings)
    if getattr(_local, "identity_for", None) != key:
        _local.identity = engine_identity(settings)
        _local.identity_for = key
    return _local.identity


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

    started = time.perf_counter()
    staging = _staging_root() / uuid.uuid4().hex
    staging.mkdir()
    try:
        identity = _worker_engine_identity(job.settings)
        if identity != job.engine_identity:
            shutil.rmtree(staging, ignore_errors=True)
            return Refused(f"{job.relative}: worker {get_worker().address} speaks with {_engine_words(identity)} but "
                           f"this run's render keys were made for {_engine_words(job.engine_identity)}; install the "
                           "same engine and voice on every worker")
        engine = _worker_engine(job.settings)
        synthesized, cached = engine.synthesized, engine.stats.hits
        article = parse_article(job.source, name=job.name, label=job.label)
        render(article, lexicon=job.lexicon, settings=job.settings,
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


def _engine_words(identity: str) -> str:
    """An engine identity (name|version|voice) as a message says it."""
    if identity == UNKNOWN_IDENTITY:
        return "no engine (no worker could run article-audio when the run began)"
    name, _, rest = identity.partition("|")
    version, _, voice = rest.partition("|")
    return f"{name} {version} (voice {voice})" if voice else identity


def read_pieces(staging: str, pieces: list[tuple[str, int, int]]) -> list[bytes]:
    """On the worker that rendered an article: pieces (name, offset, size) of its finished files, at most
    CHUNK_BYTES in all (small files travel several to a request, a large one a piece at a time)."""
    found = []
    for name, offset, size in pieces:
        with open(Path(staging) / name, "rb") as file:
            file.seek(offset)
            found.append(file.read(size))
    return found


async def read_pieces_beside_loop(staging: str, pieces: list[tuple[str, int, int]]) -> list[bytes]:
    """read_pieces in a thread of its own: `Worker.run` calls a plain function on the worker's event loop, where
    a disk read would hold up its heartbeats."""
    import asyncio

    return await asyncio.to_thread(read_pieces, staging, pieces)


def remove_staging(staging: str) -> None:
    """On the worker that rendered an article: its staging folder, once the client has every file."""
    shutil.rmtree(staging, ignore_errors=True)


async def remove_staging_beside_loop(staging: str) -> None:
    """remove_staging in a thread of its own, as read_pieces_beside_loop."""
    import asyncio

    await asyncio.to_thread(remove_staging, staging)


# --- on the client ---------------------------------------------------------------------------------------


class ClusterRun:
    """A client of the scheduler for one batch, and Dask's log records held back while it runs."""

    def __init__(self, client, address: str, held: _HeldLogs) -> None:
        self.client = client
        self.address = address
        self.held = held
        self.failed = False  # any article failed: Dask's held records go to standard error at the end


@contextlib.contextmanager
def connected(address: str) -> Iterator[ClusterRun]:
    """A client of the scheduler at `address`, Dask's own logging kept off standard error unless something
    failed (cron mails only failures), or SchedulerUnavailable within the timeout."""
    Client, _, config = dask_modules()
    held = _HeldLogs()
    # distributed also warns through `warnings` (client, scheduler and workers differ in a package's micro
    # version; a large task): held with its log records
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = held.hold_warning
        try:
            with config.set({"distributed.comm.timeouts.connect": f"{CONNECT_TIMEOUT_SECONDS}s"}):
                client = Client(address, timeout=f"{CONNECT_TIMEOUT_SECONDS}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            held.close(show=False)
            raise SchedulerUnavailable(f"the Dask scheduler at {address} cannot be reached "
                                       f"({_first_line(error)}); this run exits and the next scheduled run tries "
                                       "again") from None
        run = ClusterRun(client, address, held)
        try:
            yield run
        except TryAgainLater:  # its one line says it all; cron tries again
            raise
        except Exception:  # not an interruption: the held records may say what went wrong
            run.failed = True
            raise
        finally:
            with contextlib.suppress(Exception):
                client.close(timeout=5)
            held.close(show=run.failed)


class _HeldLogs(logging.Handler):
    """Log records of distributed (and of tornado, its event loop) kept from standard error while a client runs;
    the last few are printed if the run fails, so the cron mail says what Dask saw."""

    LOGGERS = ("distributed", "tornado")

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: deque[logging.LogRecord] = deque(maxlen=HELD_LOG_RECORDS)
        self.warned: deque[str] = deque(maxlen=HELD_LOG_RECORDS)
        self.setFormatter(logging.Formatter("article-audio: dask: %(levelname)s %(name)s: %(message)s"))
        self.saved = {}
        # distributed gives some of its loggers (distributed.client, tornado.application, ...) a standard error
        # handler of their own, not propagating: each is held, not only the two roots
        names = {name for name in logging.root.manager.loggerDict
                 if any(name == root or name.startswith(root + ".") for root in self.LOGGERS)}
        for name in sorted(names | set(self.LOGGERS)):
            logger = logging.getLogger(name)
            if name not in self.LOGGERS and not logger.handlers:
                continue  # propagates to a held logger
            self.saved[name] = (logger.level, logger.propagate, list(logger.handlers))
            logger.handlers = [self]
            logger.propagate = False
            logger.setLevel(logging.WARNING)

    def hold_warning(self, message, category, filename, lineno, file=None, line=None) -> None:
        """warnings.showwarning while a client runs: the warning kept, not printed."""
        self.warned.append(f"{category.__name__}: {_first_line(message)}")

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record (its text made now: its arguments may change)."""
        with contextlib.suppress(Exception):
            record.msg, record.args, record.exc_info, record.exc_text = record.getMessage(), None, None, None
            self.records.append(record)

    def close(self, show: bool = False) -> None:
        """Give the loggers their handlers back; print what was held when asked to."""
        for name, (level, propagate, handlers) in self.saved.items():
            logger = logging.getLogger(name)
            logger.setLevel(level)
            logger.propagate = propagate
            logger.handlers = handlers
        self.saved = {}
        if show:
            for record in self.records:
                print(self.format(record).splitlines()[0], file=sys.stderr)
            for warning in self.warned:
                print(f"article-audio: dask: warning: {warning}", file=sys.stderr)
        self.records.clear()
        super().close()


def _first_line(error: BaseException | str) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


#: The engine identity used when no worker can run article-audio: it matches no render key, so every article is
#: submitted, and each fails saying why.
UNKNOWN_IDENTITY = "unknown|workers cannot run article-audio|"


def cluster_identity(run: ClusterRun, settings: RenderSettings) -> str:
    """The engine identity for render keys, as the workers compute it (this machine needs no engine of its own,
    not even the neural extra): every worker is asked, and the identity most of those running this version give
    wins. Workers that cannot import article-audio, or run another version or engine, are not refused here:
    each article they are given fails with a line saying so."""
    _wait_for_workers(run)
    try:
        answers = _on_every_worker(run, portable(worker_identity, beside_loop=True), __version__,
                                   pickle.dumps((settings,)), timeout=NO_WORKERS_SECONDS)
    except Exception:  # the scheduler went away: said by the first look at it
        _threads(run)
        return UNKNOWN_IDENTITY
    return vote(answers, run.address)


def vote(answers: dict[str, object], address: str) -> str:
    """The engine identity from the workers' answers (an identity, another version's refusal, or an exception):
    the most common identity; a tie (half the workers upgraded) broken the same way every run, so render keys
    do not flip between runs; UNKNOWN_IDENTITY when no worker can run this version (the articles say why)."""
    identities = Counter(answer for answer in answers.values() if isinstance(answer, str))
    if identities:
        return max(identities.items(), key=lambda pair: (pair[1], pair[0]))[0]
    refused = [answer for answer in answers.values() if isinstance(answer, ArticleAudioError)]
    if refused:  # every worker that runs this version refuses the settings (a voice file missing everywhere)
        raise refused[0]
    if answers and all(isinstance(answer, TimeoutError) for answer in answers.values()):
        raise SchedulerUnavailable(f"the Dask workers of {address} did not answer within {NO_WORKERS_SECONDS} s; "
                                   "this run exits and the next scheduled run tries again")
    return UNKNOWN_IDENTITY


def _submit(run: ClusterRun, function, *args, **options):
    """Submit a portable task: this client's version and the arguments, pickled apart."""
    return run.client.submit(portable(function), __version__, pickle.dumps(args), pure=False, **options)


def _wait_for_workers(run: ClusterRun) -> None:
    """Return once the cluster has a worker; SchedulerUnavailable after NO_WORKERS_SECONDS without one."""
    deadline = time.monotonic() + NO_WORKERS_SECONDS
    while not _threads(run):
        if time.monotonic() > deadline:
            raise SchedulerUnavailable(f"the Dask scheduler at {run.address} has had no worker for "
                                       f"{NO_WORKERS_SECONDS} s (start them with `dask worker {run.address}`); "
                                       "this run exits and the next scheduled run tries again")
        time.sleep(min(POLL_SECONDS, 0.5))


def _threads(run: ClusterRun) -> int:
    """The threads the cluster's workers have now (0 when the scheduler does not say within the connect
    timeout); waits while the client reconnects, and raises SchedulerUnavailable once it has given up."""
    deadline = time.monotonic() + 2 * CONNECT_TIMEOUT_SECONDS  # the client itself gives up after one
    while run.client.status == "connecting" and time.monotonic() < deadline:
        time.sleep(0.1)
    if run.client.status != "running":
        raise SchedulerUnavailable(f"the connection to the Dask scheduler at {run.address} was lost; what was "
                                   "published stays, and the next scheduled run renders the rest")
    try:
        return sum(run.client.nthreads(callback_timeout=CONNECT_TIMEOUT_SECONDS).values())
    except Exception:  # the scheduler went away between the check and the call, or hangs: said on the next look
        return 0


def execute(run: ClusterRun, config, lexicon: Lexicon, jobs: list, identity: str) -> Iterator:
    """Render the jobs on the cluster, longest first, a bounded number in flight; yield each article's Outcome as
    its files are published. Interrupted (Ctrl-C, SIGTERM), it cancels what is still queued or running: a task
    already running may finish on its worker, and its files are never fetched or published. Losing the
    scheduler, or every worker for NO_WORKERS_SECONDS, ends the run with SchedulerUnavailable (exit 75)."""
    from pipeline.batch.runner import Outcome, longest_first, refusal

    _, wait, _ = dask_modules()
    waiting = deque(longest_first(jobs))
    retries: Counter[tuple[str, str]] = Counter()
    running: dict = {}

    def submit_next() -> Outcome | None:
        """Start the next article, or say why it cannot start (where it would go, its file unreadable or changed)."""
        job = waiting.popleft()
        refused = refusal(job, config)
        if refused:
            return refused
        try:
            remote = _remote_job(job, config, lexicon, identity)
        except OSError as error:
            return Outcome(job.relative, "failed", reason=f"{job.relative}: cannot be read ({error.strerror})")
        if remote is None:
            return Outcome(job.relative, "failed", reason=f"{job.relative}: changed during the run; the next run "
                           "renders the new text")
        future = _submit(run, render_remote, remote, key=f"article-audio-{uuid.uuid4().hex}")
        running[future] = job
        return None

    def fill() -> Iterator:
        room = max(_threads(run), 1) * IN_FLIGHT_PER_THREAD
        while waiting and len(running) < room:
            refused = submit_next()
            if refused:
                run.failed = True
                yield refused

    try:
        yield from fill()
        no_workers_since = None
        while running:
            try:
                with run.client.as_current():  # `wait` takes the current client; ours is not the default
                    finished = wait(list(running), timeout=POLL_SECONDS, return_when="FIRST_COMPLETED").done
                # `wait` counts a lost result (its worker died holding it; Dask makes it again) as done: not yet
                finished = [future for future in finished if future.done()]
            except TimeoutError:
                finished = ()
            except Exception:  # cancelled: with the scheduler's connection (said here), or by someone else
                _threads(run)
                finished = [future for future in running if future.done()]
            if not finished:
                if _threads(run):
                    no_workers_since = None
                elif no_workers_since is None:
                    no_workers_since = time.monotonic()
                elif time.monotonic() - no_workers_since > NO_WORKERS_SECONDS:
                    raise SchedulerUnavailable(f"every Dask worker of {run.address} has been gone for "
                                               f"{NO_WORKERS_SECONDS} s; what was published stays, and the next "
                                               "scheduled run renders the rest")
                continue
            for future in finished:
                job = running.pop(future)
                outcome = _collect(run, future, job, config)
                if isinstance(outcome, str):  # a reason to render it again
                    allowed, why = RETRIES[outcome]
                    retries[job.relative, outcome] += 1
                    if retries[job.relative, outcome] <= allowed:
                        waiting.appendleft(job)
                        continue
                    outcome = Outcome(job.relative, "failed", reason=f"{job.relative}: {why}; the next run retries")
                run.failed |= outcome.status == "failed"
                yield outcome
            yield from fill()
    finally:
        if running:
            with contextlib.suppress(Exception):
                run.client.cancel(list(running), force=True)


#: Why _collect asks for an article to be rendered again: how many more times at most, and what it fails
#: with once they are spent.
RETRIES = {
    "fetch": (FETCH_RETRIES, "the workers that rendered it went away before its files arrived whole"),
    "killed": (KILLED_RETRIES, ("the Dask workers rendering it kept dying (out of memory, or a crash in the "
                                "speech engine: the workers' logs say where)")),
    "cancelled": (CANCELLED_RETRIES, ("its task was cancelled on the cluster each time it was sent (the "
                                      "connection to the scheduler came and went)")),
}


def _remote_job(job, config, lexicon: Lexicon, identity: str) -> RemoteJob | None:
    """The article as a worker needs it; None when its text is no longer what the render key was made from."""
    source = job.source.read_bytes()
    if hashlib.sha256(source).hexdigest() != job.source_sha256:
        return None
    site = config.site
    return RemoteJob(
        relative=job.relative, name=job.source.stem, label=str(job.source), source=source,
        source_sha256=job.source_sha256, key=job.key, output_name=job.output.name, settings=config.settings,
        engine_identity=identity, lexicon=lexicon, notice=config.notice, max_minutes=config.max_minutes,
        page=site.page_options(config.out_dir, job.output) if site else None)


def _collect(run: ClusterRun, future, job, config):
    """The article's Outcome once its files are published, or a key of RETRIES to render it again."""
    from distributed import KilledWorker

    from pipeline.batch.runner import Outcome

    try:
        result = future.result(timeout=CHUNK_TIMEOUT_SECONDS)
    except KilledWorker:
        return "killed"
    except TimeoutError:  # its worker died holding the result, and the cluster has no room to make it again
        with contextlib.suppress(Exception):
            run.client.cancel([future], force=True)
        return "fetch"
    except ModuleNotFoundError as error:
        return Outcome(job.relative, "failed", reason=f"{job.relative}: the worker cannot import article-audio "
                       f"({error}); install {__version__} on every worker: {INSTALL_HINT}")
    except Exception as error:
        if future.cancelled():  # with the scheduler's connection: lost for good (raises) or back again
            _threads(run)
            return "cancelled"
        return Outcome(job.relative, "failed", reason=f"{job.relative}: {type(error).__name__}: {_first_line(error)}")
    if isinstance(result, Refused) or version_refusal(result, job.relative):
        return Outcome(job.relative, "failed", reason=version_refusal(result, job.relative) or result.reason)
    if not job.source.is_file() or file_sha256(job.source) != job.source_sha256:
        _forget(run, result)
        return Outcome(job.relative, "failed", reason=f"{job.relative}: changed or removed during the run; "
                       "nothing was published for it, and the next run renders what is there then")
    try:
        _publish_files(run, result, job.output)
    except _WorkerGone:  # its folder went with it, or is swept as stale
        return "fetch"
    except _Damaged:
        _forget(run, result)
        return "fetch"
    except ArticleAudioError as error:  # this machine's disk is full or read-only (said with the fix): the next
        _forget(run, result)           # article may fit
        return Outcome(job.relative, "failed", reason=f"{job.relative}: {error}")
    except OSError as error:
        _forget(run, result)
        return Outcome(job.relative, "failed", reason=f"{job.relative}: its files cannot be written beside "
                       f"{job.output} ({error.strerror or error}); check the output folder")
    _forget(run, result)
    return Outcome(job.relative, "rendered", output=str(job.output.relative_to(config.out_dir)),
                   seconds=result.seconds, synthesized=result.synthesized, cached=result.cached)


class _WorkerGone(Exception):
    """The worker holding an article's finished files stopped answering, or sent a file that was not whole."""


class _Damaged(Exception):
    """A file of an article arrived with another digest than the worker gave for it."""


async def _run_on(run: ClusterRun, worker: str, function, args: tuple):
    """`function(*args)` on one worker, asked straight from this client: not relayed through the scheduler (which
    would carry every finished file), and beside the worker's task threads (a worker busy with its next article
    answers at once). The worker's exception is raised here."""
    from distributed.core import clean_exception
    from distributed.protocol.pickle import dumps

    response = await run.client.rpc(worker).run(function=dumps(function), args=dumps(args), kwargs=dumps({}),
                                                wait=True)
    if response.get("status") != "OK":
        _, error, _ = clean_exception(**response)
        raise error if isinstance(error, Exception) else _WorkerGone(worker)
    return response["result"]


def _on_worker(run: ClusterRun, worker: str, function, *args, timeout: float = CHUNK_TIMEOUT_SECONDS):
    """`function(*args)` on one worker (see _run_on) within `timeout`; _WorkerGone when it does not answer."""
    try:
        return run.client.sync(_run_on, run, worker, function, args, callback_timeout=timeout)
    except Exception:
        raise _WorkerGone(worker) from None


def _on_every_worker(run: ClusterRun, function, *args, timeout: float) -> dict[str, object]:
    """`function(*args)` on every worker at once, each within `timeout`: what each answered, or its exception (a
    TimeoutError for one that did not answer). One hung worker does not hold up the others' answers."""
    import asyncio

    workers = list(run.client.nthreads(callback_timeout=CONNECT_TIMEOUT_SECONDS))

    async def one(worker: str):
        try:
            return await asyncio.wait_for(_run_on(run, worker, function, args), timeout)
        except Exception as error:  # this worker's answer: the caller weighs it
            return error

    async def every():
        return await asyncio.gather(*(one(worker) for worker in workers))

    return dict(zip(workers, run.client.sync(every), strict=True))


def _publish_files(run: ClusterRun, result: Finished, audio: Path) -> None:
    """Fetch every file of the article in requests of at most CHUNK_BYTES into partials beside their
    destinations, check each against the worker's digest, then rename them all into place; an earlier
    rendition's files the worker did not make (chapters an article no longer has, a page no longer written) go."""
    from pipeline.publish.page import page_path, remove_own_page
    from pipeline.render import chapter_paths

    audio.parent.mkdir(parents=True, exist_ok=True)
    with StagedOutputs() as outputs, contextlib.ExitStack() as files:
        handles = {name: files.enter_context(outputs.reserve(audio.parent / name).open("wb"))
                   for name, _, _ in result.files}  # named after the audio, as render names them
        checks = {name: hashlib.sha256() for name in handles}
        for request in _requests(result.files):
            pieces = _on_worker(run, result.worker, read_pieces_beside_loop, result.staging, request)
            for (name, _, _), piece in zip(request, pieces, strict=True):
                handles[name].write(piece)
                checks[name].update(piece)
        files.close()
        for name, size, digest in result.files:
            if checks[name].hexdigest() != digest:
                raise _Damaged(name)
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


def _forget(run: ClusterRun, result: Finished) -> None:
    """Ask the worker to remove the article's staging folder (a worker that is gone took it with it; one that
    does not answer sweeps it as stale later)."""
    with contextlib.suppress(_WorkerGone):
        _on_worker(run, result.worker, remove_staging_beside_loop, result.staging, timeout=CONNECT_TIMEOUT_SECONDS)


def check_scheduler_address(address: str) -> str:
    """A scheduler address Dask can dial: tcp://HOST:PORT (or tls://, inproc://)."""
    scheme, _, rest = address.partition("://")
    if scheme not in ("tcp", "tls", "inproc", "ws", "wss") or not rest:
        raise UsageError(f"--scheduler {address!r}: give the scheduler's address, e.g. tcp://10.0.0.5:8786")
    return address

