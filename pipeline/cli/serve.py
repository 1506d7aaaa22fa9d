"""`article-audio serve DIR`: an output folder served for review, with listeners' reports taken in."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from pipeline.cli.options import positive_int


def add_serve_command(commands, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add `serve` to the command line."""
    from pipeline.publish.server import DEFAULT_PORT, FEEDBACK_FILE, FEEDBACK_PATH

    serve = commands.add_parser(
        "serve", help="serve an output folder for review, taking mispronunciation reports",
        description=f"Serve DIR over HTTP (with Range requests, so the audio can be sought) on this machine only "
                    f"unless --host says otherwise. Reports POSTed to {FEEDBACK_PATH} are checked and appended to "
                    f"DIR/{FEEDBACK_FILE}; render pages with --feedback-url {FEEDBACK_PATH} to send them here.")
    serve.add_argument("folder", metavar="DIR", nargs="?", default="audio_out", help="the folder (default audio_out)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="N", help=f"port (default {DEFAULT_PORT}; 0: any free one)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                       help="another site whose pages may send reports here, e.g. https://news.example.com (repeatable)")
    serve.add_argument("--max-feedback-mb", type=positive_int, default=64, metavar="MB",
                       help="stop taking reports when feedback.jsonl reaches this size (default 64)")


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM."""
    from pipeline.publish.server import FEEDBACK_FILE, ServeOptions, is_loopback, serve_forever

    options = ServeOptions(Path(args.folder), args.host, args.port, tuple(args.allow_origin),
                           args.max_feedback_mb * 1024**2)

    def ready(url: str) -> None:
        print(f"serving {options.folder} at {url} (Ctrl-C to stop); reports go to {options.folder / FEEDBACK_FILE}",
              flush=True)
        if not is_loopback(options.host):
            print(f"article-audio: warning: listening on {options.host}: anyone who can reach it can read these "
                  "files and send reports", file=sys.stderr, flush=True)

    try:
        asyncio.run(serve_forever(options, ready))
    except KeyboardInterrupt:  # a signal that came before the loop took them over
        pass
    print("stopped", file=sys.stderr)
    return 0
