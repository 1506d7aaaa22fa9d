"""Normalization stage: written form to spoken form, one classified piece per token or span of the sentence.

The mechanism (the rules are data in `rules.py`, what they say is in `readers.py`):
1. **prepare** the written sentence (typography, entities) keeping each character's written offsets;
2. **tokenize** it into runs of letters, digits and white space and single other characters;
3. **classify** left to right: at each token the rules are tried in order; the first whose pattern matches
   there, ends on a token boundary and accepts its context claims the span with its semiotic class, so no
   rule ever fires inside a span another rule has claimed; a token no rule claims is a word, punctuation,
   or something the voice cannot say ("not spoken": markup, emoji, other scripts);
4. **verbalize** each span with its reader; an editor's lexicon entry is a piece no rule touches.
Each piece keeps `char_start`/`char_end` into the written sentence: captions, word timings, the player's
highlighting and listeners' reports hang on them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline.lexicon.model import Piece
from pipeline.stages.normalize.capitals import engine_respelling, recase_headlines
from pipeline.stages.normalize.rule import Reading, Rule
from pipeline.stages.normalize.rules import rules
from pipeline.stages.normalize.tokens import Prepared, Token, is_emoji, is_foreign_script, prepare, tokenize

DEFAULT_DATE_ORDER = "mdy"
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?])")
_REPEATED_COMMAS = re.compile(r"(?:,\s*){2,}")
_TERMINAL = re.compile(r"[.!?][\"')\]]*\s*$")
#: Stands in the prepared text for a span an editor's lexicon entry replaced: no rule matches it.
LEXICON_MARK = "\ue000"
#: Characters the engine hears as prosody (a pause, a question), passed through as they are...
PUNCTUATION = frozenset(".,;:!?'\"()[]{}-—–/…")
#: ...except square brackets, said as round ones: "[[" is how a lexicon entry's phonemes reach the neural voice,
#: and text from the article must never pass for phonemes.
SPOKEN_PUNCTUATION = {"[": "(", "]": ")"}


@dataclass(frozen=True, slots=True)  # a book has hundreds of thousands of them
class SpokenPiece:
    """One piece of a sentence's spoken form and the written text [char_start, char_end) it came from."""

    spoken: str
    char_start: int
    char_end: int
    kind: str  # "rule", "word", "lexicon", "punctuation" or "not spoken"
    semiotic_class: str
    rule: str
    flag: str | None = None


@dataclass(frozen=True)
class Normalized:
    """A sentence's spoken form and the pieces it was made of."""

    spoken: str
    pieces: tuple[SpokenPiece, ...]

    @property
    def not_spoken(self) -> tuple[SpokenPiece, ...]:
        """The written spans left out of the spoken form."""
        return not_spoken(self.pieces)

    @property
    def flags(self) -> tuple[SpokenPiece, ...]:
        """The pieces the normalizer was least sure of."""
        return flagged(self.pieces)


def not_spoken(pieces: Iterable[SpokenPiece]) -> tuple[SpokenPiece, ...]:
    """The pieces left out of the spoken form (markup, emoji, other scripts)."""
    return tuple(piece for piece in pieces if piece.kind == "not spoken")


def flagged(pieces: Iterable[SpokenPiece]) -> tuple[SpokenPiece, ...]:
    """The pieces whose reading an editor should check."""
    return tuple(piece for piece in pieces if piece.flag)


def notable(pieces: Iterable[SpokenPiece]) -> tuple[SpokenPiece, ...]:
    """The pieces `not_spoken` or `flagged` would pick, in order: all a report needs of a sentence's pieces."""
    pieces = tuple(pieces)
    kept = {id(piece) for piece in not_spoken(pieces) + flagged(pieces)}
    return tuple(piece for piece in pieces if id(piece) in kept)


@lru_cache(maxsize=4)
def compiled_rules(date_order: str = DEFAULT_DATE_ORDER) -> tuple[Rule, ...]:
    """The rules for a date order, compiled once."""
    return rules(date_order)


def _tidy(text: str) -> str:
    text = _SPACES.sub(" ", text)
    text = _REPEATED_COMMAS.sub(", ", text)
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text).strip()


def _assemble(pieces: Sequence[Piece]) -> tuple[Prepared, dict[int, Piece], str]:
    """One prepared text for the sentence, a mark where each lexicon piece stands, and the written sentence."""
    texts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    lexicon_at: dict[int, Piece] = {}
    offset = 0
    for piece in pieces:
        written = piece.written_text
        if piece.entry is not None:
            lexicon_at[sum(map(len, texts))] = piece
            texts.append(LEXICON_MARK)
            starts.append(offset)
            ends.append(offset + len(written))
        else:
            prepared = prepare(written, offset)
            texts.append(prepared.text)
            starts.extend(prepared.starts)
            ends.extend(prepared.ends)
        offset += len(written)
    return Prepared("".join(texts), tuple(starts), tuple(ends)), lexicon_at, "".join(p.written_text for p in pieces)


def _claim(text: str, token: Token, boundaries: frozenset[int], rule_list: Sequence[Rule]):
    """The first rule that claims a span starting at this token, its end and its reading."""
    for rule in rule_list:
        match = rule.pattern.match(text, token.start)
        if match is None or match.end() <= token.start or match.end() not in boundaries:
            continue
        if LEXICON_MARK in match.group():
            continue
        reading = rule.speak(match)
        if reading is None or reading == match.group():
            continue  # the rule looked and decided this is not its case
        if isinstance(reading, str):
            reading = Reading(reading, rule.flag)
        return rule, match.end(), reading
    return None


def _piece(prepared: Prepared, start: int, end: int, spoken: str, kind: str, semiotic_class: str, rule: str,
           flag: str | None = None) -> SpokenPiece:
    text = prepared.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    char_start, char_end = prepared.written_span(start, end)
    return SpokenPiece(spoken, char_start, char_end, kind, semiotic_class, rule, flag)


def _unclaimed(prepared: Prepared, token: Token) -> SpokenPiece:
    """A token no rule claimed: a word, punctuation, or something the voice cannot say."""
    if token.kind == "letters":
        if is_foreign_script(token.text):
            return _piece(prepared, token.start, token.end, "", "not spoken", "foreign script", "script the voice cannot read")
        return _piece(prepared, token.start, token.end, token.text, "word", "word", "word")
    if is_emoji(token.text):
        return _piece(prepared, token.start, token.end, "", "not spoken", "emoji", "emoji")
    if token.text in PUNCTUATION:
        return _piece(prepared, token.start, token.end, SPOKEN_PUNCTUATION.get(token.text, token.text), "punctuation",
                      "punctuation", "punctuation")
    return _piece(prepared, token.start, token.end, "", "not spoken", "symbol", "symbol with no reading")


def _append(spoken_parts: list[str], result: list[SpokenPiece], piece: SpokenPiece, spoken: str) -> None:
    """Add a piece; two touching pieces, one of them a rule's words, get a space between them ("No.1")."""
    if result and spoken_parts and not spoken_parts[-1].endswith(" ") and not spoken.startswith(" "):
        previous = result[-1]
        if "rule" in (previous.kind, piece.kind) and "punctuation" not in (previous.kind, piece.kind) \
                and previous.spoken and piece.spoken:
            spoken_parts.append(" ")
    result.append(piece)
    spoken_parts.append(spoken)


def _disjoint(pieces: list[SpokenPiece]) -> list[SpokenPiece]:
    """Pieces whose written spans overlap (two made from one written character, "½" or an entity) as one."""
    merged: list[SpokenPiece] = []
    for piece in pieces:
        last = merged[-1] if merged else None
        if last is not None and piece.char_start < last.char_end:
            kind = "rule" if "rule" in (last.kind, piece.kind) else last.kind
            spoken = " ".join(part.spoken for part in (last, piece) if part.spoken and part.kind != "punctuation")
            merged[-1] = SpokenPiece(spoken, last.char_start, max(last.char_end, piece.char_end), kind,
                                     last.semiotic_class, last.rule, last.flag or piece.flag)
        else:
            merged.append(piece)
    return merged


def normalize_sentence(pieces: Iterable[Piece], date_order: str = DEFAULT_DATE_ORDER) -> Normalized:
    """The spoken form of a sentence as classified pieces; lexicon replacements pass through untouched."""
    pieces = tuple(pieces)
    prepared, lexicon_at, written = _assemble(pieces)
    prepared = Prepared(recase_headlines(prepared.text), prepared.starts, prepared.ends)
    text = prepared.text
    tokens = tokenize(text)
    boundaries = frozenset(token.start for token in tokens) | {len(text)}
    rule_list = compiled_rules(date_order)
    spoken_parts: list[str] = []
    result: list[SpokenPiece] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.kind == "space":
            spoken_parts.append(" ")
            continue
        if token.start in lexicon_at:
            piece = lexicon_at[token.start]
            say = engine_respelling(piece.text)
            _append(spoken_parts, result, _piece(prepared, token.start, token.end, say, "lexicon", "lexicon",
                                                 piece.entry.word), say)
            continue
        claimed = _claim(text, token, boundaries, rule_list)
        if claimed is None:
            piece = _unclaimed(prepared, token)
            _append(spoken_parts, result, piece, piece.spoken if piece.kind != "not spoken" else " ")
            continue
        rule, end, reading = claimed
        kind = "not spoken" if rule.semiotic_class == "markup" else "rule"
        _append(spoken_parts, result, _piece(prepared, token.start, end, reading.spoken.strip(), kind,
                                             rule.semiotic_class, rule.name, reading.flag), reading.spoken)
        while index < len(tokens) and tokens[index].start < end:
            index += 1
    spoken = _tidy("".join(spoken_parts))
    result = _disjoint(result)
    # A rule may swallow the final period with an abbreviation ("in the U.S."); the engine needs it back.
    if _TERMINAL.search(written) and spoken and not _TERMINAL.search(spoken):
        spoken += "."
    return Normalized(spoken, tuple(result))


def normalize_pieces(pieces: Iterable[Piece], date_order: str = DEFAULT_DATE_ORDER) -> str:
    """The spoken form of a sentence: rules rewrite plain pieces; lexicon replacements pass through."""
    return normalize_sentence(pieces, date_order).spoken


def normalize_text(text: str, date_order: str = DEFAULT_DATE_ORDER) -> str:
    """The spoken form of a run of written text."""
    return normalize_sentence((Piece(text),), date_order).spoken


__all__ = ["Normalized", "SpokenPiece", "flagged", "not_spoken", "notable", "normalize_sentence", "normalize_text", "normalize_pieces", "compiled_rules"]
