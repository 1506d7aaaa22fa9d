"""The worker side of cluster batches: what a Dask worker runs for `batch --scheduler` (see the package).

A task reaches a worker as a `portable` function: readable there without article-audio, so a worker without it,
or with another version, fails the article saying so. The worker renders into a staging folder of its own,
behind its own engine and sentence cache, and serves the finished files' pieces to the client."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ArticleAudioError
from pipeline.files import file_sha256
from pipeline.lexicon.model import Lexicon
from pipeline.publish.page import PageOptions
from pipeline.settings import RenderSettings

#: A worker removes staging folders older than this that no client came back for (its client was killed).
STALE_STAGING_SECONDS = 6 * 3600
_STAGING = "article-audio-staging"
#: The engine identity used when no worker can run article-audio: it matches no render key, so every article is
#: submitted, and each fails saying why.
UNKNOWN_IDENTITY = "unknown|workers cannot run article-audio|"


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
