"""The player in a real headless Chromium (Debian's `chromium`, driven by Playwright; never a browser download):
no console errors, sentences followed and sought, the keyboard, speed, small screens, accessibility (axe-core and
contrast computed from the styles), the staleness guard, reports sent to `serve`, several players, screenshots."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from pipeline.batch.runner import BatchConfig, run_batch
from pipeline.lexicon.model import EMPTY_LEXICON
from pipeline.publish.feedback import parse_record
from pipeline.publish.page import PageOptions, page_path
from pipeline.publish.server import FEEDBACK_FILE, ServeOptions, serving
from pipeline.render import render
from pipeline.settings import RenderSettings
from pipeline.stages.article import parse_article
from tests.test_audition_browser import chromium

pytestmark = pytest.mark.e2e

STORY = """# Tullagh ferry returns after 14-month refit

PORT EVERELL, N.S. (CP) — The Tullagh ferry will return to service Monday after a 14-month refit, the operator
said. Fares rise 12 per cent, to $9.75 a crossing.

"We kept the old ramp," said Ms Priya Venkataraman, who runs the crossing. The first sailing leaves at 6.15.

## What changes

Two extra sailings run on Fridays. Riders cheered 🎉 as the Tullagh boat docked. The last boat back leaves
Tullagh at 21.40.
"""
SECOND = "# Rink stays open\n\nCouncil voted 5-2 on Tuesday to keep the Harlow rink open. The mayor abstained."
VIEWPORTS = {"wide": (1200, 900), "narrow": (320, 640)}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """One standalone page (render --page) and a batch folder with pages and an index of two players."""
    folder = tmp_path_factory.mktemp("player")
    render(parse_article(STORY.encode(), name="ferry"), lexicon=EMPTY_LEXICON, settings=RenderSettings(),
           out=folder / "ferry.mp3", page=PageOptions(feedback_url="/feedback"))
    (folder / "in").mkdir()
    (folder / "in" / "ferry.md").write_text(STORY, encoding="utf-8")
    (folder / "in" / "rink.md").write_text(SECOND, encoding="utf-8")
    run_batch(BatchConfig(input_dir=folder / "in", out_dir=folder / "batch", jobs=1, in_process=True,
                          cache_dir=folder / "cache", pages=True))
    return folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    try:
        import axe_playwright_python  # noqa: F401 - the accessibility audits need it too
        from playwright.sync_api import sync_playwright
    except ImportError:
        if "CI" in os.environ:
            pytest.fail("CI is set but playwright or axe-playwright-python is not installed (the test extra)",
                        pytrace=False)
        pytest.skip("playwright or axe-playwright-python is not installed (pip install -e '.[test]')")
    executable = chromium()
    # Playwright's driver and Chromium keep profiles and artifacts in the temporary directory while they run:
    # a folder of their own, so the check that each test leaves nothing behind sees none of it.
    previous = os.environ.get("TMPDIR")
    home = tmp_path_factory.mktemp("browser-home")  # the browser's sound and settings files stay out of ~
    os.environ["TMPDIR"] = str(tmp_path_factory.mktemp("browser-tmp"))
    try:
        playwright = sync_playwright().start()
    finally:
        if previous is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = previous
    try:
        environment = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                       "XDG_CACHE_HOME": str(home / ".cache"), "TMPDIR": str(home)}
        browser = playwright.chromium.launch(executable_path=executable, env=environment, args=[
            "--no-sandbox", "--mute-audio", "--autoplay-policy=no-user-gesture-required", "--disable-gpu"])
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def open_page(browser):
    """open_page(url, width=1200, dark=False, reduced_motion=False) -> page, with console problems collected in
    page.problems; the page is closed after the test."""
    contexts = []

    def opener(url: str, width: int = 1200, height: int = 900, dark: bool = False, reduced_motion: bool = False):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      color_scheme="dark" if dark else "light",
                                      reduced_motion="reduce" if reduced_motion else "no-preference")
        contexts.append(context)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda message: page.problems.append(f"{message.type}: {message.text}")
                if message.type in ("error", "warning") else None)
        page.on("pageerror", lambda error: page.problems.append(f"pageerror: {error}"))
        page.goto(url)
        page.wait_for_selector(".aap-play")
        page.wait_for_function("[...document.querySelectorAll('audio')].every(a => a.preload === 'none' || a.readyState >= 1)")
        return page

    yield opener
    for context in contexts:
        context.close()


def standalone(site: Path) -> str:
    return page_path(site / "ferry.mp3").as_uri()


def report(site: Path) -> dict:
    return json.loads((site / "ferry.json").read_text(encoding="utf-8"))


def current_sentences(page) -> list[str]:
    return page.eval_on_selector_all('[aria-current="true"][data-aap-sentence]', "els => els.map(e => e.dataset.aapSentence)")


def seek(page, seconds: float) -> None:
    page.evaluate(f"document.querySelector('audio').currentTime = {seconds}")
    page.wait_for_function(f"Math.abs(document.querySelector('audio').currentTime - {seconds}) < 0.05")
    page.wait_for_timeout(50)


def test_the_page_loads_quietly_with_the_estimate_and_the_notice(site, open_page):
    page = open_page(standalone(site))
    player = page.locator(".aap")
    assert player.locator(".aap-title").inner_text() == "Listen to this article"
    assert player.locator(".aap-estimate").inner_text() == report(site)["estimate"]["label"]
    notice = page.get_by_role("button", name="About this audio")
    assert notice.get_attribute("aria-expanded") == "false" and not page.locator(".aap-notice").is_visible()
    notice.click()
    assert notice.get_attribute("aria-expanded") == "true"
    assert "AI-based technology" in page.locator(".aap-notice").inner_text()
    page.wait_for_timeout(300)
    assert page.evaluate("document.querySelector('audio').paused")  # it never autoplays
    assert page.locator(".aap-stale").is_hidden()  # the page's text is the rendered text
    assert page.get_attribute("html", "lang") == "en-US" and page.locator(".aap").get_attribute("lang") == "en"
    assert page.problems == []


def test_playing_moves_the_audio_and_renames_the_button(site, open_page):
    page = open_page(standalone(site))
    page.get_by_role("button", name="Play audio").click()
    page.wait_for_function("document.querySelector('audio').currentTime > 0.3", timeout=10_000)
    assert page.get_by_role("button", name="Pause audio").is_visible()
    assert page.evaluate("navigator.mediaSession.metadata.title") == report(site)["title"]
    page.get_by_role("button", name="Pause audio").click()
    assert page.evaluate("document.querySelector('audio').paused")
    assert page.problems == []


def test_seeking_to_each_sentence_marks_it_as_the_one_spoken(site, open_page):
    page = open_page(standalone(site))
    sentences = report(site)["sentences"]
    for index, sentence in enumerate(sentences):
        seek(page, sentence["start_ms"] / 1000 + 0.02)
        assert set(current_sentences(page)) == {str(index)}, sentence["text"]
    style = page.eval_on_selector('[aria-current="true"][data-aap-sentence]', """el => {
        const s = getComputedStyle(el); return [s.textDecorationLine, s.backgroundColor]; }""")
    assert style[0] == "underline" and style[1] not in ("rgba(0, 0, 0, 0)", "transparent")  # not colour alone


@pytest.mark.parametrize("index", [1, 7], ids=["plain", "after an emoji"])
def test_the_word_being_spoken_is_highlighted(site, open_page, index):
    page = open_page(standalone(site))
    sentence = report(site)["sentences"][index]
    word = next(w for w in sentence["words"] if w["text"] == "Tullagh")
    seek(page, (word["start_ms"] + word["end_ms"]) / 2000)
    highlighted = page.evaluate("""() => {
        const h = CSS.highlights.get('article-audio-word'); if (!h) return null;
        return [...h][0].toString(); }""")
    assert highlighted == "Tullagh"  # the report counts code points, the page UTF-16 units


def test_clicking_a_sentence_or_pressing_enter_or_space_on_it_seeks_there(site, open_page):
    page = open_page(standalone(site))
    sentences = report(site)["sentences"]
    at = lambda: page.evaluate("document.querySelector('audio').currentTime")  # noqa: E731
    page.locator('[data-aap-sentence="2"]').first.click()
    assert abs(at() - sentences[2]["start_ms"] / 1000) < 0.05
    page.locator('[data-aap-sentence="4"][tabindex="0"]').focus()
    page.keyboard.press("Enter")
    assert abs(at() - sentences[4]["start_ms"] / 1000) < 0.05
    page.locator('[data-aap-sentence="1"][tabindex="0"]').focus()
    page.keyboard.press(" ")
    assert abs(at() - sentences[1]["start_ms"] / 1000) < 0.05
    assert page.evaluate("window.scrollY") == 0  # Space seeks; it does not scroll the page


def test_the_whole_player_works_from_the_keyboard(site, open_page):
    page = open_page(standalone(site))
    at = lambda: page.evaluate("document.querySelector('audio').currentTime")  # noqa: E731
    for _ in range(8):  # reached by Tab, in order
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('aap-play')"):
            break
    assert page.evaluate("document.activeElement.textContent") == "Play audio"
    page.keyboard.press("Enter")
    page.wait_for_function("!document.querySelector('audio').paused")
    page.keyboard.press("k")
    assert page.evaluate("document.querySelector('audio').paused")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent") == "15Back 15 seconds"
    seek(page, 20)
    page.keyboard.press("Enter")
    assert abs(at() - 5) < 0.1
    page.keyboard.press("l")
    assert abs(at() - 20) < 0.1
    page.keyboard.press("j")
    assert abs(at() - 5) < 0.1
    slider = page.get_by_role("slider", name="Position in the audio")
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert abs(at() - 10) < 0.1
    assert slider.get_attribute("aria-valuetext").startswith("10 seconds of ")
    page.keyboard.press("End")
    duration = page.evaluate("document.querySelector('audio').duration")
    assert abs(at() - duration) < 0.1
    page.keyboard.press("Home")
    assert at() == 0 and slider.get_attribute("aria-valuetext") == f"0 seconds of {spoken(duration)}"
    page.keyboard.press("Shift+Period")  # ">": faster
    assert page.evaluate("document.querySelector('audio').playbackRate") == 1.25
    page.locator(".aap-sentence").first.focus()  # outside the player: its shortcuts do nothing here
    page.keyboard.press("l")
    assert at() == 0
    assert page.problems == []


def spoken(seconds: float) -> str:
    total = round(seconds)
    minutes, rest = divmod(total, 60)
    parts = ([f"{minutes} minute{'s' if minutes != 1 else ''}"] if minutes else []) + (
        [f"{rest} second{'s' if rest != 1 else ''}"] if rest or not minutes else [])
    return " ".join(parts)


def test_speed_changes_and_is_announced(site, open_page):
    page = open_page(standalone(site))
    page.get_by_label("Speed").select_option("1.5")
    assert page.evaluate("document.querySelector('audio').playbackRate") == 1.5
    assert page.locator('.aap [aria-live="polite"]').inner_text() == "Speed 1.5 times"
    options = page.eval_on_selector_all(".aap-speed option", "els => els.map(e => Number(e.value))")
    assert options[0] == 0.75 and options[-1] == 2


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_no_serious_accessibility_violation(site, open_page, dark):
    from axe_playwright_python.sync_playwright import Axe

    for url in (standalone(site), (site / "batch" / "index.html").as_uri()):
        page = open_page(url, dark=dark)
        page.get_by_role("button", name="About this audio").first.click()
        results = Axe().run(page)
        serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                   for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], url


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two computed CSS colours (opaque)."""
    a, b = (_luminance(tuple(float(v) for v in re.findall(r"[\d.]+", color)[:3])) for color in (first, second))
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_text_and_controls_meet_their_contrast_ratios(site, open_page, dark):
    page = open_page(standalone(site), dark=dark)
    seek(page, report(site)["sentences"][1]["start_ms"] / 1000 + 0.02)
    page.locator('[data-aap-sentence="2"][tabindex="0"]').focus()  # shows its report button
    page.keyboard.press("Tab")  # focus by keyboard: the ring is drawn
    ring = page.evaluate("() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineColor]; }")
    assert ring[0] == "solid"
    colours = page.evaluate("""() => {
        const style = (selector) => getComputedStyle(document.querySelector(selector));
        const root = style('.aap'), vars = getComputedStyle(document.documentElement);
        return {
          background: root.backgroundColor, text: root.color, muted: style('.aap-estimate').color,
          link: style('.aap a.aap-link').color, buttonBorder: style('.aap-skip').borderTopColor,
          play: style('.aap-play').backgroundColor, playIcon: style('.aap-play').color,
          selectBorder: style('.aap-speed').borderTopColor, reportBorder: style('.aap-report').borderTopColor,
          slider: style('.aap-seek').accentColor, checkbox: style('.aap-check input').accentColor,
          current: style('[aria-current="true"].aap-sentence').backgroundColor,
          currentText: style('[aria-current="true"].aap-sentence').color,
          word: vars.getPropertyValue('--aap-word').trim(), wordText: vars.getPropertyValue('--aap-word-text').trim(),
          page: getComputedStyle(document.body).backgroundColor };
    }""")
    hexed = {key: _rgb(value) for key, value in colours.items()} | {"focus": ring[1]}
    for text in ("text", "muted", "link"):
        assert contrast(hexed[text], hexed["background"]) >= 4.5, text
    assert contrast(hexed["currentText"], hexed["current"]) >= 4.5
    assert contrast(hexed["wordText"], hexed["word"]) >= 4.5
    assert contrast(hexed["playIcon"], hexed["play"]) >= 4.5
    for control in ("buttonBorder", "selectBorder", "reportBorder", "play", "slider", "checkbox", "focus"):  # 3:1
        assert contrast(hexed[control], hexed["background"]) >= 3, control
        assert contrast(hexed[control], hexed["page"]) >= 3, control


def _rgb(value: str) -> str:
    if value.startswith("#"):
        digits = value[1:]
        return "rgb(" + ", ".join(str(int(digits[i:i + 2], 16)) for i in (0, 2, 4)) + ")"
    return value


def test_targets_are_at_least_24_pixels_and_nothing_scrolls_sideways_at_320(site, open_page):
    page = open_page(standalone(site), width=320, height=640)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    small = page.evaluate("""() => [...document.querySelectorAll('.aap button, .aap input, .aap select, .aap a')]
        .filter(e => e.offsetParent !== null)
        .map(e => [e.className || e.tagName, e.getBoundingClientRect()])
        .filter(([, box]) => box.width < 24 || box.height < 24).map(([name]) => name)""")
    assert small == []
    page.locator('[data-aap-sentence="1"][tabindex="0"]').focus()
    box = page.locator(".aap-report:visible").bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24


def test_edited_text_says_the_audio_may_be_out_of_date(site, open_page):
    edited = site / "ferry-edited.html"
    html = page_path(site / "ferry.mp3").read_text(encoding="utf-8")
    edited.write_text(html.replace("Two extra sailings run on Fridays.", "Three extra sailings run on Fridays."),
                      encoding="utf-8")
    try:
        page = open_page(edited.as_uri())
    finally:
        edited.unlink()
    assert page.locator(".aap-stale").is_visible()
    assert "may be out of date" in page.locator(".aap-stale").inner_text()


def test_autoscroll_can_be_switched_off_and_is_off_for_reduced_motion(site, open_page):
    assert open_page(standalone(site)).locator(".aap-check input").is_checked()
    assert not open_page(standalone(site), reduced_motion=True).locator(".aap-check input").is_checked()


def test_a_listeners_report_reaches_serve_as_a_valid_record(site, open_page):
    with serving(ServeOptions(site, port=0)) as url:
        page = open_page(url + "ferry.html")
        page.evaluate("""() => {
            const span = document.querySelector('[data-aap-sentence="3"]');
            const text = span.firstChild, at = text.nodeValue.indexOf('Venkataraman');
            const range = document.createRange(); range.setStart(text, at); range.setEnd(text, at + 12);
            getSelection().removeAllRanges(); getSelection().addRange(range); }""")
        page.locator('[data-aap-sentence="3"][tabindex="0"]').focus()
        page.keyboard.press("Tab")  # the sentence's report action comes next
        assert page.evaluate("document.activeElement.textContent").startswith("Report a mispronunciation")
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog", name="Report a mispronunciation")
        assert dialog.is_visible() and page.get_by_label("Word or name (optional)").input_value() == "Venkataraman"
        page.get_by_label("What did you hear? (optional)").fill("VEN-kata-raman, stress is wrong")
        page.get_by_role("button", name="Send report").click()
        page.wait_for_function("document.querySelector('.aap-status').textContent.startsWith('Thank you')")
        page.keyboard.press("Escape")
        assert not dialog.is_visible()  # closed, focus is back on the sentence's report button
        assert page.evaluate("document.activeElement.textContent").startswith("Report a mispronunciation")
    (line,) = (site / FEEDBACK_FILE).read_text(encoding="utf-8").splitlines()
    (site / FEEDBACK_FILE).unlink()
    sent = parse_record(line.encode())
    expected = report(site)
    assert sent["word"] == "Venkataraman" and sent["sentence_index"] == 3 and sent["article"] == "ferry"
    assert sent["sentence"] == " ".join(expected["sentences"][3]["text"].split()) and sent["rendition"] == "ferry.mp3"
    assert sent["input_sha256"] == expected["input_sha256"] and sent["engine"] == "espeak"
    assert sent["note"] == "VEN-kata-raman, stress is wrong"
    assert page.problems == []


def test_without_an_endpoint_a_report_can_be_downloaded_and_the_mouse_reaches_the_action(site, open_page):
    from axe_playwright_python.sync_playwright import Axe

    page = open_page((site / "batch" / "ferry.html").as_uri())
    sentence = page.locator('[data-aap-sentence="1"]').first
    sentence.hover()
    report_button = page.locator('[data-aap-sentence="1"] + .aap-report')
    assert report_button.is_visible()
    box = report_button.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=15)  # across the gap
    report_button.click()
    assert page.get_by_role("dialog", name="Report a mispronunciation").is_visible()
    assert not page.get_by_role("button", name="Send report").count()
    results = Axe().run(page)  # with the dialog open
    assert [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")] == []
    with page.expect_download() as download:
        page.get_by_role("button", name="Download report").click()
    record = parse_record(Path(download.value.path()).read_bytes())
    assert record["sentence_index"] == 1 and record["article"] == "ferry.md"  # the source path: unique in a batch


def test_starting_one_player_pauses_the_others_and_chapters_seek(site, open_page):
    page = open_page((site / "batch" / "index.html").as_uri())
    first, second = page.locator(".aap-play").all()
    first.click()
    page.wait_for_function("!document.querySelectorAll('audio')[0].paused")
    second.click()
    page.wait_for_function("!document.querySelectorAll('audio')[1].paused")
    assert page.evaluate("document.querySelectorAll('audio')[0].paused")
    second.click()
    chapters = page.locator(".aap-chapters button")
    assert chapters.count() == 2 and chapters.nth(1).inner_text().startswith("What changes")
    chapters.nth(1).click()
    assert chapters.nth(1).get_attribute("aria-current") == "true"
    assert page.problems == []


def test_screenshots_for_a_person_to_look_at(site, open_page, tmp_path, screenshot_folders):
    folder = Path(os.environ.get("ARTICLE_AUDIO_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    for name, (width, height) in VIEWPORTS.items():
        for dark in (False, True):
            page = open_page(standalone(site), width=width, height=height, dark=dark)
            seek(page, report(site)["sentences"][1]["words"][2]["start_ms"] / 1000 + 0.01)
            path = folder / f"ferry-{name}-{'dark' if dark else 'light'}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000
    screenshot_folders.append(folder)


def test_embedded_on_a_served_page_it_fetches_its_report_and_follows_the_marked_text(site, open_page):
    """The README's embed snippet: the player's files linked, the report fetched, the page's own paragraphs."""
    folder = site / "batch"
    report_ = json.loads((folder / "rink.json").read_text(encoding="utf-8"))
    paragraphs: dict[int, list[str]] = {}
    for sentence in report_["sentences"]:
        paragraphs.setdefault(sentence["paragraph"], []).append(sentence["text"])
    title, *body = (" ".join(texts) for texts in paragraphs.values())
    embed = folder / "embed.html"
    embed.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Embed</title>'
        '<link rel="icon" href="data:,"><link rel="stylesheet" href="player.css"><script src="player.js" defer></script>'
        f'</head><body><main><article><h1 data-article-audio>{title}</h1>'
        '<article-audio-player src="rink.mp3" report="rink.json"></article-audio-player>'
        + "".join(f"<p data-article-audio>\n  {text}\n</p>" for text in body).replace(
            "Harlow rink", '<a href="#rink">Harlow rink</a>')  # the page's own line breaks, and a link
        + "</article></main></body></html>", encoding="utf-8")
    try:
        with serving(ServeOptions(folder, port=0)) as url:
            page = open_page(url + "embed.html")
            assert page.locator(".aap-stale").is_hidden()
            indexes = page.eval_on_selector_all("[data-aap-sentence]", "els => [...new Set(els.map(e => e.dataset.aapSentence))]")
            assert indexes == [str(index) for index in range(len(report_["sentences"]))]
            seek(page, report_["sentences"][-1]["start_ms"] / 1000 + 0.02)
            assert current_sentences(page) == [str(len(report_["sentences"]) - 1)]
            # the sentence with the link: sought from outside the link, its report action after the link
            page.locator('[data-aap-sentence="1"][tabindex="0"]').focus()
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.getAttribute('href')") == "#rink"
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent").startswith("Report a mispronunciation")
            assert page.locator("a [role=button], a button").count() == 0
            from axe_playwright_python.sync_playwright import Axe

            violations = Axe().run(page).response["violations"]
            assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []
            assert page.problems == []
    finally:
        embed.unlink()
