"""Options that several commands share, defined once so they read and check the same everywhere."""

from __future__ import annotations

import argparse
from dataclasses import replace
from urllib.parse import urlsplit

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


def add_feedback_option(parser: argparse.ArgumentParser) -> None:
    """--feedback-url: where the player sends listeners' mispronunciation reports."""
    parser.add_argument("--feedback-url", metavar="URL",
                        help="where the page's player POSTs listeners' mispronunciation reports (an http(s) address, "
                             "or a path such as /feedback for `article-audio serve`); default: none, listeners copy "
                             "or download the report instead")


def check_feedback_url(url: str | None) -> str | None:
    """A feedback endpoint a page may POST to: an http(s) address or a path on the page's own server."""
    if url is None:
        return None
    parts = urlsplit(url)
    if (not url or any(char.isspace() or char in "\"'<>\\" for char in url)
            or (parts.scheme and (parts.scheme.lower() not in ("http", "https") or not parts.netloc))
            or (not parts.scheme and url.startswith("//"))):
        raise UsageError(f"feedback URL {url!r} is not usable; give an http:// or https:// address, or a path on the "
                         "same server such as /feedback")
    return url


def check_notice(text: str) -> str:
    """The player's notice: one line of plain text."""
    notice = " ".join(text.split())
    if not notice or len(notice) > 500:
        raise UsageError("the notice must be one line of text, at most 500 characters")
    return notice
