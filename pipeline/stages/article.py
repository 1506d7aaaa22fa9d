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
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
# Bullets are dropped; an ordered list keeps its numbers, which a listener needs to hear.
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+")
_NUMBERED = re.compile(r"^\s{0,3}\d{1,3}[.)]\s+")
_BLOCKQUOTE = re.compile(r"^\s{0,3}>\s?")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
_UNDERSCORE_EMPHASIS = re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")
_TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]]*$")


@dataclass(frozen=True)
class Article:
    """An article as the pipeline sees it: an optional title and its body paragraphs."""

    name: str
    title: str | None
    paragraphs: tuple[str, ...]
    sha256: str

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
    """Decode article bytes as UTF-8 text, refusing huge, binary and non-UTF-8 input."""
    if len(data) > max_bytes:
        raise InputError(
            f"{name}: larger than {_size(max_bytes)}; "
            "an article should be plain text, not a whole archive — split it into articles"
        )
    if b"\x00" in data:
        raise InputError(f"{name}: looks like a binary file (it has NUL bytes); give a UTF-8 text file")
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = bom + error.start
        raise InputError(
            f"{name}: not UTF-8 text (invalid byte 0x{data[offset]:02x} at offset {offset}); "
            "re-save the file as UTF-8"
        ) from None
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
        raise InputError(f"{label or name}: the article is empty (no words to speak); check that the right file was given")
    title = None
    first_kind, first_text, first_lines = blocks[0]
    if first_kind == "heading" or (first_lines == 1 and _looks_like_title(first_text)):
        title = first_text
        blocks = blocks[1:]
    paragraphs = tuple(block for _, block, _ in blocks)
    if not paragraphs and title is None:
        raise InputError(f"{label or name}: the article is empty (no words to speak)")
    return Article(name=name, title=title, paragraphs=paragraphs, sha256=hashlib.sha256(data).hexdigest())


def _looks_like_title(block: str) -> bool:
    return len(block.split()) <= MAX_TITLE_WORDS and not _TERMINAL.search(block)


def _blocks(text: str) -> list[tuple[str, str, int]]:
    """Split text into (kind, paragraph, source lines) blocks; line wraps inside a paragraph become spaces."""
    blocks: list[tuple[str, str, int]] = []
    lines: list[str] = []

    def flush() -> None:
        joined = _inline(" ".join(line.strip() for line in lines if line.strip()))
        if re.search(r"\w", joined):
            blocks.append(("paragraph", joined, len(lines)))
        lines.clear()

    for raw in _without_code(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        line = _BLOCKQUOTE.sub("", raw)
        heading = _HEADING.match(line)
        if heading:
            flush()
            content = _inline(heading.group(1))
            if re.search(r"\w", content):
                blocks.append(("heading" if not blocks else "paragraph", content, 1))
            continue
        if not line.strip() or _RULE.match(line):
            flush()
            continue
        if _BULLET.match(line):
            flush()
            line = _BULLET.sub("", line)
        elif _NUMBERED.match(line) and lines:
            flush()
        lines.append(line)
    flush()
    return blocks


def _without_code(lines: list[str]) -> list[str]:
    """Drop fenced code blocks (code is not read aloud); a fence never closed is ordinary text."""
    kept: list[str] = []
    fence_start = None
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            if fence_start is None:
                fence_start = index
            else:
                fence_start = None
                kept.append("")
            continue
        if fence_start is None:
            kept.append(line)
    if fence_start is not None:
        kept += lines[fence_start + 1 :]
    return kept


def _inline(text: str) -> str:
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _UNDERSCORE_EMPHASIS.sub(r"\1", text)
    return re.sub(r"\s+", " ", text).strip()
