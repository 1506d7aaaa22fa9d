"""The `article-audio` command: a thin layer over the library that turns errors into one line."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from pipeline import __version__
from pipeline.cli.batch import add_batch_command, cmd_batch
from pipeline.cli.lexicon import add_lexicon_commands, cmd_lexicon
from pipeline.cli.render import RENDER_COMMANDS, add_render_commands
from pipeline.cli.serve import add_serve_command, cmd_serve
from pipeline.errors import ArticleAudioError, UsageError
from pipeline.memory import tune_allocator

PROGRAM = "article-audio"


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = _Parser(prog=PROGRAM, description="Turn a news article into a published audio rendition.")
    parser.add_argument("--version", action="version", version=f"{PROGRAM} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    add_render_commands(commands)
    add_lexicon_commands(commands, _Parser)
    add_batch_command(commands, _Parser)
    add_serve_command(commands, _Parser)
    return parser


COMMANDS = {**RENDER_COMMANDS, "lexicon": cmd_lexicon, "batch": cmd_batch, "serve": cmd_serve}


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    tune_allocator()
    previous = None
    if threading.current_thread() is threading.main_thread():
        # SIGTERM unwinds like Ctrl-C, so staged partial files are removed on the way out.
        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except ArticleAudioError as error:
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"{PROGRAM}: interrupted; no partial file was left", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
