"""Reading articles: title detection, paragraphs, light Markdown, encodings, and refusals."""

from __future__ import annotations

import codecs
import hashlib
import io
import sys
import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

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
    "image without alt text only": (b"![](photo.jpg)\n", "the article is empty"),
    "indented code only": (b"    make deploy\n", "lines indented 4 spaces or a tab are code and not read"),
    "NUL bytes": (b"Title\n\nBody\x00with a NUL.\n", "binary file (it has NUL bytes)"),
    "PNG header": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "binary file"),
    "UTF-16 without a byte order mark": ("Title\n\nBody.\n".encode("utf-16-le"), "binary file"),
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


# Markdown that newsroom copy carries beyond the basics. Each case: input text -> (title, paragraphs).

INDENTED_CODE = {
    "code block after a blank line is not read": (
        "# Transit agency opens its data\n\nDevelopers can query every stop directly:\n\n"
        "    GET /api/v1/stops?route=14\n    Accept: application/json\n\nThe service is free.\n",
        "Transit agency opens its data", ("Developers can query every stop directly:", "The service is free."),
    ),
    "tab-indented code block is not read": (
        "Title\n\nThe agency published its scoring formula:\n\n\tscore = delay * 0.6 + crowding * 0.4\n\n"
        "Critics called it opaque.\n",
        "Title", ("The agency published its scoring formula:", "Critics called it opaque."),
    ),
    "code block at the very start is not read": (
        "    $ curl https://example.org/outages.json\n\nThe utility updates the outage feed hourly.\n",
        None, ("The utility updates the outage feed hourly.",),
    ),
    "blank lines inside a code block": (
        "Title\n\nBefore the listing.\n\n    first = 1\n\n    third = 3\n\nAfter the listing.\n",
        "Title", ("Before the listing.", "After the listing."),
    ),
    "code block ends at an unindented line": (
        "Title\n\nBefore.\n\n    total = 812\nThe count resumes Monday.\n",
        "Title", ("Before.", "The count resumes Monday."),
    ),
    "quoted code block is not read": (
        "Title\n\n> The leaked memo read:\n>\n>     DELETE FROM payroll WHERE dept = 7\n\n"
        "The union called it a test.\n",
        "Title", ("The leaked memo read:", "The union called it a test."),
    ),
    "indented wrapped line of a paragraph is read": (
        "Title\n\nThe council met on Tuesday\n    and voted 7-2 to proceed.\n",
        "Title", ("The council met on Tuesday and voted 7-2 to proceed.",),
    ),
    "indented paragraph of a bullet item is read": (
        "Title\n\n- The library closes at 6 p.m.\n\n    Its book drop stays open overnight.\n\n"
        "- The pool reopens Monday.\n",
        "Title", ("The library closes at 6 p.m.", "Its book drop stays open overnight.", "The pool reopens Monday."),
    ),
    "indented paragraph of a numbered item is read": (
        "Title\n\n1. Crews close the east ramp.\n\n    Detours are posted on Elm Street.\n\n"
        "2. The ramp reopens Friday.\n",
        "Title",
        ("1. Crews close the east ramp.", "Detours are posted on Elm Street.", "2. The ramp reopens Friday."),
    ),
    "plain text with every paragraph indented by a tab is read": (
        "\tHALIFAX — The ferry to Dartmouth resumes service Monday, the port authority said.\n\n"
        "\tCrews replaced a damaged ramp over the weekend.\n\n\t\"We expect no delays,\" Ms Okafor said.\n",
        None, ("HALIFAX — The ferry to Dartmouth resumes service Monday, the port authority said.",
               "Crews replaced a damaged ramp over the weekend.", "\"We expect no delays,\" Ms Okafor said."),
    ),
    "an indented paragraph among unindented ones is read": (
        "Title\n\nThe budget passed.\n\n    The vote was 7-2, with two abstentions.\n\nIt takes effect in May.\n",
        "Title", ("The budget passed.", "The vote was 7-2, with two abstentions.", "It takes effect in May."),
    ),
    "an indented command without a sentence is code": (
        "Title\n\nInstall it with:\n\n    pip install article-audio\n\nThen run it.\n",
        "Title", ("Install it with:", "Then run it."),
    ),
    "an unindented paragraph ends the list, so code after it is code": (
        "Title\n\n- Ramp closed.\n\nDrivers should plan ahead.\n\n    ramp_status = CLOSED\n\nAfter.\n",
        "Title", ("Ramp closed.", "Drivers should plan ahead.", "After."),
    ),
}

IMAGES = {
    "alt text is read": (
        "Title\n\nCrews could not reach the hamlet, see ![the flooded road](road.jpg).\n",
        "Title", ("Crews could not reach the hamlet, see image: the flooded road.",),
    ),
    "image on its own line": (
        "Title\n\n![Firefighters douse the warehouse roof](fire.jpg)\n\nThe blaze was out by noon.\n",
        "Title", ("image: Firefighters douse the warehouse roof", "The blaze was out by noon."),
    ),
    "alt text loses its emphasis": (
        "Title\n\n![The *new* footbridge](bridge.jpg)\n", "Title", ("image: The new footbridge",),
    ),
    "image inside a link": (
        "Title\n\n[![Map of the detour](map.png)](https://example.org/detour) shows the new route.\n",
        "Title", ("image: Map of the detour shows the new route.",),
    ),
    "image without alt text leaves no gap": (
        "Title\n\nThe site ![](photo.jpg) flooded twice.\n", "Title", ("The site flooded twice.",),
    ),
    "image without alt text leaves no space before punctuation": (
        "Title\n\nWater reached the rail line ![](rail.jpg).\n", "Title", ("Water reached the rail line.",),
    ),
    "image without alt text on its own line is dropped": (
        "Title\n\n![](photo.jpg)\n\nBody.\n", "Title", ("Body.",),
    ),
    "picture before the headline does not become the title": (
        "![Aerial view of the dam](dam.jpg)\n\n# Dam inspection finds cracks\n\nEngineers will return in May.\n",
        "Dam inspection finds cracks", ("image: Aerial view of the dam", "Engineers will return in May."),
    ),
    "picture before a plain headline": (
        "![Aerial view of the dam](dam.jpg)\n\nDam inspection finds cracks\n\nEngineers will return in May.\n",
        "Dam inspection finds cracks", ("image: Aerial view of the dam", "Engineers will return in May."),
    ),
}

TABLES = {
    "one sentence per body row": (
        "# Standings after week 6\n\n| Team | Wins | Losses |\n|---|:--:|---:|\n| Oilers | 10 | 2 |\n"
        "| Flames | 7 | 5 |\n\nThe top four teams advance.\n",
        "Standings after week 6",
        ("Oilers: Wins 10, Losses 2.", "Flames: Wins 7, Losses 5.", "The top four teams advance."),
    ),
    "table without outer pipes": (
        "Title\n\nWard | Turnout\n--- | ---\nNorth | 41%\nSouth | 38%\n",
        "Title", ("North: Turnout 41%.", "South: Turnout 38%."),
    ),
    "empty cells are skipped": (
        "Title\n\n| Candidate | Votes | Share |\n|---|---|---|\n| D. Okonjo | 4,210 | |\n| R. Haldane | | 31% |\n"
        "| | | |\n",
        "Title", ("D. Okonjo: Votes 4,210.", "R. Haldane: Share 31%."),
    ),
    "a dash alone is an empty cell": (
        "Title\n\n| Station | Rainfall |\n|---|---|\n| Airport | — |\n| Harbour | 12 mm |\n",
        "Title", ("Airport.", "Harbour: Rainfall 12 mm."),
    ),
    "header row alone is dropped": (
        "Title\n\nBefore the table.\n\n| Team | Wins |\n|---|---|\n\nAfter the table.\n",
        "Title", ("Before the table.", "After the table."),
    ),
    "cell markup is reduced to its text": (
        "Title\n\n| **Route** | Change |\n|---|---|\n| [14](https://example.org/14) | *Every 10 minutes* |\n",
        "Title", ("14: Change Every 10 minutes.",),
    ),
    "a cell ending a sentence gets no second period": (
        "Title\n\n| Stop | Status |\n|---|---|\n| Elm Street | Closed until Friday. |\n",
        "Title", ("Elm Street: Status Closed until Friday.",),
    ),
    "escaped pipe stays in its cell": (
        "Title\n\n| Fund | Split |\n|---|---|\n| Parks | 60 \\| 40 |\n", "Title", ("Parks: Split 60 | 40.",),
    ),
    "table right after a paragraph line": (
        "Title\n\nResults by ward:\n| Ward | Votes |\n|---|---|\n| North | 812 |\n",
        "Title", ("Results by ward:", "North: Votes 812."),
    ),
    "table first is not a title": (
        "| Team | Wins |\n|---|---|\n| Oilers | 10 |\n", None, ("Oilers: Wins 10.",),
    ),
    "pipes without a delimiter row are prose": (
        "Title\n\nThe score was 3 | 2 at the half.\n", "Title", ("The score was 3 | 2 at the half.",),
    ),
    "delimiter row of another width is no table": (
        "Title\n\nA | B | C\n--- | ---\n", "Title", ("A | B | C --- | ---",),
    ),
}

FOOTNOTES = {
    "marker is dropped, definition read where it stands": (
        "Title\n\nTurnout fell to 38 per cent.[^1] Officials blamed the rain.\n\n[^1]: Figures are preliminary.\n",
        "Title", ("Turnout fell to 38 per cent. Officials blamed the rain.", "Figures are preliminary."),
    ),
    "named marker": (
        "Title\n\nThe survey[^method] drew 1,200 replies.\n\n[^method]: The survey was online.\n",
        "Title", ("The survey drew 1,200 replies.", "The survey was online."),
    ),
    "marker after a space": (
        "Title\n\nThe levy passed [^2].\n", "Title", ("The levy passed.",),
    ),
    "definitions on consecutive lines are separate paragraphs": (
        "Title\n\nThe board approved the levy[^1] and the hiring freeze[^2].\n\n"
        "[^1]: The levy vote was 6-3.\n[^2]: The freeze ends in March.\n",
        "Title",
        ("The board approved the levy and the hiring freeze.", "The levy vote was 6-3.", "The freeze ends in March."),
    ),
    "wrapped definition": (
        "Title\n\nBody.[^1]\n\n[^1]: The survey was online\nand ran for two weeks.\n",
        "Title", ("Body.", "The survey was online and ran for two weeks."),
    ),
    "marker in the headline": (
        "# Budget passes[^1]\n\nBody.\n", "Budget passes", ("Body.",),
    ),
    "a citation number in brackets stays": (
        "Title\n\nThe drug works in most cases [3].\n", "Title", ("The drug works in most cases [3].",),
    ),
}


def _check(text: str, title: str | None, paragraphs: tuple[str, ...]) -> None:
    article = parse_article(text.encode(), name="story")
    assert (article.title, article.paragraphs) == (title, paragraphs)


@pytest.mark.parametrize("text, title, paragraphs", list(INDENTED_CODE.values()), ids=list(INDENTED_CODE))
def test_indented_code_blocks_are_not_read(text: str, title: str | None, paragraphs: tuple[str, ...]) -> None:
    _check(text, title, paragraphs)


@pytest.mark.parametrize("text, title, paragraphs", list(IMAGES.values()), ids=list(IMAGES))
def test_image_alt_text_is_read(text: str, title: str | None, paragraphs: tuple[str, ...]) -> None:
    _check(text, title, paragraphs)


@pytest.mark.parametrize("text, title, paragraphs", list(TABLES.values()), ids=list(TABLES))
def test_tables_are_read_row_by_row(text: str, title: str | None, paragraphs: tuple[str, ...]) -> None:
    _check(text, title, paragraphs)


@pytest.mark.parametrize("text, title, paragraphs", list(FOOTNOTES.values()), ids=list(FOOTNOTES))
def test_footnote_markers_are_dropped(text: str, title: str | None, paragraphs: tuple[str, ...]) -> None:
    _check(text, title, paragraphs)


UNICODE_ARTICLE = "# Caf\u00e9 reopens after flood\n\nThe caf\u00e9 in Saint-\u00c9loi reopened Tuesday.\n"

# Each case: the article's bytes with a byte order mark, as Windows editors save "Unicode" text.
UNICODE_ENCODINGS = {
    "UTF-16 (this machine's order)": UNICODE_ARTICLE.encode("utf-16"),
    "UTF-16 little-endian": codecs.BOM_UTF16_LE + UNICODE_ARTICLE.encode("utf-16-le"),
    "UTF-16 big-endian": codecs.BOM_UTF16_BE + UNICODE_ARTICLE.encode("utf-16-be"),
    "UTF-16 with CRLF": codecs.BOM_UTF16_LE + UNICODE_ARTICLE.replace("\n", "\r\n").encode("utf-16-le"),
    "UTF-32 little-endian": codecs.BOM_UTF32_LE + UNICODE_ARTICLE.encode("utf-32-le"),
    "UTF-32 big-endian": codecs.BOM_UTF32_BE + UNICODE_ARTICLE.encode("utf-32-be"),
}


@pytest.mark.parametrize("data", list(UNICODE_ENCODINGS.values()), ids=list(UNICODE_ENCODINGS))
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(data: bytes) -> None:
    article = parse_article(data, name="story")
    assert article.title == "Caf\u00e9 reopens after flood"
    assert article.paragraphs == ("The caf\u00e9 in Saint-\u00c9loi reopened Tuesday.",)
    assert article.sha256 == hashlib.sha256(data).hexdigest()


LE = codecs.BOM_UTF16_LE
# Each case: bytes behind a UTF-16 or UTF-32 byte order mark that are not that encoding -> message fragment.
BAD_UNICODE = {
    "odd number of bytes": (LE + "Title\n\nBody.".encode("utf-16-le")[:-1], "not valid UTF-16 text"),
    "lone surrogate": (LE + "Body ".encode("utf-16-le") + b"\x00\xd8" + "x.".encode("utf-16-le"),
                       "illegal UTF-16 surrogate at offset 12"),
    "UTF-32 beyond Unicode": (codecs.BOM_UTF32_LE + b"\x00\x00\x11\x00", "not valid UTF-32 text"),
    "NUL character": (LE + "Title\x00".encode("utf-16-le"), "binary file (it has NUL characters)"),
}


@pytest.mark.parametrize("data, fragment", list(BAD_UNICODE.values()), ids=list(BAD_UNICODE))
def test_invalid_utf16_is_refused_in_one_line(data: bytes, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_article(data, name="story")
    message = str(caught.value)
    assert message.startswith("story: ")
    assert fragment in message
    assert "binary" in fragment or message.endswith("re-save the file as UTF-8")
    assert "\n" not in message


# Inputs that took the reader quadratic (or, for the heading, cubic) time: seconds to minutes each.
PATHOLOGICAL = {
    "unclosed backticks": "`a " * 20_000,
    "unclosed asterisks": "*a " * 20_000,
    "unclosed underscores": "_a " * 20_000,
    "unclosed brackets": "[a " * 30_000,
    "unclosed footnote markers": "[^a " * 30_000,
    "spaces inside a heading": "# a" + " " * 2_000 + "b\n\nBody.",
}


@pytest.mark.parametrize("text", list(PATHOLOGICAL.values()), ids=list(PATHOLOGICAL))
def test_pathological_markdown_is_read_quickly(text: str) -> None:
    started = time.perf_counter()
    parse_article(text.encode())
    assert time.perf_counter() - started < 2  # linear: a few milliseconds


# Markdown-ish text: the markup the reader knows, glued together with odd white space and arbitrary text.
_MARKUP = st.sampled_from([
    "#", "# ", "## ", "|", " | ", "|---|", "|:-:|", "---", "- ", "* ", "1. ", "2) ", "> ", "    ", "\t", "```",
    "~~~", "![", "](", ")", "[", "]", "[^1]", "[^1]: ", "*", "**", "_", "__", "`", "\\|", "—", ".", "Mr.", "Oilers",
    "the vote", "\n", "\n\n", "\r\n", "\r", " ", "\u00a0", "\u2028", "\x0b", "\ufeff",
])
_MARKDOWN = st.lists(st.one_of(_MARKUP, st.text(max_size=8)), max_size=60).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.one_of(
    st.binary(max_size=300),
    _MARKDOWN.map(str.encode),
    _MARKDOWN.map(lambda text: text.encode("utf-16")),
))
@example(b"| a |\n|---|\n|   |\n")
@example("\u2028# x\x0b\u2029y\n\n|a|b|\n|-|-|\n|\u2028|\x85|\n".encode())
@example(b"\xff\xfe" + b"\x00\xdc")
def test_parse_article_returns_clean_paragraphs_or_input_error(data: bytes) -> None:
    try:
        article = parse_article(data, name="fuzz")
    except InputError as error:
        assert str(error).startswith("fuzz: ") and "\n" not in str(error)
        return
    assert article.blocks
    for block in article.blocks:
        assert block and block == block.strip() and block.splitlines() == [block]


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


def test_read_article_utf16_file(tmp_path) -> None:
    path = tmp_path / "cafe.md"
    path.write_bytes(UNICODE_ENCODINGS["UTF-16 little-endian"])
    assert read_article(path).title == "Caf\u00e9 reopens after flood"
    path.write_bytes(BAD_UNICODE["odd number of bytes"][0])
    with pytest.raises(InputError, match=r"cafe\.md: not valid UTF-16 text .*; re-save the file as UTF-8$"):
        read_article(path)


def test_a_subheading_in_capitals_inside_a_paragraph_is_a_block_of_its_own() -> None:
    text = "Mill town\n\nThe mill closed in 1988.\nWHERE IT ALL BEGAN\nThe first loom arrived by canal.\n\nA | B\n"
    article = parse_article(text.encode(), name="story")
    assert article.paragraphs == ("The mill closed in 1988.", "WHERE IT ALL BEGAN", "The first loom arrived by canal.",
                                  "A | B")
