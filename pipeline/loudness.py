"""Loudness per ITU-R BS.1770 / EBU R128: measure integrated loudness and true peak, normalize, limit."""

from __future__ import annotations

import math
from dataclasses import dataclass
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
    return response


def hop_energies(samples: np.ndarray, rate: int, hop: int) -> np.ndarray:
    """Energy of the K-weighted signal in each `hop`-sample stretch (overlap-add FFT filtering, chunk by chunk)."""
    response = _k_weighting_response(rate, _FFT_SIZE)  # cached: the same for every call at this rate
    step = (_FFT_SIZE - _FILTER_TAIL) // hop * hop
    hops = math.ceil(len(samples) / hop)
    samples = np.pad(samples, (0, hops * hop - len(samples)))
    energies = np.empty(hops)
    carry = np.zeros(_FFT_SIZE - step)
    for start in range(0, len(samples), step):
        chunk = samples[start : start + step]
        filtered = np.fft.irfft(np.fft.rfft(chunk, _FFT_SIZE) * response, _FFT_SIZE)
        filtered[: len(carry)] += carry
        carry = filtered[step:].copy()
        body = filtered[: len(chunk)].reshape(-1, hop)
        energies[start // hop : start // hop + len(body)] = np.einsum("ij,ij->i", body, body)
    return energies


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """Gated integrated loudness in LUFS of mono float samples in [-1, 1]; -inf for silence."""
    hop = round(HOP_SECONDS * rate)
    hops_per_block = round(BLOCK_SECONDS / HOP_SECONDS)
    if len(samples) < hop * hops_per_block:
        samples = np.pad(samples, (0, hop * hops_per_block - len(samples)))
    hop_energy = hop_energies(samples, rate, hop)
    # Each 400 ms block is four 100 ms hops: sum hop energies instead of re-reading the signal.
    count = len(hop_energy) - hops_per_block + 1
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


def true_peak(samples: np.ndarray) -> float:
    """Peak of the band-limited signal between samples (4x oversampling near loud samples), linear."""
    magnitude = np.abs(samples)
    if not len(samples):
        return 0.0
    sample_peak = float(magnitude.max())
    # Inter-sample peaks stay within a few dB of the sample peak; look only near the loudest samples.
    candidates = np.flatnonzero(magnitude >= sample_peak * 0.6)
    candidates = candidates[(candidates >= _TRUE_PEAK_TAPS) & (candidates < len(samples) - _TRUE_PEAK_TAPS)]
    taps = np.arange(-_TRUE_PEAK_TAPS + 1, _TRUE_PEAK_TAPS + 1)
    window = np.hanning(2 * _TRUE_PEAK_TAPS + 2)[1:-1]
    kernels = np.stack([np.sinc(taps - offset) * window for offset in (0.25, 0.5, 0.75)], axis=1)
    peak = sample_peak
    for chunk in np.array_split(candidates, max(1, len(candidates) // 4096)):
        if len(chunk):
            neighbourhood = samples[chunk[:, None] + taps[None, :]]
            peak = max(peak, float(np.abs(neighbourhood @ kernels).max()))
    return peak


def _limit(samples: np.ndarray, ceiling: float) -> np.ndarray:
    """A look-ahead limiter: per-block gain brings peaks under the ceiling, spread so it fades in and out."""
    blocks = math.ceil(len(samples) / _LIMITER_BLOCK)
    padded = np.pad(np.abs(samples), (0, blocks * _LIMITER_BLOCK - len(samples)))
    block_peak = padded.reshape(blocks, _LIMITER_BLOCK).max(axis=1)
    gain = np.minimum(1.0, ceiling / np.maximum(block_peak, 1e-12))
    spread = gain.copy()
    for shift in range(1, _LIMITER_SPREAD_BLOCKS + 1):
        spread[shift:] = np.minimum(spread[shift:], gain[:-shift])
        spread[:-shift] = np.minimum(spread[:-shift], gain[shift:])
    # Interpolate the gain only around limited blocks: elsewhere it is exactly 1.
    out = samples.copy()
    touched = np.flatnonzero(spread < 1.0)
    if not len(touched):
        return out
    centres = (np.arange(blocks) + 0.5) * _LIMITER_BLOCK
    starts = touched * _LIMITER_BLOCK
    positions = (starts[:, None] + np.arange(_LIMITER_BLOCK)[None, :]).ravel()
    positions = positions[positions < len(samples)]
    out[positions] *= np.interp(positions, centres, spread)
    return out


def limit_true_peak(samples: np.ndarray, ceiling: float) -> tuple[np.ndarray, bool, float]:
    """Limit until the true peak is at or under the linear ceiling: the samples, whether limited, the true peak."""
    limited = False
    for attempt in range(6):
        peak = true_peak(samples)
        if peak <= ceiling:
            break
        # Interpolated peaks can exceed the sample ceiling: tighten it a little on each pass.
        samples, limited = _limit(samples, ceiling * (0.97 - 0.05 * attempt)), True
    else:
        peak = true_peak(samples)
    return samples, limited, peak


def normalize(samples: np.ndarray, rate: int, target_lufs: float, ceiling_dbfs: float) -> tuple[np.ndarray, LoudnessResult]:
    """Scale to the target integrated loudness, limiting peaks so the true peak stays under the ceiling."""
    measured = integrated_loudness(samples, rate)
    if not math.isfinite(measured):
        return samples, LoudnessResult(measured, -math.inf, 0.0, False)
    # Lossy encoders add overshoot: aim the limiter half a decibel under the ceiling.
    ceiling = 10 ** ((ceiling_dbfs - 0.5) / 20)
    gain_db = target_lufs - measured
    applied = gain_db
    for _ in range(3):
        applied = gain_db
        out, limited, _ = limit_true_peak(samples * 10 ** (applied / 20), ceiling)
        achieved = integrated_loudness(out, rate) if limited else measured + applied
        if abs(achieved - target_lufs) <= 0.3:
            break
        gain_db += target_lufs - achieved  # limiting took some loudness away: give it back
    peak_db = 20 * math.log10(max(true_peak(out), 1e-12))
    return out, LoudnessResult(achieved, peak_db, applied, limited)


def pcm16_to_float(data: bytes) -> np.ndarray:
    """Signed 16-bit PCM bytes to float samples in [-1, 1)."""
    # float32 halves the memory of a long article and is far more precise than the 16-bit samples.
    return np.frombuffer(data, dtype="<i2").astype(np.float32) / np.float32(32768.0)


def float_to_pcm16(samples: np.ndarray) -> bytes:
    """Float samples to signed 16-bit PCM bytes, rounding and clipping."""
    return np.clip(np.round(samples * 32768.0), -32768, 32767).astype("<i2").tobytes()


class StreamingLeveler:
    """Normalize loudness while audio streams: set the gain from a warm-up stretch, then gain and limit each chunk.

    The whole rendition is measured at the end; when the warm-up guess missed the target by more than
    `tolerance_lu`, `relevel` gives the whole audio again, normalized in one pass.
    """

    def __init__(self, rate: int, target_lufs: float, ceiling_dbfs: float, *, warmup_seconds: float = 20.0,
                 tolerance_lu: float = 0.5) -> None:
        self.rate = rate
        self.target_lufs = target_lufs
        self.ceiling_dbfs = ceiling_dbfs
        self.tolerance_lu = tolerance_lu
        self._ceiling = 10 ** ((ceiling_dbfs - 0.5) / 20)  # headroom for the lossy encoder's overshoot
        self._warmup_frames = round(warmup_seconds * rate)
        self._raw: list[bytes] = []
        self._out: list[np.ndarray] = []
        self._pending: list[np.ndarray] = []
        self._gain_db: float | None = None
        self._limited = False
        self._peak = 0.0

    def process(self, pcm: bytes) -> bytes:
        """Take raw PCM; return leveled PCM (empty while the warm-up is still being collected)."""
        samples = pcm16_to_float(pcm)
        self._raw.append(pcm)  # kept as 16-bit: a quarter of the memory, converted only for a second pass
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
        self._pending = []
        measured = integrated_loudness(warmup, self.rate)
        self._gain_db = self.target_lufs - measured if math.isfinite(measured) else 0.0
        for _ in range(3):
            # More gain means more limiting, which takes loudness back: converge on the warm-up.
            trial, limited, _ = limit_true_peak(warmup * 10 ** (self._gain_db / 20), self._ceiling)
            achieved = integrated_loudness(trial, self.rate) if limited else self.target_lufs
            if not math.isfinite(achieved) or abs(achieved - self.target_lufs) < 0.1:
                break
            self._gain_db += self.target_lufs - achieved
        return self._level(warmup)

    def _level(self, samples: np.ndarray) -> bytes:
        out, limited, peak = limit_true_peak(samples * 10 ** (self._gain_db / 20), self._ceiling)
        self._limited |= limited
        self._peak = max(self._peak, peak)
        self._out.append(out.astype(np.float32))
        return float_to_pcm16(out)

    def result(self) -> LoudnessResult:
        """Measure what was produced: the whole output's loudness; its true peak, tracked chunk by chunk."""
        out = np.concatenate(self._out) if self._out else np.zeros(0)
        return LoudnessResult(
            output_lufs=integrated_loudness(out, self.rate),
            output_true_peak_dbfs=20 * math.log10(max(self._peak, 1e-12)),
            gain_db=self._gain_db or 0.0,
            limited=self._limited,
        )

    def needs_relevel(self, result: LoudnessResult) -> bool:
        """Whether the streamed output missed the target loudness or the true-peak ceiling."""
        if not math.isfinite(result.output_lufs):
            return False
        return abs(result.output_lufs - self.target_lufs) > self.tolerance_lu or result.output_true_peak_dbfs > self.ceiling_dbfs

    def relevel(self) -> tuple[bytes, LoudnessResult]:
        """The whole audio normalized in one pass, for a second encode."""
        out, result = normalize(pcm16_to_float(b"".join(self._raw)), self.rate, self.target_lufs, self.ceiling_dbfs)
        return float_to_pcm16(out), result
