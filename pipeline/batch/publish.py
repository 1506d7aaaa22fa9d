"""Publishing a batch's output folder: `index.json` listing every rendition, and `feed.xml`, a podcast RSS feed."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from stat import S_ISREG
from urllib.parse import quote, urlsplit

from pipeline.errors import UsageError
from pipeline.files import StagedOutputs
from pipeline.settings import FORMATS, RenderSettings

INDEX_NAME = "index.json"
FEED_NAME = "feed.xml"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
MISSING_IMAGE_WARNING = "the feed has no cover art (itunes:image), which Apple Podcasts requires; set feed_image"
ATOM_NS = "http://www.w3.org/2005/Atom"
DEFAULT_FEED_DESCRIPTION = "News articles read aloud by a text-to-speech engine."
#: Larger `*.json` files are not reports (a report is a few hundred KiB at most) and are not read.
MAX_REPORT_BYTES = 32 * 1024**2
#: Characters XML 1.0 cannot hold (controls, lone surrogates from JSON escapes, non-characters).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

ET.register_namespace("itunes", ITUNES_NS)
ET.register_namespace("atom", ATOM_NS)
ET.register_namespace("podcast", PODCAST_NS)


@dataclass(frozen=True)
class Rendition:
    """One published rendition, as listed in the index and the feed."""

    title: str
    file: str  # the audio's path relative to the output folder, POSIX style
    duration_seconds: float
    estimate_label: str
    updated: str  # ISO 8601 UTC time the audio file was last written
    source: str  # the article's path relative to the input folder (or the report's source name)
    size_bytes: int
    mime_type: str
    captions: str | None = None  # the WebVTT captions beside the audio, relative like `file`
    chapters: str | None = None  # the Podcasting 2.0 JSON chapters, when the rendition has chapters


def collect_renditions(out_dir: Path) -> list[Rendition]:
    """Every rendition under `out_dir` whose report reads and whose audio is beside it, newest first."""
    out_dir = Path(out_dir)
    found: list[tuple[int, Rendition]] = []
    for folder, dirs, files in os.walk(out_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # .cache and other private folders
        for name in sorted(files):
            path = Path(folder) / name
            # Only the top-level index.json is the batch's; a nested one is the report of an article called index.
            if name.endswith(".json") and not name.startswith(".") and path != out_dir / INDEX_NAME:
                entry = _read_rendition(out_dir, path)
                if entry is not None:
                    found.append(entry)
    found.sort(key=lambda entry: (-entry[0], entry[1].file))
    return [rendition for _, rendition in found]


def _read_rendition(out_dir: Path, report_path: Path) -> tuple[int, Rendition] | None:
    """The rendition a report describes with its audio's mtime in ns, or None for anything that is not one."""
    try:
        if report_path.stat().st_size > MAX_REPORT_BYTES:
            return None
        report = json.loads(report_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(report, dict) or "report_version" not in report:
        return None
    output = report.get("output")
    # The audio must be a plain name beside its report, with the report's stem (as render writes them).
    if not isinstance(output, str) or "/" in output or "\\" in output or output in ("", ".", ".."):
        return None
    audio = report_path.with_name(output)
    if audio.stem != report_path.stem or audio.suffix.lower().lstrip(".") not in FORMATS:
        return None
    try:
        stat = audio.stat()
    except OSError:
        return None
    if not S_ISREG(stat.st_mode):
        return None
    estimate = report.get("estimate")
    label = estimate.get("label") if isinstance(estimate, dict) else None
    source = next((_text(report.get(key)) for key in ("source_path", "source") if _text(report.get(key))), audio.stem)
    updated = datetime.fromtimestamp(stat.st_mtime, timezone.utc).isoformat(timespec="seconds")
    captions, chapters = audio.with_suffix(".vtt"), audio.with_suffix(".chapters.json")
    rendition = Rendition(
        title=_text(report.get("title")) or source,
        file=audio.relative_to(out_dir).as_posix(),
        duration_seconds=_seconds(report.get("duration_seconds")),
        estimate_label=_text(label),
        updated=updated,
        source=source,
        size_bytes=stat.st_size,
        mime_type=FORMATS[audio.suffix.lower().lstrip(".")],
        captions=captions.relative_to(out_dir).as_posix() if captions.is_file() else None,
        chapters=chapters.relative_to(out_dir).as_posix() if chapters.is_file() else None,
    )
    return stat.st_mtime_ns, rendition


def update_notices(out_dir: Path, renditions: list[Rendition], notice: str) -> int:
    """Give every rendition's report this notice (what the player says about the audio): a changed notice
    rewrites the reports, never the audio. Returns how many reports changed."""
    from pipeline.stages.report import report_json

    changed = 0
    for rendition in renditions:
        path = (Path(out_dir) / rendition.file).with_suffix(".json")
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            continue
        if isinstance(report, dict) and report.get("notice") != notice:
            report["notice"] = notice
            changed += write_if_changed(path, report_json(report))
    return changed


def _seconds(value: object) -> float:
    """A report's duration, or 0.0 when it is missing, not a number, negative or infinite."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return 0.0
    try:
        seconds = float(value)
    except OverflowError:  # an integer too large for a float
        return 0.0
    return seconds if math.isfinite(seconds) and seconds >= 0 else 0.0


def _text(value: object) -> str:
    """A report's string field as one clean line ('' for anything else), safe to write as JSON or XML."""
    if not isinstance(value, str):
        return ""
    return " ".join(_NOT_XML.sub("", value).split())


def _now() -> datetime:
    """The current time in UTC, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def write_index(out_dir: Path, renditions: list[Rendition]) -> Path:
    """Write `index.json` ({"generated", "renditions"}) atomically, unless it already lists exactly these
    renditions (a run that changed nothing leaves it, and its time, alone); return its path."""
    path = Path(out_dir) / INDEX_NAME
    listed = [asdict(rendition) for rendition in renditions]
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("renditions") == listed:
            return path
    except (OSError, ValueError, AttributeError):
        pass  # missing or damaged: written anew
    index = {"generated": _now().isoformat(), "renditions": listed}
    write_if_changed(path, json.dumps(index, ensure_ascii=False, indent=2) + "\n")
    return path


def write_if_changed(path: Path, text: str) -> bool:
    """Write a text file atomically unless it already holds exactly this text; whether it was written."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    with StagedOutputs() as outputs:
        outputs.stage_text(path, text)
        outputs.publish()
    return True


def check_url_base(url_base: str) -> str:
    """The feed's base URL without trailing slashes; a UsageError unless it is an absolute http(s) URL."""
    try:
        parts = urlsplit(url_base)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts, host = None, None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not host
        or parts.query
        or parts.fragment
        or any(char.isspace() for char in url_base)
    ):
        raise UsageError(
            f"feed URL base {url_base!r} is not usable; give the absolute http:// or https:// address the output"
            " folder is served from, without ?query or #fragment (e.g. https://example.com/audio/)"
        )
    return url_base.rstrip("/")


def file_url(base: str, file: str) -> str:
    """The public URL of a file in the output folder: `base` joined with its URL-quoted relative path."""
    return f"{base}/{quote(file.lstrip('/'), safe='/')}"


def itunes_duration(seconds: float) -> str:
    """A duration as iTunes wants it: H:MM:SS."""
    hours, rest = divmod(max(0, round(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def write_feed(
    out_dir: Path,
    renditions: list[Rendition],
    url_base: str,
    *,
    title: str = "Audio articles",
    description: str = DEFAULT_FEED_DESCRIPTION,
    language: str = "en-us",
    author: str = "article-audio",
    image: str | None = None,
) -> Path:
    """Write `feed.xml`, a podcast RSS 2.0 feed (iTunes and Podcasting 2.0 namespaces: each episode's transcript
    and chapters) of the renditions, atomically, unless only its build date would change; return its path.
    `image` is the show's cover art (itunes:image), an absolute http(s) address."""
    base = check_url_base(url_base)
    if image is not None:
        check_image_url(image)
    path = Path(out_dir) / FEED_NAME
    channel = _Channel(base, title, description, language, author, image)
    previous = _read_feed(path)
    if previous is not None:
        unchanged = _feed_xml(renditions, channel, previous.built)
        if previous.text == unchanged:
            return path
    write_if_changed(path, _feed_xml(renditions, channel, format_datetime(_now(), usegmt=True)))
    return path


def check_image_url(url: str) -> str:
    """The feed's cover art address: an absolute http(s) URL of a JPEG or PNG."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(char.isspace() for char in url):
        raise UsageError(f"feed image {url!r} is not usable; give the absolute http:// or https:// address of a "
                         "square JPEG or PNG (Apple asks for 1400 to 3000 pixels a side)")
    return url


@dataclass(frozen=True)
class _Channel:
    base: str
    title: str
    description: str
    language: str
    author: str
    image: str | None


@dataclass(frozen=True)
class PublishedFeed:
    """What a feed already in the output folder says about itself."""

    text: str
    built: str  # its lastBuildDate
    url_base: str  # where it says it is served from
    title: str
    image: str | None = None  # its itunes:image


def _read_feed(path: Path) -> PublishedFeed | None:
    """The feed at `path` if it is one this tool wrote (it names itself in an atom:link), else None."""
    try:
        text = path.read_text(encoding="utf-8")
        channel = ET.fromstring(text).find("channel")
    except (OSError, UnicodeDecodeError, ET.ParseError):
        return None
    if channel is None:
        return None
    link = channel.find(f"{{{ATOM_NS}}}link[@rel='self']")
    href = link.get("href", "") if link is not None else ""
    if not href.endswith("/" + FEED_NAME):
        return None
    image = channel.find(f"{{{ITUNES_NS}}}image")
    return PublishedFeed(text, channel.findtext("lastBuildDate", ""), href[: -len(FEED_NAME)],
                         channel.findtext("title", ""), image.get("href") if image is not None else None)


def refresh_feed(out_dir: Path, renditions: list[Rendition], image: str | None = None) -> PublishedFeed | None:
    """Bring a feed published by an earlier run up to date (same address and title; the same image unless
    another is given), so a run without --feed never leaves one listing files that have changed or gone; the
    feed as it is now, or None when there is no feed to refresh."""
    previous = _read_feed(Path(out_dir) / FEED_NAME)
    if previous is None:
        return None
    image = image or previous.image
    write_feed(out_dir, renditions, previous.url_base, title=previous.title, image=image)
    return dataclasses.replace(previous, image=image)


def _feed_xml(renditions: list[Rendition], show: _Channel, built: str) -> str:
    """The feed's XML text, built at `built` (an RFC 2822 date)."""
    base = show.base
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _add(channel, "title", show.title)
    _add(channel, "link", f"{base}/")
    _add(channel, "description", show.description)
    _add(channel, "language", show.language)
    _add(channel, "lastBuildDate", built)
    self_link = {"href": file_url(base, FEED_NAME), "rel": "self", "type": "application/rss+xml"}
    ET.SubElement(channel, f"{{{ATOM_NS}}}link", self_link)
    _add(channel, f"{{{ITUNES_NS}}}author", show.author)
    _add(channel, f"{{{ITUNES_NS}}}summary", show.description)
    _add(channel, f"{{{ITUNES_NS}}}explicit", "false")
    ET.SubElement(channel, f"{{{ITUNES_NS}}}category", {"text": "News"})
    if show.image:
        ET.SubElement(channel, f"{{{ITUNES_NS}}}image", {"href": show.image})
    for rendition in renditions:
        url = file_url(base, rendition.file)
        summary = _summary(rendition)
        item = ET.SubElement(channel, "item")
        _add(item, "title", rendition.title)
        _add(item, "description", summary)
        _add(item, "guid", url).set("isPermaLink", "true")
        published = datetime.fromisoformat(rendition.updated).astimezone(timezone.utc)
        _add(item, "pubDate", format_datetime(published, usegmt=True))
        ET.SubElement(item, "enclosure", {"url": url, "length": str(rendition.size_bytes), "type": rendition.mime_type})
        _add(item, f"{{{ITUNES_NS}}}duration", itunes_duration(rendition.duration_seconds))
        _add(item, f"{{{ITUNES_NS}}}summary", summary)
        _add(item, f"{{{ITUNES_NS}}}explicit", "false")
        if rendition.captions:
            ET.SubElement(item, f"{{{PODCAST_NS}}}transcript",
                          {"url": file_url(base, rendition.captions), "type": "text/vtt", "language": show.language})
        if rendition.chapters:
            ET.SubElement(item, f"{{{PODCAST_NS}}}chapters",
                          {"url": file_url(base, rendition.chapters), "type": "application/json+chapters"})
    ET.indent(rss)
    return "<?xml version='1.0' encoding='utf-8'?>\n" + ET.tostring(rss, encoding="unicode") + "\n"


def _add(parent: ET.Element, tag: str, text: str) -> ET.Element:
    """Append a child element holding `text`, with characters XML cannot carry removed."""
    child = ET.SubElement(parent, tag)
    child.text = _NOT_XML.sub("", text)
    return child


def _summary(rendition: Rendition) -> str:
    """An episode's description: the estimate shown on the site and the machine-generated notice."""
    parts = [rendition.estimate_label, RenderSettings().comment]
    return " · ".join(part.rstrip(".") for part in parts if part) + "."
