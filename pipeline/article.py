"""Read an article file and turn plain text or simple Markdown into a title and paragraphs."""

from __future__ import annotations

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
SAMPLE_ARTICLE = Path(__file__).parent / "data" / "sample_article.md"

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
    return parse_article(data, name=name, max_bytes=max_bytes)


def _read_file(path: Path, max_bytes: int) -> bytes:
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give an article file (or use `batch` for a folder)")
    try:
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror}); check its permissions") from None


def decode_text(data: bytes, name: str, *, max_bytes: int = MAX_ARTICLE_BYTES) -> str:
    """Decode article bytes as UTF-8 text, refusing huge, binary and non-UTF-8 input."""
    if len(data) > max_bytes:
        raise InputError(
            f"{name}: larger than {max_bytes // (1024 * 1024)} MiB; "
            "an article should be plain text, not a whole archive — split it into articles"
        )
    if b"\x00" in data:
        raise InputError(f"{name}: looks like a binary file (it has NUL bytes); give a UTF-8 text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name}: not UTF-8 text (invalid byte 0x{data[error.start]:02x} at offset {error.start}); "
            "re-save the file as UTF-8"
        ) from None
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 100):
        raise InputError(f"{name}: looks like a binary file ({controls} control characters); give a text file")
    return text


def parse_article(data: bytes, *, name: str = "article", max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Turn the bytes of a plain-text or Markdown article into an Article."""
    text = decode_text(data, name, max_bytes=max_bytes)
    blocks = _blocks(text)
    if not blocks:
        raise InputError(f"{name}: the article is empty (no words to speak); check that the right file was given")
    title = None
    first_kind, first_text = blocks[0]
    if first_kind == "heading" or _looks_like_title(first_text):
        title = first_text
        blocks = blocks[1:]
    paragraphs = tuple(block for _, block in blocks)
    if not paragraphs and title is None:
        raise InputError(f"{name}: the article is empty (no words to speak)")
    return Article(name=name, title=title, paragraphs=paragraphs, sha256=hashlib.sha256(data).hexdigest())


def _looks_like_title(block: str) -> bool:
    return "\n" not in block and len(block.split()) <= MAX_TITLE_WORDS and not _TERMINAL.search(block)


def _blocks(text: str) -> list[tuple[str, str]]:
    """Split text into (kind, paragraph) blocks; line wraps inside a paragraph become spaces."""
    blocks: list[tuple[str, str]] = []
    lines: list[str] = []
    in_fence = False

    def flush() -> None:
        joined = " ".join(line.strip() for line in lines if line.strip())
        joined = _inline(joined)
        if re.search(r"\w", joined):
            blocks.append(("paragraph", joined))
        lines.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _FENCE.match(raw):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            continue  # code is not read aloud
        line = _BLOCKQUOTE.sub("", raw)
        heading = _HEADING.match(line)
        if heading:
            flush()
            content = _inline(heading.group(1))
            if re.search(r"\w", content):
                blocks.append(("heading" if not blocks else "paragraph", content))
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


def _inline(text: str) -> str:
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    return re.sub(r"\s+", " ", text).strip()
