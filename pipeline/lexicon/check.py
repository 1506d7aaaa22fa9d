"""Lint a pronunciation lexicon: errors that must be fixed before it goes live, warnings an editor should read."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.engines.ipa import espeak_style, unknown_symbols
from pipeline.errors import LexiconError
from pipeline.lexicon.model import Entry, Lexicon, entries_from_toml
from pipeline.stages.normalize.capitals import still_spelled

#: Characters an IPA transcription may contain, besides combining marks (diacritics, tie bars).
IPA_CHARACTERS = frozenset(
    "abcdefhijklmnopqrstuvwxyzɑɐɒæɓʙβɔɕçɗɖðʤəɘɚɛɜɝɞɟʄɡɠɢʛɦɧħɥʜɨɪʝɭɬɫɮʟɱɯɰŋɳɲɴøɵɸθœɶʘɹɺɾɻʀʁɽʂʃʈʧʉʊʋⱱʌɣɤʍχʎʏʑʐʒʔʡʕʢ"
    "ǀǁǂǃˈˌːˑ.|‖‿ ʰʷʲˠˤⁿˡ˞ᵊ↗↘-"
)


@dataclass(frozen=True)
class Finding:
    """One problem in a lexicon, at a line, with a level: "error" or "warning"."""

    file: str
    line: int
    level: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.level}: {self.message}"

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return asdict(self)


def invalid_ipa(ipa: str) -> str:
    """The characters of a transcription that are not IPA, in order, once each; empty when it is valid."""
    bad = [ch for ch in unicodedata.normalize("NFD", ipa) if ch not in IPA_CHARACTERS and unicodedata.category(ch) != "Mn"]
    return "".join(dict.fromkeys(bad))


def check_lexicon(
    path: str | Path,
    *,
    corpus: Sequence[str] = (),
    phonemizer: Callable[[str], str] | None = None,
    engine_name: str = "espeak",
    phoneme_symbols: frozenset[str] | None = None,
) -> list[Finding]:
    """Every finding for a TOML lexicon, errors first; `phonemizer` turns text into the engine's phonemes;
    `phoneme_symbols` are the symbols the engine's voice takes as phoneme input, None if it takes none."""
    path = Path(path)
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LexiconError(f"{name}: cannot be read ({error.strerror}); check the path") from None
    try:
        entries, problems = entries_from_toml(data, name=name, strict=False)
    except LexiconError as error:
        line = re.search(r"line (\d+)", str(error))
        return [Finding(name, int(line.group(1)) if line else 0, "error", "syntax", str(error).split(": ", 1)[-1])]
    findings = [Finding(name, line, "error", "entry", message) for line, message in problems]
    findings += _errors(name, entries)
    findings += _warnings(name, entries, corpus, phonemizer, engine_name, phoneme_symbols)
    return sorted(findings, key=lambda f: (f.level != "error", f.line, f.code))


def _key(entry: Entry) -> str:
    return entry.word if entry.case_sensitive else entry.word.lower()


def _errors(name: str, entries: Sequence[Entry]) -> list[Finding]:
    findings = []
    by_key: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_key[_key(entry)].append(entry)
        if entry.ipa is not None:
            bad = invalid_ipa(entry.ipa)
            if bad or not entry.ipa.strip():
                detail = f"has characters that are not IPA: {bad!r}" if bad else "is empty"
                findings.append(Finding(name, entry.line, "error", "ipa", f"'{entry.word}': ipa {entry.ipa!r} {detail}"))
    for same in by_key.values():
        readings = {(entry.say, entry.ipa) for entry in same}
        if len(readings) > 1:
            lines = ", ".join(str(entry.line) for entry in same)
            for entry in same[1:]:
                findings.append(Finding(name, entry.line, "error", "duplicate",
                                        f"'{entry.word}' is listed more than once (lines {lines}) with different readings"))
    findings += _loops(name, entries)
    return findings


def _loops(name: str, entries: Sequence[Entry]) -> list[Finding]:
    """Entries whose replacements contain each other's written forms: a chain that never ends in recursive systems."""
    speakable = [entry for entry in entries if entry.say]
    feeds: dict[Entry, list[Entry]] = {}
    for entry in speakable:
        targets = []
        for other in speakable:
            if other is entry and (entry.say or "").lower() == entry.word.lower():
                continue  # a respelling identical to the word changes nothing (a warning), it does not loop
            if Lexicon(entries=(other,)).matcher.matches(entry.say or ""):
                targets.append(other)
        feeds[entry] = targets
    findings, reported = [], set()
    for start in speakable:
        path = _cycle_from(start, feeds)
        if path and frozenset(path) not in reported:
            reported.add(frozenset(path))
            chain = " → ".join(f"'{entry.word}'" for entry in path + [path[0]])
            findings.append(Finding(name, start.line, "error", "loop", f"entries feed each other in a loop: {chain}"))
    return findings


def _cycle_from(start: Entry, feeds: dict[Entry, list[Entry]]) -> list[Entry] | None:
    stack: list[tuple[Entry, list[Entry]]] = [(start, [start])]
    seen = set()
    while stack:
        entry, path = stack.pop()
        for target in feeds.get(entry, ()):
            if target is start:
                return path
            if target not in seen:
                seen.add(target)
                stack.append((target, path + [target]))
    return None


def _warnings(
    name: str,
    entries: Sequence[Entry],
    corpus: Sequence[str],
    phonemizer: Callable[[str], str] | None,
    engine_name: str,
    phoneme_symbols: frozenset[str] | None,
) -> list[Finding]:
    findings = []
    for entry in entries:
        if entry.say is None and phoneme_symbols is None:
            findings.append(Finding(name, entry.line, "warning", "unusable",
                                    f"'{entry.word}' has only IPA; the {engine_name} engine takes no phoneme input, so "
                                    "the entry is not applied — add a `say` respelling"))
        if entry.ipa and phoneme_symbols is not None and not invalid_ipa(entry.ipa):
            unknown = unknown_symbols(espeak_style(entry.ipa), phoneme_symbols)
            if unknown:
                findings.append(Finding(name, entry.line, "warning", "ipa-symbols",
                                        f"'{entry.word}': the {engine_name} voice has no sound for {unknown!r} in the "
                                        f"IPA {entry.ipa!r} (read as {espeak_style(entry.ipa)!r}); it leaves them out "
                                        "— use the nearest English sound"))
        if entry.say and still_spelled(entry.say):
            parts = ", ".join(repr(part) for part in still_spelled(entry.say))
            findings.append(Finding(name, entry.line, "warning", "spelled",
                                    f"'{entry.word}': the respelling {entry.say!r} has {parts}, which the engine reads "
                                    "letter by letter; give each syllable a vowel (\"shm\" -> \"shum\")"))
        if entry.say and phonemizer and phonemizer(entry.say) == phonemizer(entry.word):
            findings.append(Finding(name, entry.line, "warning", "no-change",
                                    f"'{entry.word}': the respelling {entry.say!r} sounds the same as the default "
                                    "reading; the entry changes nothing"))
    findings += _case_variants(name, entries)
    findings += _static_shadows(name, entries)
    if corpus:
        findings += _corpus_findings(name, entries, corpus)
    return findings


def _case_variants(name: str, entries: Sequence[Entry]) -> list[Finding]:
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[entry.word.lower()].append(entry)
    findings = []
    for group in groups.values():
        words = {entry.word for entry in group}
        readings = {entry.say for entry in group}
        if len(words) > 1 and len(readings) > 1:
            listed = ", ".join(f"'{entry.word}' ({entry.say!r}, line {entry.line})" for entry in group)
            findings.append(Finding(name, group[-1].line, "warning", "case-variants",
                                    f"case variants disagree: {listed}; check that each case is meant"))
    return findings


def _static_shadows(name: str, entries: Sequence[Entry]) -> list[Finding]:
    """An entry every one of whose matches another entry, tried first, always takes."""
    findings = []
    ordered = sorted((e for e in entries if e.say), key=lambda e: (-len(e.word), not e.case_sensitive))
    for position, entry in enumerate(ordered):
        for earlier in ordered[:position]:
            covers_case = not earlier.case_sensitive or (entry.case_sensitive and earlier.word == entry.word)
            covers_place = not earlier.whole_word or entry.whole_word
            same_text = earlier.word.lower() == entry.word.lower() if not earlier.case_sensitive else earlier.word == entry.word
            if covers_case and covers_place and same_text:
                findings.append(Finding(name, entry.line, "warning", "shadowed",
                                        f"'{entry.word}' never fires: '{earlier.word}' (line {earlier.line}) always "
                                        "matches the same text first"))
                break
    return findings


def _corpus_findings(name: str, entries: Sequence[Entry], corpus: Iterable[str]) -> list[Finding]:
    lexicon = Lexicon(entries=tuple(entries))
    texts = list(corpus)
    fired: Counter[Entry] = Counter()
    for text in texts:
        for _, _, entry in lexicon.matcher.matches(text):
            fired[entry] += 1
    occurs = set(fired)
    for entry in entries:
        if entry.say and entry not in occurs:
            alone = Lexicon(entries=(entry,)).matcher
            if any(alone.matches(text) for text in texts):
                occurs.add(entry)
    findings = []
    for entry in entries:
        if not entry.say:
            continue
        if entry not in occurs:
            findings.append(Finding(name, entry.line, "warning", "unused",
                                    f"'{entry.word}' is never matched in the corpus"))
        elif fired[entry] == 0:
            findings.append(Finding(name, entry.line, "warning", "shadowed",
                                    f"'{entry.word}' occurs in the corpus but a longer entry always matches first"))
    return findings


def applicable(entries: Sequence[Entry], takes_phonemes: bool) -> dict[str, int]:
    """How many entries an engine applies through their IPA, by their respelling, and not at all."""
    counts = {"ipa": 0, "respelling": 0, "not applied": 0}
    for entry in entries:
        counts["ipa" if takes_phonemes and entry.ipa else "respelling" if entry.say else "not applied"] += 1
    return counts


def applicability_line(entries: Sequence[Entry], engine_name: str, takes_phonemes: bool) -> str:
    """One line saying which entries the engine can apply: "piper: 12 of 12 entries apply (9 through ...)"."""
    counts = applicable(entries, takes_phonemes)
    applied = counts["ipa"] + counts["respelling"]
    how = [f"{counts['ipa']} through their IPA"] if takes_phonemes else []
    how.append(f"{counts['respelling']} by respelling")
    if counts["not applied"]:
        how.append(f"{counts['not applied']} not at all (IPA only)")
    return f"{engine_name}: {applied} of {len(entries)} entries apply ({', '.join(how)})"


def exit_status(findings: Sequence[Finding], strict: bool) -> int:
    """1 when there are errors (or warnings under --strict), else 0."""
    if any(f.level == "error" for f in findings) or (strict and findings):
        return 1
    return 0
