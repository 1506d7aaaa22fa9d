"""The `article-audio batch` command: a crontab-friendly front end to pipeline.batch.runner."""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import io
import os
import sys
from pathlib import Path

from pipeline.cli.options import add_date_order, add_pause_option, parse_pauses, positive_minutes
from pipeline.errors import UsageError
from pipeline.settings import DATE_ORDERS, DEFAULT_RATE, FORMATS, RenderSettings

try:
    import tomli as tomllib
except ModuleNotFoundError:
    import tomllib  # type: ignore[no-redef]

#: Keys a --config file may set, and the type each takes.
CONFIG_KEYS = {
    "input": str, "out": str, "lexicon": str, "jobs": int, "format": str, "voice": str, "rate": int, "engine": str,
    "date_order": str, "cache_dir": str, "cache_max_mb": int, "feed_url": str, "feed_title": str, "prune": bool,
    "log": str, "pause": dict, "max_minutes": (int, float),
}
PATH_KEYS = {"input", "out", "lexicon", "cache_dir", "log"}
DEFAULT_OUT = "audio_out"


def _voice(value: str | None) -> str | None:
    """A voice as the render key should see it: a Piper voice file by its absolute path, however it was written."""
    return os.path.abspath(os.path.expanduser(value)) if value and value.strip().endswith(".onnx") else value


def add_batch_command(commands, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add `batch` to the command line."""
    batch = commands.add_parser(
        "batch", help="render every new or changed article in a folder (for cron)",
        description="Render every .txt/.md article under INPUT_DIR that is new or out of date; skip the rest. "
                    "Quiet unless something failed. Exit 0 when all succeeded, 1 when any failed, 2 for usage "
                    "errors, 75 when another batch holds the output folder.")
    batch.add_argument("input", nargs="?", metavar="INPUT_DIR", help="folder of articles (or `input` in --config)")
    batch.add_argument("-o", "--out", metavar="DIR", help="output folder (default audio_out, beside --config's file "
                       "when there is one)")
    batch.add_argument("--lexicon", metavar="FILE", help="pronunciation lexicon (TOML)")
    batch.add_argument("--jobs", type=int, metavar="N",
                       help="parallel workers, one core each (default: the cores this process may use)")
    batch.add_argument("--config", metavar="FILE", help="TOML file with these settings; options given here win")
    batch.add_argument("--dry-run", action="store_true", help="list what would be rendered, render nothing")
    batch.add_argument("--log", metavar="FILE", help="append one JSON object per article to FILE")
    batch.add_argument("--feed", metavar="URL_BASE", help="also write feed.xml, a podcast RSS feed, for URL_BASE")
    batch.add_argument("--prune", action="store_true", help="remove renditions whose article is gone")
    batch.add_argument("--format", choices=sorted(FORMATS), help="audio format (default mp3)")
    batch.add_argument("--voice", metavar="V", help="voice id, name or language")
    batch.add_argument("--rate", type=int, metavar="WPM", help=f"speaking rate (default {DEFAULT_RATE})")
    batch.add_argument("--engine", help="speech engine (default espeak)")
    batch.add_argument("--cache-dir", metavar="DIR", help="sentence audio cache (default: article-audio/sentences in the user's cache directory, "
                       "$XDG_CACHE_HOME or ~/.cache)")
    add_date_order(batch, default=None)
    add_pause_option(batch)
    batch.add_argument("--max-minutes", type=positive_minutes, metavar="N",
                       help="fail an article whose estimate is longer than N minutes (default 1440: 24 hours)")
    batch.add_argument("--verbose", action="store_true", help="print the summary line even when all went well")


def usable_cores() -> int:
    """The cores this process may run on (a container's or taskset's limit, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def read_config(path: str) -> dict:
    """A batch config file's settings, with paths made relative to the file's own folder."""
    config_path = Path(path)
    try:
        document = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such config file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot be read ({error}); give a UTF-8 TOML file") from None
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: TOML syntax error: {error}") from None
    for key, value in document.items():
        if key not in CONFIG_KEYS:
            raise UsageError(f"{path}: unknown setting {key!r}; known: {', '.join(CONFIG_KEYS)}")
        kind = CONFIG_KEYS[key]
        if not isinstance(value, kind) or (kind in (int, (int, float)) and isinstance(value, bool)):
            raise UsageError(f"{path}: {key} must be a {'number' if isinstance(kind, tuple) else kind.__name__}")
        if key == "max_minutes" and not value > 0:
            raise UsageError(f"{path}: max_minutes must be greater than 0")
    settings = {key: str(config_path.parent / value) if key in PATH_KEYS else value for key, value in document.items()}
    if str(settings.get("voice", "")).endswith(".onnx"):  # a Piper voice file, beside the config like every path
        settings["voice"] = os.path.abspath(config_path.parent / os.path.expanduser(settings["voice"]))
    # The default output folder is relative to the config file too, like every path in it: a crontab line
    # run from another folder must not scatter renditions there.
    settings.setdefault("out", str(config_path.parent / DEFAULT_OUT))
    return settings


def batch_config(args: argparse.Namespace):
    """Merge the config file and the options into a BatchConfig."""
    from pipeline.batch.runner import DEFAULT_CACHE_MAX_BYTES, BatchConfig
    from pipeline.render import DEFAULT_MAX_MINUTES

    file = read_config(args.config) if args.config else {}

    def pick(option, key, default=None):
        return option if option is not None else file.get(key, default)

    input_dir = pick(args.input, "input")
    if not input_dir:
        raise UsageError("give INPUT_DIR, or `input` in --config")
    date_order = pick(args.date_order, "date_order", "mdy")
    if date_order not in DATE_ORDERS:
        raise UsageError(f"date_order must be one of {', '.join(DATE_ORDERS)}")
    pauses = file.get("pause", {})
    if not isinstance(pauses, dict):
        raise UsageError(f"{args.config}: pause must be a table of KIND = MS, e.g. pause = {{ paragraph = 1200 }}")
    settings = RenderSettings(engine=pick(args.engine, "engine", "espeak"), voice=_voice(pick(args.voice, "voice")),
                              rate=pick(args.rate, "rate", DEFAULT_RATE), format=pick(args.format, "format", "mp3"),
                              date_order=date_order,
                              pauses=parse_pauses(args.pause, base=parse_pauses(
                                  [f"{kind}={ms}" for kind, ms in pauses.items()], f"{args.config}: pause")))
    cache_dir = pick(args.cache_dir, "cache_dir")
    lexicon = pick(args.lexicon, "lexicon")
    return BatchConfig(
        input_dir=Path(input_dir), out_dir=Path(pick(args.out, "out", DEFAULT_OUT)), settings=settings,
        lexicon_path=Path(lexicon) if lexicon else None, jobs=pick(args.jobs, "jobs", usable_cores()),
        cache_dir=Path(cache_dir) if cache_dir else None,
        cache_max_bytes=file.get("cache_max_mb", DEFAULT_CACHE_MAX_BYTES // 2**20) * 2**20,
        dry_run=args.dry_run, prune=args.prune or file.get("prune", False), feed_url=pick(args.feed, "feed_url"),
        feed_title=file.get("feed_title", "Audio articles"),
        max_minutes=float(pick(args.max_minutes, "max_minutes", DEFAULT_MAX_MINUTES)),
    ), pick(args.log, "log")


def cmd_batch(args: argparse.Namespace) -> int:
    """Run a batch; print only what a cron mail needs."""
    from pipeline.batch.runner import run_batch

    # Nobody watches a cron run: if native code (espeak-ng, numpy) crashes, the mail shows where.
    with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
        faulthandler.enable(file=sys.__stderr__)
    config, log_path = batch_config(args)
    try:
        log = open(log_path, "a", encoding="utf-8") if log_path and not config.dry_run else None
    except OSError as error:
        raise UsageError(f"{log_path}: the log cannot be opened ({error.strerror}); check the folder") from None
    show_progress = sys.stderr.isatty() and not config.dry_run

    def on_outcome(outcome, done: int, total: int) -> None:
        if log:
            log.write(outcome.as_json() + "\n")
            log.flush()
        if show_progress:
            filled = round(30 * done / max(total, 1))
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {outcome.source[:40]:<40}")
            sys.stderr.flush()

    try:
        result = run_batch(config, on_outcome)
    finally:
        if log:
            log.close()
        if show_progress:
            sys.stderr.write("\n")
    if config.dry_run:
        for outcome in result.outcomes:
            if outcome.status == "would render":
                print(f"would render {outcome.source}")
        print(result.summary().replace("rendered 0", f"would render {result.count('would render')}"))
        return 0
    failed = [outcome for outcome in result.outcomes if outcome.status == "failed"]
    for outcome in failed:
        print(f"article-audio: failed: {outcome.source}: {outcome.reason}", file=sys.stderr)
    if failed or args.verbose:
        print(result.summary(), file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0
