"""Reading articles: title detection, paragraphs, light Markdown, encodings, and refusals."""

from __future__ import annotations

import hashlib
import io
import sys

import pytest

from pipeline.errors import InputError
from pipeline.stages.article import (
    MAX_ARTICLE_BYTES,
    MAX_TITLE_WORDS,
    SAMPLE_ARTICLE,
    parse_article,
    read_article,
)

BOM = b"\xef\xbb\xbf"

# Each case: input bytes -> (expected title, expected paragraphs).
CASES = {
    # titles
    "markdown heading is the title": (b"# Bridge to reopen\n\nThe bridge reopens Monday.\n",
                                      "Bridge to reopen", ("The bridge reopens Monday.",)),
    "closing hashes are dropped": (b"## Bridge to reopen ##\n\nBody text.\n", "Bridge to reopen", ("Body text.",)),
    "heading keeps its words, not its emphasis": (b"# The **big** vote\n\nBody text.\n",
                                                   "The big vote", ("Body text.",)),
    "short first line without punctuation": (b"Fire closes Main Street\n\nThe fire began at 3 a.m.\n",
                                             "Fire closes Main Street", ("The fire began at 3 a.m.",)),
    "first line that is a sentence is not a title": (b"The fire began at 3 a.m.\n\nCrews stayed all day.\n",
                                                     None, ("The fire began at 3 a.m.", "Crews stayed all day.")),
    "question is not a title": (b"Who pays for the bridge?\n\nNobody knows.\n",
                                None, ("Who pays for the bridge?", "Nobody knows.")),
    "line ending in a colon is not a title": (b"Here is what we know:\n\nNot much.\n",
                                              None, ("Here is what we know:", "Not much.")),
    "sentence ending inside a closing quote is not a title": (
        "She said \u201cno.\u201d\n\nThen she left.\n".encode(), None, ("She said \u201cno.\u201d", "Then she left.")),
    "headline with a quote is a title": (
        "\u201cNever again,\u201d says mayor\n\nThe mayor spoke.\n".encode(),
        "\u201cNever again,\u201d says mayor", ("The mayor spoke.",)),
    "title at the word limit": ((" ".join(["word"] * MAX_TITLE_WORDS) + "\n\nBody.\n").encode(),
                                " ".join(["word"] * MAX_TITLE_WORDS), ("Body.",)),
    "one word over the limit is a paragraph": ((" ".join(["word"] * (MAX_TITLE_WORDS + 1)) + "\n\nBody.\n").encode(),
                                               None, (" ".join(["word"] * (MAX_TITLE_WORDS + 1)), "Body.")),
    "heading alone is a whole article": (b"# Just a headline\n", "Just a headline", ()),
    "a later heading is a paragraph": (b"Intro text.\n\n# Later part\n\nBody.\n",
                                       None, ("Intro text.", "Later part", "Body.")),
    "hash without a space is not a heading": (b"#hashtag trend\n\nBody.\n", "#hashtag trend", ("Body.",)),
    # paragraphs
    "line wraps are joined": (b"Title\n\nThe council met\non Tuesday and\n  voted to proceed.\n",
                              "Title", ("The council met on Tuesday and voted to proceed.",)),
    "blank lines separate paragraphs": (b"Title\n\nFirst one.\n\n\n\nSecond one.\n \t \nThird one.\n",
                                        "Title", ("First one.", "Second one.", "Third one.")),
    "inner white space collapses": (b"Title\n\nToo    many\t\tspaces here.\n", "Title", ("Too many spaces here.",)),
    "horizontal rule separates and is dropped": (b"Title\n\nBefore.\n\n---\n\nAfter.\n***\n", "Title",
                                                 ("Before.", "After.")),
    "CRLF line ends": (b"Title\r\n\r\nLine one\r\nline two.\r\n\r\nNext.\r\n", "Title", ("Line one line two.", "Next.")),
    "old Mac CR line ends": (b"Title\r\rLine one\rline two.\r", "Title", ("Line one line two.",)),
    "byte order mark is dropped": (BOM + b"Title\n\nBody.\n", "Title", ("Body.",)),
    "non-ASCII UTF-8 is kept": ("Caf\u00e9 reopens\n\nThe caf\u00e9 in Saint-\u00c9loi reopened.\n".encode(),
                                "Caf\u00e9 reopens", ("The caf\u00e9 in Saint-\u00c9loi reopened.",)),
    # Markdown
    "emphasis markers are removed": (b"Title\n\nSome *soft* and **strong** and __under__ and `code` words.\n",
                                     "Title", ("Some soft and strong and under and code words.",)),
    "link keeps its text, drops its address": (b"Title\n\nRead [the full report](https://example.org/r) now.\n",
                                               "Title", ("Read the full report now.",)),
    "image is dropped": (b"Title\n\nThe site ![aerial photo](photo.jpg) flooded.\n", "Title", ("The site flooded.",)),
    "bullets lose their markers, one paragraph each": (b"Title\n\n- first item\n* second item\n+ third item\n",
                                                       "Title", ("first item", "second item", "third item")),
    "indented bullet": (b"Title\n\n   - indented item\n", "Title", ("indented item",)),
    "ordered list keeps its numbers": (b"Title\n\nSteps:\n1. Boil water.\n2) Add rice.\n10. Serve.\n", "Title",
                                       ("Steps:", "1. Boil water.", "2) Add rice.", "10. Serve.")),
    "year at a line start is not a list": (b"Title\n\n2024 was a dry year.\n", "Title", ("2024 was a dry year.",)),
    "blockquote marker is removed": (b"Title\n\n> Quoted line one\n> quoted line two.\n", "Title",
                                     ("Quoted line one quoted line two.",)),
    "backtick code fence is not read": (b"Title\n\nBefore.\n\n```python\nprint('x')\n```\n\nAfter.\n", "Title",
                                        ("Before.", "After.")),
    "tilde code fence is not read": (b"Title\n\nBefore.\n~~~\nsecret code\n~~~\nAfter.\n", "Title",
                                     ("Before.", "After.")),
    "a lone asterisk is not emphasis": (b"Title\n\n3 * 4 = 12.\n", "Title", ("3 * 4 = 12.",)),
}


@pytest.mark.parametrize("data, title, paragraphs", list(CASES.values()), ids=list(CASES))
def test_parse_article(data: bytes, title: str | None, paragraphs: tuple[str, ...]) -> None:
    article = parse_article(data, name="story")
    assert article.title == title
    assert article.paragraphs == paragraphs
    assert article.blocks == ((title,) if title else ()) + paragraphs
    assert article.name == "story"


@pytest.mark.parametrize(
    "data",
    [b"Title\n\nBody.\n", BOM + b"Title\n\nBody.\n", b"Title\r\n\r\nBody.\r\n", "Caf\u00e9\n\nBody.".encode()],
    ids=["lf", "bom", "crlf", "non-ascii"],
)
def test_sha256_is_of_the_input_bytes(data: bytes) -> None:
    article = parse_article(data)
    assert article.sha256 == hashlib.sha256(data).hexdigest()


def test_sha256_differs_when_only_line_ends_differ() -> None:
    # Same text, different bytes: the report must be able to tell which file was rendered.
    lf = parse_article(b"Title\n\nBody.\n")
    crlf = parse_article(b"Title\r\n\r\nBody.\r\n")
    assert (lf.title, lf.paragraphs) == (crlf.title, crlf.paragraphs)
    assert lf.sha256 != crlf.sha256


# Each case: input bytes -> fragment the one-line message must contain.
ERRORS = {
    "empty": (b"", "the article is empty"),
    "white space only": (b"  \n\n\t \r\n", "the article is empty"),
    "BOM only": (BOM, "the article is empty"),
    "rules only": (b"---\n***\n___\n", "the article is empty"),
    "code only": (b"```\nprint('hi')\n```\n", "the article is empty"),
    "image only": (b"![a photo](photo.jpg)\n", "the article is empty"),
    "NUL bytes": (b"Title\n\nBody\x00with a NUL.\n", "binary file (it has NUL bytes)"),
    "PNG header": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "binary file"),
    "UTF-16 text": ("Title\n\nBody.\n".encode("utf-16"), "binary file"),
    "many control characters": (b"Title\n\n" + b"\x01\x02\x03" * 10 + b" words.\n", "(30 control characters)"),
    "latin-1 text": ("caf\u00e9 au lait".encode("latin-1"), "not UTF-8 text (invalid byte 0xe9 at offset 3)"),
    "bad byte later on": (b"Title\n\nAn \xff byte.\n", "invalid byte 0xff at offset 10"),
    "truncated UTF-8 sequence": (b"Title\n\nCaf\xc3", "invalid byte 0xc3 at offset 10"),
}


@pytest.mark.parametrize("data, fragment", list(ERRORS.values()), ids=list(ERRORS))
def test_parse_article_refuses(data: bytes, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_article(data, name="story")
    message = str(caught.value)
    assert message.startswith("story: ")
    assert fragment in message
    assert "\n" not in message
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    "data, fragment",
    [
        (BOM + "caf\u00e9".encode("latin-1"), "invalid byte 0xe9 at offset 6"),
        (BOM + "Un caf\u00e9 au lait.".encode("latin-1"), "invalid byte 0xe9 at offset 9"),
        (BOM + b"Title\n\nAn \xff byte.", "invalid byte 0xff at offset 13"),
    ],
    ids=["at the end", "mid text", "later line"],
)
def test_non_utf8_offset_counts_the_bom(data: bytes, fragment: str) -> None:
    # The offset is into the file as saved, BOM included, and names the byte that is really there.
    with pytest.raises(InputError) as caught:
        parse_article(data)
    assert fragment in str(caught.value)


@pytest.mark.parametrize("size, refused", [(100, False), (101, True)])
def test_max_bytes_limit(size: int, refused: bool) -> None:
    data = b"Title\n\n" + b"a" * (size - 8) + b"\n"
    assert len(data) == size
    if refused:
        with pytest.raises(InputError, match=r"^story: larger than"):
            parse_article(data, name="story", max_bytes=100)
    else:
        assert parse_article(data, name="story", max_bytes=100).paragraphs == ("a" * (size - 8),)


def test_default_limit_is_2_mib() -> None:
    assert MAX_ARTICLE_BYTES == 2 * 1024 * 1024
    with pytest.raises(InputError, match=r"larger than 2 MiB"):
        parse_article(b"word " * (MAX_ARTICLE_BYTES // 5 + 1))


# read_article: files, standard input, the sample


def test_read_article_from_a_file(tmp_path) -> None:
    data = b"# Ferry adds a crossing\n\nThe ferry runs at 7 p.m.\n"
    path = tmp_path / "ferry-news.md"
    path.write_bytes(data)
    article = read_article(path)
    assert article.name == "ferry-news"
    assert article.title == "Ferry adds a crossing"
    assert article.paragraphs == ("The ferry runs at 7 p.m.",)
    assert article.sha256 == hashlib.sha256(data).hexdigest()
    assert read_article(str(path)) == article


def test_read_article_from_stdin(monkeypatch) -> None:
    data = b"Ferry adds a crossing\n\nThe ferry runs at 7 p.m.\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    article = read_article("-")
    assert article.name == "stdin"
    assert article.title == "Ferry adds a crossing"
    assert article.sha256 == hashlib.sha256(data).hexdigest()


def test_read_article_stdin_too_large(monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"word " * 100)))
    with pytest.raises(InputError, match=r"^stdin: larger than"):
        read_article("-", max_bytes=50)


def test_read_article_sample() -> None:
    article = read_article(None)
    assert article.name == "sample_article"
    assert article.title == "Province pledges $1.2 million to reopen Cwmderwen bridge before spring"
    assert len(article.paragraphs) == 9
    assert article.paragraphs[-1].endswith("may submit questions by email until Dec. 9.")
    assert article.sha256 == hashlib.sha256(SAMPLE_ARTICLE.read_bytes()).hexdigest()


def test_read_article_max_bytes_on_a_file(tmp_path) -> None:
    path = tmp_path / "long.md"
    path.write_bytes(b"Title\n\n" + b"word " * 40)
    with pytest.raises(InputError, match=r"long\.md: larger than 100 bytes"):
        read_article(path, max_bytes=100)
    assert read_article(path, max_bytes=1000).title == "Title"


def test_read_article_missing_and_directory(tmp_path) -> None:
    with pytest.raises(InputError, match=r"no such file"):
        read_article(tmp_path / "missing.md")
    with pytest.raises(InputError, match=r"is a directory"):
        read_article(tmp_path)
