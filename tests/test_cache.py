"""The sentence audio cache: keys, hits, damage, LRU eviction, sharing between processes, unwritable folders."""

from __future__ import annotations

import multiprocessing
import os
import random
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.batch.cache import (
    HEADER,
    AudioCache,
    CachedEngine,
    decode_entry,
    encode_entry,
)
from pipeline.engines.base import Audio, WordTiming
from pipeline.engines.tone import ToneEngine

ENTRY = HEADER.size + 1000  # bytes on disk for one `audio(n)`


def audio(n: int, frames: int = 500) -> Audio:
    """Distinct, recognisable audio for each n."""
    return Audio(bytes((n * 7 + i) % 256 for i in range(2 * frames)), 22050 + n)


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def disk(folder: Path) -> int:
    return sum(p.stat().st_size for p in entries(folder))


def test_hits_and_misses(tmp_path):
    engine = ToneEngine()
    cached = CachedEngine(engine, AudioCache(tmp_path, 10**8))
    voice = cached.voices()[0]
    texts = ("one", "one", "two", "one", "two")
    results = [cached.synthesize(text, voice, 170) for text in texts]
    assert engine.calls == ["one", "two"] and cached.synthesized == 2
    assert results == [ToneEngine().synthesize(text, voice, 170) for text in texts]
    stats = cached.stats
    assert (stats.hits, stats.misses, stats.stores, stats.corrupt, stats.evicted, stats.write_errors) == (3, 2, 2, 0, 0, 0)
    second_run = CachedEngine(ToneEngine(), AudioCache(tmp_path, 10**8))  # a later run finds them on disk
    assert second_run.synthesize("two", voice, 170) == results[2] and second_run.synthesized == 0


def test_wrapper_offers_the_engine_interface(tmp_path):
    engine = ToneEngine()
    cached = CachedEngine(engine, AudioCache(tmp_path, 10**8))
    assert (cached.name, cached.sample_rate, cached.default_voice, cached.duration_model, cached.version()) == (
        engine.name, engine.sample_rate, engine.default_voice, engine.duration_model, engine.version())
    assert cached.voices() == engine.voices() and cached.phonemes("hi", engine.voices()[0]) is None
    cached.close()


class ToneEngine2(ToneEngine):
    def version(self) -> str:
        return "tone-2"


class Beep(ToneEngine):
    name = "beep"


BASE = (ToneEngine, "hello there", "tone/a4", 170)


@pytest.mark.parametrize("engine_class, text, voice_id, rate", [
    (ToneEngine, "hello there!", "tone/a4", 170),
    (ToneEngine, "hello there", "tone/a3", 170),
    (ToneEngine, "hello there", "tone/a4", 171),
    (ToneEngine2, "hello there", "tone/a4", 170),
    (Beep, "hello there", "tone/a4", 170),
], ids=["text", "voice", "rate", "engine version", "engine name"])
def test_every_part_of_the_key_matters(tmp_path, engine_class, text, voice_id, rate):
    cache = AudioCache(tmp_path, 10**8)
    first_class, first_text, first_voice, first_rate = BASE
    first = CachedEngine(first_class(), cache)
    first.synthesize(first_text, next(v for v in first.voices() if v.id == first_voice), first_rate)
    changed = CachedEngine(engine_class(), cache)
    changed.synthesize(text, next(v for v in changed.voices() if v.id == voice_id), rate)
    assert changed.synthesized == 1 and len(entries(tmp_path)) == 2


@pytest.mark.parametrize("a, b", [(("ab", "c"), ("a", "bc")), (("a",), ("a", "")), (("a\0b",), ("a", "b")), ((), ("",))])
def test_key_joins_parts_unambiguously(a, b):
    assert AudioCache.key(*a) != AudioCache.key(*b)
    assert AudioCache.key(*a) == AudioCache.key(*a) and len(AudioCache.key(*a)) == 64


def test_key_must_be_a_key(tmp_path):
    with pytest.raises(ValueError):
        AudioCache(tmp_path, 10**8).get("../../etc/passwd")


@given(samples=st.binary(max_size=4000), sample_rate=st.integers(1, 2**32 - 1))
@settings(max_examples=200, deadline=None)
def test_get_returns_what_put_stored(tmp_path_factory, samples, sample_rate):
    cache = AudioCache(tmp_path_factory.getbasetemp() / "roundtrip", 10**8)
    key = cache.key(samples.hex(), str(sample_rate))
    cache.put(key, Audio(samples, sample_rate))
    assert cache.get(key) == Audio(samples, sample_rate)
    assert decode_entry(encode_entry(Audio(samples, sample_rate))) == Audio(samples, sample_rate)


@given(samples=st.binary(max_size=400), words=st.lists(st.tuples(*[st.integers(0, 2**32 - 1)] * 4), max_size=20))
@settings(max_examples=100, deadline=None)
def test_word_timings_are_kept_with_the_audio(samples, words):
    audio = Audio(samples, 22050, tuple(WordTiming(*word) for word in words))
    assert decode_entry(encode_entry(audio)) == audio


@pytest.mark.parametrize("word", [WordTiming(-1, 3, 0, 10), WordTiming(0, 3, 0, 2**32)])
def test_word_timings_the_format_cannot_hold_leave_the_audio_uncached_without_failing(tmp_path, word):
    cache = AudioCache(tmp_path, 10**8)
    cache.put(cache.key("x"), Audio(b"\x01\x00" * 10, 22050, (word,)))
    assert cache.stats.write_errors == 1 and cache.get(cache.key("x")) is None


def flip(offset: int):
    def damage(data: bytes) -> bytes:
        changed = bytearray(data)
        changed[offset] ^= 0x01
        return bytes(changed)
    return damage


@pytest.mark.parametrize("damage", [
    flip(0), flip(4), flip(6), flip(10), flip(18), flip(HEADER.size - 1), flip(HEADER.size), flip(-1),
    lambda data: data[:-1],
    lambda data: data[:HEADER.size],
    lambda data: data[:10],
    lambda data: b"",
    lambda data: data + b"\0\0",
    lambda data: b"not audio at all " * 10,
    lambda data: os.urandom(len(data)),
], ids=["magic", "version", "sample rate", "length", "word count", "digest", "first sample", "last word timing",
        "one byte short",
        "header only", "half a header", "empty", "trailing bytes", "text", "random"])
def test_damaged_entry_is_deleted_and_redone(tmp_path, damage):
    cached = CachedEngine(ToneEngine(), AudioCache(tmp_path, 10**8))
    voice = cached.voices()[0]
    good = cached.synthesize("a sentence", voice, 170)
    (path,) = entries(tmp_path)
    path.write_bytes(damage(path.read_bytes()))
    assert cached.cache.get(cached.cache.key("tone", "tone-1", "tone/a4", "170", "a sentence")) is None
    assert not path.exists() and cached.stats.corrupt == 1
    assert cached.synthesize("a sentence", voice, 170) == good and cached.synthesized == 2
    assert cached.synthesize("a sentence", voice, 170) == good and cached.synthesized == 2  # stored again, intact
    assert cached.stats.corrupt == 1


def test_vanished_entry_is_a_plain_miss(tmp_path):
    cache = AudioCache(tmp_path, 10**8)
    cache.put(key := cache.key("x"), audio(1))
    cache.path(key).unlink()  # as another process's eviction would
    assert cache.get(key) is None and (cache.stats.misses, cache.stats.corrupt) == (1, 0)


def test_eviction_keeps_the_bound_and_drops_the_least_recently_read(tmp_path):
    cache = AudioCache(tmp_path, 3 * ENTRY + ENTRY // 2)
    a, b, c, d = (cache.key(name) for name in "abcd")
    for n, key in enumerate((a, b, c)):
        cache.put(key, audio(n))
    assert cache.size() == 3 * ENTRY and cache.stats.evicted == 0
    assert cache.get(a) == audio(0)  # now b is the least recently used
    cache.put(d, audio(3))
    assert cache.size() == 3 * ENTRY and cache.stats.evicted == 1
    assert [cache.get(key) for key in (a, b, c, d)] == [audio(0), None, audio(2), audio(3)]


def test_size_stays_bounded_and_oversized_audio_is_not_stored(tmp_path):
    cache = AudioCache(tmp_path, 5 * ENTRY + ENTRY // 2)
    for n in range(40):
        cache.put(cache.key(str(n)), audio(n))
        assert cache.size() == min(n + 1, 5) * ENTRY
    assert cache.stats.evicted == 35 and [cache.get(cache.key(str(n))) for n in range(35, 40)] == [
        audio(n) for n in range(35, 40)]
    cache.put(cache.key("big"), audio(99, frames=3 * ENTRY))
    assert cache.get(cache.key("big")) is None and cache.size() == 5 * ENTRY


BIG = 64 * 4 * ENTRY  # rescans after every 4 entries stored


def test_scans_are_amortized_yet_one_process_keeps_the_bound(tmp_path, monkeypatch):
    scans = []
    scan = AudioCache._scan
    monkeypatch.setattr(AudioCache, "_scan", lambda self: scans.append(1) or scan(self))
    cache = AudioCache(tmp_path, BIG)
    for n in range(600):
        cache.put(cache.key(str(n)), audio(n))
        if n < 300 or n % 10 == 0:
            assert disk(tmp_path) <= BIG
    assert len(scans) <= 600 // 4 and cache.stats.evicted >= 600 - BIG // ENTRY


def test_processes_overshoot_the_bound_by_at_most_their_slack(tmp_path):
    caches = [AudioCache(tmp_path, BIG) for _ in range(2)]  # each process has its own instance
    for n in range(600):
        caches[n % 2].put(caches[0].key(str(n)), audio(n))
        if n % 10 == 0:
            assert disk(tmp_path) <= BIG + 2 * (BIG // 64 + ENTRY)


def test_unwritable_folder_degrades_to_misses(tmp_path, monkeypatch):
    def refuse(source, destination):
        raise PermissionError(13, "Permission denied", str(destination))

    monkeypatch.setattr(os, "replace", refuse)
    cached = CachedEngine(ToneEngine(), AudioCache(tmp_path / "cache", 10**8))
    voice = cached.voices()[0]
    for _ in range(2):
        assert cached.synthesize("still spoken", voice, 170).frames == ToneEngine.frames_for("still spoken", 170)
    stats = cached.stats
    assert (cached.synthesized, stats.hits, stats.misses, stats.stores, stats.write_errors) == (2, 0, 2, 0, 2)
    assert entries(tmp_path) == []  # no temporary file left behind


def test_folder_that_is_a_file_degrades_to_misses(tmp_path):
    (tmp_path / "cache").write_text("not a folder")
    cache = AudioCache(tmp_path / "cache", 10**8)
    cache.put(key := cache.key("x"), audio(1))
    assert cache.get(key) is None and (cache.stats.write_errors, cache.stats.misses) == (1, 1)


def test_stale_temporary_files_are_removed(tmp_path):
    cache = AudioCache(tmp_path, 10**8)
    cache.put(key := cache.key("x"), audio(1))
    stale, fresh = cache.path(key).parent / ".stale.tmp", cache.path(key).parent / ".fresh.tmp"
    stale.write_bytes(b"left by a killed run")
    fresh.write_bytes(b"being written now")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    cache.evict()
    assert not stale.exists() and fresh.exists() and cache.get(key) == audio(1)


KEYS = 12


def hammer(folder: str, seed: int, seconds: float, results) -> None:
    """One worker: random puts and gets on a folder too small for every key; report wrong audio or errors."""
    cache = AudioCache(Path(folder), 4 * ENTRY)
    rng = random.Random(seed)
    wrong = 0
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            n = rng.randrange(KEYS)
            key = cache.key(str(n))
            found = cache.get(key)
            if found is None:
                cache.put(key, audio(n))
            elif found != audio(n):
                wrong += 1
        results.put((seed, None, wrong, cache.stats))
    except BaseException as error:  # noqa: BLE001 - the parent test reports whatever escaped
        results.put((seed, repr(error), wrong, cache.stats))


def test_processes_sharing_a_folder_never_fail_or_see_wrong_audio(tmp_path):
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    results = context.Queue()
    workers = [context.Process(target=hammer, args=(str(tmp_path), seed, 1.5, results)) for seed in range(4)]
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    assert [(error, wrong) for _, error, wrong, _ in sorted(reports)] == [(None, 0)] * 4
    stats = [report[3] for report in reports]
    assert sum(s.corrupt for s in stats) == 0 and sum(s.write_errors for s in stats) == 0  # nothing partial seen
    assert sum(s.hits for s in stats) > 100 and sum(s.evicted for s in stats) > 100  # it was really contended
    assert AudioCache(tmp_path, 4 * ENTRY).size() <= 4 * ENTRY
    assert not [p for p in entries(tmp_path) if p.name.startswith(".")]
