"""The spoken script: every sentence's written text, what the engine is asked to say, and why."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.lexicon.model import Lexicon, fired_entries
from pipeline.stages.article import Article
from pipeline.stages.normalize import DEFAULT_DATE_ORDER, SpokenPiece, flagged, normalize_sentence, not_spoken, notable
from pipeline.stages.split import split_sentences
from pipeline.stages.word_timings import WordMap

_SPEAKABLE = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class ScriptSentence:
    """One sentence of the rendition, linked back to the written article."""

    paragraph: int
    text: str
    spoken: str
    lexicon: tuple[str, ...]
    is_title: bool = False
    ends_paragraph: bool = False
    pieces: tuple[SpokenPiece, ...] = ()
    starts_chapter: bool = False
    #: Which written words each stretch of the spoken text says: word timings are laid onto the text with it.
    word_map: WordMap = WordMap()

    @property
    def not_spoken(self) -> tuple[SpokenPiece, ...]:
        """Written spans left out of the spoken form (markup, emoji, other scripts)."""
        return not_spoken(self.pieces)

    @property
    def flags(self) -> tuple[SpokenPiece, ...]:
        """Pieces whose reading an editor should check."""
        return flagged(self.pieces)


def split_blocks(article: Article) -> tuple[tuple[str, ...], ...]:
    """The article's blocks (title first) as sentences; the title is never split."""
    body = tuple(split_sentences(paragraph) for paragraph in article.paragraphs)
    return ((article.title,),) + body if article.title else body


def build_script(article: Article, lexicon: Lexicon, date_order: str = DEFAULT_DATE_ORDER, *,
                 notable_only: bool = False) -> tuple[ScriptSentence, ...]:
    """Split, apply the lexicon, then normalize: one ScriptSentence per written sentence.

    With `notable_only` each sentence keeps only the pieces its `not_spoken` and `flags` are made of (what a
    render reports), not every spoken piece: a book's full pieces take about 40 MB.
    """
    script = []
    offset = 1 if article.title else 0
    chapters = set(article.chapters)
    for number, sentences in enumerate(split_blocks(article)):
        is_title = article.title is not None and number == 0
        opens_chapter = not is_title and number - offset in chapters
        for position, text in enumerate(sentences):
            pieces = lexicon.apply(text)
            normalized = normalize_sentence(pieces, date_order)
            script.append(
                ScriptSentence(
                    paragraph=number,
                    text=text,
                    spoken=normalized.spoken,
                    lexicon=fired_entries(pieces),
                    is_title=is_title,
                    ends_paragraph=position == len(sentences) - 1,
                    pieces=notable(normalized.pieces) if notable_only else normalized.pieces,
                    starts_chapter=opens_chapter and position == 0,
                    word_map=WordMap.of(normalized.spoken, normalized.pieces),
                )
            )
    # A "sentence" of punctuation alone has nothing to say; an engine would read it as silence or noise.
    return tuple(sentence for sentence in script if _SPEAKABLE.search(sentence.spoken))

