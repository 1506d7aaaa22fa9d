"""Pages with the player: the article marked for it, the report inline, schema.org JSON-LD, the batch's pages."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.engines.tone import ToneEngine
from pipeline.lexicon.model import EMPTY_LEXICON
from pipeline.publish.page import (
    TRAINED_ALGORITHMIC_MEDIA,
    PageOptions,
    article_page,
    asset_text,
    iso_duration,
    page_path,
    remove_own_page,
)
from pipeline.render import render
from pipeline.settings import DEFAULT_NOTICE, RenderSettings
from pipeline.stages.article import parse_article
from pipeline.stages.report import language_tag, text_sha256

ARTICLE = """# Ferry fares rise 12% as Port Everell & Tullagh crossing loses subsidy

PORT EVERELL, N.S. (CP) — Fares on the Port Everell ferry will rise 12 per cent on Jan. 1, the operator said on
Tuesday. The crossing carried 41,000 passengers in 2019/20.

## What riders say

"It's a </script> lifeline," said Ms Priya Venkataraman, a nurse who crosses daily.
"""


class _Collector(HTMLParser):
    """The page's marked elements' text, its JSON script elements and the player's attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.marked: list[tuple[str, str]] = []
        self.scripts: list[tuple[str, str]] = []
        self.players: list[dict] = []
        self._open: list[str] = []
        self._script_type: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "data-article-audio" in attributes:
            self.marked.append((tag, ""))
            self._open.append(tag)
        if tag == "script":
            self._script_type = attributes.get("type", "")
            self.scripts.append((self._script_type, ""))
        if tag == "article-audio-player":
            self.players.append(attributes)

    def handle_endtag(self, tag):
        if self._open and tag == self._open[-1]:
            self._open.pop()
        if tag == "script":
            self._script_type = None

    def handle_data(self, data):
        if self._open:
            tag, text = self.marked[-1]
            self.marked[-1] = (tag, text + data)
        if self._script_type is not None:
            kind, text = self.scripts[-1]
            self.scripts[-1] = (kind, text + data)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("page") / "ferry.mp3"
    result = render(parse_article(ARTICLE.encode(), name="ferry"), lexicon=EMPTY_LEXICON,
                    settings=RenderSettings(engine="tone"), out=out, engine=ToneEngine(), page=PageOptions())
    return out, result.report


def parsed(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    return collector


def test_the_page_marks_each_paragraph_read_and_the_player_finds_the_same_sentences(rendered):
    out, report = rendered
    page = page_path(out).read_text(encoding="utf-8")
    found = parsed(page)
    assert [tag for tag, _ in found.marked] == ["h1", "p", "h2", "p"]
    # the staleness rule, as the player applies it: the page's own marked text (entities decoded, white space
    # collapsed), cut where the report's sentences end, hashes to text_sha256
    lengths: dict[int, list[int]] = {}
    for sentence in report["sentences"]:
        lengths.setdefault(sentence["paragraph"], []).append(len(" ".join(sentence["text"].split())))
    cut = []
    for (_, text), sizes in zip(found.marked, lengths.values(), strict=True):
        text, at = " ".join(text.split()), 0
        for size in sizes:
            cut.append(text[at:at + size])
            at += size + 1
        assert at == len(text) + 1
    assert text_sha256(cut) == report["text_sha256"]


def test_the_report_is_inline_and_nothing_in_it_can_end_its_script_element(rendered):
    out, report = rendered
    page = page_path(out).read_text(encoding="utf-8")
    (player,) = parsed(page).players
    assert player == {"src": "ferry.mp3"}
    assert '<meta name="generator" content="article-audio">' in page
    inline = [text for kind, text in parsed(page).scripts if kind == "application/json"]
    assert json.loads(inline[0]) == report
    assert page.count("</script>") == page.count("<script")  # the article's "</script>" is escaped
    assert "lifeline" in page and "\\u003c/script> lifeline" in page


def test_the_report_carries_what_the_player_shows(rendered):
    _, report = rendered
    assert report["notice"] == DEFAULT_NOTICE and "AI-based technology" in report["notice"]
    assert report["language"] == "en-US"
    assert report["estimate"]["label"].startswith("Estimated ")
    assert [s["kind"] for s in report["sentences"]] == ["title", "text", "text", "heading", "text"]


def test_json_ld_describes_the_audio_as_made_by_a_trained_algorithm(rendered):
    out, report = rendered
    (ld,) = [json.loads(text) for kind, text in parsed(page_path(out).read_text(encoding="utf-8")).scripts
             if kind == "application/ld+json"]
    audio = ld["audio"]
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "Article"
    assert ld["headline"] == report["title"] and ld["inLanguage"] == "en-US"
    assert audio["@type"] == "AudioObject" and audio["contentUrl"] == "ferry.mp3"
    assert audio["encodingFormat"] == "audio/mpeg" and audio["inLanguage"] == "en-US"
    assert audio["digitalSourceType"] == TRAINED_ALGORITHMIC_MEDIA
    assert re.fullmatch(r"PT(\d+M)?\d+S", audio["duration"])
    assert audio["transcript"].startswith("Ferry fares rise 12% as Port Everell & Tullagh")
    assert "\n\nPORT EVERELL, N.S. (CP)" in audio["transcript"]


def test_a_page_can_link_the_players_files_and_name_a_public_address(rendered):
    _, report = rendered
    page = article_page(report, "ferry.mp3", PageOptions(assets="../", feedback_url="/feedback",
                                                         url_base="https://news.example.com/audio"))
    assert '<script src="../player.js"></script>' in page and 'href="../player.css"' in page
    assert asset_text("player.js")[:200] not in page
    assert parsed(page).players == [{"src": "ferry.mp3", "feedback": "/feedback"}]
    assert '"contentUrl":"https://news.example.com/audio/ferry.mp3"' in page


@pytest.mark.parametrize("seconds, duration", [(0, "PT0S"), (59.4, "PT59S"), (245, "PT4M5S"), (3600, "PT1H0S"),
                                               (3725.6, "PT1H2M6S")])
def test_iso_8601_durations(seconds, duration):
    assert iso_duration(seconds) == duration


@pytest.mark.parametrize("languages, tag", [(("en-us", "en"), "en-US"), (("en",), "en"), ((), "en"),
                                            (("en_GB",), "en-GB"), (("yue-Hant-hk",), "yue-Hant-HK")])
def test_language_tags(languages, tag):
    assert language_tag(languages) == tag


def test_only_a_page_this_tool_wrote_is_removed(tmp_path, rendered):
    out, report = rendered
    ours, theirs, other = tmp_path / "a.html", tmp_path / "b.html", tmp_path / "c.html"
    ours.write_text(article_page(report, "a.mp3"), encoding="utf-8")
    theirs.write_text("<html><article-audio-player src=a.mp3></article-audio-player></html>", encoding="utf-8")
    other.write_text("<html>an editor's own page</html>", encoding="utf-8")
    for path in (ours, theirs, other, tmp_path / "missing.html"):
        remove_own_page(path)
    assert not ours.exists() and theirs.exists() and other.exists()  # an editor's embed page is theirs


def test_rendering_again_without_page_removes_the_old_page(tmp_path):
    out = tmp_path / "story.mp3"
    article = parse_article(b"A short story. It has two sentences.", name="story")
    render(article, lexicon=EMPTY_LEXICON, settings=RenderSettings(engine="tone"), out=out, engine=ToneEngine(),
           page=PageOptions())
    assert page_path(out).exists()
    render(article, lexicon=EMPTY_LEXICON, settings=RenderSettings(engine="tone"), out=out, engine=ToneEngine())
    assert not page_path(out).exists()  # it would have played the new audio with the old report


def test_the_players_files_stay_small():
    import gzip

    size = len(gzip.compress((asset_text("player.js") + asset_text("player.css")).encode(), 9))
    assert size <= 15 * 1024, f"player.js + player.css are {size} bytes gzipped; the budget is 15 KB"


def test_the_audio_address_is_url_encoded(rendered):
    _, report = rendered
    page = article_page(report, "Q&A #3 javascript:x.mp3")
    assert parsed(page).players[0]["src"] == "Q%26A%20%233%20javascript%3Ax.mp3"
