"""Pronunciation lexicon: editor-reviewed overrides that replace written words with respellings."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import LexiconError

try:
    import tomli as tomllib  # its compiled wheels parse a 5,000-entry lexicon three times faster than the stdlib
except ModuleNotFoundError:
    import tomllib  # type: ignore[no-redef]

MAX_LEXICON_BYTES = 16 * 1024 * 1024
_KNOWN_KEYS = {"word", "say", "ipa", "case_sensitive", "whole_word", "note", "example"}
_ENTRY_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*entry[ \t]*\]\]", re.MULTILINE)


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: the written form and what the engine should say instead."""

    word: str
    say: str | None = None
    ipa: str | None = None
    case_sensitive: bool = False
    whole_word: bool = True
    note: str | None = None
    example: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Piece:
    """A run of sentence text; `entry` is set when a lexicon entry produced it, `written` is what it replaced."""

    text: str
    entry: Entry | None = None
    written: str | None = None

    @property
    def written_text(self) -> str:
        """The written text this piece stands for."""
        return self.text if self.entry is None else (self.written or "")


@dataclass(frozen=True)
class Lexicon:
    """A loaded lexicon with one compiled matcher over all its entries.

    `phoneme_input`, for an engine that takes phonemes (Piper), turns an entry's IPA into what that engine is
    given instead of the respelling; entries with IPA only then apply too. Without it only respellings do.
    """

    entries: tuple[Entry, ...]
    sha256: str | None = None
    path: str | None = None
    phoneme_input: Callable[[str], str] | None = field(default=None, repr=False, compare=False)
    matcher: Matcher = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "matcher", Matcher(self.entries, ipa=self.phoneme_input is not None))

    def apply(self, sentence: str) -> tuple[Piece, ...]:
        """Replace every match in the sentence, longest first, never re-matching replaced text."""
        return apply_lexicon(self, sentence)

    def reading(self, entry: Entry) -> str:
        """What the engine is given for an entry: its IPA as phoneme input where the engine takes it and the IPA
        has something speakable, else the respelling, else the written word itself."""
        if self.phoneme_input is not None and entry.ipa:
            phonemes = self.phoneme_input(entry.ipa)
            if phonemes:
                return phonemes
        return entry.say or entry.word

    def with_phoneme_input(self, phoneme_input: Callable[[str], str] | None) -> Lexicon:
        """The same lexicon read by an engine that takes phonemes this way (None: respellings only)."""
        return self if phoneme_input is self.phoneme_input else dataclasses.replace(self, phoneme_input=phoneme_input)


def load_lexicon(path: str | Path | None) -> Lexicon:
    """Load a TOML lexicon; None gives the empty lexicon."""
    if path is None:
        return EMPTY_LEXICON
    path = Path(path)
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "no such file"
        raise LexiconError(f"{path}: {what}; give the path of a TOML lexicon")
    data = path.read_bytes()
    if len(data) > MAX_LEXICON_BYTES:
        raise LexiconError(f"{path}: larger than 16 MiB; is this really a lexicon?")
    return parse_lexicon(data, name=str(path))


def parse_lexicon(data: bytes, *, name: str = "lexicon") -> Lexicon:
    """Parse lexicon TOML bytes, reporting the line of any error."""
    entries, _ = entries_from_toml(data, name=name, strict=True)
    return Lexicon(entries=entries, sha256=hashlib.sha256(data).hexdigest(), path=name)


def entries_from_toml(data: bytes, *, name: str, strict: bool) -> tuple[tuple[Entry, ...], list[tuple[int, str]]]:
    """The entries of a TOML lexicon; strict stops at the first bad entry, otherwise bad entries are listed."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LexiconError(f"{name}: not UTF-8 (invalid byte at offset {error.start}); re-save it as UTF-8") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LexiconError(f"{name}: TOML syntax error: {error}; fix that line") from None
    unknown_tables = set(document) - {"entry"}
    if unknown_tables:
        raise LexiconError(f"{name}: unknown top-level key {sorted(unknown_tables)[0]!r}; entries go in [[entry]] tables")
    raw_entries = document.get("entry", [])
    if not isinstance(raw_entries, list):
        raise LexiconError(f"{name}: 'entry' must be an array of tables, written [[entry]]")
    header_lines, line, position = [], 1, 0
    for match in _ENTRY_HEADER.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        header_lines.append(line)
    entries, problems = [], []
    for index, raw in enumerate(raw_entries):
        line = header_lines[index] if index < len(header_lines) else 0
        try:
            entries.append(_entry(raw, f"{name}:{line}", line))
        except LexiconError as error:
            if strict:
                raise
            problems.append((line, str(error).split(": ", 1)[-1]))
    return tuple(entries), problems


def _entry(raw: dict, where: str, line: int) -> Entry:
    unknown = set(raw) - _KNOWN_KEYS
    if unknown:
        raise LexiconError(f"{where}: unknown key {sorted(unknown)[0]!r}; allowed keys are {', '.join(sorted(_KNOWN_KEYS))}")
    for key in ("word", "say"):
        value = raw.get(key)
        if key == "say" and value is None and isinstance(raw.get("ipa"), str) and raw["ipa"].strip():
            continue  # an IPA-only entry, for engines that take phonemes
        if not isinstance(value, str) or not value.strip():
            raise LexiconError(f"{where}: entry needs a non-empty text '{key}'")
    for key in ("ipa", "note", "example"):
        if key in raw and not isinstance(raw[key], str):
            raise LexiconError(f"{where}: '{key}' must be text")
    for key in ("case_sensitive", "whole_word"):
        if key in raw and not isinstance(raw[key], bool):
            raise LexiconError(f"{where}: '{key}' must be true or false")
    return Entry(
        word=" ".join(raw["word"].split()),
        say=" ".join(raw["say"].split()) if raw.get("say") else None,
        ipa=raw.get("ipa"),
        case_sensitive=raw.get("case_sensitive", False),
        whole_word=raw.get("whole_word", True),
        note=raw.get("note"),
        example=raw.get("example"),
        line=line,
    )


def _pattern(entry: Entry) -> str:
    # Spaces in a phrase match any run of white space, so wrapped text still matches.
    body = r"\s+".join(re.escape(part) for part in entry.word.split(" "))
    if not entry.case_sensitive:
        body = f"(?i:{body})"
    if entry.whole_word:
        body = rf"(?<!\w){body}(?!\w)"
    return body


_TOKEN = re.compile(r"\w+")


class Matcher:
    """Finds entries in a sentence without trying every entry at every position.

    Whole-word entries that begin with a word character are indexed by their first word, lowercased: at each
    word in the sentence only the entries starting with that word are tried, longest first. The rest (entries
    that match inside words or begin with punctuation) share one alternation. Each pattern is compiled on
    first use, so a lexicon of thousands of entries costs little to load.
    """

    def __init__(self, entries: tuple[Entry, ...], ipa: bool = False) -> None:
        speakable = sorted((e for e in entries if e.say or (ipa and e.ipa)),
                           key=lambda e: (-len(e.word), not e.case_sensitive))
        self.by_first_word: dict[str, list[Entry]] = {}
        self.others: list[Entry] = []
        for entry in speakable:
            first = _TOKEN.match(entry.word)
            if entry.whole_word and first:
                self.by_first_word.setdefault(first.group(0).lower(), []).append(entry)
            else:
                self.others.append(entry)
        self._priority = {entry: rank for rank, entry in enumerate(speakable)}
        self._compiled: dict[Entry, re.Pattern[str]] = {}
        self._others = re.compile("|".join(f"({_pattern(e)})" for e in self.others)) if self.others else None

    def __bool__(self) -> bool:
        return bool(self.by_first_word or self.others)

    def _pattern(self, entry: Entry) -> re.Pattern[str]:
        compiled = self._compiled.get(entry)
        if compiled is None:
            compiled = self._compiled[entry] = re.compile(_pattern(entry))
        return compiled

    def matches(self, sentence: str) -> list[tuple[int, int, Entry]]:
        """Non-overlapping matches, leftmost first and longest at each place."""
        found: list[tuple[int, int, Entry]] = []
        for token in _TOKEN.finditer(sentence):
            for entry in self.by_first_word.get(token.group(0).lower(), ()):
                match = self._pattern(entry).match(sentence, token.start())
                if match:
                    found.append((match.start(), match.end(), entry))
                    break  # candidates are longest first
        if self._others is not None:
            # Every start position, not finditer's non-overlapping run: a match that loses to an overlapping
            # whole-word entry must not hide a later one ("abc ab" with "c a" and "ab").
            position = 0
            while (match := self._others.search(sentence, position)) is not None:
                found.append((match.start(), match.end(), self.others[match.lastindex - 1]))
                position = match.start() + 1
        found.sort(key=lambda item: (item[0], item[0] - item[1], self._priority[item[2]]))
        chosen: list[tuple[int, int, Entry]] = []
        for start, end, entry in found:
            if not chosen or start >= chosen[-1][1]:
                chosen.append((start, end, entry))
        return chosen


def apply_lexicon(lexicon: Lexicon, sentence: str) -> tuple[Piece, ...]:
    """Split a sentence into plain pieces and pieces an entry replaced."""
    if not lexicon.matcher:
        return (Piece(sentence),)
    pieces: list[Piece] = []
    position = 0
    for start, end, entry in lexicon.matcher.matches(sentence):
        if start > position:
            pieces.append(Piece(sentence[position:start]))
        pieces.append(Piece(lexicon.reading(entry), entry, sentence[start:end]))
        position = end
    if position < len(sentence) or not pieces:
        pieces.append(Piece(sentence[position:]))
    return tuple(pieces)


def fired_entries(pieces: tuple[Piece, ...]) -> tuple[str, ...]:
    """The written forms of the entries that fired, in order, once each."""
    seen: dict[str, None] = {}
    for piece in pieces:
        if piece.entry is not None:
            seen.setdefault(piece.entry.word, None)
    return tuple(seen)


EMPTY_LEXICON = Lexicon(entries=())
