"""Read an article file and turn plain text or simple Markdown into a title and paragraphs."""

from __future__ import annotations

import codecs
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError

#: Articles larger than this are refused: a news story is a few thousand words, not megabytes.
MAX_ARTICLE_BYTES = 2 * 1024 * 1024
#: A first line at most this many words long, without closing punctuation, is read as the title.
MAX_TITLE_WORDS = 16
SAMPLE_ARTICLE = Path(__file__).resolve().parents[1] / "data" / "sample_article.md"

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
#: Byte order marks, UTF-32 before UTF-16 (whose little-endian mark begins UTF-32's): (mark, codec, name).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
# Bullets are dropped; an ordered list keeps its numbers, which a listener needs to hear.
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+")
_NUMBERED = re.compile(r"^\s{0,3}\d{1,3}[.)]\s+")
_BLOCKQUOTE = re.compile(r"^\s{0,3}>\s?")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
# After a blank line, 4 spaces or a tab open an indented code block, unless the line goes on a list item,
# whose continuation is indented 2 or more.
_INDENTED_CODE = re.compile(r"^(?: {4}| {0,3}\t)")
_LIST_CONTINUATION = re.compile(r"^(?: {2}| ?\t)")
#: Characters that code is made of and prose hardly ever uses: an indented block with one of them is code.
_CODE_SYMBOLS = re.compile(r"[=<>{}\\|`~^]|\w\(|\w_\w|\$ ")
_TABLE_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
_TABLE_DELIMITER_CELL = re.compile(r":?-+:?")
_FOOTNOTE_DEFINITION = re.compile(r"^\s{0,3}\[\^[^\[\]\s]+\]:\s*")
# Inline patterns run on text whose white space is already collapsed to single spaces, and no part of one
# may contain the character that would open a new match: each stays linear on long, unbalanced text.
_FOOTNOTE_MARKER = re.compile(r" ?\[\^[^\[\]\s]+\]")
_LINK_TARGET = r"\((?:[^()]|\([^()]*\))*\)"
_EMPTY_IMAGE = re.compile(r" ?!\[ ?\]" + _LINK_TARGET + r"(?!\w)")
_IMAGE = re.compile(r"!\[([^\[\]]*)\]" + _LINK_TARGET)
_LINK = re.compile(r"\[([^\[\]]+)\]" + _LINK_TARGET)
# Applied in this order, so "**strong *and* soft**" loses every marker.
_EMPHASES = tuple(
    re.compile(pattern)
    for pattern in (
        r"`(?=\S)([^`]+?)(?<=\S)`",
        r"\*\*(?=\S)((?:[^*]|\*(?!\*))+?)(?<=\S)\*\*",
        r"__(?=\S)((?:[^_]|_(?!_))+?)(?<=\S)__",
        r"\*(?=\S)([^*]+?)(?<=\S)\*",
        r"(?<!\w)_(?=\S)((?:[^_]|(?<=\w)_(?=\w))+?)(?<=\S)_(?!\w)",
    )
)
_TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]]*$")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_WORD = re.compile(r"\w")
#: A line of its own that opens a chapter in plain text: "CHAPTER II.", "Chapter 4", "PART ONE", "Book III: The
#: Sea", "PROLOGUE", "Epilogue".
_CHAPTER_LINE = re.compile(
    r"(?:(?:CHAPTER|Chapter|PART|Part|BOOK|Book)\s+(?:[IVXLCDM]+|\d{1,3}|[A-Z][A-Za-z]+(?:-[A-Za-z]+)?)\.?"
    r"|PROLOGUE|Prologue|EPILOGUE|Epilogue)(?:\s*[:.—–-]\s*\S.{0,80})?"
)


@dataclass(frozen=True)
class Article:
    """An article as the pipeline sees it: an optional title and its body paragraphs."""

    name: str
    title: str | None
    paragraphs: tuple[str, ...]
    sha256: str
    #: The paragraphs (by index) that begin a chapter: Markdown headings and chapter lines ("CHAPTER II.").
    chapters: tuple[int, ...] = ()

    @property
    def blocks(self) -> tuple[str, ...]:
        """The title (when there is one) followed by the body paragraphs."""
        return ((self.title,) if self.title else ()) + self.paragraphs


def read_article(source: str | Path | None, *, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Read an article from a path, `-` for standard input, or None for the bundled sample."""
    if source is None:
        path, name = SAMPLE_ARTICLE, SAMPLE_ARTICLE.stem
        data = path.read_bytes()
    elif str(source) == "-":
        name = "stdin"
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        path = Path(source)
        name = path.stem
        data = _read_file(path, max_bytes)
        return parse_article(data, name=name, max_bytes=max_bytes, label=str(path))
    return parse_article(data, name=name, max_bytes=max_bytes)


def _read_file(path: Path, max_bytes: int) -> bytes:
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give the path of an article file")
    try:
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror}); check its permissions") from None


def decode_text(data: bytes, name: str, *, max_bytes: int = MAX_ARTICLE_BYTES) -> str:
    """Decode article bytes as UTF-8, or UTF-16 or UTF-32 behind a byte order mark; refuse huge and binary input."""
    if len(data) > max_bytes:
        raise InputError(
            f"{name}: larger than {_size(max_bytes)}; "
            "an article should be plain text, not a whole archive — split it into articles"
        )
    mark, codec, encoding = next((bom for bom in _BOMS if data.startswith(bom[0])), (b"", "utf-8", "UTF-8"))
    # UTF-16 and UTF-32 text is full of NUL bytes; only a NUL character says binary there.
    if codec == "utf-8" and b"\x00" in data:
        raise InputError(f"{name}: looks like a binary file (it has NUL bytes); give a UTF-8 text file")
    try:
        text = data[len(mark) :].decode(codec)
    except UnicodeDecodeError as error:
        offset = len(mark) + error.start
        if codec == "utf-8":
            raise InputError(
                f"{name}: not UTF-8 text (invalid byte 0x{data[offset]:02x} at offset {offset}); "
                "re-save the file as UTF-8"
            ) from None
        raise InputError(
            f"{name}: not valid {encoding} text though it starts with a {encoding} byte order mark "
            f"({error.reason} at offset {offset}); re-save the file as UTF-8"
        ) from None
    if "\x00" in text:
        raise InputError(f"{name}: looks like a binary file (it has NUL characters); give a UTF-8 text file")
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 100):
        raise InputError(f"{name}: looks like a binary file ({controls} control characters); give a text file")
    return text


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):g} MiB" if count >= 1024 * 1024 else f"{count:,} bytes"


def parse_article(
    data: bytes, *, name: str = "article", max_bytes: int = MAX_ARTICLE_BYTES, label: str | None = None
) -> Article:
    """Turn the bytes of a plain-text or Markdown article into an Article; `label` names it in errors."""
    text = decode_text(data, label or name, max_bytes=max_bytes)
    blocks = _blocks(text)
    if not blocks:
        hint = "; lines indented 4 spaces or a tab are code and not read" if _has_indented_line(text) else ""
        raise InputError(
            f"{label or name}: the article is empty (no words to speak){hint}; check that the right file was given"
        )
    title = None
    # A picture before the headline is read after it.
    lead = next((index for index, (kind, _, _) in enumerate(blocks) if kind != "image"), None)
    if lead is not None:
        kind, content, lines = blocks[lead]
        if kind == "heading" or (kind == "paragraph" and lines == 1 and _looks_like_title(content)):
            title = content
            blocks = blocks[:lead] + blocks[lead + 1 :]
    paragraphs = tuple(block for _, block, _ in blocks)
    chapters = tuple(index for index, (kind, content, lines) in enumerate(blocks)
                     if kind == "heading" or (kind == "paragraph" and lines == 1 and _CHAPTER_LINE.fullmatch(content)))
    return Article(name=name, title=title, paragraphs=paragraphs, sha256=hashlib.sha256(data).hexdigest(),
                   chapters=chapters)


def _has_indented_line(text: str) -> bool:
    return any(_INDENTED_CODE.match(line) and line.strip() for line in text.splitlines())


def _looks_like_title(block: str) -> bool:
    return len(block.split()) <= MAX_TITLE_WORDS and not _TERMINAL.search(block)


def _blocks(text: str) -> list[tuple[str, str, int]]:
    """Split text into (kind, text, source lines) blocks, kind one of "heading", "paragraph", "image" (a paragraph
    of pictures alone) and "row" (of a table); line wraps inside a paragraph become spaces."""
    blocks: list[tuple[str, str, int]] = []
    lines: list[str] = []

    def flush() -> None:
        source = " ".join(line.strip() for line in lines if line.strip())
        joined = _inline(source)
        if _WORD.search(joined):
            kind = "paragraph" if _WORD.search(_IMAGE.sub("", source)) else "image"
            blocks.append((kind, joined, len(lines)))
        lines.clear()

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    source = _without_code([_BLOCKQUOTE.sub("", line) for line in text.split("\n")])
    index = 0
    while index < len(source):
        line = source[index]
        if index + 1 < len(source) and _starts_table(line, source[index + 1]):
            flush()
            rows, index = _table(source, index)
            blocks += [("row", row, 1) for row in rows]
            continue
        index += 1
        heading = _HEADING.match(line)
        if heading:
            flush()
            content = _inline(_without_closing_hashes(heading.group(1)))
            if _WORD.search(content):
                blocks.append(("heading", content, 1))
            continue
        if not line.strip() or _RULE.match(line):
            flush()
            continue
        if _BULLET.match(line):
            flush()
            line = _BULLET.sub("", line)
        elif _FOOTNOTE_DEFINITION.match(line):
            flush()
            line = _FOOTNOTE_DEFINITION.sub("", line)
        elif _NUMBERED.match(line) and lines:
            flush()
        elif _is_capitals_subheading(line):
            # A subheading in capitals inside a paragraph is a block of its own, with the pause of one.
            flush()
            blocks.append(("heading", _inline(line.strip()), 1))
            continue
        lines.append(line)
    flush()
    return blocks


def _is_capitals_subheading(line: str) -> bool:
    """A short line of two or more words all in capitals without a sentence's final stop ("WHERE IT BEGAN")."""
    words = [word for word in line.split() if sum(ch.isalpha() for ch in word) >= 2]
    letters = [ch for ch in line if ch.isalpha()]
    return (2 <= len(words) <= MAX_TITLE_WORDS and all(ch.isupper() for ch in letters)
            and not _TERMINAL.search(line.strip()) and not line.rstrip().endswith(("—", "-", ",")))


def _without_closing_hashes(heading: str) -> str:
    """ "Bridge reopens ##" loses its closing hashes; "Learn C#" keeps its own."""
    bare = heading.rstrip().rstrip("#")
    return bare if not bare or bare[-1].isspace() else heading


def _without_code(lines: list[str]) -> list[str]:
    """Drop fenced and indented code blocks (code is not read aloud); a fence never closed is ordinary text."""
    kept: list[str] = []
    after_break, in_code, in_list = True, False, False
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        blank = not line.strip()
        if in_code and (blank or _INDENTED_CODE.match(line)):
            continue
        in_code = False
        if _FENCE.match(line):
            closing = next((end for end in range(index, len(lines)) if _FENCE.match(lines[end])), None)
            if closing is not None:
                kept.append("")
                index = closing + 1
            after_break, in_list = True, False
            continue
        if after_break and not blank and not in_list and _INDENTED_CODE.match(line):
            block = _indented_block(lines, index - 1)
            if not _reads_like_prose(block):
                in_code = True
                kept.append("")
                continue
        if _BULLET.match(line) or _NUMBERED.match(line):
            in_list = True
        elif after_break and not blank and not _LIST_CONTINUATION.match(line):
            in_list = False
        kept.append(line)
        after_break = blank
    return kept


def _indented_block(lines: list[str], start: int) -> list[str]:
    """The indented lines from `start` up to the next blank or unindented line."""
    end = start
    while end < len(lines) and lines[end].strip() and _INDENTED_CODE.match(lines[end]):
        end += 1
    return lines[start:end]


def _reads_like_prose(block: list[str]) -> bool:
    """Whether an indented block is a paragraph of plain text (wire copy often indents every paragraph with a
    tab) rather than code: words ending in a sentence, without the symbols code is made of."""
    text = " ".join(line.strip() for line in block)
    return (len(text.split()) >= 3 and _SENTENCE_END.search(text) is not None
            and not _CODE_SYMBOLS.search(text) and not any(line.rstrip().endswith((";", "{", "}")) for line in block))


def _starts_table(line: str, following: str) -> bool:
    """A pipe table starts at a header row followed by a delimiter row (`|---|:--:|`) of as many cells."""
    if "|" not in line or "|" not in following:
        return False
    delimiters = _table_cells(following)
    same_width = len(delimiters) == len(_table_cells(line))
    return same_width and all(_TABLE_DELIMITER_CELL.fullmatch(cell) for cell in delimiters)


def _table(lines: list[str], start: int) -> tuple[list[str], int]:
    """The sentences of the table whose header row is `lines[start]`, and the index of the line after it."""
    end = start + 2
    while end < len(lines) and "|" in lines[end] and lines[end].strip():
        end += 1
    header = [_inline(cell) for cell in _table_cells(lines[start])]
    rows = (_table_row(header, [_inline(cell) for cell in _table_cells(line)]) for line in lines[start + 2 : end])
    return [row for row in rows if row], end


def _table_cells(line: str) -> list[str]:
    row = line.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [cell.strip().replace("\\|", "|") for cell in _TABLE_CELL_SEPARATOR.split(row)]


def _table_row(header: list[str], cells: list[str]) -> str:
    """ "Oilers: Wins 10, Losses 2." — the first cell, then each other column's header and value."""
    # A cell of a dash alone ("—", "-") means no value, as an empty one does.
    cells = [cell if _WORD.search(cell) else "" for cell in cells[: len(header)]]
    pairs = ", ".join(f"{label} {cell}".strip() for label, cell in zip(header[1:], cells[1:]) if cell)
    sentence = f"{cells[0]}: {pairs}" if cells[0] and pairs else cells[0] or pairs
    if not sentence or _SENTENCE_END.search(sentence):
        return sentence
    return sentence.rstrip(",;:") + "."


def _inline(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = _FOOTNOTE_MARKER.sub("", text)
    text = _EMPTY_IMAGE.sub("", text)
    text = _IMAGE.sub(_image_text, text)
    text = _LINK.sub(r"\1", text)
    for emphasis in _EMPHASES:
        text = emphasis.sub(r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def _image_text(image: re.Match[str]) -> str:
    alt = image.group(1).strip()
    return f"image: {alt}" if alt else " "
