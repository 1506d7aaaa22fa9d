"""The orchestrator: article to published rendition, one stage after another."""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__
from pipeline.engines import Engine, Voice, engine_class, get_engine, resolve_voice
from pipeline.engines.base import check_rate
from pipeline.errors import InputError, UsageError
from pipeline.files import StagedOutputs, check_writable_folder, remove_stale_partials
from pipeline.lexicon.model import Lexicon
from pipeline.memory import release_free_memory
from pipeline.settings import (
    CODEC_ALLOWANCES,
    DATE_ORDERS,
    DEFAULT_NOTICE,
    DEFAULT_BITRATES,
    DELIVERY_TOLERANCE_LU,
    FORMATS,
    RenderSettings,
)
from pipeline.stages.article import Article
from pipeline.stages.chapters import build_chapters, chapters_json, chapters_report, chapters_vtt, ffmetadata
from pipeline.stages.encode import CHAPTER_CONTAINERS, Encoder, add_chapters, checking_rate, open_encoder
from pipeline.stages.estimate import (
    Estimate,
    estimate_seconds,
    make_estimate,
    pause_plan,
)
from pipeline.stages.loudness import (
    Leveled,
    LoudnessResult,
    Measurement,
    PeakTrim,
    StreamingLeveler,
    level_program,
    measure_float32,
    program_frames,
)
from pipeline.publish.page import PageOptions, article_page, page_path, remove_own_page
from pipeline.stages.report import (
    RenderInfo,
    build_report,
    build_vtt,
    language_tag,
    loudness_summary,
    report_chunks,
)
from pipeline.stages.script import ScriptSentence, build_script
from pipeline.stages.spool import PcmSpool, check_free_space
from pipeline.stages.stitch import Stitcher, Timing
from pipeline.stages.synthesize import read_ahead, synthesize_sentences

DEFAULT_OUTPUT_FOLDER = Path("audio_out")
#: Beyond this many seconds of estimated audio a program is leveled whole before it is encoded: a streamed
#: encode's warm-up guess misses a long program's loudness, and encoding hours of audio twice costs more than
#: the overlap saves (the raw audio is spooled to disk either way).
STREAM_ENCODE_MAX_SECONDS = 20 * 60
#: Sentences the engine may speak ahead of leveling, on a thread of its own, when a render may use two cores.
READ_AHEAD_SENTENCES = 4
#: The longest rendition made without being asked: an estimate above this many minutes is refused (--max-minutes).
DEFAULT_MAX_MINUTES = 1440
#: How often (in sentences) the heap's free pages go back to the system during a render.
TRIM_EVERY_SENTENCES = 200
#: Encodes beyond the first that may be spent bringing a delivered file into spec.
DELIVERY_PASSES = 2
#: How much further below the ceiling to aim than a delivered peak overshot it; blocks this close to the ceiling
#: are cut too, since a re-encode moves a codec's peaks by tenths of a dB: at 0.3 and 0.6 a 128,000-word book
#: needed a third encode for blocks the second one pushed over, at 1.0 it did not (make bench-long).
PEAK_CORRECTION_MARGIN_DB = 1.0
#: The most a delivered file is made louder than its leveled program, to make up for the codec.
MAX_DELIVERY_BOOST_DB = 1.0
#: The most one correction makes a delivered file louder than the encode before it.
MAX_CORRECTION_STEP_DB = 2 * MAX_DELIVERY_BOOST_DB


@dataclass(frozen=True)
class RenderResult:
    """Where a rendition was written, and its report."""

    audio_path: Path
    report_path: Path
    captions_path: Path
    report: dict
    from_cache: int = 0  # sentences (or pieces of long ones) taken from the sentence cache, not synthesized


def output_paths(out: Path) -> tuple[Path, Path]:
    """The report and caption paths that go beside an audio file."""
    return out.with_suffix(".json"), out.with_suffix(".vtt")


def chapter_paths(out: Path) -> tuple[Path, Path]:
    """The Podcasting 2.0 JSON chapters and the WebVTT chapters track that go beside an audio file."""
    return out.with_suffix(".chapters.json"), out.with_suffix(".chapters.vtt")


def check_no_other_rendition(out: Path) -> None:
    """Refuse to render `<stem>.mp3` where `<stem>.json` and `.vtt` belong to `<stem>.wav`: they would be
    replaced, and the other file left without its report and captions."""
    report_path, _ = output_paths(out)
    try:
        other = json.loads(report_path.read_text(encoding="utf-8")).get("output")
    except (OSError, ValueError, AttributeError):
        return
    if isinstance(other, str) and other != out.name and (out.parent / other).is_file():
        raise UsageError(f"{report_path} is the report of {out.parent / other}; rendering {out.name} beside it "
                         "would replace its report and captions: write to another folder with -o, or give --force")


def default_output(article: Article, settings: RenderSettings, folder: Path = DEFAULT_OUTPUT_FOLDER) -> Path:
    """`audio_out/<stem>.<format>`."""
    return folder / f"{article.name}.{settings.format}"


def spoken_script(article: Article, lexicon: Lexicon, settings: RenderSettings = RenderSettings(), *,
                  notable_only: bool = False, engine: Engine | None = None) -> tuple[ScriptSentence, ...]:
    """The script as the engine (`engine`, else the settings' engine) is given it, refusing an article with
    nothing to say (`notable_only`: see build_script)."""
    lexicon = engine_lexicon(lexicon, settings.engine, engine)
    script = build_script(article, lexicon, settings.date_order, notable_only=notable_only)
    if not script:
        raise InputError(f"{article.name}: the article has no words to speak")
    return script


def engine_lexicon(lexicon: Lexicon, engine_name: str, engine: Engine | None = None) -> Lexicon:
    """The lexicon as an engine (this one, else the one registered under the name) reads it: an engine that takes
    phonemes (Piper) gets each entry's IPA as them."""
    reads = getattr(engine if engine is not None else engine_class(engine_name), "phoneme_input", None)
    return lexicon.with_phoneme_input(reads)


def estimate_script(
    script: tuple[ScriptSentence, ...], engine: Engine, voice: Voice, settings: RenderSettings
) -> Estimate:
    """The duration estimate for a script, before synthesis, from the engine's own reading where it has one."""
    pauses = pause_plan([(s.is_title, s.ends_paragraph, s.starts_chapter) for s in script], settings)
    seconds = estimate_seconds([s.spoken for s in script], pauses, engine.duration_model,
                               engine_settings(settings, engine), lambda text: engine.phonemes(text, voice))
    return make_estimate(seconds)


def engine_settings(settings: RenderSettings, engine: Engine) -> RenderSettings:
    """The settings as this engine speaks them: no piece of text longer than the engine takes in one call
    (Piper's memory follows its longest piece)."""
    limit = getattr(engine, "max_piece_chars", None)
    return dataclasses.replace(settings, max_piece_chars=limit) if limit and limit < settings.max_piece_chars else settings


def check_length(article: Article, estimate: Estimate, max_minutes: float) -> None:
    """Refuse, before any synthesis, an article whose estimate is longer than `max_minutes`."""
    if estimate.seconds > max_minutes * 60:
        raise InputError(f"{article.name}: estimated {estimate.seconds / 60:,.0f} minutes, longer than the "
                         f"{max_minutes:g}-minute limit; give --max-minutes {math.ceil(estimate.seconds / 60)} "
                         "(or max_minutes in the config) to render it")


def check_settings(settings: RenderSettings) -> None:
    """Refuse settings no engine can use."""
    if settings.format not in FORMATS:
        raise UsageError(f"unknown format {settings.format!r}; choose one of: {', '.join(FORMATS)}")
    if settings.date_order not in DATE_ORDERS:
        raise UsageError(f"unknown date order {settings.date_order!r}; choose one of: {', '.join(DATE_ORDERS)}")
    if not 80 <= settings.rate <= 450:
        raise UsageError(f"rate {settings.rate} is out of range; give words per minute between 80 and 450")


def render(
    article: Article,
    *,
    lexicon: Lexicon,
    settings: RenderSettings = RenderSettings(),
    out: Path | None = None,
    engine: Engine | None = None,
    report_extra: dict | None = None,
    overlap_encoding: bool = True,
    force: bool = False,
    max_minutes: float = DEFAULT_MAX_MINUTES,
    progress: Callable[[int, int, float], None] | None = None,
    cache_dir: Path | None = None,
    threads: int | None = None,
    page: PageOptions | None = None,
    notice: str = DEFAULT_NOTICE,
) -> RenderResult:
    """Render an article: split, lexicon, normalize, synthesize, stitch, level loudness, encode, report.

    `report_extra` adds keys to the report (the batch records its render key and the article's path there).
    `force` replaces the report and captions of another rendition of the same stem (another format) in the
    folder, which are otherwise refused. An article whose estimate is longer than `max_minutes` is refused
    before any synthesis. `progress(done, total, audio_seconds)` is called after each sentence. With
    `cache_dir` each sentence's audio is kept in a sentence cache there and taken from it when it is already
    in it: a render that was killed picks up where it stopped. `threads` is how many threads an engine that can
    use several (Piper) may take: by default every core this process may run on. With `page` the rendition gets
    `<stem>.html`, the article with the player (pipeline.publish.page); `notice` is what the player says about the
    audio (the report's `notice`; not part of the sound, so not of a batch's render key). With `overlap_encoding` ffmpeg encodes on a second core while
    synthesis goes on, and the engine speaks a few sentences ahead on a thread of its own, so one render finishes sooner. Without it the whole program is measured, leveled and then encoded once on this core alone: one
    render takes a core, so a batch's --jobs N keeps N cores busy rather than 1.5 N fighting over them.
    """
    check_settings(settings)
    out = Path(out) if out is not None else default_output(article, settings)
    check_writable_folder(out.parent)
    if not force:
        check_no_other_rendition(out)
    remove_stale_partials(out.parent, out.stem)
    # notable_only: a book's every piece is 40 MB
    script = spoken_script(article, lexicon, settings, notable_only=True, engine=engine)
    own_engine = engine is None
    engine = engine or get_engine(settings.engine, voice=settings.voice, threads=threads)
    try:
        voice = resolve_voice(engine, settings.voice)
        check_rate(engine, settings.rate)
        estimate = estimate_script(script, engine, voice, settings)
        check_length(article, estimate, max_minutes)
        check_free_space(out.parent, estimate.seconds, engine.sample_rate, str(out))
        if cache_dir is not None:
            engine = _cached(engine, cache_dir, estimate)
        with StagedOutputs() as outputs:
            audio_partial = outputs.reserve(out)
            spool = PcmSpool(lambda: outputs.scratch(out))
            try:
                stream = overlap_encoding and estimate.seconds <= STREAM_ENCODE_MAX_SECONDS
                produced = _synthesize_and_encode(
                    script, engine, voice, settings, audio_partial, outputs.scratch(out), spool,
                    title=article.title or article.name, display_name=str(out), overlap_encoding=stream,
                    progress=progress, read_ahead_sentences=READ_AHEAD_SENTENCES if overlap_encoding else 0,
                )
            finally:
                spool.close()
            duration_ms = round(produced.frames * 1000 / engine.sample_rate)
            chapters = build_chapters(script, produced.timings, duration_ms, article.title)
            if chapters and settings.format in CHAPTER_CONTAINERS:
                add_chapters(audio_partial, outputs.scratch(out), ffmetadata(chapters), audio_format=settings.format,
                             display_name=str(out))
            info = _render_info(engine, voice, settings, lexicon)
            report = build_report(
                source=article.name,
                input_sha256=article.sha256,
                title=article.title,
                output=out.name,
                info=info,
                estimate=estimate,
                duration_seconds=produced.frames / engine.sample_rate,
                loudness=loudness_summary(produced.loudness, produced.passes, produced.in_spec),
                script=script,
                timings=produced.timings,
                language=language_tag(voice.languages),
                notice=notice,
            )
            report["chapters"] = chapters_report(chapters)
            report.update(report_extra or {})
            report_path, captions_path = output_paths(out)
            outputs.stage_text(report_path, report_chunks(report))
            outputs.stage_text(captions_path, build_vtt(script, produced.timings))
            chapters_path, chapter_track_path = chapter_paths(out)
            if chapters:
                outputs.stage_text(chapters_path, chapters_json(chapters))
                outputs.stage_text(chapter_track_path, chapters_vtt(chapters))
            if page is not None:
                outputs.stage_text(page_path(out), article_page(report, out.name, page))
            outputs.publish()
            if page is None:  # a page of ours from an earlier rendition would play this audio with old timings
                remove_own_page(page_path(out))
            if not chapters:  # an earlier rendition's chapters would describe audio that is gone
                chapters_path.unlink(missing_ok=True)
                chapter_track_path.unlink(missing_ok=True)
    finally:
        if own_engine:
            engine.close()
    stats = getattr(engine, "stats", None)
    return RenderResult(out, report_path, captions_path, report, from_cache=stats.hits if stats is not None else 0)


def _cached(engine: Engine, cache_dir: Path, estimate: Estimate) -> Engine:
    """The engine behind a sentence cache big enough for this whole rendition (a book's included)."""
    from pipeline.batch.cache import DEFAULT_CACHE_MAX_BYTES, AudioCache, CachedEngine

    needed = int(estimate.seconds * engine.sample_rate * 2 * 1.25)
    return CachedEngine(engine, AudioCache(cache_dir, max(DEFAULT_CACHE_MAX_BYTES, needed)))


@dataclass(frozen=True)
class _Produced:
    frames: int
    timings: tuple[Timing, ...]
    loudness: LoudnessResult
    passes: int
    in_spec: bool


@dataclass(frozen=True)
class LevelAim:
    """What the leveler aims for so that the delivered file meets the target: loudness and true-peak ceiling."""

    lufs: float
    ceiling_dbfs: float


def first_aim(settings: RenderSettings) -> LevelAim:
    """The target moved by what the format's codec is known to do to leveled speech."""
    louder, lower = CODEC_ALLOWANCES[settings.format]
    return LevelAim(settings.loudness_lufs + louder, settings.true_peak_dbfs - lower)


def _synthesize_and_encode(
    script: tuple[ScriptSentence, ...],
    engine: Engine,
    voice: Voice,
    settings: RenderSettings,
    path: Path,
    scratch: Path,
    raw: PcmSpool,
    *,
    title: str,
    display_name: str,
    overlap_encoding: bool,
    progress: Callable[[int, int, float], None] | None = None,
    read_ahead_sentences: int = 0,
) -> _Produced:
    """Synthesize and stitch sentence by sentence, level the loudness, encode, check the delivered file; the
    unleveled program goes to `raw` (memory, then a file beside the output), never all into memory."""
    bitrate = settings.bitrate or DEFAULT_BITRATES[settings.format]
    tags = {"title": title, "artist": settings.artist, "comment": settings.comment}

    check_rate = checking_rate(settings.format, engine.sample_rate)
    measure = _measurer(engine.sample_rate, check_rate, settings)

    def encoder(to: Path = path) -> Encoder:
        # Each encode is decoded and measured as it is made, the way a listener's player will decode it.
        return open_encoder(to, audio_format=settings.format, sample_rate=engine.sample_rate, bitrate=bitrate,
                             tags=tags, display_name=display_name, check=measure, check_rate=check_rate)

    pauses = pause_plan([(s.is_title, s.ends_paragraph, s.starts_chapter) for s in script], settings)
    spoken = synthesize_sentences([s.spoken for s in script], engine, voice, settings.rate,
                                  engine_settings(settings, engine).max_piece_chars)
    if read_ahead_sentences:
        spoken = read_ahead(spoken, read_ahead_sentences)
    stitcher = Stitcher(sample_rate=engine.sample_rate, clause_ms=settings.pauses.clause)
    timings: list[Timing] = []

    def program() -> Iterator[bytes]:
        yield stitcher.silence(settings.pauses.lead)
        for sentence_audio, pause_ms in zip(spoken, pauses, strict=True):
            pcm, timing = stitcher.sentence(sentence_audio, pause_ms)
            timings.append(timing)
            if len(timings) % TRIM_EVERY_SENTENCES == 0:
                release_free_memory()
            if progress is not None:
                progress(len(timings), len(script), stitcher.frames / engine.sample_rate)
            yield pcm

    aim = first_aim(settings)
    try:
        if overlap_encoding:
            first, passes, measured, whole_program = _level_while_encoding(
                program(), encoder, engine.sample_rate, aim, raw, in_spec=lambda m: _miss(m, settings) == 0)
        else:
            for pcm in program():
                raw.append(pcm)
            chunks, leveled = level_program(raw, engine.sample_rate, aim.lufs, aim.ceiling_dbfs)
            measured = _encode(chunks, encoder)
            passes, whole_program, first = 1, (chunks, leveled), FirstEncode.of(leveled)
    finally:
        spoken.close()  # a failed render stops the synthesis thread now, before the engine is closed
    delivered = deliver_in_spec(path, scratch, measured, raw, encoder, engine.sample_rate, settings, aim, first,
                                whole_program)
    return _Produced(stitcher.frames, tuple(timings), delivered.loudness, passes + delivered.encodes,
                     delivered.in_spec)


@dataclass(frozen=True)
class FirstEncode:
    """How the program encoded first was leveled: its gain, whether the limiter acted, and the loudness the
    leveler gave it (asked only when the encoded file missed the target: for a streamed encode, reading it
    takes another pass over the program)."""

    gain_db: float
    limited: bool
    lufs: Callable[[], float] = field(compare=False, repr=False)

    @classmethod
    def of(cls, result: LoudnessResult) -> FirstEncode:
        """The leveling of a program leveled and measured whole."""
        return cls(result.gain_db, result.limited, lambda: result.output_lufs)


@dataclass(frozen=True)
class Delivered:
    """The delivered file's loudness as decoded, whether it meets the target, and the extra encodes it took."""

    loudness: LoudnessResult
    in_spec: bool
    encodes: int


def deliver_in_spec(
    path: Path, scratch: Path, measured: Measurement, raw: Sequence[bytes], encoder: Callable[[Path], Encoder],
    rate: int, settings: RenderSettings, aim: LevelAim, encoded: FirstEncode,
    whole_program: tuple[Iterable[bytes], LoudnessResult] | None = None,
) -> Delivered:
    """Given what a listener gets of the encoded file at `path` (`measured`, as decoded): while it misses the loudness target
    or the true-peak ceiling, encode the leveled program again into `scratch` with a correction (a plain gain
    for what the codec did to the loudness, a local cut where it overshot the ceiling), at most DELIVERY_PASSES
    times, and keep whichever encode came closest at `path`.

    `encoded` is how the program that was encoded first was leveled. The gain is corrected only
    when the leveler reached its aim (a program the limiter held below it, a click in silence, stays as the
    limiter left it), never by more than MAX_DELIVERY_BOOST_DB, and cuts are sized for the new gain.
    `whole_program` is the program leveled whole for the aim, when that is what was encoded first (else it is
    leveled here, only if a correction is needed).
    """
    best = (_miss(measured, settings), measured, encoded.gain_db)
    if best[0] == 0:
        return Delivered(_delivered(measured, encoded.gain_db, encoded.limited), True, 0)
    chunks, program = whole_program or level_program(raw, rate, aim.lufs, aim.ceiling_dbfs)
    correct_gain = math.isfinite(program.output_lufs) and abs(program.output_lufs - aim.lufs) <= 1.0
    trim = PeakTrim(program_seconds=program_frames(raw) / rate)
    encoded_lufs = encoded.lufs()  # the leveler's reading of what was just encoded
    encodes = 0
    while encodes < DELIVERY_PASSES:
        gain_db = trim.gain_db
        # Loudness inside the window is left alone: chasing the exact target moves a lossy codec's peaks again.
        if correct_gain and _loudness_miss(measured, settings) > 0:
            codec_shift = measured.lufs - encoded_lufs
            gain_db = min(MAX_DELIVERY_BOOST_DB, settings.loudness_lufs - codec_shift - program.output_lufs,
                          trim.gain_db + MAX_CORRECTION_STEP_DB)  # blocks further under were not listed
        change = gain_db - trim.gain_db
        overshoots = 0
        if measured.true_peak_dbfs + change > settings.true_peak_dbfs:  # over the ceiling: cut all that came near
            overshoots = trim.lower_overshoots(measured.block_peaks.scaled(10 ** (change / 20)),
                                               settings.true_peak_dbfs - PEAK_CORRECTION_MARGIN_DB)
        if abs(change) < 0.01 and not overshoots:
            break  # nothing left to correct
        trim.gain_db = gain_db
        measured = _encode(trim.apply(chunks, rate), lambda: encoder(scratch))
        encodes += 1
        encoded_lufs = program.output_lufs + trim.gain_db
        if _miss(measured, settings) < best[0]:
            os.replace(scratch, path)
            best = (_miss(measured, settings), measured, program.gain_db + trim.gain_db)
        if best[0] == 0:
            break
    miss, measured, gain = best
    return Delivered(_delivered(measured, gain, encoded.limited or program.limited), miss == 0, encodes)


def _measurer(program_rate: int, rate: int, settings: RenderSettings) -> Callable[[Iterable[bytes]], Measurement]:
    """What measures an encoded stream as its decoder gives it (at `rate`); the loudness at half that rate when
    the program has nothing above a quarter of it (a 22 kHz voice in 48 kHz Opus: within a few hundredths of
    a LU). It lists the peaks of only those 10 ms blocks that one correction of deliver_in_spec (at most
    MAX_CORRECTION_STEP_DB louder) could lift over the ceiling it aims under."""
    step = 2 if program_rate <= rate // 2 else 1
    floor = settings.true_peak_dbfs - PEAK_CORRECTION_MARGIN_DB - MAX_CORRECTION_STEP_DB - 0.2
    return lambda blocks: measure_float32(blocks, rate, loudness_step=step, loud_floor_dbfs=floor)


def _delivered(measured: Measurement, gain_db: float, limited: bool) -> LoudnessResult:
    return LoudnessResult(measured.lufs, measured.true_peak_dbfs, gain_db, limited)


def _loudness_miss(measured: Measurement, settings: RenderSettings) -> float:
    """How many LU a delivered file is outside the loudness window (silence has no loudness to miss)."""
    if not math.isfinite(measured.lufs):
        return 0.0
    return max(0.0, abs(measured.lufs - settings.loudness_lufs) - DELIVERY_TOLERANCE_LU)


def _miss(measured: Measurement, settings: RenderSettings) -> float:
    """How far, in dB, a delivered file is outside the loudness window and over the ceiling (0: in spec)."""
    return _loudness_miss(measured, settings) + max(0.0, measured.true_peak_dbfs - settings.true_peak_dbfs)


def _level_while_encoding(
    program: Iterator[bytes], encoder: Callable[[], Encoder], rate: int, aim: LevelAim, raw: PcmSpool,
    in_spec: Callable[[Measurement], bool],
) -> tuple[FirstEncode, int, Measurement, tuple[Leveled, LoudnessResult] | None]:
    """The encoder works on the other core while later sentences are synthesized; the gain comes from a warm-up
    stretch. A file that decodes out of spec because the warm-up misjudged the program (the leveler's own
    reading of its output missed the aim) is encoded again from the spooled raw program, leveled whole.
    Returns how the encoded program was leveled, the number of encodes, the encoded file's measurement, and
    the program leveled whole when it was (for any correction to start from)."""
    leveler = StreamingLeveler(rate, aim.lufs, aim.ceiling_dbfs, raw=raw)
    stream = encoder()
    try:
        for pcm in program:
            stream.write(leveler.process(pcm))
        stream.write(leveler.flush())
        measured = stream.finish()
    except BaseException:
        stream.abort()
        raise
    if in_spec(measured) or not leveler.needs_relevel(leveler.result()):
        return FirstEncode(leveler.gain_db, leveler.limited, lambda: leveler.result().output_lufs), 1, measured, None
    chunks, loudness = leveler.relevel()
    return FirstEncode.of(loudness), 2, _encode(chunks, encoder), (chunks, loudness)


def _encode(chunks: Iterable[bytes], encoder: Callable[[], Encoder]) -> Measurement:
    """Encode finished PCM in one go; the encoded file's measurement."""
    stream = encoder()
    try:
        for chunk in chunks:
            stream.write(chunk)
        return stream.finish()
    except BaseException:
        stream.abort()
        raise


def _render_info(engine: Engine, voice: Voice, settings: RenderSettings, lexicon: Lexicon) -> RenderInfo:
    return RenderInfo(
        engine=engine.name,
        engine_version=engine.version(),
        voice=voice.id,
        rate=settings.rate,
        format=settings.format,
        bitrate=settings.bitrate or DEFAULT_BITRATES[settings.format],
        lexicon=lexicon.path,
        lexicon_sha256=lexicon.sha256,
        pipeline_version=__version__,
        pauses_ms=dataclasses.asdict(settings.pauses),
        loudness_lufs=settings.loudness_lufs,
        true_peak_dbfs=settings.true_peak_dbfs,
        date_order=settings.date_order,
    )
