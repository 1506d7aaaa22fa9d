"""Lexicon import/export: PLS, CSV and TOML readers and writers, round trips, and atomic file writes."""

from __future__ import annotations

import dataclasses
import errno
import os
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.cli.main import main
from pipeline.errors import ExportError, LexiconError
from pipeline.lexicon.formats import (
    PLS_NAMESPACE,
    read_csv,
    read_lexicon_file,
    read_pls,
    write_csv,
    write_lexicon_file,
    write_pls,
    write_toml,
    xsampa_to_ipa,
)
from pipeline.lexicon.model import Entry, fired_entries, load_lexicon, parse_lexicon

LEXICONS = Path(__file__).parent / "fixtures" / "lexicons"
NS = {"pls": PLS_NAMESPACE}


def pls(body: str, lexicon_attributes: str = 'alphabet="ipa"') -> bytes:
    """A PLS document around some lexemes; the first lexeme starts on line 3."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<lexicon version="1.0" xmlns="{PLS_NAMESPACE}" '
        f'{lexicon_attributes} xml:lang="en-US">\n{body}\n</lexicon>\n'
    ).encode()


def lexeme(*children: str) -> str:
    return "<lexeme>" + "".join(children) + "</lexeme>"


def unnumbered(entries) -> list[Entry]:
    return [dataclasses.replace(entry, line=0) for entry in entries]


def collapse(text: str | None) -> str | None:
    return " ".join(text.split()) or None if text is not None else None


# --- PLS import ------------------------------------------------------------------------------------------


def test_read_pls_fixture_with_every_feature():
    entries = read_lexicon_file(LEXICONS / "newsroom.pls")
    assert entries == (
        Entry("Cwmderwen", "koom dare wen", "kʊmˈdɛrwɛn", example="The Cwmderwen bridge reopened.", line=11),
        Entry("AT&T", "A T & T", case_sensitive=True, line=18),
        Entry("Ngozi", None, "ŋˈɡozi", case_sensitive=True, line=22),
        Entry("Ng\u2019ozi", None, "ŋˈɡozi", case_sensitive=True, line=23),
        Entry("Reading", None, "ˈrɛdɪŋ taʊn", case_sensitive=True, line=27),
        Entry("R&D", "R and D", case_sensitive=True, line=32),
        Entry("Café Nero", "caff ay NEH-roh", case_sensitive=True, line=36),
    )


def test_read_pls_without_namespace_and_inherited_xsampa():
    entries = read_lexicon_file(LEXICONS / "plain-xsampa.pls")
    assert unnumbered(entries) == [
        Entry("tomato", None, "təˈmɑː.təʊ"),
        Entry("Siobhan", None, "ʃəˈvɑːn", case_sensitive=True),
        Entry("Mr. Dinh", None, "ˈmɪstər ˈdɪn", case_sensitive=True),
    ]


@pytest.mark.parametrize(
    "body, expected",
    [
        # alias only, phoneme only, both kept
        (lexeme("<grapheme>W3C</grapheme><alias>World Wide Web Consortium</alias>"),
         [Entry("W3C", "World Wide Web Consortium", case_sensitive=True)]),
        (lexeme("<grapheme>Nguyen</grapheme><phoneme>wɪn</phoneme>"),
         [Entry("Nguyen", None, "wɪn", case_sensitive=True)]),
        (lexeme("<grapheme>Nguyen</grapheme><phoneme>wɪn</phoneme><alias>win</alias>"),
         [Entry("Nguyen", "win", "wɪn", case_sensitive=True)]),
        # graphemes that differ only in case merge into one case-insensitive entry, written as the first listed
        (lexeme("<grapheme>Aether</grapheme><grapheme>aether</grapheme><grapheme>AETHER</grapheme>"
                "<phoneme>ˈiθɛr</phoneme>"),
         [Entry("Aether", None, "ˈiθɛr")]),
        # different graphemes give one case-sensitive entry each, sharing the pronunciation
        (lexeme("<grapheme>SB</grapheme><grapheme>StB</grapheme><alias>Stormblood</alias>"),
         [Entry("SB", "Stormblood", case_sensitive=True), Entry("StB", "Stormblood", case_sensitive=True)]),
        # both at once; surrounding white space stripped, trailing punctuation kept, repeats counted once
        (lexeme("<grapheme>Eld </grapheme><grapheme>Eld.</grapheme><grapheme> eld </grapheme><grapheme> eld.</grapheme>"
                "<grapheme>Eld,</grapheme><grapheme>Eld</grapheme><phoneme>ɛld</phoneme>"),
         [Entry("Eld", None, "ɛld"), Entry("Eld.", None, "ɛld"), Entry("Eld,", None, "ɛld", case_sensitive=True)]),
        # interior apostrophes and hyphens kept; inner white space (line breaks too) collapsed
        (lexeme("<grapheme>Y'shtola</grapheme><grapheme>Saint-Éloi\n   des  Chutes</grapheme><alias>x</alias>"),
         [Entry("Y'shtola", "x", case_sensitive=True), Entry("Saint-Éloi des Chutes", "x", case_sensitive=True)]),
        # a grapheme without cased letters is not case-sensitive: the flag would change nothing
        (lexeme("<grapheme>1984</grapheme><alias>nineteen eighty-four</alias>"),
         [Entry("1984", "nineteen eighty-four")]),
        # character and entity references, CDATA
        (lexeme("<grapheme>Q&amp;A &#x2014; &lt;live&gt;</grapheme><alias>Q and A &#233;&quot;&apos;</alias>"),
         [Entry("Q&A — <live>", "Q and A é\"'", case_sensitive=True)]),
        (lexeme("<grapheme><![CDATA[C++ & <C#>]]></grapheme><alias>see plus plus</alias>"),
         [Entry("C++ & <C#>", "see plus plus", case_sensitive=True)]),
        # prefer="true" picks among several; otherwise the first
        (lexeme("<grapheme>live</grapheme><alias>liv</alias><alias prefer='true'>lyve</alias><phoneme>lɪv</phoneme>"
                "<phoneme>laɪv</phoneme>"), [Entry("live", "lyve", "lɪv", case_sensitive=True)]),
        # x-sampa on the phoneme overrides the lexicon's ipa; the alphabet name is case-insensitive
        (lexeme("<grapheme>tomato</grapheme><phoneme alphabet='X-SAMPA'>t@\"mA:.t@U</phoneme>"),
         [Entry("tomato", None, "təˈmɑː.təʊ", case_sensitive=True)]),
        # example, and elements of other namespaces ignored
        (lexeme("<grapheme>Aoife</grapheme><x:tag xmlns:x='urn:x'>skip</x:tag><alias>eefa</alias>"
                "<example> Aoife  spoke. </example><example>second</example>"),
         [Entry("Aoife", "eefa", example="Aoife spoke.", case_sensitive=True)]),
        # an empty lexicon
        ("", []),
    ],
)
def test_read_pls(body, expected):
    assert unnumbered(read_pls(pls(body), "t.pls")) == expected


def test_read_pls_reports_the_line_of_each_entry():
    body = lexeme("<grapheme>a</grapheme>\n<grapheme>b</grapheme><alias>x</alias>") + "\n" + lexeme(
        "\n\n<grapheme>c</grapheme><alias>y</alias>")
    assert [entry.line for entry in read_pls(pls(body), "t.pls")] == [3, 4, 7]


def test_read_pls_inherits_xsampa_from_lexicon():
    data = pls(lexeme("<grapheme>kitten</grapheme><phoneme>\"kIt@n</phoneme>"), 'alphabet="x-sampa"')
    assert read_pls(data, "t.pls")[0].ipa == "ˈkɪtən"


@pytest.mark.parametrize(
    "data, position, message",
    [
        # not well-formed: the expat message with line and column (from 1)
        (pls(lexeme("<grapheme>a</grapheme><alias>b</alias")), "3:46", "not well-formed"),
        (pls("<lexeme><grapheme>a</alias></lexeme>"), "3:22", "mismatched tag"),
        (pls(lexeme("<grapheme>&nbsp;</grapheme><alias>b</alias>")), "3:19", "undefined entity"),
        (b"", "1:1", "no element found"),
        (b'<?xml version="1.0"?>\n<lexicon>\n<lexeme>', "3:9", "no element found"),
        # DTDs are refused before any entity is declared (expat reports where the internal subset opens)
        (b'<?xml version="1.0"?>\n<!DOCTYPE lexicon [<!ENTITY x "y">]>\n<lexicon/>', "2:19", "DOCTYPE"),
        (b'<!DOCTYPE lexicon SYSTEM "file:///etc/passwd">\n<lexicon>&x;</lexicon>', "1:46", "DOCTYPE"),
        # valid XML but not a usable lexicon
        (pls(lexeme("<grapheme> </grapheme><alias>b</alias>")), "3:9", "<grapheme> is empty"),
        (pls(lexeme("<grapheme>a</grapheme><alias></alias>")), "3:31", "<alias> is empty"),
        (pls(lexeme("<grapheme>a</grapheme><example>e</example>")), "3:1", "neither an <alias> nor a <phoneme>"),
        (pls(lexeme("<alias>a</alias>")), "3:1", "has no <grapheme>"),
        (pls(lexeme("<grapheme>a</grapheme><phoneme alphabet='x-microsoft-sapi'>h eh 1</phoneme>")), "3:31",
         "'x-microsoft-sapi' is not supported"),
        (pls(lexeme("<grapheme>a</grapheme><phoneme>a</phoneme>"), ""), "3:31", "has no alphabet"),
        (pls(lexeme("<grapheme>a</grapheme><phoneme alphabet='x-sampa'>a#b</phoneme>")), "3:31", "X-SAMPA symbol '#'"),
        (pls(lexeme("<grapheme>a<b>b</b></grapheme><alias>b</alias>")), "3:20", "holds text only"),
        (b"<html><body/></html>", "1:1", "not a PLS <lexicon>"),
        (b"<lexicon xmlns='urn:other'/>", "1:1", "not a PLS <lexicon>"),
    ],
)
def test_read_pls_refuses_with_line_and_column(data, position, message):
    with pytest.raises(LexiconError) as caught:
        read_pls(data, "bad.pls")
    assert str(caught.value).startswith(f"bad.pls:{position}: ")
    assert message in str(caught.value)


def test_read_pls_refuses_entity_expansion_bomb():
    with pytest.raises(LexiconError, match=r"bomb\.pls:2:19: a DOCTYPE"):
        read_lexicon_file(LEXICONS / "bomb.pls")


def test_read_pls_is_all_or_nothing():
    # the first lexemes are fine, the last is not: nothing is returned
    body = lexeme("<grapheme>a</grapheme><alias>b</alias>") + "\n" + lexeme("<grapheme>c</grapheme>")
    with pytest.raises(LexiconError, match=r"^t\.pls:4:1: "):
        read_pls(pls(body), "t.pls")


@pytest.mark.parametrize(
    "data, message",
    [
        (pls(lexeme("<grapheme>caf\xe9</grapheme><alias>b</alias>")).replace("é".encode(), b"\xe9"), "not UTF-8"),
        ("\ufeff".encode() + pls("").replace(b"UTF-8", b"UTF-16"), None),  # BOM, a wrong declaration: read as UTF-8
        (b" " * (16 * 1024 * 1024 + 1), "larger than 16 MiB"),
    ],
)
def test_read_pls_encoding_and_size(data, message):
    if message is None:
        assert read_pls(data, "t.pls") == ()
    else:
        with pytest.raises(LexiconError, match=message):
            read_pls(data, "t.pls")


@pytest.mark.parametrize(
    "xsampa, ipa",
    [
        ('"tA.m@.tou', "ˈtɑ.mə.tou"),
        ("t@\"mA:.t@U", "təˈmɑː.təʊ"),
        ("dZ{m", "dʒæm"),
        ("t_S", "t͡ʃ"),  # "_" alone is the tie bar
        ("p_hIn", "pʰɪn"),  # "_h" is aspiration, not a tie
        ("E~", "ɛ̃"),
        ("r\\`", "ɻ"),  # three-character symbols win over their prefixes
        ("@`", "ɚ"),
        ("%mIn@\"soU.t@", "ˌmɪnəˈsoʊ.tə"),
        ("b_<a G\\_<", "ɓa ʛ"),
        ("n=", "n̩"),
        ("a-b", "ab"),
        ("J\\ ?\\ ||", "ɟ ʕ ‖"),
    ],
)
def test_xsampa_to_ipa(xsampa, ipa):
    assert xsampa_to_ipa(xsampa) == ipa


# --- PLS export ------------------------------------------------------------------------------------------


def parsed(data: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(data)


def test_write_pls_is_valid_pls():
    data = write_pls([Entry("W3C", "World Wide Web Consortium", case_sensitive=True)], lang="en-GB")
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = parsed(data)
    assert root.tag == f"{{{PLS_NAMESPACE}}}lexicon"
    assert root.get("version") == "1.0" and root.get("alphabet") == "ipa"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
    assert [element.text for element in root.iterfind("pls:lexeme/*", NS)] == ["W3C", "World Wide Web Consortium"]


def test_write_pls_groups_entries_and_spells_out_case():
    entries = [
        Entry("Nguyen", "win", "wɪn"),
        Entry("NATO", "nay toe", case_sensitive=True),
        Entry("Win", "win", "wɪn", case_sensitive=True),
        Entry("nato", "nay toe", case_sensitive=True),  # differs only in case: never shares a lexeme
        Entry("A&B <x>", "a and b", note="not written", whole_word=False),
    ]
    lexemes = [
        [(element.tag.split("}")[1], element.text) for element in node]
        for node in parsed(write_pls(entries)).iterfind("pls:lexeme", NS)
    ]
    assert lexemes == [
        [("grapheme", "Nguyen"), ("grapheme", "nguyen"), ("grapheme", "NGUYEN"), ("grapheme", "Win"),
         ("phoneme", "wɪn"), ("alias", "win")],
        [("grapheme", "NATO"), ("alias", "nay toe")],
        [("grapheme", "nato"), ("alias", "nay toe")],
        [("grapheme", "A&B <x>"), ("grapheme", "a&b <x>"), ("grapheme", "A&b <x>"), ("grapheme", "A&B <X>"),
         ("alias", "a and b")],
    ]


@pytest.mark.parametrize(
    "entries, lang, message",
    [
        ([Entry("a", "b\x01")], "en-US", "U+0001 cannot be written in XML"),
        ([Entry("a", "b", example="\ufffe")], "en-US", "U+FFFE"),
        ([Entry("a")], "en-US", "needs a word and a say or an ipa"),
        ([Entry(" ", "b")], "en-US", "needs a word"),
        ([Entry("a", "b")], 'en"><x', "not a language tag"),
    ],
)
def test_write_pls_refuses(entries, lang, message):
    with pytest.raises(LexiconError, match=re.escape(message)):
        write_pls(entries, lang)


def test_pls_round_trip_of_fixtures():
    for path in (LEXICONS / "newsroom.pls", LEXICONS / "plain-xsampa.pls"):
        entries = read_lexicon_file(path)
        back = read_pls(write_pls(entries), "x")
        assert sorted(map(repr, unnumbered(back))) == sorted(map(repr, unnumbered(entries)))


def graphemes(data: bytes) -> list[str]:
    return [" ".join(node.text.split()) for node in parsed(data).iterfind("pls:lexeme/pls:grapheme", NS)]


@pytest.mark.parametrize(
    "word, written",
    [
        ("Nguyen", ["Nguyen", "nguyen", "NGUYEN"]),
        # the Capitalized form capitalizes the first letter, after any leading punctuation
        ("'twixt", ["'twixt", "'Twixt", "'TWIXT"]),
        ("-vardi", ["-vardi", "-Vardi", "-VARDI"]),
        ("’ROUND", ["’ROUND", "’round", "’Round"]),
        ("«nother", ["«nother", "«Nother", "«NOTHER"]),
        # a digit is not punctuation: there is nothing after it to capitalize
        ("1st", ["1st", "1ST"]),
    ],
)
def test_write_pls_spells_out_case_after_leading_punctuation(word, written):
    assert graphemes(write_pls([Entry(word, "x")])) == written


def test_pls_round_trip_keeps_graphemes_that_start_with_punctuation(tmp_path, capsys):
    source = LEXICONS / "leading-punctuation.pls"
    toml, out = tmp_path / "lex.toml", tmp_path / "out.pls"
    assert main(["lexicon", "import", str(source), "-o", str(toml)]) == 0
    assert main(["lexicon", "export", str(toml), "-o", str(out)]) == 0
    capsys.readouterr()
    assert set(graphemes(source.read_bytes())) - set(graphemes(out.read_bytes())) == set()
    # and the imported entries still fire where the words stand alone
    lexicon = load_lexicon(toml)
    sentence = "'Twixt the dunes a ’Nother -Vardi song woke the kestrel."
    assert fired_entries(lexicon.apply(sentence)) == ("'twixt", "’Nother", "-vardi", "Kestrel")


XML_CHARACTERS = st.characters(exclude_categories=("Cs",)).filter(
    lambda c: c in "\t\n\r" or "\x20" <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd" or c >= "\U00010000"
)


def entries_of(characters: st.SearchStrategy[str]) -> st.SearchStrategy[list[Entry]]:
    """Entries as parse_lexicon makes them: word and say with collapsed white space, other text non-blank."""
    text = st.text(characters, min_size=1, max_size=10)
    collapsed = text.map(lambda value: " ".join(value.split())).filter(bool)
    optional = st.none() | text.filter(str.strip)
    entry = st.builds(Entry, word=collapsed, say=st.none() | collapsed, ipa=optional, case_sensitive=st.booleans(),
                      whole_word=st.booleans(), note=optional, example=optional)
    # a few shared pronunciations, so that lexemes with several graphemes occur
    shared = st.builds(Entry, word=st.sampled_from(["ab", "AB", "Ab", "ß", "SS", "x y", "1", "İz"]), say=st.just("s"),
                       case_sensitive=st.booleans())
    return st.lists(entry.filter(lambda e: e.say or e.ipa) | shared, max_size=8)


def has_case(word: str) -> bool:
    """True when some other capitalization of the word folds to the same letters (the flag then matters)."""
    return any(form != word and form.casefold() == word.casefold()
               for form in (word.lower(), word.capitalize(), word.upper()))


def pls_equivalent(entry: Entry) -> Entry:
    """What survives PLS: white space collapsed, no note, whole words, the case flag only where case exists."""
    return Entry(entry.word, entry.say, collapse(entry.ipa), entry.case_sensitive and has_case(entry.word),
                 example=collapse(entry.example))


@given(entries_of(XML_CHARACTERS))
def test_pls_round_trip(entries):
    back = read_pls(write_pls(entries), "round.pls")
    assert sorted(map(repr, unnumbered(back))) == sorted(repr(pls_equivalent(entry)) for entry in entries)


# --- CSV -------------------------------------------------------------------------------------------------


def test_read_csv_fixture_with_bom():
    assert read_lexicon_file(LEXICONS / "newsroom.csv") == (
        Entry("Cwmderwen", "koom dare wen", "kʊmˈdɛrwɛn", note="Welsh village, checked with the clerk", line=2),
        Entry("Reading", "redding", case_sensitive=True, note="the town, not the verb", example="Reading Festival",
              line=3),
        Entry("ough", "oh", whole_word=False, line=4),
        Entry("Saint-Éloi-des-Chutes", 'san tay-lwah "day" shoot', line=6),
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("word,ipa\nNguyen,wɪn\n", [Entry("Nguyen", None, "wɪn", line=2)]),
        (" Say , WORD \n win , Nguyen \n", [Entry("Nguyen", "win", line=2)]),  # any order, any case, spaces
        ("word,say,,\nNguyen,win,,\n", [Entry("Nguyen", "win", line=2)]),  # unnamed empty columns
        ("word,say\nNguyen,win,,\n", [Entry("Nguyen", "win", line=2)]),  # trailing empty cells
        ("word,say\n\"New\nYork\",noo york\nx,y\n", [Entry("New York", "noo york", line=2), Entry("x", "y", line=3)]),
        ("word,say\n", []),
    ],
)
def test_read_csv(text, expected):
    assert list(read_csv(text.encode(), "t.csv")) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "t.csv: empty; the first row must name the columns"),
        ("word,spoken\n", "t.csv:row 1: unknown column 'spoken'"),
        ("word,note\n", "t.csv:row 1: the header needs a 'word' column and a 'say' or 'ipa' column"),
        ("say,ipa\n", "t.csv:row 1: the header needs a 'word' column"),
        ("word,say,Say\n", "t.csv:row 1: column 'say' appears twice"),
        ("word,say\na,b\n,c\n", "t.csv:row 3: the row has no word"),
        ("word,say,ipa\na,b,c\nd,,\n", "t.csv:row 3: 'd' needs a say or an ipa"),
        ("word,say,case_sensitive\na,b,maybe\n",
         "t.csv:row 2: 'case_sensitive' must be true, false, yes, no, 1 or 0, not 'maybe'"),
        ("word,say,whole_word\na,b,2\n", "t.csv:row 2: 'whole_word' must be"),
        ("word,say\na,b,c\n", "t.csv:row 2: cell 3 ('c') is in a column without a header"),
        ("word,say\na,b\nc,\"d\"e\n", "t.csv:row 3: "),  # bad quoting
    ],
)
def test_read_csv_refuses_bad_rows(text, message):
    with pytest.raises(LexiconError) as caught:
        read_csv(text.encode(), "t.csv")
    assert str(caught.value).startswith(message)


def test_read_csv_refuses_other_encodings():
    with pytest.raises(LexiconError, match="not UTF-8"):
        read_csv("word,say\ncafé,caff ay\n".encode("cp1252"), "t.csv")


def test_write_csv_has_bom_header_and_quoting():
    data = write_csv([Entry("a, b", 'say "x"', note="line\nbreak", case_sensitive=True)])
    assert data.startswith(b"\xef\xbb\xbfword,say,ipa,case_sensitive,whole_word,note,example\r\n")
    assert data.decode("utf-8-sig").splitlines()[1] == '"a, b","say ""x""",,true,true,"line'


def test_write_csv_refuses_nul():
    with pytest.raises(LexiconError, match="NUL"):
        write_csv([Entry("a", "b", note="\x00")])


@given(entries_of(st.characters(exclude_categories=("Cs",), exclude_characters="\x00")))
def test_csv_round_trip(entries):
    assert unnumbered(read_csv(write_csv(entries), "round.csv")) == unnumbered(entries)


# --- TOML ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry, written",
    [
        (Entry("Nguyen", "win"), '[[entry]]\nword = "Nguyen"\nsay = "win"\n'),
        (Entry('say "hi"', "back\\slash", case_sensitive=True, whole_word=False),
         '[[entry]]\nword = "say \\"hi\\""\nsay = "back\\\\slash"\ncase_sensitive = true\nwhole_word = false\n'),
        (Entry("tab", None, "a\tb\nc\rd\x00e\x7ff\x1b", note="\b\f"),
         '[[entry]]\nword = "tab"\nipa = "a\\tb\\nc\\rd\\u0000e\\u007Ff\\u001B"\nnote = "\\b\\f"\n'),
        (Entry("Ngozi", "en-GO-zee", "ŋˈɡozi", example="Ng’ozi 🎙"),
         '[[entry]]\nword = "Ngozi"\nsay = "en-GO-zee"\nipa = "ŋˈɡozi"\nexample = "Ng’ozi 🎙"\n'),
        (Entry("x", "y", note="[[entry]]\n[[entry]]"),
         '[[entry]]\nword = "x"\nsay = "y"\nnote = "[[entry]]\\n[[entry]]"\n'),
    ],
)
def test_write_toml_escapes(entry, written):
    assert write_toml([entry]) == written
    assert unnumbered(parse_lexicon(written.encode()).entries) == [entry]


def test_write_toml_separates_tables_and_keeps_lines():
    text = write_toml([Entry("a", "b"), Entry("c", "d", note="x\ny")])
    assert [entry.line for entry in parse_lexicon(text.encode()).entries] == [1, 5]


def test_write_toml_refuses_entries_the_parser_would_refuse():
    with pytest.raises(LexiconError, match="needs a word and a say or an ipa"):
        write_toml([Entry("a", " ", " ")])


@given(entries_of(st.characters(exclude_categories=("Cs",))))
def test_toml_round_trip(entries):
    assert unnumbered(parse_lexicon(write_toml(entries).encode()).entries) == unnumbered(entries)


# --- files -----------------------------------------------------------------------------------------------

SAMPLE = (Entry("Cwmderwen", "koom dare wen", "kʊmˈdɛrwɛn"), Entry("NATO", "nay toe", case_sensitive=True))


@pytest.mark.parametrize("name", ["lex.toml", "lex.pls", "lex.xml", "lex.csv", "LEX.CSV"])
def test_files_round_trip_by_extension(tmp_path, name):
    path = tmp_path / name
    write_lexicon_file(SAMPLE, path, lang="en-GB")
    assert unnumbered(read_lexicon_file(path)) == list(SAMPLE)
    assert not [leftover for leftover in tmp_path.iterdir() if leftover != path]


@pytest.mark.parametrize("name", ["lex.json", "lexicon", "lex.toml.bak"])
def test_unknown_extension(tmp_path, name):
    (tmp_path / name).write_text("")
    for action in (lambda: read_lexicon_file(tmp_path / name), lambda: write_lexicon_file(SAMPLE, tmp_path / name)):
        with pytest.raises(LexiconError, match=r"unknown lexicon format .*use \.toml, \.pls, \.xml or \.csv"):
            action()


def test_read_lexicon_file_refuses_missing_huge_and_non_utf8(tmp_path):
    with pytest.raises(LexiconError, match="cannot be read"):
        read_lexicon_file(tmp_path / "missing.toml")
    (tmp_path / "folder.toml").mkdir()
    with pytest.raises(LexiconError, match="cannot be read"):
        read_lexicon_file(tmp_path / "folder.toml")
    huge = tmp_path / "huge.toml"
    with huge.open("wb") as handle:
        handle.truncate(16 * 1024 * 1024 + 1)
    with pytest.raises(LexiconError, match="larger than 16 MiB"):
        read_lexicon_file(huge)
    latin = tmp_path / "latin.toml"
    latin.write_bytes('[[entry]]\nword = "café"\nsay = "caff ay"\n'.encode("latin-1"))
    with pytest.raises(LexiconError, match="not UTF-8"):
        read_lexicon_file(latin)


def test_read_lexicon_file_toml_errors_name_the_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[[entry]]\nword = "a"\n')
    with pytest.raises(LexiconError, match=r"bad\.toml:1: entry needs a non-empty text 'say'"):
        read_lexicon_file(path)


def fail_with_full_disk(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failed_write_leaves_old_lexicon_intact(tmp_path, monkeypatch, failing):
    path = tmp_path / "lexicon.toml"
    path.write_text(write_toml(SAMPLE), encoding="utf-8")
    before = path.read_bytes()
    # fsync fails after the new content is written to the temporary file; replace fails when publishing
    monkeypatch.setattr(os, failing, fail_with_full_disk)
    with pytest.raises(ExportError, match="no space left"):
        write_lexicon_file([Entry("new", "entry")], path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [child.name for child in tmp_path.iterdir()] == ["lexicon.toml"]


def test_refused_entries_never_touch_the_file(tmp_path):
    path = tmp_path / "lexicon.pls"
    write_lexicon_file(SAMPLE, path)
    before = path.read_bytes()
    with pytest.raises(LexiconError):
        write_lexicon_file([*SAMPLE, Entry("bad", "\x01")], path)
    assert path.read_bytes() == before
    assert [child.name for child in tmp_path.iterdir()] == ["lexicon.pls"]


def test_write_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "lexicon.csv"
    write_lexicon_file(SAMPLE, path)
    path.chmod(0o640)
    write_lexicon_file(SAMPLE[:1], path)
    assert path.stat().st_mode & 0o777 == 0o640
    assert len(read_lexicon_file(path)) == 1


def test_write_into_missing_folder_is_an_export_error(tmp_path):
    with pytest.raises(ExportError):
        write_lexicon_file(SAMPLE, tmp_path / "missing" / "lexicon.toml")

