"""Unattended batch runs: render every new or changed article in a folder, in parallel, safely, from cron."""

from __future__ import annotations

import ctypes
import dataclasses
import faulthandler
import fcntl
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import signal
import time
from collections import Counter, deque
from collections.abc import Callable, Collection, Generator, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__
from pipeline.batch.cache import DEFAULT_CACHE_MAX_BYTES
from pipeline.errors import ArticleAudioError, InputError, TryAgainLater, UsageError
from pipeline.files import PARTIAL_SUFFIX, check_writable_folder, user_cache_folder
from pipeline.lexicon.model import EMPTY_LEXICON, Lexicon, load_lexicon
from pipeline.publish.page import page_path, remove_own_page
from pipeline.publish.site import Site, site_for
from pipeline.settings import DEFAULT_NOTICE, RenderSettings
from pipeline.stages.article import parse_article

ARTICLE_SUFFIXES = (".txt", ".md")
_CACHE_SUBFOLDER = re.compile(r"[0-9a-f]{2}")
LOCK_NAME = ".article-audio.lock"
_PR_SET_PDEATHSIG = 1
#: An article fails once this many workers died while rendering it (from the second on, it ran alone).
WORKER_DEATHS_ALLOWED = 2
FRUITLESS_POOLS_ALLOWED = 4


class BatchLocked(TryAgainLater):
    """Another batch holds the output folder."""


@dataclass(frozen=True)
class BatchConfig:
    """What a batch run renders, where, and how."""

    input_dir: Path
    out_dir: Path
    settings: RenderSettings = field(default_factory=RenderSettings)
    lexicon_path: Path | None = None
    jobs: int = 1
    cache_dir: Path | None = None
    cache_max_bytes: int = DEFAULT_CACHE_MAX_BYTES
    dry_run: bool = False
    prune: bool = False
    feed_url: str | None = None
    feed_title: str = "Audio articles"
    #: The feed's cover art (itunes:image): an http(s) address of a square JPEG or PNG; Apple requires one.
    feed_image: str | None = None
    #: Write `<stem>.html` for every rendition and `index.html` listing them, each with the player.
    pages: bool = False
    #: Where the pages' players POST listeners' mispronunciation reports (None: listeners copy or download them).
    feedback_url: str | None = None
    #: What the player says about the audio (each report's `notice`): changing it rewrites reports, not audio.
    notice: str = DEFAULT_NOTICE
    #: The pages this run keeps (set by run_batch from `pages`, or from the pages an earlier run wrote).
    site: Site | None = None
    #: A Dask scheduler (tcp://HOST:PORT) whose workers render the articles instead of local processes.
    scheduler: str | None = None
    #: Render in this process instead of in worker processes (jobs must be 1): for embedding the batch where an
    #: engine is registered at run time, and for tests. A crash in the engine then ends the whole batch.
    in_process: bool = False
    #: An article whose estimate is longer fails before any synthesis (render's max_minutes).
    max_minutes: float = 1440

    @property
    def cache_folder(self) -> Path:
        """Where sentence audio is cached: configured, or in the user's cache directory (never in the
        published output folder)."""
        return self.cache_dir or user_cache_folder() / "sentences"


@dataclass(frozen=True)
class Job:
    """One article to consider: where it is, where its rendition goes, and the key its rendition must carry."""

    source: Path
    relative: str
    output: Path
    key: str
    source_sha256: str = ""
    size: int = 0  # bytes of text: the longest articles start first, so no worker is left alone at the end
    clash: str | None = None  # another article that would write the same files


@dataclass(frozen=True)
class Outcome:
    """What happened to one article."""

    source: str
    status: str  # "rendered", "skipped", "failed" or, with --dry-run, "would render"
    output: str | None = None
    reason: str | None = None
    seconds: float = 0.0
    synthesized: int = 0
    cached: int = 0

    def as_json(self) -> str:
        """One line of the --log file."""
        return json.dumps({key: value for key, value in self.__dict__.items() if value is not None}, ensure_ascii=False)


@dataclass(frozen=True)
class BatchResult:
    """Every outcome of a run and how long it took."""

    outcomes: tuple[Outcome, ...]
    seconds: float
    pruned: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def count(self, status: str) -> int:
        """How many articles ended with this status."""
        return sum(outcome.status == status for outcome in self.outcomes)

    def summary(self) -> str:
        """The one line a cron mail shows."""
        return (f"rendered {self.count('rendered')}, skipped {self.count('skipped')}, failed {self.count('failed')}"
                + (f", pruned {len(self.pruned)}" if self.pruned else "") + f" in {self.seconds:.1f} s"
                + "".join(f"; warning: {warning}" for warning in self.warnings))


def discover(input_dir: Path) -> list[Path]:
    """Every article below the folder, in a stable order; hidden files and folders are skipped."""
    if not input_dir.is_dir():
        raise UsageError(f"{input_dir}: not a folder of articles; give the folder to render")
    found = []
    for path in sorted(input_dir.rglob("*")):
        relative = path.relative_to(input_dir)
        if path.suffix.lower() in ARTICLE_SUFFIXES and path.is_file() and not any(p.startswith(".") for p in relative.parts):
            found.append(path)
    return found


def output_for(config: BatchConfig, source: Path) -> Path:
    """The rendition's path: the article's place below the input folder, mirrored below the output folder."""
    relative = source.relative_to(config.input_dir)
    return config.out_dir / relative.parent / f"{relative.stem}.{config.settings.format}"


def render_key(source_bytes: bytes, lexicon: Lexicon, settings: RenderSettings, engine_identity: str) -> str:
    """What a rendition depends on: the text, the settings, the engine and voice, the lexicon entries that fire
    (as the engine reads the lexicon: with the neural voice, entries that have only IPA fire too)."""
    from pipeline.render import engine_lexicon
    from pipeline.stages.article import parse_article
    from pipeline.stages.script import split_blocks

    digest = hashlib.sha256()
    for part in (__version__, engine_identity, repr(settings), hashlib.sha256(source_bytes).hexdigest()):
        digest.update(part.encode() + b"\0")
    try:
        article = parse_article(source_bytes)
    except InputError:
        return digest.hexdigest()  # unreadable articles fail when rendered; the key only has to be stable
    fired = set()
    lexicon = engine_lexicon(lexicon, settings.engine)
    for block in split_blocks(article):
        for sentence in block:
            fired.update(entry for piece in lexicon.apply(sentence) if (entry := piece.entry) is not None)
    for entry in sorted(fired, key=lambda e: (e.word, e.say or "", e.case_sensitive, e.whole_word)):
        digest.update(repr((entry.word, entry.say, entry.ipa, entry.case_sensitive, entry.whole_word)).encode())
    return digest.hexdigest()


def is_current(job: Job) -> bool:
    """Whether the rendition exists, is complete, and was made from exactly this article and settings."""
    report_path = job.output.with_suffix(".json")
    try:
        report = json.loads(report_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return report.get("render_key") == job.key and job.output.is_file() and job.output.with_suffix(".vtt").is_file()


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold the output folder for one batch; the kernel drops the lock of a killed run, so the next takes over."""
    check_writable_folder(out_dir)
    handle = open(out_dir / LOCK_NAME, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BatchLocked(f"{out_dir}: another batch ({holder}) is rendering here; this run exits and the "
                              "next scheduled run will pick up") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()


def remove_partials(out_dir: Path) -> None:
    """Remove temporary files of interrupted renders (only ever called while holding the lock)."""
    for leftover in out_dir.rglob(f".*{PARTIAL_SUFFIX}"):
        leftover.unlink(missing_ok=True)


def remove_old_cache(config: BatchConfig) -> None:
    """Remove the sentence cache that earlier versions kept in the output folder (`OUT/.cache`, up to 2 GiB in
    a published folder), unless it is the cache this run was told to use."""
    old = config.out_dir / ".cache"
    if config.cache_folder.resolve() == old.resolve() or not old.is_dir() or old.is_symlink():
        return
    if all(_CACHE_SUBFOLDER.fullmatch(entry.name) for entry in old.iterdir()):  # only ever what the cache made
        shutil.rmtree(old, ignore_errors=True)


# --- workers -------------------------------------------------------------------------------------------

_worker: dict = {}


def _start_worker(config: BatchConfig, lexicon: Lexicon, in_process: bool = False) -> None:
    """Per worker process: one engine (wrapped in the shared sentence cache) and the lexicon."""
    from pipeline.batch.cache import AudioCache, CachedEngine
    from pipeline.memory import tune_allocator

    tune_allocator()
    from pipeline.engines import get_engine

    if not in_process:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        faulthandler.enable()  # a crash in the engine's native code says where on the batch's standard error
        _die_with_parent()
    cache = AudioCache(config.cache_folder, config.cache_max_bytes)
    _worker.update(config=config, lexicon=lexicon, engine=CachedEngine(
        get_engine(config.settings.engine, voice=config.settings.voice, threads=1), cache))  # a worker per core


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the batch that started it dies, even by SIGKILL."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: an orphaned worker finishes its article, which is still published atomically


def refusal(job: Job, config: BatchConfig) -> Outcome | None:
    """The failure of an article that must not be rendered where it would go, or None."""
    if job.output.with_suffix(".json") == config.out_dir / "index.json":
        return Outcome(job.relative, "failed", reason=f"{job.relative}: its report would overwrite the batch's "
                       "index.json; rename the article")
    if job.clash:
        return Outcome(job.relative, "failed", reason=f"{job.relative}: same output as {job.clash}; rename one of them")
    return None


def _render_job(job: Job) -> Outcome:
    """Render one article in a worker; any failure becomes that article's outcome, never the batch's."""
    from pipeline.render import render

    config, engine = _worker["config"], _worker["engine"]
    started = time.perf_counter()
    refused = refusal(job, config)
    if refused:
        return refused
    synthesized, cached = engine.synthesized, engine.stats.hits
    try:
        data = job.source.read_bytes()
        if hashlib.sha256(data).hexdigest() != job.source_sha256:
            return Outcome(job.relative, "failed", reason=f"{job.relative}: changed during the run; the next run "
                           "renders the new text")
        job.output.parent.mkdir(parents=True, exist_ok=True)
        article = parse_article(data, name=job.source.stem, label=str(job.source))
        # One core per worker: --jobs counts the cores a batch uses (see render's overlap_encoding).
        render(article, lexicon=_worker["lexicon"], settings=config.settings, out=job.output,
               engine=engine, report_extra={"render_key": job.key, "source_path": job.relative},
               overlap_encoding=False, force=True,  # a format change re-renders under the same stem
               max_minutes=config.max_minutes, notice=config.notice,
               # the page is published with its audio, so no page ever plays audio it does not describe
               page=config.site.page_options(config.out_dir, job.output) if config.site else None)
    except OSError as error:
        return Outcome(job.relative, "failed", reason=f"{job.relative}: cannot be read ({error.strerror})",
                       seconds=time.perf_counter() - started)
    except ArticleAudioError as error:
        return Outcome(job.relative, "failed", reason=str(error), seconds=time.perf_counter() - started)
    except Exception as error:  # a bug must not stop the other articles; the log says what it was
        return Outcome(job.relative, "failed", reason=f"internal error: {type(error).__name__}: {error}",
                       seconds=time.perf_counter() - started)
    return Outcome(job.relative, "rendered", output=str(job.output.relative_to(config.out_dir)),
                   seconds=time.perf_counter() - started, synthesized=engine.synthesized - synthesized,
                   cached=engine.stats.hits - cached)


# --- the run -------------------------------------------------------------------------------------------


def plan(config: BatchConfig, lexicon: Lexicon, engine_identity: str) -> list[Job]:
    """Every article with its output and render key; articles that would share an output are marked."""
    jobs: list[Job] = []
    claimed: dict[Path, str] = {}
    for source in discover(config.input_dir):
        try:
            data = source.read_bytes()
        except OSError:
            data = b""
        relative = source.relative_to(config.input_dir).as_posix()
        output = output_for(config, source)
        jobs.append(Job(source, relative, output, render_key(data, lexicon, config.settings, engine_identity),
                        hashlib.sha256(data).hexdigest(), len(data), claimed.get(output)))
        claimed.setdefault(output, relative)
    return jobs


def engine_identity(settings: RenderSettings) -> str:
    """The engine, its version and the voice: a new espeak-ng or another voice means new audio. A rate the
    engine cannot speak is refused here, once for the whole run, not once for every article."""
    from pipeline.engines import get_engine, resolve_voice
    from pipeline.engines.base import check_rate

    engine = get_engine(settings.engine, voice=settings.voice)
    try:
        check_rate(engine, settings.rate)
        return f"{engine.name}|{engine.version()}|{resolve_voice(engine, settings.voice).id}"
    finally:
        engine.close()


def run_batch(config: BatchConfig, on_outcome: Callable[[Outcome, int, int], None] | None = None) -> BatchResult:
    """Render what is new or out of date, skip the rest, publish the index (and feed), under the folder's lock."""
    from pipeline.render import check_settings

    check_settings(config.settings)
    if config.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if config.in_process and config.jobs != 1:
        raise UsageError("an in-process batch renders one article at a time; give jobs = 1")
    from pipeline.batch.publish import check_image_url, check_url_base

    if config.feed_url:  # before any work: a mistyped address must not wait for the last article to be refused
        check_url_base(config.feed_url)
    if config.feed_image:
        check_image_url(config.feed_image)
    config.cache_folder  # noqa: B018 - found here, so a missing home directory is one line, not dying workers
    started = time.perf_counter()
    lexicon = load_lexicon(config.lexicon_path) if config.lexicon_path else EMPTY_LEXICON
    if config.scheduler:
        from pipeline.batch.cluster import check_scheduler_address, dask_modules

        check_scheduler_address(config.scheduler)
        dask_modules()  # the extra's absence is one line, before anything else
    if config.dry_run:  # reads only: no output folder, no lock, no clean-up
        with _executor(config) as (identity, _):
            jobs, stale, outcomes = _survey(config, lexicon, identity)
        outcomes += [Outcome(job.relative, "would render") for job in stale]
        return BatchResult(tuple(outcomes), time.perf_counter() - started)
    with output_lock(config.out_dir), _executor(config) as (identity, execute):
        config = dataclasses.replace(config, site=site_for(config.out_dir, pages=config.pages, title=config.feed_title,
                                                           feedback_url=config.feedback_url, url_base=config.feed_url))
        remove_partials(config.out_dir)
        remove_old_cache(config)
        jobs, stale, outcomes = _survey(config, lexicon, identity)
        if on_outcome:
            for number, outcome in enumerate(outcomes, start=1):
                on_outcome(outcome, number, len(jobs))
        try:
            for outcome in execute(config, lexicon, stale):
                outcomes.append(outcome)
                if on_outcome:
                    on_outcome(outcome, len(outcomes), len(jobs))
        except TryAgainLater:  # the cluster went away mid-run: what was published is whole, and listed
            _publish(config)
            raise
        finally:
            remove_partials(config.out_dir)
        pruned = prune(config, jobs) if config.prune else ()
        warnings = _publish(config)
    return BatchResult(tuple(outcomes), time.perf_counter() - started, pruned, warnings)


@contextmanager
def _executor(config: BatchConfig) -> Iterator[tuple[str, Callable]]:
    """The engine identity render keys carry and the function that renders stale articles: local worker
    processes, or a Dask cluster (which also says what its workers' engine is, so this machine needs none)."""
    if not config.scheduler:
        yield engine_identity(config.settings), _execute
        return
    from pipeline.batch import cluster

    with cluster.connected(config.scheduler) as run:
        identity = cluster.cluster_identity(run, config.settings)
        yield identity, lambda config, lexicon, jobs: cluster.execute(run, config, lexicon, jobs, identity)


def _survey(config: BatchConfig, lexicon: Lexicon, identity: str) -> tuple[list[Job], list[Job], list[Outcome]]:
    """Every article's job, the ones out of date, and the outcomes of the ones that are current (skipped)."""
    jobs = plan(config, lexicon, identity)
    stale = [job for job in jobs if not is_current(job)]
    skipped = [Outcome(job.relative, "skipped", output=str(job.output.relative_to(config.out_dir)))
               for job in jobs if job not in stale]
    return jobs, stale, skipped


def longest_first(jobs: list[Job]) -> list[Job]:
    """The order workers take articles in: a long article started last would keep one worker busy at the end
    while the others idle, so the longest go first (ties keep the folder's order)."""
    return sorted(jobs, key=lambda job: -job.size)


def _execute(config: BatchConfig, lexicon: Lexicon, jobs: list[Job]) -> Iterator[Outcome]:
    """Render the jobs in worker processes; an article whose worker died is retried alone, then failed."""
    if not jobs:
        return
    if config.in_process:
        yield from _execute_in_process(config, lexicon, jobs)
        return
    waiting = deque(longest_first(jobs))
    deaths: Counter[str] = Counter()
    fruitless_pools = 0  # pools in a row that died before finishing an article: the workers cannot start
    while waiting:
        finished = len(waiting)
        in_flight = yield from _run_pool(config, lexicon, waiting, deaths)
        finished -= len(waiting) + len(in_flight)
        fruitless_pools = 0 if finished else fruitless_pools + 1
        if fruitless_pools >= FRUITLESS_POOLS_ALLOWED:
            for job in [*in_flight, *waiting]:
                yield Outcome(job.relative, "failed", reason=f"{job.relative}: worker processes keep dying before "
                              "they finish an article (out of memory?); the next run retries")
            return
        for job in in_flight:
            deaths[job.relative] += 1
            if deaths[job.relative] >= WORKER_DEATHS_ALLOWED:
                yield Outcome(job.relative, "failed", reason=f"{job.relative}: the worker process rendering it "
                              f"died {deaths[job.relative]} times (out of memory, or a crash in the speech engine: "
                              "its standard error says where); the next run retries")
            else:
                waiting.appendleft(job)  # retried first, and alone


def _run_pool(
    config: BatchConfig, lexicon: Lexicon, waiting: deque[Job], deaths: Counter[str]
) -> Generator[Outcome, None, list[Job]]:
    """Render from the queue, one article per worker at a time, until it is empty or a worker dies.

    Returns the articles that were in flight when a worker died (the others stay queued). An article that
    was in flight at a death is then run alone, so that a second death can only be its own doing.
    """
    # Spawned workers: espeak-ng runs a thread of its own, and forking a process with threads is unsafe.
    # An executor (not multiprocessing.Pool) notices a worker that dies (OOM killer, a crash in the engine).
    workers = min(config.jobs, len(waiting))
    executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker, initargs=(config, lexicon))
    in_flight: dict[Future, Job] = {}
    finished = False
    try:
        while waiting or in_flight:
            while waiting and len(in_flight) < workers and _may_start(waiting[0], in_flight.values(), deaths):
                job = waiting.popleft()
                in_flight[executor.submit(_render_job, job)] = job
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                del in_flight[future]
                yield outcome
            if broken:
                return list(in_flight.values())
        finished = True
        return []
    finally:
        _stop_pool(executor, graceful=finished)


def _stop_pool(executor: ProcessPoolExecutor, *, graceful: bool) -> None:
    """Stop the workers and wait for the executor's manager thread to end.

    The executor has no public way to stop workers mid-article; killing them is what a stop needs, and the
    caller removes the partial files they leave. Either way the manager thread is joined here: left running,
    it races the interpreter's exit hook for its wake-up pipe, and about one run in twenty printed a
    16-line "Exception ignored ... Bad file descriptor" that cron mails.
    """
    if not graceful:
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            if process.is_alive():
                process.kill()
    executor.shutdown(wait=True, cancel_futures=True)


def _may_start(job: Job, running: Collection[Job], deaths: Counter[str]) -> bool:
    """An article that was in flight when a worker died runs alone: it waits for an idle pool, and while it
    runs nothing starts beside it."""
    return not running or not (deaths[job.relative] or any(deaths[other.relative] for other in running))


def _execute_in_process(config: BatchConfig, lexicon: Lexicon, jobs: list[Job]) -> Iterator[Outcome]:
    """Render one after another in this process: no worker to spawn, and no shield from a crashing engine."""
    _start_worker(config, lexicon, in_process=True)
    try:
        for job in jobs:
            yield _render_job(job)
    finally:
        _worker.pop("engine").close()


def prune(config: BatchConfig, jobs: list[Job]) -> tuple[str, ...]:
    """Remove renditions whose article is gone (audio, report, captions and chapters)."""
    from pipeline.batch.publish import collect_renditions

    live = {job.output.resolve() for job in jobs}
    removed = []
    for rendition in collect_renditions(config.out_dir):
        audio = (config.out_dir / rendition.file).resolve()
        if audio not in live:
            for path in (audio, audio.with_suffix(".json"), audio.with_suffix(".vtt"),
                         audio.with_suffix(".chapters.json"), audio.with_suffix(".chapters.vtt")):
                path.unlink(missing_ok=True)
            remove_own_page(page_path(audio))
            removed.append(rendition.file)
    return tuple(removed)


def _publish(config: BatchConfig) -> tuple[str, ...]:
    """The index, the feed and the pages, from the reports in the output folder; any warnings for the summary."""
    from pipeline.batch.publish import (
        MISSING_IMAGE_WARNING,
        collect_renditions,
        refresh_feed,
        update_notices,
        write_feed,
        write_index,
    )
    from pipeline.publish.site import write_pages

    renditions = collect_renditions(config.out_dir)
    update_notices(config.out_dir, renditions, config.notice)
    write_index(config.out_dir, renditions)
    if config.site:
        write_pages(config.out_dir, renditions, config.site)
    if config.feed_url:
        write_feed(config.out_dir, renditions, config.feed_url, title=config.feed_title, image=config.feed_image)
        has_feed, has_image = True, bool(config.feed_image)
    else:
        previous = refresh_feed(config.out_dir, renditions, image=config.feed_image)
        has_feed, has_image = previous is not None, previous is not None and bool(previous.image)
    return (MISSING_IMAGE_WARNING,) if has_feed and not has_image else ()
