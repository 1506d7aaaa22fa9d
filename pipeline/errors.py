"""The exceptions article-audio raises; each message says what is wrong and the likely fix."""

from __future__ import annotations


class ArticleAudioError(Exception):
    """Base of every error the tool reports to its user as one line."""

    exit_code = 1


class UsageError(ArticleAudioError):
    """A command was called with options that do not fit together or are unknown."""

    exit_code = 2


class InputError(ArticleAudioError):
    """The article cannot be read or holds nothing to speak."""

    exit_code = 2


class LexiconError(InputError):
    """The pronunciation lexicon cannot be read or has an invalid entry."""


class OutputError(ArticleAudioError):
    """The output location cannot be written before any work starts."""

    exit_code = 2


class TryAgainLater(ArticleAudioError):
    """Something the run needs is busy or away for now (another batch holds the folder, the Dask scheduler is
    unreachable): exit 75, EX_TEMPFAIL, and the next scheduled run tries again."""

    exit_code = 75


class EngineError(ArticleAudioError):
    """The speech engine is missing, failed, hung or returned no audio."""


class ExportError(ArticleAudioError):
    """Writing or encoding the rendition failed part-way (full disk, encoder failure)."""
