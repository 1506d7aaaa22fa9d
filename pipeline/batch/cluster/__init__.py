"""Batches on a Dask cluster (`batch --scheduler tcp://HOST:PORT`): Dask distributed stays behind this package
(the client's side here, the workers' in `worker.py`).

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
import pickle
import sys
import time
import uuid
import warnings
from collections import Counter, deque
from collections.abc import Iterator
from pathlib import Path

from pipeline import __version__
from pipeline.batch.cluster.worker import (
    UNKNOWN_IDENTITY,
    Finished,
    Refused,
    RemoteJob,
    portable,
    read_pieces_beside_loop,
    remove_staging_beside_loop,
    render_remote,
    worker_identity,
)
from pipeline.errors import ArticleAudioError, TryAgainLater, UsageError
from pipeline.files import StagedOutputs, file_sha256
from pipeline.lexicon.model import Lexicon
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


def version_refusal(result, relative: str) -> str | None:
    """What a portable task's result says when its worker runs another version, or None."""
    if isinstance(result, tuple) and result[:1] == ("other version",):
        _, worker, installed = result
        return (f"{relative}: worker {worker} runs article-audio {installed} but this client runs {__version__}; "
                "install the same version on every worker")
    return None



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

