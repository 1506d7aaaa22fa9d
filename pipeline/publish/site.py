"""A batch's pages: `<stem>.html` beside each rendition, `index.html` listing them, and the player's two files
once at the top of the output folder. A page is made again only when its report is newer or the options or the
player changed."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from pipeline.batch.publish import Rendition, write_if_changed
from pipeline.publish.page import (
    INDEX_PAGE,
    PLAYER_SCRIPT,
    PLAYER_STYLE,
    Listed,
    PageOptions,
    article_page,
    asset_text,
    index_page,
    page_path,
)

#: What the index page says about how the pages were written, so a later run without --pages keeps them current.
PAGES_META = "article-audio-pages"
#: Report fields an index player needs: no sentences, so the index stays small for thousands of renditions.
INDEX_REPORT_KEYS = ("report_version", "source", "title", "output", "language", "notice", "estimate",
                     "duration_seconds", "settings", "input_sha256", "text_sha256", "chapters")
_META = re.compile(rf'<meta name="{PAGES_META}" content="([^"]*)">')


def player_version() -> str:
    """A digest of the player's files: pages are written again when it changes."""
    return hashlib.sha256((asset_text(PLAYER_SCRIPT) + asset_text(PLAYER_STYLE)).encode()).hexdigest()[:16]


def _relative_root(out_dir: Path, page: Path) -> str:
    """The output folder's URL relative to a page in it ("" at the top, "../" one folder down)."""
    depth = len(page.relative_to(out_dir).parts) - 1
    return "../" * depth


def _read_report(path: Path) -> dict | None:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return report if isinstance(report, dict) else None


@dataclass(frozen=True)
class Site:
    """How a batch's pages are written: the reports' endpoint, the folder's public address, the index's title."""

    feedback_url: str | None = None
    url_base: str | None = None
    title: str = "Audio articles"

    def settings(self) -> dict:
        """What the index records about how the pages were written (the player's version too)."""
        return {"feedback_url": self.feedback_url, "url_base": self.url_base, "title": self.title,
                "player": player_version()}

    def page_options(self, out_dir: Path, audio: Path) -> PageOptions:
        """The options of the page beside one rendition: the player's files at the top of the folder."""
        page = page_path(audio)
        return PageOptions(assets=_relative_root(Path(out_dir), page), feedback_url=self.feedback_url,
                           url_base=_folder_url(self.url_base, Path(audio).relative_to(out_dir).as_posix()))


def site_for(out_dir: Path, *, pages: bool, title: str, feedback_url: str | None, url_base: str | None) -> Site | None:
    """The pages a run keeps: as asked (`pages`), else as an earlier run wrote them (so a run without --pages
    never leaves one describing audio that changed), else none."""
    if pages:
        return Site(feedback_url, url_base, title)
    previous = read_pages_settings(Path(out_dir))
    if previous is None:
        return None
    return Site(previous.get("feedback_url"), previous.get("url_base"), previous.get("title") or title)


def write_pages(out_dir: Path, renditions: Sequence[Rendition], site: Site) -> Path:
    """Write every rendition's page (unless it is newer than its report and nothing else changed), the player's
    files and `index.html`; return the index's path."""
    out_dir = Path(out_dir)
    settings = site.settings()
    previous = read_pages_settings(out_dir)
    for name in (PLAYER_SCRIPT, PLAYER_STYLE):
        write_if_changed(out_dir / name, asset_text(name))
    listed = []
    for rendition in renditions:
        audio = out_dir / rendition.file
        report_path, page = audio.with_suffix(".json"), page_path(audio)
        report = _read_report(report_path)
        if report is None:
            continue
        if previous != settings or not _newer(page, report_path):
            write_if_changed(page, article_page(report, audio.name, site.page_options(out_dir, audio)))
        listed.append(Listed(page.relative_to(out_dir).as_posix(), rendition.file, _slim(report)))
    index = out_dir / INDEX_PAGE
    meta = f'<meta name="{PAGES_META}" content="{html.escape(json.dumps(settings, sort_keys=True), quote=True)}">\n'
    write_if_changed(index, index_page(listed, PageOptions(assets="", feedback_url=site.feedback_url), site.title,
                                       head_extra=meta))
    return index


def read_pages_settings(out_dir: Path) -> dict | None:
    """The settings an earlier run wrote the pages with (from its index.html), or None."""
    try:
        with (out_dir / INDEX_PAGE).open(encoding="utf-8") as file:
            head = file.read(8192)
    except (OSError, UnicodeDecodeError):
        return None
    match = _META.search(head)
    if match is None:
        return None
    try:
        settings = json.loads(html.unescape(match.group(1)))
    except ValueError:
        return None
    return settings if isinstance(settings, dict) else None


def _newer(page: Path, report: Path) -> bool:
    """Whether the page was written after its report."""
    try:
        return os.stat(page).st_mtime_ns >= os.stat(report).st_mtime_ns
    except OSError:
        return False


def _folder_url(url_base: str | None, file: str) -> str | None:
    """The public address of the folder a rendition is in."""
    if not url_base:
        return None
    folder = Path(file).parent.as_posix()
    return url_base.rstrip("/") + ("" if folder == "." else "/" + quote(folder, safe="/"))


def _slim(report: dict) -> dict:
    return {key: report[key] for key in INDEX_REPORT_KEYS if key in report}

