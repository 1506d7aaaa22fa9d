"""A content-addressed, size-bounded cache of synthesized sentence audio, shared safely between processes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import struct
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.engines.base import Audio, DurationModel, Engine, Voice, WordTiming

MAGIC = b"AAPC"
FORMAT_VERSION = 2  # 2: word timings after the samples
#: magic, format version, sample rate, PCM length, number of word timings, sha256 of the header fields before it,
#: the PCM and the word timings (four unsigned 32-bit numbers each: text start and end, start and end frame).
HEADER = struct.Struct("<4sHIQI32s")
STALE_TEMPORARY_SECONDS = 3600
#: The cache's default bound: room for about twelve hours of 22 kHz sentences.
DEFAULT_CACHE_MAX_BYTES = 2 * 1024**3
#: A full scan of the folder costs a few microseconds per entry (36 ms for 10,000), several times the cost of
#: synthesizing a sentence, so a process rescans only after storing this fraction of max_bytes, and eviction
#: frees as much again below the bound; several processes may together overshoot by this much each.
SLACK_FRACTION = 64
_KEY = re.compile(r"[0-9a-f]{64}")
_SUBFOLDER = re.compile(r"[0-9a-f]{2}")


@dataclass
class CacheStats:
    """What one AudioCache instance did, counted in this process only."""

    hits: int = 0
    misses: int = 0
    stores: int = 0
    corrupt: int = 0
    evicted: int = 0
    write_errors: int = 0


def encode_entry(audio: Audio) -> bytes:
    """An entry file's bytes: the header, the PCM, then the word timings."""
    numbers = [number for word in audio.words for number in (word.text_start, word.text_end, word.start_frame,
                                                              word.end_frame)]
    fields = struct.pack("<4sHIQI", MAGIC, FORMAT_VERSION, audio.sample_rate, len(audio.samples), len(audio.words))
    payload = audio.samples + struct.pack(f"<{len(numbers)}I", *numbers)
    # The digest covers the header fields too, so a flipped sample-rate byte cannot pass as valid audio.
    return fields + hashlib.sha256(fields + payload).digest() + payload


def decode_entry(data: bytes) -> Audio | None:
    """The audio in an entry file's bytes; None if they are truncated, corrupted or not an entry at all."""
    if len(data) < HEADER.size:
        return None
    magic, version, sample_rate, length, word_count, digest = HEADER.unpack_from(data)
    payload = data[HEADER.size:]
    if magic != MAGIC or version != FORMAT_VERSION or sample_rate == 0 or length + 16 * word_count != len(payload):
        return None
    if hashlib.sha256(data[:HEADER.size - 32] + payload).digest() != digest:
        return None
    numbers = struct.unpack_from(f"<{4 * word_count}I", payload, length)
    words = tuple(WordTiming(*numbers[at : at + 4]) for at in range(0, len(numbers), 4))
    return Audio(payload[:length], sample_rate, words)


class AudioCache:
    """Audio stored under keys in `folder`, evicted least-recently-used beyond `max_bytes`.

    Several processes may share one folder: entries appear only by atomic rename, a vanished entry is a
    miss, and failures to write are counted rather than raised, so the cache can never fail a render.
    """

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self.stats = CacheStats()
        self._slack = max_bytes // SLACK_FRACTION
        self._estimate: int | None = None  # the total at this process's last scan, plus what it stored since
        self._stored_since_scan = 0

    @staticmethod
    def key(*parts: str) -> str:
        """The sha256 hex key of the parts; each is length-prefixed so no two lists of parts share a key."""
        digest = hashlib.sha256(f"article-audio cache {FORMAT_VERSION}".encode())
        for part in parts:
            encoded = part.encode("utf-8", "surrogatepass")
            digest.update(len(encoded).to_bytes(8, "big") + encoded)
        return digest.hexdigest()

    def path(self, key: str) -> Path:
        """Where the entry for `key` lives: in one of 256 subfolders named by the key's first two digits."""
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a cache key: {key!r}")
        return self.folder / key[:2] / key

    def get(self, key: str) -> Audio | None:
        """The audio stored under `key` if present and intact; a damaged entry is deleted and is a miss."""
        path = self.path(key)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
                identity = os.fstat(handle.fileno())
        except OSError:  # absent, evicted by another process since, or unreadable
            self.stats.misses += 1
            return None
        audio = decode_entry(data)
        if audio is None:
            self.stats.corrupt += 1
            self.stats.misses += 1
            self._discard(path, identity)
            return None
        with contextlib.suppress(OSError):
            _touch(path)
        self.stats.hits += 1
        return audio

    def put(self, key: str, audio: Audio) -> None:
        """Store `audio` under `key` atomically, then evict least recently used entries if over `max_bytes`."""
        path = self.path(key)
        try:
            data = encode_entry(audio)
        except struct.error:  # a word timing outside 0 .. 2**32 - 1: keep the audio uncached rather than fail
            self.stats.write_errors += 1
            return
        if len(data) > self.max_bytes:
            return  # it would only evict everything else and then itself
        temporary = path.parent / f".{key}.{os.getpid()}.{secrets.token_hex(6)}.tmp"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            try:
                with open(descriptor, "wb") as handle:
                    handle.write(data)
                _touch(temporary)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError:
            self.stats.write_errors += 1
            return
        self.stats.stores += 1
        self._stored_since_scan += len(data)
        if self._estimate is not None:
            self._estimate += len(data)
        if self._estimate is None or self._estimate > self.max_bytes or self._stored_since_scan > self._slack:
            self.evict()

    def evict(self) -> None:
        """If the entries total more than `max_bytes`, delete the least recently used to a little below it."""
        entries, total = self._scan()
        entries.sort()
        target = self.max_bytes - self._slack if total > self.max_bytes else total
        for _, _, path, size in entries:
            if total <= target:
                break
            try:
                os.unlink(path)
                self.stats.evicted += 1
            except FileNotFoundError:
                pass  # another process evicted it first
            except OSError:
                continue  # still there, still counts
            total -= size
        self._estimate, self._stored_since_scan = total, 0

    def size(self) -> int:
        """The total size in bytes of the entries now in the folder."""
        return self._scan()[1]

    def _scan(self) -> tuple[list[tuple[int, str, str, int]], int]:
        """Every entry as (mtime_ns, name, path, size), and their total size; removes stale temporary files."""
        entries: list[tuple[int, str, str, int]] = []
        total = 0
        stale_before = time.time() - STALE_TEMPORARY_SECONDS
        try:
            subfolders = [entry.path for entry in os.scandir(self.folder) if _SUBFOLDER.fullmatch(entry.name)]
        except OSError:
            return entries, total
        for subfolder in subfolders:
            try:
                with os.scandir(subfolder) as listing:
                    for entry in listing:
                        try:
                            status = entry.stat(follow_symlinks=False)
                        except OSError:
                            continue  # removed since it was listed
                        if entry.name.startswith("."):
                            # A killed writer's leftover; a live writer's file is far younger than this.
                            if status.st_mtime < stale_before:
                                with contextlib.suppress(OSError):
                                    os.unlink(entry.path)
                        elif _KEY.fullmatch(entry.name):
                            entries.append((status.st_mtime_ns, entry.name, entry.path, status.st_size))
                            total += status.st_size
            except OSError:
                continue
        return entries, total

    @staticmethod
    def _discard(path: Path, identity: os.stat_result) -> None:
        """Delete a damaged entry, unless another process has meanwhile replaced it with a new file."""
        with contextlib.suppress(OSError):
            now = os.stat(path, follow_symlinks=False)
            if (now.st_dev, now.st_ino) == (identity.st_dev, identity.st_ino):
                os.unlink(path)


def _touch(path: Path) -> None:
    # Explicit nanosecond times: the kernel stamps files from a coarse clock, so entries written or read
    # within the same few milliseconds would otherwise tie in LRU order.
    now = time.time_ns()
    os.utime(path, ns=(now, now))


class CachedEngine:
    """An engine whose synthesize() answers from an AudioCache and calls the wrapped engine only on a miss."""

    def __init__(self, engine: Engine, cache: AudioCache) -> None:
        self.engine = engine
        self.cache = cache
        self.name: str = engine.name
        self.sample_rate: int = engine.sample_rate
        self.default_voice: str = engine.default_voice
        self.duration_model: DurationModel = engine.duration_model
        self.max_piece_chars: int | None = getattr(engine, "max_piece_chars", None)
        self.phoneme_input = getattr(engine, "phoneme_input", None)
        self.synthesized = 0
        self._version: str | None = None

    @property
    def stats(self) -> CacheStats:
        """The cache's counters."""
        return self.cache.stats

    def version(self) -> str:
        """The wrapped engine's version, asked once."""
        if self._version is None:
            self._version = self.engine.version()
        return self._version

    def voices(self) -> tuple[Voice, ...]:
        """The wrapped engine's voices."""
        return self.engine.voices()

    def synthesize(self, text: str, voice: Voice, rate: int) -> Audio:
        """The cached audio for this engine, version, voice, rate and text, synthesized and stored on a miss."""
        key = self.cache.key(self.name, self.version(), voice.id, str(rate), text)
        audio = self.cache.get(key)
        if audio is None:
            audio = self.engine.synthesize(text, voice, rate)
            self.synthesized += 1
            self.cache.put(key, audio)
        return audio

    def phonemes(self, text: str, voice: Voice) -> tuple[str, ...] | None:
        """The wrapped engine's phonemes, uncached."""
        return self.engine.phonemes(text, voice)

    def close(self) -> None:
        """Close the wrapped engine."""
        self.engine.close()
