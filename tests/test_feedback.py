"""From listeners' reports to lexicon entries: ranking, stubs, and a batch that re-renders only what they touch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.batch.runner import run_batch
from pipeline.publish.feedback import InvalidRecord, parse_record, rank_complaints, read_records, record_line
from tests.test_batch import config, statuses, write_articles
from tests.test_cli import run
from tests.test_server import record

ARTICLES = {
    "ferry.md": "# Ferry back to Tullagh\n\nThe Tullagh ferry returns Monday. Crews finished early.\n\nFares stay the same.",
    "council.txt": "Council votes 5-2 to keep the Tullagh rink open. The mayor abstained.",
    "weather.md": "Rain, then snow. Roads will be slick by 5 p.m.",
}


def reports(*records: dict) -> str:
    return "".join(record_line(r) for r in records)


def test_reports_are_ranked_by_word_then_by_articles():
    complaints = rank_complaints([
        record(word="Tullagh", article="ferry"), record(word="tullagh.", article="council"),
        *(record(word="Everell", article="ferry", time_ms=1000 + at) for at in range(3)),
        record(word=None, sentence="Fares  stay the same."), record(word="", sentence="Fares stay the same.", time_ms=9),
        record(word="Tullagh", article="ferry", note="tull-ah, not tull-ag"),
        record(word="Tullagh", article="ferry", note="tull-ah, not tull-ag"),  # sent twice: counted once
    ])
    assert [(c.word, c.reports, sorted(c.articles)) for c in complaints] == [
        ("Tullagh", 3, ["council", "ferry"]),  # case and punctuation do not split a word; heard in more articles
        ("Everell", 3, ["ferry"]),
        (None, 2, ["01-ferry-fares"]),  # no word selected: the sentence is what was reported
    ]
    assert complaints[0].notes == ["stress on the third syllable", "tull-ah, not tull-ag"]
    assert complaints[2].context == "Fares stay the same."


def test_read_records_keeps_the_valid_ones_and_counts_the_rest():
    lines = [reports(record()), "", "garbage\n", json.dumps(record(schema="x")) + "\n", reports(record(word=None))]
    found, bad = read_records("".join(lines).splitlines())
    assert [r["word"] for r in found] == ["Venkataraman", None] and bad == 2


@pytest.mark.parametrize("body", [b"\xff\xfe", b"{" * 100_000, json.dumps(record(time_ms=10**10)).encode(),
                                  json.dumps(record(lexicon_sha256="A" * 64)).encode()])
def test_a_record_that_is_not_one_is_refused(body):
    with pytest.raises(InvalidRecord):
        parse_record(body)


def test_a_valid_record_round_trips_through_a_line():
    assert parse_record(record_line(record()).encode()) == record()


def test_lexicon_feedback_lists_words_to_fix_with_their_reading(tmp_path, capsys):
    feedback = tmp_path / "feedback.jsonl"
    feedback.write_text(reports(record(word="Tullagh", article="ferry", engine="espeak"),
                                record(word="Tullagh", article="council", engine="espeak"),
                                record(word="Cwmderwen", article="ferry", engine="espeak")) + "not json\n")
    lexicon = tmp_path / "names.toml"
    lexicon.write_text('[[entry]]\nword = "Cwmderwen"\nsay = "koom dare wen"\n', encoding="utf-8")
    code, out, err = run(capsys, "lexicon", "feedback", feedback, "--lexicon", lexicon)
    assert code == 0 and "skipped 1 line that is not a mispronunciation report" in err
    header, tullagh, cwmderwen = out.splitlines()
    assert header.split("\t") == ["reports", "word", "articles", "reading", "context", "notes"]
    reports_, word, articles, reading, context, notes = tullagh.split("\t")
    assert (reports_, word, articles) == ("2", "Tullagh", "council, ferry")
    assert reading.startswith("espeak: /") and context == "Ms Priya Venkataraman crosses daily."
    assert cwmderwen.split("\t")[3] == "lexicon: koom dare wen"
    code, out, _ = run(capsys, "lexicon", "feedback", feedback, "--json", "--limit", "1")
    assert [row["word"] for row in json.loads(out)] == ["Tullagh"]


def test_a_missing_reports_file_is_one_line(tmp_path, capsys):
    code, _, err = run(capsys, "lexicon", "feedback", tmp_path / "missing.jsonl")
    assert code == 2 and "cannot be read" in err and err.count("\n") == 1
    code, _, err = run(capsys, "lexicon", "feedback", tmp_path / "missing.jsonl", "--add-stubs")
    assert code == 2 and "--add-stubs needs --lexicon" in err


def test_reported_words_become_stubs_and_filled_entries_rerender_only_what_they_touch(tmp_path, capsys):
    write_articles(tmp_path / "in", ARTICLES)
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[[entry]]\nword = "rink"\nsay = "rink"\n', encoding="utf-8")
    first = run_batch(config(tmp_path, lexicon_path=lexicon))
    assert set(statuses(first).values()) == {"rendered"}
    feedback = tmp_path / "feedback.jsonl"
    feedback.write_text(reports(record(word="Tullagh", article="ferry", sentence="The Tullagh ferry returns Monday."),
                                record(word="Tullagh", article="council"), record(word="rink", article="council")))
    code, _, err = run(capsys, "lexicon", "feedback", feedback, "--lexicon", lexicon, "--add-stubs")
    assert code == 0 and "added 1 stub" in err  # "rink" has an entry already
    text = lexicon.read_text(encoding="utf-8")
    assert '# word = "Tullagh"' in text and "listener reports, 2x: The Tullagh ferry returns Monday." in text
    # a stub is a comment: nothing changes until an editor fills it in
    assert set(statuses(run_batch(config(tmp_path, lexicon_path=lexicon))).values()) == {"skipped"}
    filled = text.replace('# [[entry]]\n# word = "Tullagh"\n# say = ""', '[[entry]]\nword = "Tullagh"\nsay = "tull ah"')
    lexicon.write_text(filled, encoding="utf-8")
    result = run_batch(config(tmp_path, lexicon_path=lexicon))
    assert statuses(result) == {"ferry.md": "rendered", "council.txt": "rendered", "weather.md": "skipped"}
    outcomes = {o.source: o for o in result.outcomes}
    assert (outcomes["ferry.md"].synthesized, outcomes["ferry.md"].cached) == (2, 2)  # the title and one sentence
    assert (outcomes["council.txt"].synthesized, outcomes["council.txt"].cached) == (1, 1)
    spoken = json.loads((tmp_path / "out" / "ferry.json").read_text(encoding="utf-8"))["sentences"][1]["spoken"]
    assert spoken == "The tull ah ferry returns Monday."
