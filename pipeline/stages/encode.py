"""Encoding with ffmpeg, streamed: audio is encoded on the second core while later sentences are synthesized."""

from __future__ import annotations

import contextlib
import errno
import functools
import importlib.util
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import ExportError
from pipeline.stages.mp3 import Mp3Writer

#: ffmpeg codec options per format: codecs every news player can play.
FORMAT_ARGUMENTS = {
    "mp3": ["-c:a", "libmp3lame"],
    "ogg": ["-c:a", "libopus", "-ar", "48000"],
    "wav": ["-c:a", "pcm_s16le"],
}
#: ffmpeg muxer options per format (given to the tee muxer per output when the encoded stream is also checked).
MUXER_OPTIONS = {"mp3": {"f": "mp3", "id3v2_version": "3"}, "ogg": {"f": "ogg"}, "wav": {"f": "wav"}}
#: Samples at the start of a streamed encode that a decoder of the file would drop. An MP3 file starts with a
#: LAME tag giving libmp3lame's delay (576 encoder + 529 decoder samples); a stream to a pipe cannot have one
#: (it is written last), so the check trims the delay itself. Ogg carries its pre-skip at the start.
STREAM_START_DELAY = {"mp3": 1105, "ogg": 0, "wav": 0}
#: Containers that carry chapters, and ffmpeg's options for writing them when the audio is copied.
CHAPTER_CONTAINERS = {"mp3": ["-id3v2_version", "3", "-f", "mp3"], "ogg": ["-f", "ogg"]}
#: Pieces (about a sentence each) waiting for ffmpeg: enough to keep it busy while synthesis goes on, few enough
#: that a program read back from the spool faster than ffmpeg encodes it does not pile up in memory.
_QUEUE_CHUNKS = 64
_DECODE_AHEAD_BLOCKS = 4


def ffmpeg_executable() -> str:
    """The ffmpeg to use: $ARTICLE_AUDIO_FFMPEG, the pinned imageio-ffmpeg binary, or one on PATH."""
    configured = os.environ.get("ARTICLE_AUDIO_FFMPEG")
    if configured:
        if not shutil.which(configured):
            raise ExportError(f"ARTICLE_AUDIO_FFMPEG={configured} is not an executable; fix or unset it")
        return configured
    bundled = None if os.environ.get("IMAGEIO_FFMPEG_EXE") else _bundled_ffmpeg()
    if bundled:
        return bundled
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        found = shutil.which("ffmpeg")
        if found:
            return found
    raise ExportError("ffmpeg is missing; run `make venv` (installs imageio-ffmpeg) or put ffmpeg on PATH")


@functools.lru_cache(maxsize=1)
def _bundled_ffmpeg() -> str | None:
    """imageio-ffmpeg's own binary for this platform, found as imageio_ffmpeg.get_ffmpeg_exe finds it but without
    running it first (`ffmpeg -version`: 20 ms before every render's first encode); None when it is not there,
    and then get_ffmpeg_exe's own search (a conda or system ffmpeg) follows. Looked up once per process."""
    try:
        from imageio_ffmpeg._definitions import FNAME_PER_PLATFORM, get_platform
    except ImportError:
        return None
    spec = importlib.util.find_spec("imageio_ffmpeg.binaries")
    name = FNAME_PER_PLATFORM.get(get_platform())
    if spec is None or spec.origin is None or not name:
        return None
    binary = Path(spec.origin).with_name(name)
    return str(binary) if binary.is_file() and os.access(binary, os.X_OK) else None


def encode_command(output: str, *, audio_format: str, sample_rate: int, bitrate: str | None,
                   tags: dict[str, str], copy_to_stdout: bool = False) -> list[str]:
    """The ffmpeg command that encodes mono 16-bit PCM from standard input to `output` (a path or pipe:1); with
    `copy_to_stdout`, the same encoded stream also goes to standard output (ffmpeg's tee muxer), for checking."""
    command = [ffmpeg_executable(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
               "-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0", "-ac", "1"]
    for key, value in tags.items():
        command += ["-metadata", f"{key}={value}"]
    if bitrate:
        command += ["-b:a", bitrate]
    command += FORMAT_ARGUMENTS[audio_format]
    muxer = MUXER_OPTIONS[audio_format]
    if not copy_to_stdout:
        return command + [arg for key, value in muxer.items() for arg in (f"-{key}", value)] + [output]
    # The copy must never fail the file: a check that stops reading is ignored by the file's side.
    slaves = f"[{_tee_options(muxer)}]{_tee_escape(output)}|[{_tee_options({'f': muxer['f'], 'onfail': 'ignore'})}]pipe:1"
    return command + ["-map", "0:a", "-f", "tee", slaves]


def _tee_options(options: dict[str, str]) -> str:
    return ":".join(f"{key}={value}" for key, value in options.items())


def _tee_escape(path: str) -> str:
    """A path as one of the tee muxer's outputs: its separators and quotes taken literally."""
    return "".join("\\" + char if char in "\\'|[]" else char for char in path)


class StreamEncoder:
    """Feed mono 16-bit PCM in pieces; ffmpeg encodes it to `path` as it arrives.

    With `check`, the encoded stream is also decoded as it is made (mono 32-bit float at `check_rate`, the
    way a player would decode the file) and handed to `check` in a thread of its own; `finish` returns what
    `check` returned. So a rendition is measured while it is encoded, not read back afterwards.
    """

    def __init__(
        self,
        path: Path,
        *,
        audio_format: str,
        sample_rate: int,
        bitrate: str | None,
        tags: dict[str, str],
        display_name: str | None = None,
        check: Callable[[Iterator[bytes]], object] | None = None,
        check_rate: int = 48_000,
    ) -> None:
        command = encode_command(str(path), audio_format=audio_format, sample_rate=sample_rate, bitrate=bitrate,
                                 tags=tags, copy_to_stdout=check is not None)
        self.path = Path(path)
        self.display_name = display_name or self.path.name
        # ffmpeg's messages go to a file: a pipe nobody reads until the end could fill and stall it.
        self._errors = tempfile.TemporaryFile()
        self._checker: _Checker | None = None
        try:
            self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=self._errors,
                                             stdout=subprocess.PIPE if check else subprocess.DEVNULL)
        except OSError as error:
            self._errors.close()
            raise ExportError(f"ffmpeg could not be started ({error.strerror or error}); reinstall imageio-ffmpeg") from None
        if check is not None:
            assert self._process.stdout is not None and self._process.stdin is not None
            try:
                self._checker = _Checker(self._process.stdout, audio_format, check, check_rate, self.display_name)
            except BaseException:
                self._process.kill()
                self._process.stdin.close()
                self._process.stdout.close()
                self._process.wait()
                self._errors.close()
                raise
        # A writer thread keeps synthesis from waiting on the pipe while ffmpeg catches up.
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=_QUEUE_CHUNKS)
        self._broken = False
        self._writer = threading.Thread(target=self._pump, name="ffmpeg-writer", daemon=True)
        self._writer.start()

    def _pump(self) -> None:
        assert self._process.stdin is not None
        while True:
            chunk = self._queue.get()
            if chunk is None:
                break
            if self._broken:
                continue
            try:
                self._process.stdin.write(chunk)
            except (BrokenPipeError, OSError):
                self._broken = True  # ffmpeg died; its stderr says why when we finish
        try:
            self._process.stdin.close()
        except OSError:
            pass

    def write(self, pcm: bytes) -> None:
        """Queue PCM for encoding; if ffmpeg has already failed (a full disk), say why now rather than after
        the rest of the article has been synthesized for nothing."""
        if self._broken:
            self.finish()  # raises with ffmpeg's reason
            raise ExportError(f"ffmpeg stopped before the end of {self.display_name}; try again")
        if pcm:
            self._queue.put(pcm)

    def finish(self) -> object:
        """Wait for ffmpeg to write the whole file; raise ExportError if it failed. Returns what `check`
        returned of the encoded stream (None without one)."""
        self._queue.put(None)
        self._writer.join()
        self._process.wait()
        self._errors.seek(0)
        errors = self._errors.read()
        self._errors.close()
        if self._process.returncode != 0:
            if self._checker is not None:
                self._checker.stop()
            lines = errors.decode("utf-8", "replace").strip().splitlines()
            reason = lines[-1] if lines else f"exit status {self._process.returncode}"
            if any("No space left" in line for line in lines):  # behind the tee muxer, not the last line
                raise ExportError(f"{self.path.parent}: no space left on the device; free some space or write elsewhere")
            raise ExportError(f"ffmpeg could not encode {self.display_name}: {reason}")
        return self._checker.result() if self._checker is not None else None

    def abort(self) -> None:
        """Stop ffmpeg without waiting for the file."""
        self._broken = True
        self._process.kill()
        self._queue.put(None)
        self._writer.join(timeout=5)
        self._process.wait()
        self._errors.close()
        if self._checker is not None:
            self._checker.stop()


class LameEncoder:
    """Feed mono 16-bit PCM in pieces; LAME encodes it to an MP3 file at `path` in this process, on a thread of
    its own (the GIL is released while it encodes). With `check`, the encoded stream is also decoded and
    checked as StreamEncoder's is."""

    def __init__(
        self,
        path: Path,
        *,
        sample_rate: int,
        bitrate: str | None,
        tags: dict[str, str],
        display_name: str | None = None,
        check: Callable[[Iterator[bytes]], object] | None = None,
        check_rate: int = 48_000,
    ) -> None:
        self.path = Path(path)
        self.display_name = display_name or self.path.name
        try:
            self._mp3 = Mp3Writer(self.path, sample_rate=sample_rate, bitrate_kbps=_kilobits(bitrate or "64k"),
                                  tags=tags)
        except OSError as error:
            raise _write_error(self.path, self.display_name, error) from None
        self._copy: BinaryIO | None = None
        self._checker: _Checker | None = None
        if check is not None:
            read, write = os.pipe()
            self._copy = os.fdopen(write, "wb")
            try:
                self._checker = _Checker(os.fdopen(read, "rb"), "mp3", check, check_rate, self.display_name)
            except BaseException:
                self._copy.close()
                self._mp3.close()
                raise
        self._failure: Exception | None = None
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=_QUEUE_CHUNKS)
        self._writer = threading.Thread(target=self._pump, name="lame-writer", daemon=True)
        self._writer.start()

    def _pump(self) -> None:
        ended = False
        try:
            while (chunk := self._queue.get()) is not None:
                if self._failure is None:
                    self._send(self._mp3.encode(chunk))
            ended = True
            if self._failure is None:
                self._send(self._mp3.finish())
        except _CheckStopped as stopped:
            self._failure = stopped
            while not ended and self._queue.get() is not None:
                pass
        except Exception as error:  # a file that could not be written, said when the encode finishes
            self._failure = error
            while not ended and self._queue.get() is not None:  # take pieces to the end: write() never blocks
                pass
        finally:
            self._mp3.close()
            if self._copy is not None:
                with contextlib.suppress(OSError):
                    self._copy.close()

    def _send(self, encoded: bytes) -> None:
        """Copy encoded bytes to the check; a check that stopped reading stops the encode (said at finish)."""
        if encoded and self._copy is not None:
            try:
                self._copy.write(encoded)
            except OSError:
                with contextlib.suppress(OSError):
                    self._copy.close()
                self._copy = None
                # The file would go out unmeasured, or measured on part of it: the check's own error says why.
                raise _CheckStopped from None

    def write(self, pcm: bytes) -> None:
        """Queue PCM for encoding; if writing the file has already failed (a full disk), say so now."""
        if self._failure is not None:
            self.finish()  # raises with the reason
        if pcm:
            self._queue.put(pcm)

    def finish(self) -> object:
        """Wait for the whole file; raise ExportError if it could not be written. Returns what `check`
        returned of the encoded stream (None without one)."""
        if self._writer.is_alive():
            self._queue.put(None)
            self._writer.join()
        if isinstance(self._failure, _CheckStopped):
            assert self._checker is not None
            self._checker.result()  # raises the decoder's or the check's own reason, when it has one
            raise ExportError(f"the check of {self.display_name} stopped reading it before the end; try again")
        if self._failure is not None:
            if self._checker is not None:
                self._checker.stop()
            if isinstance(self._failure, OSError):
                raise _write_error(self.path, self.display_name, self._failure)
            raise self._failure
        return self._checker.result() if self._checker is not None else None

    def abort(self) -> None:
        """Stop encoding without completing the file."""
        if self._failure is None:
            self._failure = ExportError(f"the encode of {self.display_name} was stopped")
        self._queue.put(None)
        self._writer.join(timeout=5)
        if self._checker is not None:
            self._checker.stop()


#: Either streamed encoder: both take PCM with write() and return the check's result from finish().
Encoder = StreamEncoder | LameEncoder


class _CheckStopped(Exception):
    """The check stopped reading the encoded stream."""


def open_encoder(path: Path, *, audio_format: str, **options) -> Encoder:
    """The streamed encoder for a format: LAME in this process for MP3, ffmpeg for the others."""
    if audio_format == "mp3":
        return LameEncoder(path, **options)
    return StreamEncoder(path, audio_format=audio_format, **options)


def _kilobits(bitrate: str) -> int:
    """'64k' (ffmpeg's way of writing a bitrate) or '64000' as kilobits per second."""
    found = re.fullmatch(r"\s*(\d+)\s*([kK]?)\s*", bitrate)
    if not found:
        raise ExportError(f"bitrate {bitrate!r} is not a number of bits per second; write it like 64k")
    return int(found.group(1)) if found.group(2) else int(found.group(1)) // 1000


def _write_error(path: Path, display_name: str, error: OSError) -> ExportError:
    if error.errno == errno.ENOSPC:
        return ExportError(f"{path.parent}: no space left on the device; free some space or write elsewhere")
    return ExportError(f"{display_name} could not be written: {error.strerror or error}")


class _Checker:
    """A second ffmpeg decoding an encoder's standard output, and a thread handing its samples to `check`."""

    def __init__(self, encoded: BinaryIO, audio_format: str, check: Callable[[Iterator[bytes]], object],
                 rate: int, display_name: str) -> None:
        self.display_name = display_name
        try:
            command = check_decode_command(audio_format, rate)
            self._errors = tempfile.TemporaryFile()
            try:
                self._process = subprocess.Popen(command, stdin=encoded, stdout=subprocess.PIPE, stderr=self._errors)
            except OSError as error:
                self._errors.close()
                raise ExportError(f"ffmpeg could not be started to check {display_name} ({error.strerror or error})") from None
        finally:
            encoded.close()  # the decoder has it now (or nobody will): the encoder sees the pipe close if it stops
        self._result: object = None
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(check, 4 * round(10 * rate)), name="ffmpeg-check",
                                        daemon=True)
        self._thread.start()

    def _run(self, check: Callable[[Iterator[bytes]], object], block_bytes: int) -> None:
        assert self._process.stdout is not None
        try:
            self._result = check(_whole_samples(self._process.stdout, block_bytes))
            # A check that stopped reading early must not leave the decoder, and through it the encoder, blocked
            # on a full pipe: the rest is read and dropped.
            while self._process.stdout.read(block_bytes):
                pass
        except BaseException as failure:  # handed to the caller in result()
            self._failure = failure
            self._process.kill()  # the encoder's copy to it is ignored from then on

    def result(self) -> object:
        """Wait for the check; raise ExportError if the stream could not be decoded, or what the check raised."""
        self._thread.join()
        assert self._process.stdout is not None
        self._process.stdout.close()
        self._process.wait()
        self._errors.seek(0)
        errors = self._errors.read().decode("utf-8", "replace").strip().splitlines()
        self._errors.close()
        if self._failure is not None:
            raise self._failure
        if self._process.returncode != 0:
            reason = errors[-1] if errors else f"exit status {self._process.returncode}"
            raise ExportError(f"ffmpeg could not decode {self.display_name} to check it: {reason}")
        return self._result

    def stop(self) -> None:
        """Stop the decoder and the check."""
        self._process.kill()
        self._thread.join(timeout=5)
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._process.wait()
        self._errors.close()


def _whole_samples(stream: BinaryIO, block_bytes: int) -> Iterator[bytes]:
    """A pipe of 32-bit samples read in blocks of whole samples."""
    while data := stream.read(block_bytes):
        yield data[: len(data) // 4 * 4]


def add_chapters(path: Path, scratch: Path, metadata: str, *, audio_format: str, display_name: str) -> None:
    """Copy the encoded file at `path` into `scratch` with chapters from FFMETADATA text (no re-encoding:
    ID3v2 CHAP and CTOC frames in MP3, CHAPTERxxx comments in Ogg; its tags kept), then move it onto `path`."""
    command = [ffmpeg_executable(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", str(path),
               "-f", "ffmetadata", "-i", "pipe:0", "-map", "0:a", "-map_metadata", "0", "-map_chapters", "1",
               "-c", "copy"] + CHAPTER_CONTAINERS[audio_format] + [str(scratch)]
    try:
        done = subprocess.run(command, input=metadata.encode("utf-8"), capture_output=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ExportError(f"{display_name}: ffmpeg could not add the chapters ({error})") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if any("No space left" in line for line in detail):
            raise ExportError(f"{display_name}: no space left on the device; free some space or write elsewhere with -o")
        raise ExportError(f"{display_name}: ffmpeg could not add the chapters ({detail[-1] if detail else 'no message'})")
    os.replace(scratch, path)


def encode_to_bytes(pcm: bytes, *, audio_format: str, sample_rate: int, bitrate: str | None,
                    tags: dict[str, str] | None = None) -> bytes:
    """Encode a short piece of mono 16-bit PCM in memory (an audition clip): no file, not even a temporary one."""
    command = encode_command("pipe:1", audio_format=audio_format, sample_rate=sample_rate, bitrate=bitrate,
                             tags=tags or {})
    try:
        result = subprocess.run(command, input=pcm, capture_output=True)
    except OSError as error:
        raise ExportError(f"ffmpeg could not be started ({error.strerror or error}); reinstall imageio-ffmpeg") from None
    if result.returncode != 0 or not result.stdout:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ExportError(f"ffmpeg could not encode a clip: {lines[-1] if lines else result.returncode}")
    return result.stdout


#: The rate the oracle decodes finished files at (tests, benchmarks): a resample to 48 kHz, as a player's
#: output meets it.
MEASURING_RATE = 48_000
#: Formats whose decoder always gives this rate, whatever the program's (Opus), for the check.
DECODED_RATE = {"ogg": 48_000}


def checking_rate(audio_format: str, program_rate: int) -> int:
    """The rate a render's check decodes an encode at: the rate its decoder gives (the program's, except Opus).

    True peaks are read by 8x oversampling at 22,050 Hz (as finely as BS.1770's 4x at 48 kHz) on both sides
    of each loud local maximum: on rendered speech that agrees with a resample to 48 kHz and with ffmpeg's
    ebur128 meter to a few hundredths of a dB, and it reads a click higher; it takes half the samples and no
    resampler.
    """
    return DECODED_RATE.get(audio_format, program_rate)


def float_decode_command(source: list[str], rate: int) -> list[str]:
    """ffmpeg decoding `source` (its input options, -i and any filter) to mono 32-bit float at `rate` on its
    standard output."""
    return [ffmpeg_executable(), "-hide_banner", "-loglevel", "error", "-nostdin", *source, "-ac", "1",
            "-ar", str(rate), "-f", "f32le", "pipe:1"]


def check_decode_command(audio_format: str, rate: int) -> list[str]:
    """ffmpeg decoding an encoded stream of `audio_format` on its standard input as `float_decode_command` does,
    its start delay trimmed, with the demuxer and decoder inside a filter graph (amovie) that hands on one
    second at a time: ffmpeg's usual pipeline passes each 26 ms MP3 frame between threads, which cost more CPU
    than the decoding (sample for sample the same output, half the CPU)."""
    delay = STREAM_START_DELAY[audio_format]
    graph = [f"amovie=pipe\\\\:0:f={MUXER_OPTIONS[audio_format]['f']}"]
    if delay:
        graph.append(f"atrim=start_sample={delay}")
    graph += [f"aresample={rate}", "aformat=sample_fmts=flt:channel_layouts=mono", f"asetnsamples=n={rate}:p=0"]
    return [ffmpeg_executable(), "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i",
            ",".join(graph), "-f", "f32le", "pipe:1"]


def decode_float_blocks(path: Path, rate: int = MEASURING_RATE, block_seconds: float = 10.0,
                        display_name: str | None = None) -> Iterator[bytes]:
    """Decode an audio file to mono 32-bit float samples at `rate`, in blocks, without holding the whole file
    (to check a finished file: a render measures each encode as it is made).

    Float, not 16-bit: a lossy codec's overshoot past full scale must be measured, not clipped away. A reader
    thread keeps a few blocks ahead, so ffmpeg decodes the next while the caller measures this one (the pipe's
    own buffer would hold ffmpeg back after 64 KiB, and decoding and measuring would take turns).
    """
    name = display_name or path.name
    command = float_decode_command(["-i", str(path)], rate)
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors)
        except OSError as error:
            raise ExportError(f"ffmpeg could not be started to check {name} ({error.strerror or error})") from None
        assert process.stdout is not None
        blocks: queue.Queue[bytes] = queue.Queue(maxsize=_DECODE_AHEAD_BLOCKS)
        reader = threading.Thread(target=_read_blocks, args=(process.stdout, 4 * round(block_seconds * rate), blocks),
                                  name="ffmpeg-reader", daemon=True)
        reader.start()
        finished = False
        try:
            while data := blocks.get():
                yield data[: len(data) // 4 * 4]  # whole samples, even if ffmpeg died mid-sample
            finished = True
        finally:
            if not finished and process.poll() is None:
                process.kill()  # the caller stopped early
            while reader.is_alive():  # let a reader blocked on a full queue finish
                with contextlib.suppress(queue.Empty):
                    blocks.get_nowait()
                reader.join(timeout=0.01)
            process.stdout.close()
            process.wait()
        if process.returncode != 0:
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines()
            reason = lines[-1] if lines else f"exit status {process.returncode}"
            raise ExportError(f"ffmpeg could not decode {name} to check it: {reason}")


def _read_blocks(stream, block_bytes: int, blocks: queue.Queue) -> None:
    """Read a pipe in blocks into a queue, then an empty block for the end (or a failed read)."""
    try:
        while data := stream.read(block_bytes):
            blocks.put(data)
    except (OSError, ValueError):
        pass
    finally:
        blocks.put(b"")


def decode_to_pcm(path: Path, sample_rate: int | None = None) -> tuple[bytes, int]:
    """Decode any audio file to mono 16-bit PCM with ffmpeg; used to verify renditions."""
    command = [ffmpeg_executable(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(path), "-ac", "1"]
    rate = sample_rate
    if rate is None:
        probe = subprocess.run([ffmpeg_executable(), "-hide_banner", "-i", str(path)], capture_output=True, text=True)
        found = re.search(r"(\d+) Hz", probe.stderr)
        rate = int(found.group(1)) if found else 22050
    command += ["-ar", str(rate), "-f", "s16le", "pipe:1"]
    result = subprocess.run(command, capture_output=True)
    if result.returncode != 0:
        raise ExportError(f"ffmpeg could not decode {path}: {result.stderr.decode(errors='replace').strip()[-200:]}")
    return result.stdout, rate
