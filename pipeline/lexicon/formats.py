"""Lexicon import and export: W3C PLS 1.0, CSV and the project's TOML, the format chosen by file extension.

PLS import (`read_pls`), with or without the PLS namespace:
- Graphemes lose surrounding white space, inner runs collapse to one space, punctuation and apostrophes stay
  ("Eld." stays "Eld.", "Y'shtola" stays "Y'shtola"); exact repeats count once.
- Graphemes of one lexeme that differ only in letter case ("Aether", "aether") become ONE entry with
  case_sensitive=False, written as the first listed. Any other grapheme becomes its own entry with
  case_sensitive=True, because PLS consumers match graphemes case-sensitively (a grapheme with no cased
  letters gets False, where the flag changes nothing). Entries of one lexeme share its say, ipa and example.
- `<alias>` gives `say`, `<phoneme>` gives `ipa`, and a lexeme with both keeps both; of several, the one with
  prefer="true" wins, else the first. A phoneme's alphabet is its own or the `<lexicon>`'s: "ipa" is kept,
  "x-sampa" converted to IPA, anything else refused. The first non-empty `<example>` gives `example`.
- `whole_word` has no PLS equivalent: PLS graphemes are whole tokens, so every imported entry has
  whole_word=True. `xml:lang` is accepted but not kept (an entry has no language); `<meta>`, `<metadata>` and
  elements of other namespaces are ignored.
- A DOCTYPE is refused, and with it every entity declaration (no expansion bombs, no external entities).
  Errors read `name:line:column: ...` (column from 1); nothing is returned unless the whole file is valid.

PLS export (`write_pls`): UTF-8, the PLS namespace, alphabet="ipa", xml:lang. Entries sharing (say, ipa,
example) share a lexeme, except that words differing only in case never share one (import would merge them).
A case-insensitive entry is written as the word plus its lowercase, Capitalized (first letter after any leading
punctuation, so "'tis" gives "'Tis") and UPPER forms, because
Polly, Azure and ElevenLabs match graphemes case-sensitively. The phoneme precedes the alias, since consumers
take the first pronunciation. `whole_word=False` and notes are not written, so `read_pls(write_pls(x))` gives
back `x` up to those, white space, the order of entries and the case flag of caseless words.

CSV: a header row naming columns word,say,ipa,case_sensitive,whole_word,note,example in any order (word and
say or ipa required); booleans true/false/yes/no/1/0, blank for the default; UTF-8 with or without a BOM,
written with one so spreadsheets read it as UTF-8. Errors read `name:row N: ...`, the header being row 1.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn
from xml.parsers import expat

from pipeline.errors import LexiconError
from pipeline.files import StagedOutputs
from pipeline.lexicon.model import MAX_LEXICON_BYTES, Entry, parse_lexicon

PLS_NAMESPACE = "http://www.w3.org/2005/01/pronunciation-lexicon"
CSV_COLUMNS = ("word", "say", "ipa", "case_sensitive", "whole_word", "note", "example")
_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
_LEADING_PUNCTUATION = re.compile(r"[^\w\s]*")
_PLS_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<lexicon version="1.0"\n'
    f'    xmlns="{PLS_NAMESPACE}"\n    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n'
    f'    xsi:schemaLocation="{PLS_NAMESPACE} '
    'http://www.w3.org/TR/2007/CR-pronunciation-lexicon-20071212/pls.xsd"\n'
)

# X-SAMPA symbol, IPA; U+XXXX stands for a combining mark. "_" alone is the tie bar, "-" a separator.
_XSAMPA_TABLE = r"""
a a  b b  b_< ɓ  c c  d d  d` ɖ  d_< ɗ  e e  f f  g ɡ  g_< ɠ  h h  h\ ɦ  i i  j j  j\ ʝ  k k  l l  l` ɭ
l\ ɺ  m m  n n  n` ɳ  o o  p p  p\ ɸ  q q  r r  r` ɽ  r\ ɹ  r\` ɻ  s s  s` ʂ  s\ ɕ  t t  t` ʈ  u u  v v
v\ ʋ  w w  x x  x\ ɧ  y y  z z  z` ʐ  z\ ʑ  A ɑ  B β  B\ ʙ  C ç  D ð  E ɛ  F ɱ  G ɣ  G\ ɢ  G\_< ʛ  H ɥ
H\ ʜ  I ɪ  I\ ᵻ  J ɲ  J\ ɟ  J\_< ʄ  K ɬ  K\ ɮ  L ʎ  L\ ʟ  M ɯ  M\ ɰ  N ŋ  N\ ɴ  O ɔ  O\ ʘ  P ʋ  Q ɒ
R ʁ  R\ ʀ  S ʃ  T θ  U ʊ  U\ ᵿ  V ʌ  W ʍ  X χ  X\ ħ  Y ʏ  Z ʒ  . .  " ˈ  % ˌ  ' ʲ  : ː  :\ ˑ  @ ə
@\ ɘ  @` ɚ  { æ  } ʉ  1 ɨ  2 ø  3 ɜ  3\ ɞ  4 ɾ  5 ɫ  6 ɐ  7 ɤ  8 ɵ  9 œ  & ɶ  ? ʔ  ?\ ʕ  <\ ʢ  >\ ʡ
^ ꜛ  ! ꜜ  !\ ǃ  | |  || ‖  |\ ǀ  |\|\ ǁ  =\ ǂ  -\ ‿  ` ˞  ~ U+0303  = U+0329  _" U+0308  _+ U+031F
_- U+0320  _/ U+030C  _0 U+0325  _= U+0329  _> ʼ  _?\ ˤ  _\ U+0302  _^ U+032F  _} U+031A  _~ U+0303
_A U+0318  _a U+033A  _B U+030F  _c U+031C  _d U+032A  _e U+0334  _F U+0302  _G ˠ  _H U+0301  _h ʰ
_j ʲ  _k U+0330  _L U+0300  _l ˡ  _M U+0304  _m U+033B  _N U+033C  _n ⁿ  _O U+0339  _o U+031E
_q U+0319  _R U+030C  _r U+031D  _T U+030B  _t U+0324  _v U+032C  _w ʷ  _X U+0306  _x U+033D  _ U+0361
"""
_TOKENS = _XSAMPA_TABLE.split()
_XSAMPA = {key: chr(int(value.removeprefix("U+"), 16)) if value.startswith("U+") else value
           for key, value in zip(_TOKENS[::2], _TOKENS[1::2])}
_XSAMPA["-"] = ""
_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def xsampa_to_ipa(text: str) -> str:
    """Convert X-SAMPA to IPA, longest symbol first; ValueError names an unknown symbol."""
    out, index = [], 0
    while index < len(text):
        if text[index].isspace():
            out.append(" ")
            index += 1
            continue
        for size in (4, 3, 2, 1):
            if text[index : index + size] in _XSAMPA:
                out.append(_XSAMPA[text[index : index + size]])
                index += size
                break
        else:
            raise ValueError(f"unknown X-SAMPA symbol {text[index]!r} in {text!r}")
    return "".join(out)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _capitalized(word: str) -> str:
    # str.capitalize() uppercases only a first character, so "'tis" and "-egi" would stay as they are.
    lead = _LEADING_PUNCTUATION.match(word).end()
    return word[:lead] + word[lead:].capitalize()


def _case_variants(word: str) -> list[str]:
    forms = dict.fromkeys((word, word.lower(), _capitalized(word), word.upper()))
    return [form for form in forms if form.casefold() == word.casefold()]


def _decode(data: bytes, name: str) -> str:
    if len(data) > MAX_LEXICON_BYTES:
        raise LexiconError(f"{name}: larger than 16 MiB; is this really a lexicon?")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LexiconError(f"{name}: not UTF-8 (invalid byte at offset {error.start}); re-save it as UTF-8") from None


@dataclass
class _Lexeme:
    line: int
    column: int
    graphemes: list[tuple[str, int]] = field(default_factory=list)  # text, line
    alias: list[tuple[str, bool]] = field(default_factory=list)  # text, prefer="true"
    phoneme: list[tuple[str, bool]] = field(default_factory=list)
    example: list[tuple[str, bool]] = field(default_factory=list)


class _PlsReader:
    """Expat callbacks that collect lexemes into entries; any problem raises LexiconError with its position."""

    def __init__(self, name: str) -> None:
        self.name, self.depth, self.alphabet = name, 0, ""
        self.lexeme: _Lexeme | None = None
        self.leaf: tuple[str, dict[str, str], int, int] | None = None
        self.text: list[str] = []
        self.entries: list[Entry] = []
        self.parser = parser = expat.ParserCreate("UTF-8", " ")
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end
        parser.CharacterDataHandler = self.characters
        parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = self.doctype

    def fail(self, message: str, line: int | None = None, column: int | None = None) -> NoReturn:
        line = self.parser.CurrentLineNumber if line is None else line
        column = self.parser.CurrentColumnNumber if column is None else column
        raise LexiconError(f"{self.name}:{line}:{column + 1}: {message}")

    def doctype(self, *_: object) -> None:
        self.fail("a DOCTYPE or entity declaration is not allowed in a lexicon (entities can expand without "
                  "limit); remove it")

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        namespace, _, local = tag.rpartition(" ")
        ours = namespace in ("", PLS_NAMESPACE)
        position = (self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber)
        self.depth += 1
        if self.leaf is not None:
            self.fail(f"<{self.leaf[0]}> holds text only, not a <{local}> element")
        if self.depth == 1:
            if local != "lexicon" or not ours:
                self.fail(f"the root element is <{local}>, not a PLS <lexicon>; is this a PLS file?")
            self.alphabet = attributes.get("alphabet", "")
        elif self.depth == 2 and ours and local == "lexeme":
            self.lexeme = _Lexeme(*position)
        elif self.depth == 3 and self.lexeme and ours and local in ("grapheme", "alias", "phoneme", "example"):
            self.leaf, self.text = (local, attributes, *position), []

    def characters(self, text: str) -> None:
        if self.leaf is not None:
            self.text.append(text)

    def end(self, tag: str) -> None:
        if self.depth == 3 and self.leaf is not None:
            self.end_leaf(*self.leaf)
            self.leaf = None
        elif self.depth == 2 and self.lexeme is not None:
            self.entries.extend(self.end_lexeme(self.lexeme))
            self.lexeme = None
        self.depth -= 1

    def end_leaf(self, kind: str, attributes: dict[str, str], line: int, column: int) -> None:
        assert self.lexeme is not None
        text = _collapse("".join(self.text))
        if not text and kind != "example":
            self.fail(f"<{kind}> is empty", line, column)
        if kind == "grapheme":
            self.lexeme.graphemes.append((text, line))
        elif text:
            if kind == "phoneme":
                text = self.to_ipa(text, attributes.get("alphabet") or self.alphabet, line, column)
            getattr(self.lexeme, kind).append((text, attributes.get("prefer") == "true"))

    def to_ipa(self, text: str, alphabet: str, line: int, column: int) -> str:
        try:
            if alphabet.strip().lower() in ("ipa", "x-sampa"):
                return text if alphabet.strip().lower() == "ipa" else _collapse(xsampa_to_ipa(text))
        except ValueError as error:
            self.fail(str(error), line, column)
        if not alphabet:
            self.fail('<phoneme> has no alphabet, nor has <lexicon>; add alphabet="ipa" to <lexicon>', line, column)
        self.fail(f"phoneme alphabet {alphabet!r} is not supported; use ipa or x-sampa", line, column)

    def end_lexeme(self, lexeme: _Lexeme) -> list[Entry]:
        if not lexeme.graphemes:
            self.fail("<lexeme> has no <grapheme>", lexeme.line, lexeme.column)
        if not lexeme.alias and not lexeme.phoneme:
            self.fail("<lexeme> has neither an <alias> nor a <phoneme>", lexeme.line, lexeme.column)
        say, ipa, example = _preferred(lexeme.alias), _preferred(lexeme.phoneme), _preferred(lexeme.example)
        groups: dict[str, list[tuple[str, int]]] = {}
        for text, line in lexeme.graphemes:
            forms = groups.setdefault(text.casefold(), [])
            if all(text != seen for seen, _ in forms):
                forms.append((text, line))
        return [Entry(word, say, ipa, len(forms) == 1 and len(_case_variants(word)) > 1, example=example, line=line)
                for forms in groups.values() for word, line in forms[:1]]


def _preferred(choices: list[tuple[str, bool]]) -> str | None:
    return next((text for text, prefer in choices if prefer), choices[0][0] if choices else None)


def read_pls(data: bytes, name: str) -> tuple[Entry, ...]:
    """Parse a W3C PLS 1.0 lexicon into entries, all or nothing, following the rules above."""
    text = _decode(data, name)
    reader = _PlsReader(name)
    try:
        reader.parser.Parse(text, True)
    except expat.ExpatError as error:
        raise LexiconError(f"{name}:{error.lineno}:{error.offset + 1}: {expat.ErrorString(error.code)}; "
                           "the file is not well-formed XML") from None
    return tuple(reader.entries)


def _text(value: str | None) -> str | None:
    return value if value is not None and value.strip() else None


def _refuse(entry: Entry, problem: str) -> NoReturn:
    raise LexiconError(f"entry {entry.word!r} (line {entry.line}): {problem}")


def _check(entry: Entry) -> None:
    if not entry.word.strip() or not (_text(entry.say) or _text(entry.ipa)):
        _refuse(entry, "needs a word and a say or an ipa")


def _xml(text: str, entry: Entry) -> str:
    bad = _XML_ILLEGAL.search(text)
    if bad:
        _refuse(entry, f"character U+{ord(bad.group()):04X} cannot be written in XML")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def write_pls(entries: Iterable[Entry], lang: str = "en-US") -> bytes:
    """A PLS 1.0 lexicon (UTF-8, IPA) of the entries, sharing lexemes where say, ipa and example agree."""
    if not _LANGUAGE_TAG.fullmatch(lang):
        raise LexiconError(f"{lang!r} is not a language tag like en-US")
    lexemes: list[tuple[Entry, dict[str, None], set[str]]] = []
    by_key: dict[tuple[str | None, ...], list[tuple[Entry, dict[str, None], set[str]]]] = {}
    for entry in entries:
        _check(entry)
        word = _collapse(entry.word)
        key = (_text(entry.say), _text(entry.ipa), _text(entry.example))
        lexeme = next((lexeme for lexeme in by_key.get(key, []) if word.casefold() not in lexeme[2]), None)
        if lexeme is None:
            lexeme = (entry, {}, set())
            lexemes.append(lexeme)
            by_key.setdefault(key, []).append(lexeme)
        lexeme[2].add(word.casefold())
        lexeme[1].update(dict.fromkeys([word] if entry.case_sensitive else _case_variants(word)))
    parts = [_PLS_HEADER, f'    alphabet="ipa" xml:lang="{lang}">\n']
    for first, graphemes, _ in lexemes:
        parts.append("  <lexeme>\n")
        parts.extend(f"    <grapheme>{_xml(grapheme, first)}</grapheme>\n" for grapheme in graphemes)
        for element, value in (("phoneme", first.ipa), ("alias", first.say), ("example", first.example)):
            if _text(value):
                parts.append(f"    <{element}>{_xml(value, first)}</{element}>\n")
        parts.append("  </lexeme>\n")
    parts.append("</lexicon>\n")
    return "".join(parts).encode("utf-8")


def read_csv(data: bytes, name: str) -> tuple[Entry, ...]:
    """Parse a CSV lexicon with a header row; errors name the row, the header being row 1."""
    rows = csv.reader(io.StringIO(_decode(data, name), newline=""), strict=True)
    columns: list[str] = []
    entries: list[Entry] = []
    number = 0
    try:
        for number, row in enumerate(rows, start=1):
            if number == 1:
                columns = _csv_header(row, f"{name}:row 1")
            elif any(cell.strip() for cell in row):
                entries.append(_csv_entry(columns, row, f"{name}:row {number}", number))
    except csv.Error as error:
        raise LexiconError(f"{name}:row {number + 1}: {error}; check the quoting") from None
    if not columns:
        raise LexiconError(f"{name}: empty; the first row must name the columns, e.g. {','.join(CSV_COLUMNS)}")
    return tuple(entries)


def _csv_header(row: list[str], where: str) -> list[str]:
    columns = [cell.strip().lower() for cell in row]
    named = [column for column in columns if column]
    for column in named:
        if column not in CSV_COLUMNS:
            raise LexiconError(f"{where}: unknown column {column!r}; the columns are {','.join(CSV_COLUMNS)}")
        if named.count(column) > 1:
            raise LexiconError(f"{where}: column {column!r} appears twice")
    if "word" not in named or ("say" not in named and "ipa" not in named):
        raise LexiconError(f"{where}: the header needs a 'word' column and a 'say' or 'ipa' column")
    return columns


def _csv_entry(columns: list[str], row: list[str], where: str, number: int) -> Entry:
    values: dict[str, str] = {}
    for index, cell in enumerate(row):
        column = columns[index] if index < len(columns) else ""
        if column:
            values[column] = cell
        elif cell.strip():
            raise LexiconError(f"{where}: cell {index + 1} ({cell.strip()!r}) is in a column without a header")
    flags = {}
    for key, default in (("case_sensitive", False), ("whole_word", True)):
        raw = values.get(key, "").strip().lower()
        if raw and raw not in _BOOLEANS:
            raise LexiconError(f"{where}: '{key}' must be true, false, yes, no, 1 or 0, not {values[key].strip()!r}")
        flags[key] = _BOOLEANS[raw] if raw else default
    word, say = _collapse(values.get("word", "")), _collapse(values.get("say", "")) or None
    ipa = _text(values.get("ipa"))
    if not word:
        raise LexiconError(f"{where}: the row has no word")
    if not say and not ipa:
        raise LexiconError(f"{where}: {word!r} needs a say or an ipa")
    note, example = _text(values.get("note")), _text(values.get("example"))
    return Entry(word, say, ipa, note=note, example=example, line=number, **flags)


def write_csv(entries: Iterable[Entry]) -> bytes:
    """A CSV lexicon with every column, booleans as true/false, UTF-8 with a BOM for spreadsheets."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        _check(entry)
        row = [entry.word, entry.say or "", entry.ipa or "", str(entry.case_sensitive).lower(),
               str(entry.whole_word).lower(), entry.note or "", entry.example or ""]
        if any("\x00" in cell for cell in row):
            _refuse(entry, "a NUL character cannot be written to CSV")
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")


def _toml_string(text: str) -> str:
    escaped = (_TOML_ESCAPES.get(ch) or (f"\\u{ord(ch):04X}" if ch < " " or ch == "\x7f" else ch) for ch in text)
    return '"' + "".join(escaped) + '"'


def write_toml(entries: Iterable[Entry]) -> str:
    """The project's TOML lexicon: one [[entry]] table per entry, defaults and None left out."""
    tables = []
    for entry in entries:
        _check(entry)
        keys = {"word": entry.word, "say": _text(entry.say), "ipa": entry.ipa, "note": entry.note,
                "example": entry.example}
        lines = ["[[entry]]", *(f"{key} = {_toml_string(value)}" for key, value in keys.items() if value is not None)]
        lines += ["case_sensitive = true"] * entry.case_sensitive + ["whole_word = false"] * (not entry.whole_word)
        tables.append("\n".join(lines) + "\n")
    return "\n".join(tables)


_READERS: dict[str, Callable[[bytes, str], tuple[Entry, ...]]] = {
    ".toml": lambda data, name: parse_lexicon(data, name=name).entries, ".pls": read_pls, ".xml": read_pls,
    ".csv": read_csv,
}
_WRITERS: dict[str, Callable[[tuple[Entry, ...], str], bytes]] = {
    ".toml": lambda entries, lang: write_toml(entries).encode("utf-8"), ".pls": write_pls, ".xml": write_pls,
    ".csv": lambda entries, lang: write_csv(entries),
}


def _format(path: Path) -> str:
    if path.suffix.lower() not in _READERS:
        raise LexiconError(f"{path}: unknown lexicon format {path.suffix or '(no extension)'!r}; "
                           "use .toml, .pls, .xml or .csv")
    return path.suffix.lower()


def read_lexicon_file(path: str | Path) -> tuple[Entry, ...]:
    """Read a TOML, PLS (.pls/.xml) or CSV lexicon, the format chosen by extension."""
    path = Path(path)
    suffix = _format(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_LEXICON_BYTES + 1)  # never more than the limit, whatever the file claims
    except OSError as error:
        raise LexiconError(f"{path}: cannot be read ({error.strerror or error}); give a lexicon's path") from None
    if len(data) > MAX_LEXICON_BYTES:
        raise LexiconError(f"{path}: larger than 16 MiB; is this really a lexicon?")
    return _READERS[suffix](data, str(path))


def _write_synced(partial: Path, data: bytes, destination: Path) -> None:
    with open(partial, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if destination.exists():
        shutil.copymode(destination, partial)


def write_lexicon_file(entries: Iterable[Entry], path: str | Path, lang: str = "en-US") -> None:
    """Write a lexicon in the format its extension names, atomically; ExportError if the file cannot be written."""
    path = Path(path)
    data = _WRITERS[_format(path)](tuple(entries), lang)
    with StagedOutputs() as staged:
        staged.stage(path, lambda partial: _write_synced(partial, data, path))
        staged.publish()
