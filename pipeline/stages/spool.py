"""A spool for a program's raw audio: 16-bit PCM pieces kept in memory while they are few, then in a temporary
file beside the output, read back piece by piece, so the audio a second loudness pass or a corrected encode
needs is never all held in memory (12 hours of 22 kHz speech is about 2 GB)."""

from __future__ import annotations

import os
import shutil
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import ExportError
from pipeline.files import write_error

#: Audio kept in memory before the spool moves to a file (about 6 minutes of 22 kHz speech): most articles never
#: touches the disk for it, a book does.
MEMORY_LIMIT_BYTES = 16 * 1024 * 1024
#: Besides the spool, room for the encoded file, a corrected encode of it and the report, as a share of the spool.
ENCODED_SHARE = 0.2
#: Free space always left for the rest of the system.
SPARE_BYTES = 32 * 1024 * 1024


class PcmSpool:
    """An append-only sequence of PCM pieces: `append`, `len`, index and iterate. Past MEMORY_LIMIT_BYTES the
    pieces move to a file at the path `file_path()` gives (created only then)."""

    def __init__(self, file_path: Callable[[], Path], memory_limit: int | None = None) -> None:
        self._file_path = file_path
        self._memory_limit = MEMORY_LIMIT_BYTES if memory_limit is None else memory_limit
        self._pieces: list[bytes] | None = []
        self._file: BinaryIO | None = None
        self.path: Path | None = None
        self._offsets = array("Q", [0])

    def append(self, pcm: bytes) -> None:
        """Add a piece at the end."""
        if not pcm:
            return
        self._offsets.append(self._offsets[-1] + len(pcm))
        if self._pieces is not None:
            self._pieces.append(pcm)
            if self.nbytes > self._memory_limit:
                self._spill()
            return
        self._write(pcm)

    def _spill(self) -> None:
        self.path = self._file_path()
        try:
            self._file = open(self.path, "w+b")  # noqa: SIM115 (closed by close())
        except OSError as error:
            raise write_error(self.path, error) from None
        pieces, self._pieces = self._pieces or [], None
        for piece in pieces:
            self._write(piece)

    def _write(self, pcm: bytes) -> None:
        assert self._file is not None and self.path is not None
        try:
            self._file.seek(0, os.SEEK_END)
            self._file.write(pcm)
        except OSError as error:
            raise write_error(self.path, error) from None

    @property
    def on_disk(self) -> bool:
        """Whether the pieces have moved to a file."""
        return self._pieces is None

    @property
    def nbytes(self) -> int:
        """Bytes of audio held."""
        return self._offsets[-1]

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def _read(self, index: int) -> bytes:
        if self._pieces is not None:
            return self._pieces[index]
        assert self._file is not None
        self._file.seek(self._offsets[index])
        return self._file.read(self._offsets[index + 1] - self._offsets[index])

    def __getitem__(self, index: int) -> bytes:
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        if self._file is not None:
            self._file.flush()
        return self._read(index % len(self))

    def __iter__(self) -> Iterator[bytes]:
        if self._file is not None:
            self._file.flush()
        for index in range(len(self)):
            yield self._read(index)  # by index: a consumer may append or read elsewhere between pieces

    def close(self) -> None:
        """Close the file, if there is one (the staged outputs remove it)."""
        if self._file is not None:
            self._file.close()


def check_free_space(folder: Path, seconds: float, sample_rate: int, display_name: str) -> None:
    """Refuse, in one line, a render whose spooled audio would not fit beside its output."""
    spooled = int(seconds * sample_rate * 2)
    if spooled <= MEMORY_LIMIT_BYTES:  # noqa: SIM102
        return  # an article's audio stays in memory
    needed = int(spooled * (1 + ENCODED_SHARE)) + SPARE_BYTES
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # nothing to say: writing will tell
    if free < needed:
        raise ExportError(f"{display_name}: no space left for this render: about {_size(needed)} is needed beside it "
                          f"for {seconds / 3600:.1f} hours of audio and {folder} has {_size(free)}; free some space "
                          "or write elsewhere with -o")


def _size(count: int) -> str:
    return f"{count / 1024 ** 3:.1f} GB" if count >= 1024 ** 3 else f"{count / 1024 ** 2:.0f} MB"
