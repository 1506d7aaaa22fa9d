"""Shared fixtures: paths to the project's own sample data and a deterministic engine."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from pipeline.engines.tone import ToneEngine

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "pipeline" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


_SESSION_ROOT: Path | None = None
_REAL_TEMPORARY: Path | None = None
_REAL_BEFORE: set[str] = set()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config) -> None:
    """Give the session a private temporary directory (TMPDIR for the tests, the commands they run and their
    workers; pytest's own tmp_path folders beside it) and remove it at the end: the suite leaves nothing in
    the machine's temporary directory, and `no_temporary_leftovers` can see what each test left there."""
    global _SESSION_ROOT, _REAL_TEMPORARY, _REAL_BEFORE
    _REAL_TEMPORARY = Path(tempfile.gettempdir())
    _REAL_BEFORE = set(os.listdir(_REAL_TEMPORARY))
    _SESSION_ROOT = Path(tempfile.mkdtemp(prefix="article-audio-tests-"))
    (_SESSION_ROOT / "tmp").mkdir()
    if config.option.basetemp is None:
        config.option.basetemp = str(_SESSION_ROOT / "pytest")
    os.environ["TMPDIR"] = str(_SESSION_ROOT / "tmp")
    tempfile.tempdir = None  # recomputed from TMPDIR on next use


def pytest_unconfigure(config) -> None:
    """Remove the session's private temporary directory."""
    if _SESSION_ROOT is not None:
        shutil.rmtree(_SESSION_ROOT, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def nothing_left_in_the_machines_temporary_directory():
    """Code that ignores TMPDIR (writing straight to /tmp) is caught too, by what the session left there."""
    yield
    if _REAL_TEMPORARY is not None and _SESSION_ROOT is not None:
        left = sorted(name for name in set(os.listdir(_REAL_TEMPORARY)) - _REAL_BEFORE
                      if name.startswith(("article-audio", "tmp")) and name != _SESSION_ROOT.name)
        assert not left, f"left in {_REAL_TEMPORARY}: {', '.join(left)}"


@pytest.fixture(autouse=True)
def no_temporary_leftovers(monkeypatch, tmp_path_factory):
    """Fail any test after which something new is left in the temporary directory (by the code, a command it
    ran, or a worker): under cron every leftover would pile up without bound. Each test also gets a user cache
    directory of its own, so no test writes to the real one or sees another's cached audio (the Piper voice
    patched for alignments, made once and never changed, is shared: it takes 0.7 s to make)."""
    cache_home = tmp_path_factory.mktemp("xdg-cache")
    shared = tmp_path_factory.getbasetemp() / "piper-voices"
    shared.mkdir(exist_ok=True)
    (cache_home / "article-audio").mkdir()
    (cache_home / "article-audio" / "piper-voices").symlink_to(shared, target_is_directory=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    folder = Path(tempfile.gettempdir())
    before = set(os.listdir(folder))
    yield
    left = sorted(set(os.listdir(folder)) - before)
    for name in left:
        path = folder / name
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink(missing_ok=True)
    assert not left, f"left in the temporary directory: {', '.join(left)}"


@pytest.fixture
def tone_engine() -> ToneEngine:
    """The deterministic test engine: output length follows exactly from the text."""
    return ToneEngine()


@pytest.fixture
def sample_article_path() -> Path:
    """The bundled sample article."""
    return DATA / "sample_article.md"


@pytest.fixture
def sample_lexicon_path() -> Path:
    """The bundled sample lexicon."""
    return DATA / "sample_lexicon.toml"


@pytest.fixture(scope="session")
def espeak_engine():
    """The real pyttsx3/espeak-ng engine, started once per test session."""
    from pipeline.engines.espeak import EspeakEngine

    engine = EspeakEngine()
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def piper_engine():
    """The real Piper engine with the bundled voice on two threads, started once per test module (its session
    and onnxruntime's threads go with the module, not kept beside the espeak-ng tests that follow)."""
    from pipeline.engines.piper import PiperEngine

    engine = PiperEngine(threads=2)
    yield engine
    engine.close()


# Under CI, property tests use a fixed sequence of examples so a run cannot fail by chance;
# on a developer's machine they keep exploring new examples.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def small_disk(tmp_path):
    """A real file system of 64 KiB (a tmpfs), for tests of a full disk; skipped where mounting is not allowed
    (not root), in which case the simulated full-disk tests still run."""
    import subprocess

    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root): " + done.stderr.decode(errors="replace").strip())
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


#: Folders of screenshots the browser tests wrote for a person to look at, named at the end of the run.
SCREENSHOT_FOLDERS: list[Path] = []


def pytest_terminal_summary(terminalreporter) -> None:
    for folder in dict.fromkeys(SCREENSHOT_FOLDERS):
        terminalreporter.write_line(f"screenshots of the player (1200 and 320 px, light and dark): {folder}")


@pytest.fixture(scope="session")
def screenshot_folders() -> list[Path]:
    """Where a test records a folder of screenshots to be named at the end of the run."""
    return SCREENSHOT_FOLDERS
