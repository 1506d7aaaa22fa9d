"""Stitch and export: join sentence audio with pauses, then encode and tag the rendition with pydub."""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.engines.base import Audio
from pipeline.errors import ExportError
from pipeline.synthesize import SpokenAudio

with warnings.catch_warnings():
    # pydub warns at import when ffmpeg is not on PATH; we point it at the bundled binary below.
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.exceptions import CouldntEncodeError

#: ffmpeg arguments per output format: codec choices a news player can play everywhere.
FORMAT_OPTIONS = {
    "mp3": {"format": "mp3", "codec": "libmp3lame", "parameters": ["-ac", "1", "-id3v2_version", "3"]},
    "ogg": {"format": "ogg", "codec": "libopus", "parameters": ["-ac", "1", "-ar", "48000"]},
    "wav": {"format": "wav", "codec": None, "parameters": []},
}


@dataclass(frozen=True)
class Timing:
    """Where one sentence's speech starts and ends in the rendition, in milliseconds."""

    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Stitched:
    """The joined rendition and each sentence's place in it."""

    audio: Audio
    timings: tuple[Timing, ...]


def ffmpeg_executable() -> str:
    """The ffmpeg to encode with: $ARTICLE_AUDIO_FFMPEG, the pinned imageio-ffmpeg binary, or one on PATH."""
    configured = os.environ.get("ARTICLE_AUDIO_FFMPEG")
    if configured:
        return configured
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        found = shutil.which("ffmpeg")
        if found:
            return found
    raise ExportError("ffmpeg is missing; run `make venv` (installs imageio-ffmpeg) or install ffmpeg on PATH")


def silence_frames(milliseconds: int, sample_rate: int) -> int:
    """How many samples a pause of this many milliseconds takes."""
    return round(milliseconds * sample_rate / 1000)


def stitch(
    sentences: Iterable[SpokenAudio], pauses_after_ms: Sequence[int], *, lead_ms: int, clause_ms: int, sample_rate: int
) -> Stitched:
    """Join sentences in order: lead silence, then each sentence followed by its pause."""
    parts: list[bytes] = [b"\x00\x00" * silence_frames(lead_ms, sample_rate)]
    position = silence_frames(lead_ms, sample_rate)
    timings = []
    clause_gap = b"\x00\x00" * silence_frames(clause_ms, sample_rate)
    for sentence, pause_ms in zip(sentences, pauses_after_ms, strict=True):
        start = position
        for index, piece in enumerate(sentence.pieces):
            if piece.sample_rate != sample_rate:
                raise ExportError(f"engine returned {piece.sample_rate} Hz audio, expected {sample_rate} Hz")
            if index:
                parts.append(clause_gap)
                position += len(clause_gap) // 2
            parts.append(piece.samples)
            position += piece.frames
        timings.append(Timing(_ms(start, sample_rate), _ms(position, sample_rate)))
        pause = silence_frames(pause_ms, sample_rate)
        parts.append(b"\x00\x00" * pause)
        position += pause
    return Stitched(Audio(b"".join(parts), sample_rate), tuple(timings))


def _ms(frames: int, sample_rate: int) -> int:
    return round(frames * 1000 / sample_rate)


def export_audio(audio: Audio, path: Path, *, audio_format: str, bitrate: str | None, tags: dict[str, str]) -> None:
    """Encode audio into the file at `path` (the caller makes that a staged, temporary path)."""
    options = FORMAT_OPTIONS[audio_format]
    AudioSegment.converter = ffmpeg_executable()
    segment = AudioSegment(data=audio.samples, sample_width=2, frame_rate=audio.sample_rate, channels=1)
    try:
        handle = segment.export(
            str(path),
            format=options["format"],
            codec=options["codec"],
            bitrate=bitrate,
            parameters=list(options["parameters"]),
            tags=tags or None,
        )
        handle.close()
    except CouldntEncodeError as error:
        if _disk_full(path):
            raise ExportError(f"{path.parent}: no space left on the device; free some space or write elsewhere") from None
        last_line = str(error).strip().splitlines()[-1] if str(error).strip() else "unknown error"
        raise ExportError(f"ffmpeg could not encode {audio_format}: {last_line}") from None


def _disk_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < 1024 * 1024
    except OSError:
        return False
