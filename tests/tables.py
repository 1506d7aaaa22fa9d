"""Helpers for the table-driven tests."""

from __future__ import annotations


def cases(table: str) -> list[tuple[str, str]]:
    """Rows of `written => spoken`, one per line."""
    return [tuple(part.strip() for part in line.split("=>")) for line in table.strip().splitlines()]
