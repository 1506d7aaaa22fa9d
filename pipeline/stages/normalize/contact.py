"""Rules for contact details and places: phone numbers, e-mail and web addresses, IP addresses, postal addresses."""

from __future__ import annotations

from pipeline.stages.normalize.rule import Rule


def rules() -> tuple[Rule, ...]:
    """The contact and address rules, most specific first; they run before every other rule."""
    return ()
