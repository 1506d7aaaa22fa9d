"""Rules for dates, times, ranges and scores."""

from __future__ import annotations

from pipeline.stages.normalize.rule import Rule


def rules(date_order: str = "mdy") -> tuple[Rule, ...]:
    """The date, time, range and score rules; they run after the contact rules and before all others."""
    return ()
