"""Atomic output: every file is written beside its destination and renamed into place only when complete."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import fcntl
import os
import re
import signal
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from pipeline.errors import ExportError, OutputError, UsageError

PARTIAL_SUFFIX = ".partial"
_UMASK = os.umask(0o022)
os.umask(_UMASK)


class StagedOutputs:
    """Stage several output files, then publish them all at once; on failure nothing is left behind."""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []
        self._scratch: list[Path] = []
        self._locks: list[int] = []  # one open, locked descriptor per temporary file: "its run is alive"

    def reserve(self, destination: Path) -> Path:
        """A new temporary path beside `destination`, to be renamed onto it by `publish`."""
        partial = self._temporary(Path(destination))
        self._staged.append((partial, destination))
        return partial

    def scratch(self, destination: Path) -> Path:
        """A temporary path beside `destination` for work that may replace a staged file; removed at the end
        (published or not), and named like a partial, so a killed run's leftover is found and removed."""
        path = self._temporary(Path(destination))
        self._scratch.append(path)
        return path

    def _temporary(self, destination: Path) -> Path:
        try:
            handle, name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=PARTIAL_SUFFIX, dir=destination.parent)
            os.chmod(name, 0o666 & ~_UMASK)  # mkstemp makes files private; outputs are ordinary files
        except OSError as error:
            raise write_error(destination, error) from None
        # Held until the end of the run: a later run removes a partial only when no live run holds its lock, so
        # a killed run's leftovers (a book's spool can be gigabytes) go at once, a running one's never.
        with contextlib.suppress(OSError):
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._locks.append(handle)
        return Path(name)

    def stage(self, destination: Path, write: Callable[[Path], None]) -> None:
        """Call `write` with a temporary path beside `destination`; keep it for `publish`."""
        partial = self.reserve(destination)
        try:
            write(partial)
        except OSError as error:
            raise write_error(destination, error) from None

    def stage_text(self, destination: Path, text: str | Iterable[str]) -> None:
        """Stage a UTF-8 text file, from a string or written piece by piece (a book's report is large)."""
        def write(partial: Path) -> None:
            with open(partial, "w", encoding="utf-8") as handle:
                if isinstance(text, str):
                    handle.write(text)
                else:
                    for chunk in text:
                        handle.write(chunk)

        self.stage(destination, write)

    def publish(self) -> None:
        """Rename every staged file onto its destination, with SIGINT and SIGTERM held until all are in place."""
        held = {signal.SIGINT, signal.SIGTERM}
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            for partial, destination in self._staged:
                try:
                    os.replace(partial, destination)
                except OSError as error:
                    raise write_error(destination, error) from None
            self._staged.clear()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        self._remove_scratch()

    def discard(self) -> None:
        """Remove every staged file that was not published."""
        for partial, _ in self._staged:
            partial.unlink(missing_ok=True)
        self._staged.clear()
        self._remove_scratch()

    def _remove_scratch(self) -> None:
        for path in self._scratch:
            path.unlink(missing_ok=True)
        self._scratch.clear()
        if not self._staged:
            for handle in self._locks:
                os.close(handle)
            self._locks.clear()

    def __enter__(self) -> StagedOutputs:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self.discard()


def write_error(path: Path, error: OSError) -> ExportError:
    """Turn an OSError while writing into a one-line ExportError that says what to do."""
    if error.errno == errno.ENOSPC:
        return ExportError(f"{path}: no space left on the device; free some space or write elsewhere with -o")
    return ExportError(f"{path}: could not be written ({error.strerror or error}); check the folder")


def user_cache_folder() -> Path:
    """This tool's folder in the user's cache directory ($XDG_CACHE_HOME, or ~/.cache): never published."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if os.path.isabs(base):
        return Path(base) / "article-audio"
    try:
        return Path.home() / ".cache" / "article-audio"
    except RuntimeError:  # no HOME and no passwd entry, as for some service accounts
        raise UsageError("there is no home directory for the sentence cache; give --cache-dir DIR "
                         "(or cache_dir in the config)") from None


def check_writable_folder(folder: Path) -> None:
    """Create the output folder if needed and make sure files can be created in it."""
    # os.path.isfile, not Path.is_file: a folder we may not search must give the one-line error below, not a
    # PermissionError.
    blocking_file = next((parent for parent in (folder, *folder.parents) if os.path.isfile(parent)), None)
    if blocking_file is not None:
        raise OutputError(f"{blocking_file}: is a file, so {folder} cannot be a folder; choose another output path "
                          "with -o")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{folder}: cannot create the output folder ({error.strerror}); choose another with -o") from None
    if not folder.is_dir():
        raise OutputError(f"{folder}: exists and is not a folder; choose another output path with -o")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{folder}: the output folder is not writable; fix its permissions or choose another with -o")


def remove_stale_partials(folder: Path, stem: str, older_than_seconds: float = 900) -> None:
    """Remove temporary files that a killed earlier run left for this stem (not a running one's): those no
    live run holds locked, or, where the file system has no locks, those older than `older_than_seconds`."""
    now = time.time()
    pattern = re.compile(rf"\.{re.escape(stem)}\.(?:mp3|ogg|wav|json|vtt)\.[^.]+{re.escape(PARTIAL_SUFFIX)}")
    for leftover in (path for path in folder.glob(f".*{PARTIAL_SUFFIX}") if pattern.fullmatch(path.name)):
        try:
            if _abandoned(leftover) or now - leftover.stat().st_mtime > older_than_seconds:
                leftover.unlink()
        except OSError:
            pass


def _abandoned(path: Path) -> bool:
    """Whether no process holds the partial's lock (its run has ended); False when locks are unavailable."""
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # locked: a live run's, or a file system without locks
    finally:
        os.close(handle)
    return True


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read a megabyte at a time (a voice model is 63 MB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
