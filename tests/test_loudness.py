"""Loudness: BS.1770 measurement against known signals, true peak, normalization and the streaming leveler."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.stages.loudness import (
    LoudnessMeter,
    StreamingLeveler,
    float_to_pcm16,
    integrated_loudness,
    level_program,
    pcm16_to_float,
    true_peak,
)

RATE = 22050


def sine(frequency: float, amplitude: float, seconds: float, rate: int = RATE) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return amplitude * np.sin(2 * np.pi * frequency * t)


def speechlike(seconds: float, seed: int = 7) -> np.ndarray:
    """Bursts of filtered noise with gaps and occasional sharp peaks, like a formant synthesizer's output."""
    generator = np.random.default_rng(seed)
    signal = generator.normal(0, 0.08, round(seconds * RATE))
    envelope = (np.sin(2 * np.pi * 3 * np.arange(len(signal)) / RATE) > -0.2).astype(float)
    signal *= envelope
    signal[:: RATE // 3] = 0.95  # peaks far above the loudness
    return signal


def test_full_scale_1khz_sine_reads_about_minus_3_lufs():
    # BS.1770's reference: a 0 dBFS 997 Hz sine on one channel measures -3.01 LUFS (ffmpeg's ebur128 agrees).
    assert integrated_loudness(sine(997, 1.0, 5), RATE) == pytest.approx(-3.01, abs=0.1)


def test_loudness_scales_with_gain():
    quiet = integrated_loudness(sine(440, 0.1, 5), RATE)
    loud = integrated_loudness(sine(440, 0.2, 5), RATE)
    assert loud - quiet == pytest.approx(20 * math.log10(2), abs=0.01)


def test_silence_is_minus_infinity():
    assert integrated_loudness(np.zeros(RATE * 2), RATE) == float("-inf")


def test_gating_ignores_long_silence():
    tone = sine(440, 0.3, 5)
    with_silence = np.concatenate([tone, np.zeros(RATE * 20)])
    # Only the few 400 ms blocks that straddle the end of the tone differ; 20 s of silence is gated out.
    assert integrated_loudness(with_silence, RATE) == pytest.approx(integrated_loudness(tone, RATE), abs=0.2)


def test_true_peak_finds_intersample_peak():
    # A sine at a quarter of the sample rate, phase-shifted, never hits its peak on a sample.
    t = np.arange(4000)
    signal = 0.5 * np.sin(2 * np.pi * t / 4 + np.pi / 4)
    assert np.abs(signal).max() == pytest.approx(0.5 / math.sqrt(2), abs=1e-6)
    assert true_peak(signal) == pytest.approx(0.5, abs=0.01)


def pieces(samples: np.ndarray, seconds: float) -> list[bytes]:
    """16-bit PCM in pieces of this many seconds, as the stitcher hands them on."""
    pcm, size = float_to_pcm16(samples), 2 * round(seconds * RATE)
    return [pcm[i : i + size] for i in range(0, len(pcm), size)]


def test_level_program_reaches_target_under_ceiling():
    chunks = pieces(speechlike(30), 2.5)
    out, result = level_program(chunks, RATE, -16.0, -1.0)
    assert [len(c) for c in out] == [len(c) for c in chunks]
    leveled = pcm16_to_float(b"".join(out))
    # With the whole program in hand it is leveled again until it is within 0.2 LU (streaming allows 0.5).
    assert integrated_loudness(leveled, RATE) == pytest.approx(-16.0, abs=0.2)
    assert result.output_lufs == pytest.approx(integrated_loudness(leveled, RATE), abs=0.02)
    assert 20 * math.log10(true_peak(leveled)) <= -1.0
    assert result.limited


def test_level_program_without_peaks_is_a_plain_gain():
    quiet = sine(440, 0.01, 10)
    out, result = level_program(pieces(quiet, 1), RATE, -16.0, -1.0)
    assert not result.limited
    assert integrated_loudness(pcm16_to_float(b"".join(out)), RATE) == pytest.approx(-16.0, abs=0.05)


def test_level_program_leaves_silence_alone():
    silence = [b"\0\0" * RATE] * 3
    out, result = level_program(silence, RATE, -16.0, -1.0)
    assert list(out) == silence and result.output_lufs == float("-inf") and result.gain_db == 0.0


@pytest.mark.parametrize("program", [
    [float_to_pcm16(np.full(10, 0.5))],  # shorter than one 400 ms block
    [b"\0\0" * RATE * 5, float_to_pcm16(np.full(3, 0.9)), b"\0\0" * RATE * 5],  # a click in silence
], ids=["ten-samples", "click-in-silence"])
def test_level_program_stops_where_more_gain_adds_nothing(program):
    out, result = level_program(program, RATE, -16.0, -1.0)
    # The limiter holds such audio at the ceiling whatever the gain: the search must not pile up decibels.
    assert result.gain_db < 40
    assert result.output_true_peak_dbfs <= -1.0
    assert true_peak(pcm16_to_float(b"".join(out))) <= 10 ** (-1.0 / 20)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=3 * RATE), min_size=1, max_size=8))
def test_meter_fed_in_pieces_equals_one_measurement(cuts):
    signal = speechlike(6)
    edges = sorted({0, len(signal), *(min(c, len(signal)) for c in cuts)})
    meter = LoudnessMeter(RATE)
    for start, end in zip(edges, edges[1:]):
        meter.add(signal[start:end])
    assert meter.lufs() == pytest.approx(integrated_loudness(signal, RATE), abs=1e-9)


def test_meter_can_be_read_and_fed_again():
    first, second = speechlike(4), speechlike(5, seed=3)
    meter = LoudnessMeter(RATE)
    meter.add(first)
    assert meter.lufs() == pytest.approx(integrated_loudness(first, RATE), abs=1e-9)
    meter.add(second)
    assert meter.lufs() == pytest.approx(integrated_loudness(np.concatenate([first, second]), RATE), abs=1e-9)


def test_meter_of_less_than_one_block():
    short = sine(440, 0.5, 0.1)
    assert math.isfinite(integrated_loudness(short, RATE))
    assert integrated_loudness(np.zeros(0), RATE) == float("-inf")


def test_streaming_leveler_matches_target():
    audio = float_to_pcm16(speechlike(60) * 0.3)
    leveler = StreamingLeveler(RATE, -16.0, -1.0, warmup_seconds=10)
    chunk = RATE * 2 * 3
    out = b"".join(leveler.process(audio[i : i + chunk]) for i in range(0, len(audio), chunk)) + leveler.flush()
    assert len(out) == len(audio)
    result = leveler.result()
    assert not leveler.needs_relevel(result)
    assert integrated_loudness(pcm16_to_float(out), RATE) == pytest.approx(-16.0, abs=0.5)
    assert 20 * math.log10(true_peak(pcm16_to_float(out))) <= -1.0


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=4 * RATE), min_size=1, max_size=6), st.sampled_from([2, 5, 30]))
def test_the_leveler_reads_again_exactly_what_it_gave_out(cuts, warmup_seconds):
    # The output is measured only when asked, by leveling the kept raw program again: warm-up pieces as one,
    # later pieces one by one, exactly as they were given out (a short program never ends its warm-up).
    audio = float_to_pcm16(speechlike(12) * 0.4)
    bounds = sorted({0, len(audio) // 2, *(2 * c for c in cuts if 2 * c < len(audio))})
    leveler = StreamingLeveler(RATE, -16.0, -1.0, warmup_seconds=warmup_seconds)
    out = [leveler.process(audio[a:b]) for a, b in zip(bounds, bounds[1:] + [len(audio)])] + [leveler.flush()]
    given_out = pcm16_to_float(b"".join(out))
    assert len(given_out) * 2 == len(audio)
    result = leveler.result()
    assert result.output_lufs == pytest.approx(integrated_loudness(given_out, RATE), abs=1e-3)
    assert leveler.result() == result  # read once, kept
    assert result.gain_db == leveler.gain_db != 0.0


@pytest.mark.parametrize("seconds", [3, 30], ids=["shorter than the warm-up", "longer"])
def test_the_leveler_reads_its_output_again_from_a_spool_that_dropped_an_empty_piece(tmp_path, seconds):
    from pipeline.stages.spool import PcmSpool

    audio = float_to_pcm16(speechlike(seconds) * 0.4)
    pieces = [b"", *(audio[i : i + 2 * RATE] for i in range(0, len(audio), 2 * RATE))]  # a lead pause of 0 ms
    spool = PcmSpool(lambda: tmp_path / "raw.pcm", memory_limit=RATE)
    on_list, on_spool = StreamingLeveler(RATE, -16.0, -1.0, warmup_seconds=5), StreamingLeveler(
        RATE, -16.0, -1.0, warmup_seconds=5, raw=spool)
    for leveler in (on_list, on_spool):
        out = b"".join(leveler.process(piece) for piece in pieces) + leveler.flush()
        assert len(out) == len(audio)
    assert on_spool.result() == on_list.result()
    spool.close()


def test_a_reading_taken_during_the_warm_up_is_taken_again_once_it_is_leveled():
    leveler = StreamingLeveler(RATE, -16.0, -1.0, warmup_seconds=5)
    leveler.process(float_to_pcm16(speechlike(2) * 0.4))
    assert leveler.result().output_lufs == float("-inf")
    leveler.flush()
    assert leveler.result().output_lufs == pytest.approx(-16.0, abs=0.5)


def test_a_leveler_with_nothing_leveled_reads_silence():
    leveler = StreamingLeveler(RATE, -16.0, -1.0)
    leveler.process(float_to_pcm16(speechlike(1)))  # still in the warm-up
    assert leveler.result().output_lufs == float("-inf") and leveler.gain_db == 0.0


def test_relevel_when_warmup_misleads():
    quiet_start = speechlike(10) * 0.02
    loud_rest = speechlike(60, seed=3) * 0.5
    leveler = StreamingLeveler(RATE, -16.0, -1.0, warmup_seconds=5)
    leveler.process(float_to_pcm16(quiet_start))
    leveler.process(float_to_pcm16(loud_rest))
    leveler.flush()
    assert leveler.needs_relevel(leveler.result())
    chunks, result = leveler.relevel()
    assert result.output_lufs == pytest.approx(-16.0, abs=0.2)
    assert integrated_loudness(pcm16_to_float(b"".join(chunks)), RATE) == pytest.approx(-16.0, abs=0.2)
    assert sum(len(c) for c in chunks) == 2 * (len(quiet_start) + len(loud_rest))


def test_pcm_round_trip():
    values = np.array([-1.0, -0.5, 0.0, 0.5, 0.999])
    assert np.allclose(pcm16_to_float(float_to_pcm16(values)), values, atol=1 / 32768)


def test_measure_float32_agrees_with_the_whole_signal_and_finds_each_blocks_peak():
    from pipeline.stages.loudness import OVERSHOOT_BLOCK_SECONDS, measure_float32

    rate = 48000
    signal = (0.3 * np.sin(2 * np.pi * 440 * np.arange(3 * rate) / rate)).astype(np.float32)
    signal[int(1.5 * rate)] = 0.9  # one click, in the 150th 10 ms block
    pieces = [signal[i : i + 7001].tobytes() for i in range(0, len(signal), 7001)]  # blocks not aligned to 10 ms
    measured = measure_float32(pieces, rate)
    assert measured.lufs == pytest.approx(integrated_loudness(signal, rate), abs=1e-6)
    assert measured.true_peak_dbfs == pytest.approx(20 * math.log10(true_peak(signal)), abs=0.01)
    assert measured.block_peaks.count >= 3 / OVERSHOOT_BLOCK_SECONDS
    assert measured.block_peaks.index.tolist() == [150]  # the only block near full scale


@pytest.mark.parametrize("pieces_of", [22050, 7001, 33])
def test_a_blocks_peak_between_its_samples_lists_it_at_its_true_peak(pieces_of):
    from pipeline.stages.loudness import measure_float32

    rate = 22050
    # A tone at a quarter of the rate, sampled 45 degrees off its crests: every sample is at -3 dB, the
    # waveform between them reaches 0 dB (a 22 kHz decoder's sample peaks read fricatives this low).
    t = np.arange(rate)
    # The first half well under the floor, faded up over 0.1 s (a sudden step would ring between samples).
    envelope = np.interp(t, [0, rate // 2 - 2205, rate // 2], [0.3, 0.3, 0.98])
    signal = (np.sin(2 * np.pi * t / 4 + np.pi / 4) * envelope).astype(np.float32)
    pieces = [signal[i : i + pieces_of].tobytes() for i in range(0, len(signal), pieces_of)]
    measured = measure_float32(pieces, rate, loud_floor_dbfs=-1.0)
    assert np.abs(signal).max() < 10 ** (-2.5 / 20)  # no sample reaches the floor...
    assert measured.true_peak_dbfs == pytest.approx(20 * math.log10(0.98), abs=0.05)
    listed = measured.block_peaks
    assert listed.index.min() >= 50 and len(listed.index) >= 49  # ...yet the loud half's blocks are listed
    assert np.allclose(listed.peak, 0.98, atol=0.01)


def test_the_trim_cuts_where_a_22khz_measurement_found_the_overshoot_however_late():
    from pipeline.stages.loudness import PeakTrim, measure_float32

    rate = 22050  # 10 ms is 220.5 samples: a block of 220 is 9.977 ms, 0.1 s short after a minute
    program = np.full(70 * rate, 0.2, dtype=np.float32)
    burst = slice(round(61.3 * rate), round(61.3 * rate) + 300)
    program[burst] = 0.95
    measured = measure_float32([program.tobytes()], rate, loud_floor_dbfs=-3.0)
    trim = PeakTrim()
    assert trim.lower_overshoots(measured.block_peaks, -3.0) > 0
    trimmed = pcm16_to_float(b"".join(trim.apply([float_to_pcm16(program)], rate)))
    assert np.abs(trimmed[burst]).max() <= 10 ** (-3.0 / 20) + 1e-3  # the burst itself was cut to the ceiling
    assert np.abs(trimmed[: 60 * rate]).max() == pytest.approx(0.2, abs=1e-4)  # and nothing a second away


def test_a_trim_told_the_programs_length_ignores_blocks_a_decoder_read_past_its_end():
    from pipeline.stages.loudness import BlockPeaks, PeakTrim

    rate = 22050
    program = float_to_pcm16(np.full(rate, 0.5, dtype=np.float32))  # one second: 100 blocks
    # A decoded MP3 stream runs five blocks into LAME's padding; blocks 96 and 98 overshot, 98's cut spreads
    # on past the program's end, where 96's does not reach.
    peaks = BlockPeaks(np.array([96, 98]), np.array([2.0, 1.0], dtype=np.float32), 105, 0.01)
    told, untold = PeakTrim(program_seconds=1.0), PeakTrim()
    for trim in (told, untold):
        trim.lower_overshoots(peaks, -1.0)
    end = lambda trim: pcm16_to_float(b"".join(trim.apply([program], rate)))[-40:]  # noqa: E731
    assert np.allclose(end(told), end(told)[-1])  # the cut holds to the program's last sample
    assert not np.allclose(end(untold), end(untold)[-1])  # cuts spread past the end bent it


def test_peak_trim_cuts_only_where_the_encoded_file_overshot():
    from pipeline.stages.loudness import OVERSHOOT_SPREAD_BLOCKS, BlockPeaks, PeakTrim

    rate = 22050
    program = float_to_pcm16(np.full(rate, 0.5, dtype=np.float32))  # one second at -6 dBFS
    # The codec overshot to 0 dBFS around 0.5 s; the other blocks are too quiet to be listed.
    peaks = BlockPeaks(np.array([50]), np.array([1.0], dtype=np.float32), 100)
    trim = PeakTrim()
    trim.lower_overshoots(peaks, -1.0)
    out = pcm16_to_float(b"".join(trim.apply([program[: rate], program[rate:]], rate)))
    at = lambda seconds: out[round(seconds * rate)]  # noqa: E731
    assert at(0.505) == pytest.approx(0.5 * 10 ** (-1.0 / 20), rel=0.01)  # the overshooting block: cut by 1 dB
    assert at(0.1) == pytest.approx(0.5, rel=1e-3) and at(0.9) == pytest.approx(0.5, rel=1e-3)  # elsewhere untouched
    fade_end = 0.505 + (OVERSHOOT_SPREAD_BLOCKS + 1) * 0.01
    assert at(fade_end + 0.005) == pytest.approx(0.5, rel=1e-3)
    trim.gain_db = -6.0
    again = pcm16_to_float(b"".join(trim.apply([program], rate)))
    assert again[round(0.1 * rate)] == pytest.approx(0.5 * 10 ** (-6 / 20), rel=1e-3)


def test_loudness_read_on_every_other_sample_of_a_band_limited_program_is_the_same():
    from pipeline.stages.loudness import measure_float32

    rate = 48000
    rng = np.random.default_rng(5)
    t = np.arange(4 * rate) / rate
    # Speech-like energy below 10 kHz: tones with a slow envelope, some noise, filtered by an FFT brick wall.
    signal = sum(0.1 * np.sin(2 * np.pi * f * t + rng.uniform(0, 6)) for f in (180, 950, 2400, 6100, 9800))
    signal = signal * (0.6 + 0.4 * np.sin(2 * np.pi * 0.7 * t))
    spectrum = np.fft.rfft(signal + 0.02 * rng.standard_normal(len(t)))
    spectrum[np.fft.rfftfreq(len(t), 1 / rate) > 11_000] = 0
    samples = np.fft.irfft(spectrum, len(t)).astype(np.float32)
    pieces = [samples[i : i + 7001].tobytes() for i in range(0, len(samples), 7001)]  # odd lengths: phase kept
    full = measure_float32(pieces, rate)
    halved = measure_float32(pieces, rate, loudness_step=2)
    assert halved.lufs == pytest.approx(full.lufs, abs=0.05)
    assert halved.true_peak_dbfs == full.true_peak_dbfs


def test_peak_trim_holds_a_cut_at_the_programs_last_block_to_its_end_and_touches_nothing_far_away():
    from pipeline.stages.loudness import BlockPeaks, PeakTrim

    rate = 22050
    program = float_to_pcm16(np.full(rate, 0.5, dtype=np.float32))  # one second: blocks 0..99
    trim = PeakTrim()
    assert trim.lower_overshoots(BlockPeaks(np.array([10, 99]), np.array([0.2, 1.0], dtype=np.float32), 100), -1.0) == 1
    out = pcm16_to_float(b"".join(trim.apply([program], rate)))
    assert out[-1] == pytest.approx(0.5 * 10 ** (-1.0 / 20), rel=0.01)  # the last block's cut holds to the end
    assert out[round(0.5 * rate)] == pytest.approx(0.5, rel=1e-3)  # block 10 was under the ceiling: untouched
    assert np.all(out[: round(0.95 * rate)] == pytest.approx(0.5, rel=1e-3))


def _dense_trim(rounds, blocks, rate, program, gain_db=0.0):
    """The envelope as the first, dense version computed it: a cut for every block, zero where untouched."""
    from pipeline.stages.loudness import OVERSHOOT_BLOCK_SECONDS, OVERSHOOT_SPREAD_BLOCKS

    local = np.zeros(blocks)
    for peaks, ceiling in rounds:
        with np.errstate(divide="ignore"):
            excess = 20 * np.log10(np.maximum(peaks, 1e-12)) - ceiling
        cut = np.minimum(0.0, -excess)
        spread = cut.copy()
        for shift in range(1, OVERSHOOT_SPREAD_BLOCKS + 1):
            spread[shift:] = np.minimum(spread[shift:], cut[:-shift])
            spread[:-shift] = np.minimum(spread[:-shift], cut[shift:])
        local += spread
    samples = pcm16_to_float(program)
    centres = (np.arange(blocks) + 0.5) * OVERSHOOT_BLOCK_SECONDS
    envelope = np.interp(np.arange(len(samples)) / rate, centres, local)
    return float_to_pcm16(samples * (10 ** ((gain_db + envelope) / 20)).astype(np.float32))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(0, 99), st.floats(0.5, 2.0)), max_size=12), min_size=1, max_size=3))
@example([[(96, 2.0), (97, 1.0)]])  # a cut spread past the program's end once bent the envelope in its last block
def test_the_sparse_peak_trim_cuts_exactly_as_a_dense_one_would(rounds):
    from pipeline.stages.loudness import BlockPeaks, PeakTrim

    rate, blocks = 22050, 100
    program = float_to_pcm16(np.full(rate, 0.5, dtype=np.float32))
    trim, dense_rounds = PeakTrim(), []
    for overs in rounds:
        peaks = np.full(blocks, 0.3, dtype=np.float32)
        for block, peak in overs:
            peaks[block] = peak
        listed = np.flatnonzero(peaks >= 0.5)
        trim.lower_overshoots(BlockPeaks(listed.astype(np.int32), peaks[listed], blocks), -1.0)
        dense_rounds.append((peaks.astype(np.float64), -1.0))
    sparse = np.frombuffer(b"".join(trim.apply([program[:20000], program[20000:]], rate)), dtype="<i2")
    dense = np.frombuffer(_dense_trim(dense_rounds, blocks, rate, program), dtype="<i2")
    assert np.abs(sparse.astype(int) - dense.astype(int)).max() <= 1
