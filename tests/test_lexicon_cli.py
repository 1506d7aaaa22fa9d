"""The lexicon tools from the command line: bad input ends in one line and a non-zero exit, nothing half-written."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from pipeline.cli.main import main
from pipeline.engines.tone import ToneEngine
from pipeline.lexicon.model import load_lexicon

GOOD_TOML = '[[entry]]\nword = "Okonjo"\nsay = "oh-kon-jo"\n'


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("article-audio: error:") and "Traceback" not in err[0]
    return err[0]


@pytest.mark.parametrize(
    "name, data, fragment",
    [
        ("broken.pls", b"<lexicon><lexeme><grapheme>a</grapheme></lexem></lexicon>", "broken.pls:1:"),
        ("broken.csv", b"word,say\n\"unterminated,x\n", "broken.csv"),
        ("empty.csv", b"word,say\n,x\n", "row 2"),
        ("latin1.csv", "word,say\ncafé,kafay\n".encode("latin-1"), "UTF-8"),
        ("broken.toml", b'[[entry]]\nword = "a\n', "line 2"),
        ("lexicon.doc", b"whatever", "doc"),
    ],
)
def test_import_refuses_bad_files_and_writes_nothing(tmp_path, capsys, name, data, fragment):
    source = tmp_path / name
    source.write_bytes(data)
    out = tmp_path / "out.toml"
    out.write_text(GOOD_TOML, encoding="utf-8")
    assert main(["lexicon", "import", str(source), "-o", str(out)]) == 2
    assert fragment in one_line_error(capsys)
    assert out.read_text(encoding="utf-8") == GOOD_TOML  # the existing lexicon is untouched
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_import_refuses_a_huge_file(tmp_path, capsys):
    source = tmp_path / "huge.csv"
    source.write_bytes(b"word,say\n" + b"abc,def\n" * (17 * 1024 * 1024 // 8))
    assert main(["lexicon", "import", str(source), "-o", str(tmp_path / "out.toml")]) == 2
    assert "16 MiB" in one_line_error(capsys)


def test_round_trip_through_pls_and_csv(tmp_path, capsys):
    toml = tmp_path / "lexicon.toml"
    toml.write_text(GOOD_TOML + '\n[[entry]]\nword = "Reading"\nsay = "redding"\ncase_sensitive = true\n'
                    '\n[[entry]]\nword = "Aether"\nipa = "ˈiθɚ"\n', encoding="utf-8")
    for suffix in ("pls", "csv"):
        exported = tmp_path / f"lexicon.{suffix}"
        assert main(["lexicon", "export", str(toml), "-o", str(exported)]) == 0
        back = tmp_path / f"back-{suffix}.toml"
        assert main(["lexicon", "import", str(exported), "-o", str(back)]) == 0
        original = {(e.word, e.say, e.ipa, e.case_sensitive) for e in load_lexicon(toml).entries}
        assert {(e.word, e.say, e.ipa, e.case_sensitive) for e in load_lexicon(back).entries} == original
    capsys.readouterr()


@pytest.mark.parametrize("word", ["(", "[a", "a+b", "C++", "\\d", ".*"])
def test_entries_with_pattern_characters_match_literally(tmp_path, capsys, word):
    lexicon = tmp_path / "lexicon.toml"
    escaped = word.replace("\\", "\\\\")
    lexicon.write_text(f'[[entry]]\nword = "{escaped}"\nsay = "thing"\nwhole_word = false\n', encoding="utf-8")
    article = tmp_path / "a.md"
    article.write_text(f"Say {word} twice.", encoding="utf-8")
    assert main(["script", str(article), "--lexicon", str(lexicon), "--json"]) == 0
    assert '"spoken": "Say thing twice."' in capsys.readouterr().out


@pytest.mark.parametrize("data, fragment", [(b"\xff\xfe junk", "UTF-8"), (b'[[entry]]\nword = ""\nsay = "x"\n', "word")])
def test_render_refuses_a_bad_lexicon(tmp_path, capsys, data, fragment):
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_bytes(data)
    out = tmp_path / "out.mp3"
    assert main(["render", "--engine", "tone", "--lexicon", str(lexicon), "-o", str(out)]) == 2
    assert fragment in one_line_error(capsys)
    assert not out.exists()


def test_check_reports_a_syntax_error_as_a_finding(tmp_path, capsys):
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[[entry]]\nword = "a\n', encoding="utf-8")
    assert main(["lexicon", "check", str(lexicon), "--engine", "tone"]) == 1
    assert f"{lexicon}:2: error:" in capsys.readouterr().out


def test_add_stubs_failure_leaves_the_lexicon_whole(tmp_path, capsys, monkeypatch):
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text(GOOD_TOML, encoding="utf-8")
    corpus = tmp_path / "a.md"
    corpus.write_text("Kahgee met Okonjo.", encoding="utf-8")

    def full_disk(self, destination, text):
        def write(partial):
            partial.write_text(text[: len(text) // 2], encoding="utf-8")  # half written, then the disk fills
            raise OSError(28, "No space left on device")

        self.stage(destination, write)

    monkeypatch.setattr("pipeline.files.StagedOutputs.stage_text", full_disk)
    code = main(["lexicon", "suggest", "--corpus", str(corpus), "--lexicon", str(lexicon), "--add-stubs",
                 "--engine", "tone"])
    assert code == 1
    assert "no space left" in one_line_error(capsys)
    assert lexicon.read_text(encoding="utf-8") == GOOD_TOML
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["a.md", "lexicon.toml"]


# One entry per kind of finding, the line of each [[entry]] noted.
FINDINGS_TOML = """\
[[entry]]
word = "Okafor"
say = "oh kah for"

[[entry]]
word = "okafor"
say = "oh kay for"

[[entry]]
word = "Tamsin"
say = "tam zin"
ipa = "ˈtæmzɪn9"

[[entry]]
word = "plover"
say = "plover"

[[entry]]
word = "Halloran"
say = "hallorun"

[[entry]]
word = "Brisk"
ipa = "brɪsk"

[[entry]]
word = "ping"
say = "pong"

[[entry]]
word = "pong"
say = "ping"

[[entry]]
word = "Lake Orrin"
say = "lake or in"

[[entry]]
word = "Orrin"
say = "or in"
"""


def consonant_phonemes(self, text, voice):
    """Gives the tone engine phonemes: two spellings sound alike when their consonants agree."""
    return ("".join(ch for ch in text.lower() if ch not in "aeiou -"),)


@pytest.mark.parametrize(
    "corpus, codes",
    [
        ([], {"duplicate", "ipa", "loop", "case-variants", "shadowed", "no-change", "unusable"}),
        (["Okafor rowed across Lake Orrin. Halloran waited."], {"unused", "shadowed", "no-change", "duplicate"}),
    ],
)
def test_audition_shows_every_finding_check_reports(tmp_path, capsys, monkeypatch, corpus, codes):
    monkeypatch.setattr(ToneEngine, "phonemes", consonant_phonemes)
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text(FINDINGS_TOML, encoding="utf-8")
    corpus_args = []
    for number, text in enumerate(corpus):
        (tmp_path / f"{number}.md").write_text(text, encoding="utf-8")
        corpus_args += ["--corpus", str(tmp_path / f"{number}.md")]
    main(["lexicon", "check", str(lexicon), "--engine", "tone", "--json", *corpus_args])
    rows = json.loads(capsys.readouterr().out)
    assert codes <= {row["code"] for row in rows}
    expected: dict[int, list[str]] = {}
    for row in rows:
        expected.setdefault(row["line"], []).append(f"{row['level']}: {row['message']}")

    out = tmp_path / "audition"
    assert main(["lexicon", "audition", str(lexicon), "--engine", "tone", "-o", str(out), *corpus_args]) == 0
    capsys.readouterr()
    report = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert {record["line"]: record["findings"] for record in report["entries"] if record["findings"]} == expected
    page = (out / "index.html").read_text(encoding="utf-8")
    for found in expected.values():
        assert all(html.escape(text) in page for text in found)
