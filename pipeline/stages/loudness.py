"""Loudness per ITU-R BS.1770 / EBU R128: measure integrated loudness and true peak, normalize, limit."""

from __future__ import annotations

import itertools
import math
from array import array
from collections.abc import Callable, Iterable, Iterator, MutableSequence, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

#: K-weighting stages as (kind, gain dB, Q, centre Hz), the analogue design BS.1770 specifies at 48 kHz.
K_WEIGHTING = (("high_shelf", 4.0, 1 / math.sqrt(2), 1500.0), ("high_pass", 0.0, 0.5, 38.0))
BLOCK_SECONDS = 0.4
HOP_SECONDS = 0.1
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
_FFT_SIZE = 1 << 15  # small transforms stay in cache: several times faster per sample than large ones
_FILTER_TAIL = 4096  # the K-weighting impulse response has died out long before this
_TRUE_PEAK_TAPS = 16  # per side, for the windowed-sinc interpolation between samples
_LIMITER_BLOCK = 32
_LIMITER_SPREAD_BLOCKS = 6
#: The limiter's first pass aims this far under the ceiling (linear): interpolated peaks can exceed it a little.
_FIRST_LIMIT = 0.97
#: How close to the target the gain search on a stretch of audio (a warm-up, a sample) must land.
LEVEL_TOLERANCE_LU = 0.1
GAIN_SEARCH_PASSES = 5
#: The search gives up where a decibel more gain adds less loudness than this: the limiter holds it all.
MIN_GAIN_SLOPE = 0.05
MAX_GAIN_STEP_DB = 12.0
#: How far a whole program may land from the target before it is leveled again (the streaming leveler allows 0.5).
PROGRAM_TOLERANCE_LU = 0.2
#: How much audio, spread over a whole program, the gain is searched on before the one pass over all of it:
#: on a 26,000-word book 20 seconds misjudged the limited loudness by 0.23 LU and a second pass over its three
#: hours followed (a sixth of the render); a minute came within 0.09.
GAIN_SAMPLE_SECONDS = 60.0
#: How far under the ceiling the limiter aims: its 4x true-peak reading of a click can fall short of a finer one.
TRUE_PEAK_MARGIN_DB = 0.5
#: Where a delivered file overshoots its ceiling is found, and cut, in blocks this long, faded over this many
#: neighbours on each side.
OVERSHOOT_BLOCK_SECONDS = 0.01
OVERSHOOT_SPREAD_BLOCKS = 3


@dataclass(frozen=True)
class LoudnessResult:
    """What normalization achieved: output loudness and true peak, the gain applied, whether peaks were limited."""

    output_lufs: float
    output_true_peak_dbfs: float
    gain_db: float
    limited: bool


def _biquad(kind: str, gain_db: float, q: float, centre: float, rate: int) -> tuple[np.ndarray, np.ndarray]:
    a = 10 ** (gain_db / 40)
    w0 = 2 * math.pi * centre / rate
    alpha = math.sin(w0) / (2 * q)
    cos = math.cos(w0)
    if kind == "high_shelf":
        root = 2 * math.sqrt(a) * alpha
        b = [a * ((a + 1) + (a - 1) * cos + root), -2 * a * ((a - 1) + (a + 1) * cos), a * ((a + 1) + (a - 1) * cos - root)]
        den = [(a + 1) - (a - 1) * cos + root, 2 * ((a - 1) - (a + 1) * cos), (a + 1) - (a - 1) * cos - root]
    else:
        b = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2]
        den = [1 + alpha, -2 * cos, 1 - alpha]
    return np.array(b) / den[0], np.array(den) / den[0]


@lru_cache(maxsize=4)
def _k_weighting_response(rate: int, size: int) -> np.ndarray:
    """The complex frequency response of the K-weighting filter on an rfft grid of `size` points."""
    z = np.exp(-1j * np.pi * np.arange(size // 2 + 1) / (size // 2))
    response = np.ones_like(z)
    for stage in K_WEIGHTING:
        b, a = _biquad(*stage, rate)
        response *= (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)
    return response.astype(np.complex64)  # single precision: a third faster, far finer than a LU


class LoudnessMeter:
    """Integrated loudness of audio fed in pieces: K-weighted energy per 100 ms hop, gated when read.

    Overlap-add FFT filtering block by block, so a whole article is measured without ever holding it all.
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.hop = round(HOP_SECONDS * rate)
        self.frames = 0
        self._response = _k_weighting_response(rate, _FFT_SIZE)  # cached: the same for every meter at this rate
        self._step = (_FFT_SIZE - _FILTER_TAIL) // self.hop * self.hop
        self._carry = np.zeros(_FFT_SIZE - self._step, dtype=np.float32)
        self._pending: list[np.ndarray] = []
        self._pending_frames = 0
        # One growing buffer, not an array per block: a book's thousands of tiny arrays, each made while a
        # sentence's big buffers come and go, would pin pages of freed memory all over the C heap.
        self._energies = array("d")

    def add(self, samples: np.ndarray) -> None:
        """Take the next float samples of the program."""
        self.frames += len(samples)
        self._pending.append(samples)
        self._pending_frames += len(samples)
        if self._pending_frames >= self._step:
            pending = np.concatenate(self._pending) if len(self._pending) > 1 else self._pending[0]
            whole = len(pending) // self._step * self._step
            for start in range(0, whole, self._step):
                energies, self._carry = self._filter_block(pending[start : start + self._step], self._carry)
                self._energies.frombytes(energies.tobytes())
            self._pending = [pending[whole:].copy()]  # a copy: a view would keep the whole piece alive
            self._pending_frames = len(pending) - whole

    def _filter_block(self, block: np.ndarray, carry: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The hop energies of one block, given the filter tail carried in; and the tail it carries on."""
        filtered = np.fft.irfft(np.fft.rfft(block.astype(np.float32, copy=False), _FFT_SIZE) * self._response, _FFT_SIZE)
        filtered[: len(carry)] += carry
        body = filtered[: len(block)].reshape(-1, self.hop).astype(np.float64)  # energies summed in double
        return np.einsum("ij,ij->i", body, body), filtered[self._step :].copy()

    def hop_energies(self) -> np.ndarray:
        """The energy of each 100 ms hop so far, the last one padded with silence (at least one 400 ms block)."""
        minimum = self.hop * round(BLOCK_SECONDS / HOP_SECONDS)
        tail = np.concatenate(self._pending) if self._pending else np.zeros(0)
        padded = max(math.ceil(self.frames / self.hop) * self.hop, minimum) - (self.frames - len(tail))
        tail = np.pad(tail, (0, padded - len(tail)))
        energies, carry = [np.frombuffer(self._energies).copy()], self._carry  # reading is not feeding: more audio may follow
        for start in range(0, len(tail), self._step):
            block_energies, carry = self._filter_block(tail[start : start + self._step], carry)
            energies.append(block_energies)
        return np.concatenate(energies) if energies else np.zeros(0)

    def lufs(self) -> float:
        """Gated integrated loudness of everything fed so far; -inf for silence."""
        return gated_loudness(self.hop_energies(), self.hop)


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """Gated integrated loudness in LUFS of mono float samples in [-1, 1]; -inf for silence."""
    meter = LoudnessMeter(rate)
    meter.add(samples)
    return meter.lufs()


def gated_loudness(hop_energy: np.ndarray, hop: int) -> float:
    """BS.1770 gating over 400 ms blocks made of four 100 ms hops: absolute gate, then relative gate."""
    hops_per_block = round(BLOCK_SECONDS / HOP_SECONDS)
    # Each 400 ms block is four 100 ms hops: sum hop energies instead of re-reading the signal.
    count = len(hop_energy) - hops_per_block + 1
    if count < 1:
        return float("-inf")
    block_energy = sum(hop_energy[i : count + i] for i in range(hops_per_block))
    power = block_energy / (hop * hops_per_block)
    with np.errstate(divide="ignore"):
        block_loudness = -0.691 + 10 * np.log10(power)
    gated = power[block_loudness > ABSOLUTE_GATE_LUFS]
    if not len(gated):
        return float("-inf")
    relative_gate = -0.691 + 10 * math.log10(gated.mean()) + RELATIVE_GATE_LU
    gated = power[block_loudness > max(relative_gate, ABSOLUTE_GATE_LUFS)]
    return -0.691 + 10 * math.log10(gated.mean())


def oversampling(rate: int) -> int:
    """How many values per sample interval a true-peak reading takes: BS.1770's 4x at 48 kHz and 44.1 kHz, 8x
    below (at 22,050 Hz, 4x could under-read a 10 kHz component by half a dB; 8x reads as finely as 4x at 48)."""
    return 4 if rate >= 44_100 else 8


@lru_cache(maxsize=2)
def _interpolation_kernels(factor: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Tap offsets and windowed-sinc kernels for the values 1/factor, 2/factor, ... of the way to the next
    sample."""
    taps = np.arange(-_TRUE_PEAK_TAPS + 1, _TRUE_PEAK_TAPS + 1)
    window = np.hanning(2 * _TRUE_PEAK_TAPS + 2)[1:-1]
    kernels = np.stack([np.sinc(taps - step / factor) * window for step in range(1, factor)], axis=1)
    return taps, kernels.astype(np.float32)  # the samples are float32: a single-precision product


def _peaks_after(samples: np.ndarray, positions: np.ndarray, factor: int = 4) -> np.ndarray:
    """The largest magnitude of the band-limited signal between each position and the next sample (`factor`x
    oversampling); positions too near either end to interpolate keep their sample's magnitude."""
    taps, kernels = _interpolation_kernels(factor)
    peaks = np.abs(samples[positions]).astype(np.float64)
    inner = np.flatnonzero((positions >= _TRUE_PEAK_TAPS - 1) & (positions < len(samples) - _TRUE_PEAK_TAPS))
    for chunk in np.array_split(inner, max(1, len(inner) // 4096)):
        if len(chunk):
            neighbourhood = samples[positions[chunk][:, None] + taps[None, :]]
            peaks[chunk] = np.maximum(peaks[chunk], np.abs(neighbourhood @ kernels).max(axis=1))
    return peaks


def _loud_peaks(samples: np.ndarray, magnitude: np.ndarray, threshold: float,
                start: int = 0, stop: int | None = None, factor: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """The samples in [start, stop) that are local maxima of `magnitude` at or above `threshold`, and the peak
    of the band-limited signal on either side of each (at least the sample's own magnitude).

    A peak between samples lies beside a loud local maximum, and stays within a few dB of it: so only those
    are interpolated, a few in a hundred samples of speech.
    """
    stop = len(magnitude) if stop is None else stop
    positions = np.flatnonzero(magnitude[start:stop] >= threshold) + start
    value = magnitude[positions]
    local = (value >= magnitude[np.maximum(positions - 1, 0)]) & (value >= magnitude[np.minimum(positions + 1, len(magnitude) - 1)])
    positions = positions[local]
    if not len(positions):
        return positions, np.zeros(0)
    peaks = np.maximum(_peaks_after(samples, positions, factor), _peaks_after(samples, np.maximum(positions - 1, 0), factor))
    return positions, np.maximum(peaks, magnitude[positions])


def true_peak(samples: np.ndarray, at_least: float = 0.0) -> float:
    """Peak of the band-limited signal between samples (4x oversampling near loud samples), linear; or
    `at_least` (a peak already found elsewhere in the program) if that is higher."""
    if not len(samples):
        return at_least
    magnitude = np.abs(samples)
    sample_peak = float(magnitude.max())
    _, peaks = _loud_peaks(samples, magnitude, max(sample_peak, at_least) * 0.6)
    return max(sample_peak, at_least, float(peaks.max(initial=0.0)))


def _limit(samples: np.ndarray, ceiling: float) -> np.ndarray:
    """A look-ahead limiter: per-block gain brings peaks under the ceiling, spread so it fades in and out."""
    return _limit_blocks(samples, ceiling)[0]


def _limit_blocks(samples: np.ndarray, ceiling: float) -> tuple[np.ndarray, bool]:
    """The limiter's output, and whether it touched anything."""
    blocks = math.ceil(len(samples) / _LIMITER_BLOCK)
    magnitude = np.abs(samples)
    padded = np.pad(magnitude, (0, blocks * _LIMITER_BLOCK - len(samples)))
    block_peak = padded.reshape(blocks, _LIMITER_BLOCK).max(axis=1)
    # A block's peak between its samples, where it could reach the ceiling: gained by that, one pass is
    # usually enough (from the sample peaks alone, the inter-sample peaks left took three or four).
    positions, peaks = _loud_peaks(samples, magnitude, 0.6 * ceiling)
    np.maximum.at(block_peak, positions // _LIMITER_BLOCK, peaks.astype(block_peak.dtype))
    gain = np.minimum(1.0, ceiling / np.maximum(block_peak, 1e-12))
    spread = gain.copy()
    for shift in range(1, _LIMITER_SPREAD_BLOCKS + 1):
        spread[shift:] = np.minimum(spread[shift:], gain[:-shift])
        spread[:-shift] = np.minimum(spread[:-shift], gain[shift:])
    # Interpolate the gain only around limited blocks: elsewhere it is exactly 1.
    out = samples.copy()
    touched = np.flatnonzero(spread < 1.0)
    if not len(touched):
        return out, False
    centres = (np.arange(blocks) + 0.5) * _LIMITER_BLOCK
    starts = touched * _LIMITER_BLOCK
    positions = (starts[:, None] + np.arange(_LIMITER_BLOCK)[None, :]).ravel()
    positions = positions[positions < len(samples)]
    out[positions] *= np.interp(positions, centres, spread)
    return out, True


def limit_true_peak(samples: np.ndarray, ceiling: float) -> tuple[np.ndarray, bool, float]:
    """Limit until the true peak is at or under the linear ceiling: the samples, whether limited, the true peak."""
    limited = False
    for attempt in range(6):
        peak = true_peak(samples)
        if peak <= ceiling:
            break
        # Interpolated peaks can exceed the sample ceiling: tighten it a little on each pass.
        samples, limited = _limit(samples, ceiling * (_FIRST_LIMIT - 0.05 * attempt)), True
    else:
        peak = true_peak(samples)
    return samples, limited, peak


def solve_gain(samples: np.ndarray, rate: int, target_lufs: float, ceiling: float) -> float:
    """The gain in dB that brings these samples, limited under the linear ceiling, to the target loudness."""
    measured = integrated_loudness(samples, rate)
    if not math.isfinite(measured):
        return 0.0

    def loudness_at(gain_db: float) -> float:
        # The limiter's first pass, as limit_true_peak makes it: a later pass for a peak it left between
        # samples (rare since it reads them) moves the loudness by far less than the search's tolerance, and
        # checking for one would take two more true-peak readings for every gain tried.
        leveled, limited = _limit_blocks(samples * 10 ** (gain_db / 20), ceiling * _FIRST_LIMIT)
        return integrated_loudness(leveled, rate) if limited else measured + gain_db

    return _secant_search(loudness_at, target_lufs - measured, target_lufs, LEVEL_TOLERANCE_LU)


def _secant_search(loudness_at: Callable[[float], float], gain_db: float, target_lufs: float, tolerance: float,
                   passes: int = GAIN_SEARCH_PASSES) -> float:
    """Of the gains tried, the one whose loudness came closest to the target, searched by the secant method.

    Limiting takes back part of every decibel added (about half, for a formant synthesizer's peaky speech),
    so plain iteration would crawl towards the target; the secant method gets there in two or three passes.
    The search stops where more gain no longer makes it louder (the limiter holds everything at the ceiling:
    a click in silence, a program shorter than a block), rather than piling up gain on nothing.
    """
    tried: list[tuple[float, float]] = []  # (gain, loudness), in the order tried
    for _ in range(passes):
        achieved = loudness_at(gain_db)
        tried.append((gain_db, achieved))
        error = target_lufs - achieved
        if not math.isfinite(achieved) or abs(error) <= tolerance:
            return gain_db
        slope = 1.0
        if len(tried) > 1:
            slope = (achieved - tried[-2][1]) / (gain_db - tried[-2][0])
            if not MIN_GAIN_SLOPE < slope <= 1.0:
                break
        gain_db += max(-MAX_GAIN_STEP_DB, min(MAX_GAIN_STEP_DB, error / slope))
    return min(tried, key=lambda pair: abs(target_lufs - pair[1]))[0]


def level_program(
    chunks: Sequence[bytes], rate: int, target_lufs: float, ceiling_dbfs: float
) -> tuple[Leveled, LoudnessResult]:
    """Normalize a whole program given as 16-bit PCM pieces: gain and limit it piece by piece, usually in one pass.

    The gain is searched on about 20 seconds of pieces spread over the whole program, then applied to all of
    them while the output is measured; the search goes on over whole passes only if the sample misjudged the
    program. Only the sample and one piece at a time are ever held as floating point, and the leveled program
    is not kept: it is made again, piece by piece, each time it is read (the limiter is deterministic).
    """
    ceiling = _encoder_ceiling(ceiling_dbfs)
    sample = pcm16_to_float(b"".join(_spread_sample(chunks, round(GAIN_SAMPLE_SECONDS * rate))))
    best: tuple[float, _Pass] | None = None  # the pass nearest the target

    def loudness_at(gain_db: float) -> float:
        nonlocal best
        leveled = _gain_and_limit(chunks, rate, gain_db, ceiling)
        if best is None or abs(target_lufs - leveled.lufs) < abs(target_lufs - best[1].lufs):
            best = (gain_db, leveled)
        return leveled.lufs

    _secant_search(loudness_at, solve_gain(sample, rate, target_lufs, ceiling), target_lufs, PROGRAM_TOLERANCE_LU,
                   passes=3)
    assert best is not None  # the search always tries at least once
    gain_db, leveled = best
    peak_db = 20 * math.log10(leveled.peak) if leveled.peak > 0 else -math.inf
    gain_db = gain_db if math.isfinite(leveled.lufs) else 0.0
    return Leveled(chunks, gain_db, ceiling), LoudnessResult(leveled.lufs, peak_db, gain_db, leveled.limited)


class Leveled:
    """A program's pieces with a gain and the true-peak limiter applied, made as they are read."""

    def __init__(self, chunks: Sequence[bytes], gain_db: float, ceiling: float) -> None:
        self.chunks, self.gain_db, self.ceiling = chunks, gain_db, ceiling

    def __iter__(self) -> Iterator[bytes]:
        factor = 10 ** (self.gain_db / 20)
        for chunk in self.chunks:
            yield float_to_pcm16(limit_true_peak(pcm16_to_float(chunk) * factor, self.ceiling)[0])


@dataclass(frozen=True)
class _Pass:
    """One leveling pass over a program: whether any piece was limited, its true peak and loudness."""

    limited: bool
    peak: float
    lufs: float


def _gain_and_limit(chunks: Sequence[bytes], rate: int, gain_db: float, ceiling: float) -> _Pass:
    """Gain and limit every piece, measuring the output as it is made (and keeping none of it)."""
    meter = LoudnessMeter(rate)
    limited, peak = False, 0.0
    for chunk in chunks:
        leveled, chunk_limited, chunk_peak = limit_true_peak(pcm16_to_float(chunk) * 10 ** (gain_db / 20), ceiling)
        limited |= chunk_limited
        peak = max(peak, chunk_peak)
        meter.add(leveled)
    return _Pass(limited, peak, meter.lufs())


def program_frames(chunks: Sequence[bytes]) -> int:
    """Samples in a 16-bit program kept as pieces (a spool knows its size without reading it back)."""
    size = getattr(chunks, "nbytes", None)
    return (sum(len(chunk) for chunk in chunks) if size is None else size) // 2


def _spread_sample(chunks: Sequence[bytes], frames: int) -> list[bytes]:
    """Pieces taken evenly from all over the program, about `frames` samples in all (all of a short one)."""
    share = min(1.0, frames / max(1, program_frames(chunks)))
    taken, seen, sample = 0, 0, []
    for chunk in chunks:
        seen += len(chunk) // 2
        if taken < share * seen:
            sample.append(chunk)
            taken += len(chunk) // 2
    return sample


def _encoder_ceiling(ceiling_dbfs: float) -> float:
    """The linear peak the limiter aims for: half a decibel under the ceiling, since a 4x true-peak reading of a
    click can fall short of a finer one (a codec's own overshoot is the caller's, see settings.CODEC_ALLOWANCES)."""
    return 10 ** ((ceiling_dbfs - TRUE_PEAK_MARGIN_DB) / 20)


#: Blocks quieter than this are not listed among a measurement's block peaks unless the caller says otherwise
#: (a render lists only those a correction could lift over its ceiling: a leveled book has a million above -6).
LOUD_BLOCK_FLOOR_DBFS = -6.0


@dataclass(frozen=True)
class BlockPeaks:
    """The sample peak of each OVERSHOOT_BLOCK_SECONDS block of a program that comes near full scale (the
    others are left out, so twelve hours of speech take kilobytes, not the 35 MB a full list would)."""

    index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # 10 ms blocks: 248 days
    peak: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    count: int = 0  # blocks in the whole program, listed or not
    # A block is a whole number of samples: 220 at 22,050 Hz, 9.977 ms, which over hours of audio is not
    # the same place as block number times 10 ms.
    seconds: float = OVERSHOOT_BLOCK_SECONDS

    def scaled(self, factor: float) -> BlockPeaks:
        """The same blocks after a gain of `factor` (linear)."""
        return BlockPeaks(self.index, self.peak * np.float32(factor), self.count, self.seconds)


@dataclass(frozen=True)
class Measurement:
    """Integrated loudness and true peak of a finished program (a decoded rendition), and the peaks of its loud
    OVERSHOOT_BLOCK_SECONDS blocks, to find where it overshoots."""

    lufs: float
    true_peak_dbfs: float
    block_peaks: BlockPeaks = field(default_factory=BlockPeaks, compare=False, repr=False)


def measure_float32(blocks: Iterable[bytes], rate: int, loudness_step: int = 1,
                    loud_floor_dbfs: float = LOUD_BLOCK_FLOOR_DBFS) -> Measurement:
    """Measure 32-bit float samples that arrive in blocks (a file being decoded); the block peaks listed are
    those at or above `loud_floor_dbfs`.

    Peaks are true peaks (`oversampling(rate)`) wherever they come near the floor or the loudest sample, for the
    whole program and for each 10 ms block. With `loudness_step` N the loudness is measured on every Nth
    sample, at rate / N: for audio with nothing above rate / 2N (a 22 kHz program decoded at 48 kHz, read at
    24 kHz) within a few hundredths of a LU (the K-weighting is designed for each rate), and N times cheaper.
    """
    meter = LoudnessMeter(rate // loudness_step)
    seen = 0
    block_frames = round(OVERSHOOT_BLOCK_SECONDS * rate)
    factor = oversampling(rate)
    floor = np.float32(10 ** (loud_floor_dbfs / 20))
    loud_index, loud_peak, counted = array("i"), array("f"), 0  # growing buffers, as in LoudnessMeter
    unblocked = np.zeros(0, dtype=np.float32)  # peaks of a 10 ms block not yet complete
    # Samples are measured once the samples after them have arrived, so peaks between samples can be
    # interpolated: `held` waits for them, `context` is what came before it.
    held, context = np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.float32)
    loudest = peak = 0.0  # the largest sample magnitude so far, and the true peak

    def keep_loud(peaks: np.ndarray) -> None:
        nonlocal counted
        loud = np.flatnonzero(peaks >= floor)
        loud_index.frombytes((loud + counted).astype(np.int32).tobytes())
        loud_peak.frombytes(peaks[loud].astype(np.float32).tobytes())
        counted += len(peaks)

    def measure_peaks(ready: int) -> None:
        nonlocal held, context, unblocked, loudest, peak
        joined = np.concatenate([context, held])
        magnitude = np.abs(joined)
        loudest = max(loudest, float(magnitude.max(initial=0.0)))
        # Inter-sample peaks stay within a few dB of their samples: look near the loud ones only.
        near, between = _loud_peaks(joined, magnitude, min(0.7 * floor, 0.6 * loudest), len(context), len(context) + ready,
                                    factor)
        magnitude[near] = between
        measured = magnitude[len(context) : len(context) + ready]
        peak = max(peak, float(measured.max(initial=0.0)))
        peaks = np.concatenate([unblocked, measured])
        whole = len(peaks) // block_frames * block_frames
        keep_loud(peaks[:whole].reshape(-1, block_frames).max(axis=1))
        unblocked = peaks[whole:].copy()
        context = joined[max(0, len(context) + ready - _TRUE_PEAK_TAPS) : len(context) + ready].copy()
        held = held[ready:].copy()

    for data in blocks:
        block = np.frombuffer(data, dtype="<f4")
        meter.add(block[-seen % loudness_step :: loudness_step])
        seen += len(block)
        held = np.concatenate([held, block])
        if len(held) > _TRUE_PEAK_TAPS:
            measure_peaks(len(held) - _TRUE_PEAK_TAPS)
    if len(held):
        measure_peaks(len(held))
    if len(unblocked):
        keep_loud(unblocked.max(keepdims=True))
    peaks = BlockPeaks(np.frombuffer(loud_index, dtype=np.int32).copy(), np.frombuffer(loud_peak, dtype=np.float32).copy(),
                       counted, block_frames / rate)
    return Measurement(meter.lufs(), 20 * math.log10(peak) if peak > 0 else -math.inf, peaks)


class PeakTrim:
    """A gain envelope over a program that lowers it only where its encoded form overshoots the ceiling.

    A lossy codec (Opus at a low bit rate above all) puts peaks where the leveled audio had none, and where
    it puts them changes with the audio's level, so a harder limiter or a plain gain chases them. Lowering
    just the 10 ms blocks that overshot, faded over their neighbours, leaves the loudness where it was. The
    cuts are kept per block that has one (two numbers each), so a book's envelope stays small.
    """

    def __init__(self, program_seconds: float | None = None) -> None:
        self.gain_db = 0.0  # a plain gain over the whole program
        # The program's own length: a decoded MP3 stream runs on into LAME's padding, past the program's end.
        self._program_seconds = program_seconds
        # A further cut in dB per OVERSHOOT_BLOCK_SECONDS block that has one: block numbers, ascending, and cuts.
        self._index = np.zeros(0, dtype=np.int64)
        self._cut = np.zeros(0)
        self._blocks = 0  # blocks in the program, as last measured
        self._block_seconds = OVERSHOOT_BLOCK_SECONDS  # how long a block is, as measured

    def lower_overshoots(self, block_peaks: BlockPeaks, ceiling_dbfs: float) -> int:
        """Cut each block whose decoded peak is over the ceiling by its excess (and its neighbours, fading);
        return how many blocks were over."""
        if len(self._index) and block_peaks.seconds != self._block_seconds:
            raise ValueError("a peak trim's corrections must be measured in blocks of one length (at one rate)")
        self._block_seconds = block_peaks.seconds
        self._blocks = max(self._blocks, block_peaks.count)
        if self._program_seconds is not None:
            self._blocks = math.ceil(self._program_seconds / self._block_seconds - 1e-9)
        over = np.flatnonzero(block_peaks.peak > 10 ** (ceiling_dbfs / 20))  # few: the rest are never copied
        if not len(over):
            return 0
        excess = 20 * np.log10(block_peaks.peak[over].astype(np.float64)) - ceiling_dbfs
        offsets = np.arange(-OVERSHOOT_SPREAD_BLOCKS, OVERSHOOT_SPREAD_BLOCKS + 1)
        index = (block_peaks.index[over].astype(np.int64)[:, None] + offsets).ravel()
        cut = np.repeat(-excess, len(offsets))
        inside = (index >= 0) & (index < self._blocks)  # a cut spread past either end of the program is dropped
        index, cut = index[inside], cut[inside]
        order = np.lexsort((cut, index))  # by block, deepest cut first
        index, cut = index[order], cut[order]
        first = np.r_[True, index[1:] != index[:-1]]
        # Each block takes the deepest cut spread onto it, added to what earlier corrections cut there.
        merged, position = np.unique(np.concatenate([self._index, index[first]]), return_inverse=True)
        total = np.zeros(len(merged))
        np.add.at(total, position, np.concatenate([self._cut, cut[first]]))
        self._index, self._cut = merged, total
        return len(over)

    def _knots(self) -> tuple[np.ndarray, np.ndarray]:
        """Block centres (seconds) and cuts (dB) to interpolate between: each cut block with its neighbours, so
        the cut fades to nothing over one block either side; the program's first and last blocks hold theirs."""
        last = max(self._blocks, int(self._index[-1]) + 1 if len(self._index) else 0) - 1
        around = np.concatenate([self._index - 1, self._index + 1])
        points = np.union1d(self._index, around[(around >= 0) & (around <= last)])
        cuts = np.zeros(len(points))
        cuts[np.searchsorted(points, self._index)] = self._cut
        return (points + 0.5) * self._block_seconds, cuts

    def apply(self, chunks: Iterable[bytes], rate: int) -> Iterator[bytes]:
        """The program's 16-bit chunks with the envelope applied."""
        centres, cuts = self._knots()
        start = 0
        for chunk in chunks:
            samples = pcm16_to_float(chunk)
            first, last = start / rate, (start + len(samples)) / rate
            start += len(samples)
            lo = max(0, int(np.searchsorted(centres, first)) - 1)
            hi = int(np.searchsorted(centres, last)) + 1
            if len(centres) and np.any(cuts[lo:hi]):
                # Beyond the first and last knots the cut holds its value, so a program's edges are cut too.
                seconds = (start - len(samples) + np.arange(len(samples))) / rate
                local = np.interp(seconds, centres, cuts)
                yield float_to_pcm16(samples * (10 ** ((self.gain_db + local) / 20)).astype(np.float32))
            else:
                yield float_to_pcm16(samples * np.float32(10 ** (self.gain_db / 20)))


def pcm16_to_float(data: bytes) -> np.ndarray:
    """Signed 16-bit PCM bytes to float samples in [-1, 1)."""
    # float32 halves the memory of a long article and is far more precise than the 16-bit samples.
    return np.frombuffer(data, dtype="<i2").astype(np.float32) / np.float32(32768.0)


def float_to_pcm16(samples: np.ndarray) -> bytes:
    """Float samples to signed 16-bit PCM bytes, rounding and clipping."""
    return np.clip(np.round(samples * 32768.0), -32768, 32767).astype("<i2").tobytes()


class StreamingLeveler:
    """Normalize loudness while audio streams: set the gain from a warm-up stretch, then gain and limit each chunk.

    The true peak is tracked as it goes; the output's loudness is measured only when `result` is asked for, by
    leveling the kept raw program again with the same gain (the limiter is deterministic): a render decodes
    and measures what it encoded anyway, and needs the leveler's own reading only when that missed. When the
    warm-up guess missed the target by more than `tolerance_lu` (or a peak got past the ceiling), `relevel`
    gives the whole audio again, leveled as one program.
    """

    def __init__(self, rate: int, target_lufs: float, ceiling_dbfs: float, *, warmup_seconds: float = 20.0,
                 tolerance_lu: float = 0.5, raw: MutableSequence[bytes] | None = None) -> None:
        self.rate = rate
        self.target_lufs = target_lufs
        self.ceiling_dbfs = ceiling_dbfs
        self.tolerance_lu = tolerance_lu
        self._ceiling = _encoder_ceiling(ceiling_dbfs)
        self._warmup_frames = round(warmup_seconds * rate)
        # Where the unleveled program is kept for a second pass: a PcmSpool on disk for a render, a list in tests.
        self._raw: MutableSequence[bytes] = [] if raw is None else raw
        self._pending: list[np.ndarray] = []
        self._warmup_pieces = 0  # how many raw pieces the warm-up leveled as one
        self._gain_db: float | None = None
        self._limited = False
        self._peak = 0.0
        self._output_lufs: float | None = None

    def process(self, pcm: bytes) -> bytes:
        """Take raw PCM; return leveled PCM (empty while the warm-up is still being collected)."""
        if not pcm:
            return b""  # nothing to keep: a PcmSpool drops empty pieces, and the replay counts pieces
        samples = pcm16_to_float(pcm)
        self._raw.append(pcm)  # kept as 16-bit: a quarter of the memory, converted only for a second pass
        self._output_lufs = None
        if self._gain_db is None:
            self._pending.append(samples)
            if sum(len(chunk) for chunk in self._pending) < self._warmup_frames:
                return b""
            return self._release_pending()
        return self._level(samples)

    def flush(self) -> bytes:
        """Level whatever is still held back for the warm-up."""
        return self._release_pending() if self._gain_db is None and self._pending else b""

    def _release_pending(self) -> bytes:
        warmup = np.concatenate(self._pending)
        self._warmup_pieces = len(self._pending)
        self._pending = []
        self._output_lufs = None
        self._gain_db = solve_gain(warmup, self.rate, self.target_lufs, self._ceiling)
        return self._level(warmup)

    def _gained(self, samples: np.ndarray) -> tuple[np.ndarray, bool, float]:
        return limit_true_peak(samples * 10 ** (self._gain_db / 20), self._ceiling)

    def _level(self, samples: np.ndarray) -> bytes:
        out, limited, peak = self._gained(samples)
        self._limited |= limited
        self._peak = max(self._peak, peak)
        return float_to_pcm16(out)

    @property
    def gain_db(self) -> float:
        """The gain applied (0 until the warm-up has been leveled)."""
        return self._gain_db or 0.0

    @property
    def limited(self) -> bool:
        """Whether the limiter has acted on anything so far."""
        return self._limited

    def result(self) -> LoudnessResult:
        """What was produced: the whole output's loudness (measured again from the raw program the first time it
        is asked for) and its true peak (tracked chunk by chunk)."""
        if self._output_lufs is None:
            self._output_lufs = self._measure_output()
        return LoudnessResult(
            output_lufs=self._output_lufs,
            output_true_peak_dbfs=20 * math.log10(max(self._peak, 1e-12)),
            gain_db=self.gain_db,
            limited=self._limited,
        )

    def _measure_output(self) -> float:
        """The loudness of what `process` and `flush` gave out, made again piece by piece as they made it."""
        meter = LoudnessMeter(self.rate)
        if self._gain_db is not None:
            pieces = iter(self._raw)
            warmup = np.concatenate([pcm16_to_float(next(pieces)) for _ in range(self._warmup_pieces)])
            for samples in itertools.chain([warmup], map(pcm16_to_float, pieces)):
                meter.add(self._gained(samples)[0])
        return meter.lufs()

    def needs_relevel(self, result: LoudnessResult) -> bool:
        """Whether the streamed output missed the target loudness or the true-peak ceiling."""
        if not math.isfinite(result.output_lufs):
            return False
        return abs(result.output_lufs - self.target_lufs) > self.tolerance_lu or result.output_true_peak_dbfs > self.ceiling_dbfs

    @property
    def raw(self) -> MutableSequence[bytes]:
        """Every piece of the unleveled program so far, as it came in."""
        return self._raw

    def relevel(self) -> tuple[Leveled, LoudnessResult]:
        """The whole audio normalized as one program, for a second encode."""
        return level_program(self._raw, self.rate, self.target_lufs, self.ceiling_dbfs)
