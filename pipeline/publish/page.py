"""Pages with the player: one per rendition (`<stem>.html` beside the audio) and a batch's `index.html`, with
schema.org JSON-LD describing the article's audio. Built from the report alone, so a page never disagrees with
the audio it plays."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from pipeline.settings import FORMATS

PLAYER_SCRIPT = "player.js"
PLAYER_STYLE = "player.css"
INDEX_PAGE = "index.html"
#: schema.org's digitalSourceType for media made by a trained model from other content (IPTC's vocabulary).
TRAINED_ALGORITHMIC_MEDIA = "https://schema.org/TrainedAlgorithmicMediaDigitalSource"
#: How a page this tool wrote names itself, so clean-ups never touch a page written by hand.
GENERATOR = '<meta name="generator" content="article-audio">'


@dataclass(frozen=True)
class PageOptions:
    """How pages are written: where the player's files are (None: inlined into each page), the endpoint that
    takes listeners' mispronunciation reports, and the public address of the output folder (for JSON-LD)."""

    assets: str | None = None  # the folder's URL relative to the page, e.g. "" or "../"
    feedback_url: str | None = None
    url_base: str | None = None


def asset_text(name: str) -> str:
    """The text of one of the player's files shipped in the package (safe to inline: nothing in it can end or
    confuse the element it is inlined in)."""
    text = resources.files("pipeline.publish").joinpath("assets", name).read_text(encoding="utf-8")
    if re.search(r"</(script|style)|<!--|<script", text, re.IGNORECASE):
        raise AssertionError(f"{name} holds markup that would break it when inlined into a page")
    return text


def page_path(audio: Path) -> Path:
    """`<stem>.html` beside the audio."""
    return audio.with_suffix(".html")


def remove_own_page(path: Path) -> None:
    """Remove a page this tool wrote (its head names the generator), never another page of the same name, such
    as an editor's own page with the player embedded."""
    try:
        with path.open("rb") as file:
            ours = GENERATOR.encode() in file.read(4096)
    except OSError:
        return
    if ours:
        path.unlink(missing_ok=True)


def _escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def _script_json(data: object) -> str:
    """JSON for inside a <script> element: `<` escaped, so no text in it can end the element."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def iso_duration(seconds: float) -> str:
    """An ISO 8601 duration, as schema.org wants: PT4M5S."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"


def transcript(report: dict) -> str:
    """The written text the audio reads, paragraphs separated by blank lines."""
    paragraphs: dict[int, list[str]] = {}
    for sentence in report.get("sentences", []):
        paragraphs.setdefault(sentence.get("paragraph", 0), []).append(" ".join(sentence.get("text", "").split()))
    return "\n\n".join(" ".join(sentences) for sentences in paragraphs.values())


def json_ld(report: dict, audio_url: str) -> dict:
    """schema.org JSON-LD: the article, with its audio as an AudioObject made by a trained algorithm."""
    output = str(report.get("output", ""))
    mime = FORMATS.get(output.rsplit(".", 1)[-1].lower(), "audio/mpeg")
    language = report.get("language") or "en"
    title = report.get("title") or report.get("source") or output
    return {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": title,
        "inLanguage": language,
        "audio": {
            "@type": "AudioObject",
            "name": f"Listen to this article: {title}",
            "contentUrl": audio_url,
            "encodingFormat": mime,
            "duration": iso_duration(float(report.get("duration_seconds") or 0)),
            "transcript": transcript(report),
            "inLanguage": language,
            "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
        },
    }


def _head(title: str, options: PageOptions, extra: str = "") -> str:
    style = (f'<link rel="stylesheet" href="{_escape(options.assets + PLAYER_STYLE)}">' if options.assets is not None
             else f"<style>\n{asset_text(PLAYER_STYLE)}</style>")
    # An empty icon: a browser asks for /favicon.ico otherwise, and a folder served as it is has none.
    return ("<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<link rel=\"icon\" href=\"data:,\">\n{GENERATOR}\n"
            f"<title>{_escape(title)}</title>\n{style}\n<style>{PAGE_STYLE}</style>\n{extra}</head>\n")


def _script(options: PageOptions) -> str:
    if options.assets is not None:
        return f'<script src="{_escape(options.assets + PLAYER_SCRIPT)}"></script>'
    return f"<script>\n{asset_text(PLAYER_SCRIPT)}</script>"


#: The page around the article: readable measure, the player's colours, nothing to scroll sideways at 320 px.
PAGE_STYLE = (
    "body{margin:0;background:var(--aap-background);color:var(--aap-text);font:1.0625rem/1.6 Georgia,serif}"
    "main{box-sizing:border-box;max-width:42rem;margin:0 auto;padding:1rem}"
    "h1{font-size:1.75rem;line-height:1.25}h2{font-size:1.3rem}a{color:var(--aap-accent)}"
    ".listing{list-style:none;padding:0}.listing li{margin:1.5rem 0}"
)


def _player(report: dict, audio_url: str, options: PageOptions, *, transcript_mode: str | None = None,
            preload: str | None = None) -> str:
    attributes = {"src": audio_url, "feedback": options.feedback_url, "transcript": transcript_mode, "preload": preload}
    rendered = " ".join(f'{name}="{_escape(value)}"' for name, value in attributes.items() if value)
    return (f"<article-audio-player {rendered}>\n<script type=\"application/json\">{_script_json(report)}</script>\n"
            "</article-audio-player>")


def article_page(report: dict, audio_name: str, options: PageOptions = PageOptions()) -> str:
    """A page with the article's text and the player above it, usable as it is: the report is inline (pages
    opened from disk cannot fetch), the text is marked for the player to follow, and JSON-LD describes it."""
    language = report.get("language") or "en"
    title = report.get("title") or report.get("source") or audio_name
    audio_url = (f"{options.url_base.rstrip('/')}/{quote(audio_name)}" if options.url_base else quote(audio_name))
    ld = f'<script type="application/ld+json">{_script_json(json_ld(report, audio_url))}</script>\n'
    body = []
    paragraphs: dict[int, list[dict]] = {}
    for sentence in report.get("sentences", []):
        paragraphs.setdefault(sentence.get("paragraph", 0), []).append(sentence)
    player = _player(report, quote(audio_name), options)
    placed = False
    for sentences in paragraphs.values():
        kind = sentences[0].get("kind", "text")
        text = _escape(" ".join(sentence.get("text", "") for sentence in sentences))
        tag = {"title": "h1", "heading": "h2"}.get(kind, "p")
        if not placed and kind != "title":
            body.append(player)
            placed = True
        body.append(f"<{tag} data-article-audio>{text}</{tag}>")
    if not placed:
        body.append(player)
    if not report.get("title"):
        body.insert(0, f"<h1>{_escape(title)}</h1>")
    return (f"<!doctype html>\n<html lang=\"{_escape(language)}\">\n{_head(title, options, ld)}<body>\n<main>\n<article>\n"
            + "\n".join(body) + f"\n</article>\n</main>\n{_script(options)}\n</body>\n</html>\n")


@dataclass(frozen=True)
class Listed:
    """A rendition on the index page: its page, its audio and its report."""

    page: str  # relative to the index, POSIX style
    audio: str
    report: dict


def index_page(listed: Sequence[Listed], options: PageOptions, title: str = "Audio articles", *, head_extra: str = "") -> str:
    """The batch's `index.html`: every rendition with its player (text collapsed) and a link to its page."""
    items = []
    for entry in listed:
        name = entry.report.get("title") or entry.report.get("source") or entry.audio
        items.append(f"<li>\n<h2><a href=\"{_escape(quote(entry.page))}\">{_escape(name)}</a></h2>\n"
                     + _player(entry.report, quote(entry.audio), options, transcript_mode="none", preload="none")
                     + "\n</li>")
    listing = "\n".join(items) if items else "<li>No renditions yet.</li>"
    return (f"<!doctype html>\n<html lang=\"en\">\n{_head(title, options, head_extra)}<body>\n<main>\n<h1>{_escape(title)}</h1>\n"
            f"<ul class=\"listing\">\n{listing}\n</ul>\n</main>\n{_script(options)}\n</body>\n</html>\n")
