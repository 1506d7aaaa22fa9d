"""Tokenizing for normalization: typography cleaned up without losing where each character came from.

`prepare` rewrites what the rules should not have to know about (curly quotes, HTML entities, non-breaking
spaces, "½") and keeps, for every character it produces, the span of written text it stands for, so a piece
of the spoken form can always point back at the sentence the editor wrote. `tokenize` cuts the prepared text
into runs of letters, runs of digits, runs of white space and single other characters: the places where a
rule may start or end.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pipeline.stages.normalize.tables import CHARACTER_MAP, UNICODE_FRACTIONS

#: HTML character references, and an apostrophe that reached the text as "¿" or "?" through a wrong encoding.
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MISENCODED_APOSTROPHE = re.compile(r"(?<=[a-z])[¿�](?=(?:s|t|ll|re|ve|d|m)\b)")
_REWRITES = re.compile(
    "|".join([_ENTITY.pattern, _MISENCODED_APOSTROPHE.pattern]
             + [re.escape(character) for character in {**CHARACTER_MAP, **UNICODE_FRACTIONS}])
)
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_TOKEN = re.compile(rf"\s+|[^\W\d_][^\W\d_{_COMBINING}]*(?:[{_COMBINING}]+[^\W\d_]*)*|\d+|.", re.DOTALL)


@dataclass(frozen=True)
class Prepared:
    """Text ready for the rules, with the written span of each of its characters."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def written_span(self, start: int, end: int) -> tuple[int, int]:
        """The written offsets that prepared characters [start, end) came from."""
        if start >= end:
            position = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return position, position
        return self.starts[start], self.ends[end - 1]


_APOSTROPHE_CONTEXT = re.compile(r"(?:s|t|ll|re|ve|d|m)\b")


def _rewrite(match: re.Match[str]) -> str:
    found = match.group()
    if found.startswith("&"):
        character = html.unescape(found)
        text, start, end = match.string, match.start(), match.end()
        if character in "¿�" and start and text[start - 1].islower() and _APOSTROPHE_CONTEXT.match(text, end):
            return "'"  # "person&#191;s": an apostrophe lost to a wrong encoding
        return CHARACTER_MAP.get(character, character) if len(character) == 1 else character
    if found in CHARACTER_MAP:
        return CHARACTER_MAP[found]
    if found in UNICODE_FRACTIONS:
        return f" {UNICODE_FRACTIONS[found]}"
    return "'"  # a misencoded apostrophe


#: Stands for a numeric sign that is not a digit (a footnote's superscript, a circled number): not spoken.
NUMERIC_SIGN = "\ue001"
_SUPERSCRIPT_DIGITS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"}


def _fold_numeric_signs(text: str) -> str:
    """Superscript digits after a letter as digits ("km²" is "km2"); other numeric signs that are not decimal
    digits (footnote superscripts, circled numbers) as NUMERIC_SIGN. Same length as the text."""
    if text.isascii():
        return text
    chars = list(text)
    for index, char in enumerate(chars):
        if char.isascii() or not char.isnumeric() or char in UNICODE_FRACTIONS or unicodedata.category(char) == "Nd":
            continue
        after_letter = index > 0 and chars[index - 1].isalpha()
        chars[index] = _SUPERSCRIPT_DIGITS[char] if after_letter and char in _SUPERSCRIPT_DIGITS else NUMERIC_SIGN
    return "".join(chars)


def prepare(text: str, offset: int = 0) -> Prepared:
    """The text with typography and entities rewritten; offsets count from `offset` in the written text."""
    text = _fold_numeric_signs(text)
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in _REWRITES.finditer(text):
        if match.start() > position:
            chunk = text[position : match.start()]
            parts.append(chunk)
            starts.extend(range(offset + position, offset + match.start()))
            ends.extend(range(offset + position + 1, offset + match.start() + 1))
        replacement = _rewrite(match)
        parts.append(replacement)
        starts.extend([offset + match.start()] * len(replacement))
        ends.extend([offset + match.end()] * len(replacement))
        position = match.end()
    parts.append(text[position:])
    starts.extend(range(offset + position, offset + len(text)))
    ends.extend(range(offset + position + 1, offset + len(text) + 1))
    return Prepared("".join(parts), tuple(starts), tuple(ends))


@dataclass(frozen=True)
class Token:
    """A run of letters, digits or white space, or one other character, at [start, end) of the prepared text."""

    text: str
    start: int
    end: int
    kind: str  # "letters", "digits", "space" or "other"


def _kind(text: str) -> str:
    first = text[0]
    if first.isspace():
        return "space"
    if first.isdigit() and first.isascii():
        return "digits"
    if first.isalpha():
        return "letters"
    return "other"


def tokenize(text: str) -> tuple[Token, ...]:
    """The tokens of prepared text, covering every character once."""
    return tuple(Token(m.group(), m.start(), m.end(), _kind(m.group())) for m in _TOKEN.finditer(text))


#: Scripts an English voice cannot read: spelling them out as letter names is never what a listener wants.
_LATIN_OR_COMMON = re.compile(r"[\u0000-\u024f\u1e00-\u1eff\u0300-\u036f]")


@lru_cache(maxsize=4096)
def is_foreign_script(word: str) -> bool:
    """Whether a run of letters is written in a script other than Latin (an English voice spells those out)."""
    return not _LATIN_OR_COMMON.match(word) and any(unicodedata.category(ch).startswith("L") for ch in word)


def is_emoji(character: str) -> bool:
    """Whether a character is an emoji or a pictograph (or a piece of one: a joiner, a variation selector)."""
    code = ord(character[0])
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2600 <= code <= 0x27BF
        or 0x2B00 <= code <= 0x2BFF
        or code in (0x200D, 0xFE0F, 0xFE0E, 0x20E3)
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
    )
