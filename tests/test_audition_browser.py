"""The audition page in a real headless Chromium: every clip's metadata loads, and the console stays silent."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.engines.base import resolve_voice
from pipeline.lexicon.audition import audition, audition_entries, render_page
from pipeline.lexicon.model import Entry, Lexicon

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
BROWSER_TIMEOUT_SECONDS = 60
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", "--dump-dom"]
CORPUS = ["Crews will repair the Afon Lwyd bridge in Cwmderwen.\n\nThe NRTA approved the plan on Tuesday."]
ENTRIES = (
    Entry("Cwmderwen", "koom dare wen", ipa="kʊmˈdɛrwɛn", line=1),
    Entry("Gwenllian", "gwen hlee-an", example='Councillor Gwenllian said "<yes>" & left.', line=6),
    Entry("Nawigamaag", ipa="nɑwɪɡɑmɑɡ", line=11),
)


def chromium() -> str:
    """The browser binary; skipped when missing, except under CI, where a missing browser is a failure."""
    found = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if found:
        return found
    reason = f"{CHROMIUM} is not installed (Debian package `chromium`: apt-get install -y chromium)"
    if "CI" in os.environ:
        pytest.fail(f"CI is set but {reason}; the CI script must install it before the tests", pytrace=False)
    pytest.skip(reason)


def load(browser: str, page: Path) -> tuple[str, str]:
    """Open the page in headless Chromium with a fresh profile; return the DOM it ends with and its stderr."""
    with tempfile.TemporaryDirectory(prefix="audition-chromium-") as profile:
        process = subprocess.Popen([browser, *FLAGS, f"--user-data-dir={profile}", page.resolve().as_uri()],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            dom, stderr = process.communicate(timeout=BROWSER_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the browser's own process group, started just above
            process.communicate()
            pytest.fail(f"chromium did not finish {page} within {BROWSER_TIMEOUT_SECONDS} s")
    assert process.returncode == 0, f"chromium exited with {process.returncode}:\n{stderr[-3000:]}"
    return dom, stderr


def console_messages(stderr: str) -> list[str]:
    """Console output Chromium logged: it writes every level (log, error, CSP violation) as INFO:CONSOLE."""
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


class Dom(HTMLParser):
    """The audio elements, clip rows and summary of a dumped page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.audio: list[dict] = []
        self.rows: list[dict] = []
        self.summary: dict = {}
        self.summary_text = ""
        self._in_summary = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "audio":
            self.audio.append(attrs)
        elif tag == "tr" and "data-state" in attrs:
            self.rows.append(attrs)
        elif attrs.get("id") == "summary":
            self.summary, self._in_summary = attrs, True

    def handle_endtag(self, tag):
        self._in_summary = self._in_summary and tag != "p"

    def handle_data(self, data):
        if self._in_summary:
            self.summary_text += data


@pytest.fixture(scope="module")
def browser() -> str:
    """Checked before any speech is synthesized, so a missing browser skips (or fails) at once."""
    return chromium()


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory, espeak_engine) -> Path:
    out = tmp_path_factory.mktemp("audition")
    voice = resolve_voice(espeak_engine, None)
    return audition(Lexicon(entries=ENTRIES), CORPUS, espeak_engine, voice, 170, out, {6: ["not in the corpus"]})


def test_every_clip_loads_in_chromium_without_console_errors(browser, page):
    dom_text, stderr = load(browser, page)
    dom = Dom(dom_text)
    assert console_messages(stderr) == []
    assert len(dom.audio) == 5  # two clips for each entry with a respelling, one for the IPA-only entry
    durations = [float(audio.get("data-duration", "nan")) for audio in dom.audio]
    assert all(duration > 0.5 for duration in durations), f"clips without a known duration: {durations}"
    for audio, duration in zip(dom.audio, durations):
        assert duration == pytest.approx(float(audio["data-seconds"]), abs=0.1)  # the browser agrees with the JSON
    assert [row["data-state"] for row in dom.rows] == ["ready"] * 5
    assert dom.summary["data-state"] == "done" and dom.summary["data-ready"] == dom.summary["data-total"] == "5"
    assert dom.summary_text == "5 of 5 clips ready"


def test_the_checks_see_a_broken_clip_and_a_console_error(browser, espeak_engine, tmp_path):
    """Control: the same page with one corrupt clip and a stray script must fail both checks above."""
    voice = resolve_voice(espeak_engine, None)
    [item] = audition_entries(Lexicon(entries=ENTRIES[:1]), CORPUS, espeak_engine, voice, 170)
    broken = replace(item, override=replace(item.override, mp3=b"this is not an mp3" * 50))
    html = render_page((broken,), {"engine": "espeak", "engine_version": "x", "voice": voice.id, "rate": 170})
    control = tmp_path / "control.html"
    control.write_text(html.replace("</body>", "<script>console.log('stray')</script></body>"), encoding="utf-8")
    dom_text, stderr = load(browser, control)
    dom = Dom(dom_text)
    assert any("Content Security Policy" in line for line in console_messages(stderr))  # the stray script, blocked
    assert [row["data-state"] for row in dom.rows] == ["ready", "failed"]
    assert dom.summary["data-state"] == "failed" and dom.summary_text == "1 of 2 clips ready, 1 failed to load"
