"""Options that several commands share, defined once so they read and check the same everywhere."""

from __future__ import annotations

import argparse
from dataclasses import replace

from pipeline.errors import UsageError
from pipeline.settings import DATE_ORDERS, DEFAULT_PAUSES_MS, Pauses


def add_date_order(parser: argparse.ArgumentParser, default: str | None = "mdy") -> None:
    """--date-order: how numeric dates are read."""
    parser.add_argument("--date-order", choices=DATE_ORDERS, default=default,
                        help="read numeric dates like 03/04/2025 month first (mdy, default) or day first (dmy)")


def add_pause_option(parser: argparse.ArgumentParser) -> None:
    """--pause KIND=MS, repeatable."""
    parser.add_argument("--pause", action="append", default=[], metavar="KIND=MS",
                        help="change a pause, e.g. --pause paragraph=1200; kinds: " + ", ".join(DEFAULT_PAUSES_MS)
                        + " (repeatable)")


def parse_pauses(options: list[str], label: str = "--pause", base: Pauses = Pauses()) -> Pauses:
    """`base` with the KIND=MS changes applied in order; `label` names their source in an error."""
    changes = {}
    for option in options:
        kind, _, value = option.partition("=")
        if kind not in DEFAULT_PAUSES_MS or not value.isdigit() or int(value) > 10_000:
            raise UsageError(f"{label} {option!r}: write KIND=MS with KIND one of {', '.join(DEFAULT_PAUSES_MS)} "
                             "and MS a whole number of milliseconds up to 10000")
        changes[kind] = int(value)
    return replace(base, **changes)


def plural(count: int, noun: str) -> str:
    """"1 sentence", "2 sentences"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def positive_minutes(text: str) -> float:
    """An argparse type: a number of minutes greater than zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of minutes greater than 0")
    return value


def positive_int(text: str) -> int:
    """An argparse type: a whole number greater than zero."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number greater than 0")
    return int(text)
