"""Progress of a long render on a terminal: sentences done, minutes of audio, time left. Silent when standard
error is not a terminal (cron, a pipe, a log file)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

#: Seconds between two updates of the progress line.
UPDATE_SECONDS = 0.5


class Progress:
    """A one-line progress display, rewritten in place; `close` clears it."""

    def __init__(self, stream: TextIO | None = None, clock=time.monotonic) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty()
        self._clock = clock
        self._started = clock()
        self._shown = -UPDATE_SECONDS
        self._width = 0

    def __call__(self, done: int, total: int, audio_seconds: float) -> None:
        """Show how far a render is, at most every UPDATE_SECONDS (and always at the end)."""
        now = self._clock()
        if not self.enabled or (now - self._shown < UPDATE_SECONDS and done < total):
            return
        self._shown = now
        elapsed = now - self._started
        left = elapsed / done * (total - done) if done else 0.0
        line = (f"{done:,} of {total:,} sentences, {audio_seconds / 60:,.1f} min of audio, "
                f"about {format_duration(left)} left")
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)

    def close(self) -> None:
        """Clear the line so that what follows starts on a clean one."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def format_duration(seconds: float) -> str:
    """"45 s", "3 min", "1 h 05 min"."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"
