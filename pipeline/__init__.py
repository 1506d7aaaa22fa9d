"""article-audio: turn a news article into a published audio rendition."""

from __future__ import annotations

__version__ = "0.3.0"
