"""MP3 encoded in this process with LAME (lameenc): an ID3v2.3 tag, a LAME "Info" frame, then the audio frames.

ffmpeg's encode passes each 26 ms frame between its demuxer, encoder and muxer threads and costs a quarter more
CPU than LAME itself, on the core a render shares with synthesis (make bench). lameenc releases the GIL while
it encodes. The Info frame carries what ffmpeg's muxer writes: the frame and byte counts (a player shows the
duration at once) and LAME's encoder delay and padding, which decoders trim, so a file plays sample for sample
the program that was encoded.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import ExportError

#: Samples LAME puts before the program (its encoder delay); decoders add 529 of their own and trim both.
ENCODER_DELAY = 576
#: LAME's quality setting (0 best, 9 fastest); 3 is LAME's default, the one ffmpeg's libmp3lame leaves it at.
QUALITY = 3
LAME_VERSION = b"LAME3.100"
#: ID3v2 text frames for the tags a render writes; any other tag goes into a TXXX frame of its own name.
ID3_FRAMES = {"title": "TIT2", "artist": "TPE1", "album": "TALB", "date": "TYER", "genre": "TCON"}

_SAMPLE_RATES = {  # sample rate: (version bits, rate index)
    44100: (3, 0), 48000: (3, 1), 32000: (3, 2),
    22050: (2, 0), 24000: (2, 1), 16000: (2, 2),
    11025: (0, 0), 12000: (0, 1), 8000: (0, 2),
}
_BITRATES = {  # kbps by index, for MPEG-1 Layer III and for MPEG-2 and 2.5 Layer III
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_XING_FLAGS = 0x01 | 0x02 | 0x04 | 0x08  # frame count, byte count, seek table, quality
_TOC = bytes(i * 256 // 100 for i in range(100))  # constant bitrate: byte position grows with time
_XING_BYTES = 4 + 4 + 4 + 4 + len(_TOC) + 4 + 36  # "Info", flags, frames, bytes, seek table, quality, LAME


def _crc16(data: bytes) -> int:
    """CRC-16 (polynomial 0x8005, reflected), as LAME computes its tag's checksum."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def _frame_length(header: int) -> int:
    """Bytes in the MPEG audio frame this Layer III header starts (0 if it is not one)."""
    if header >> 21 != 0x7FF or (header >> 17) & 3 != 1:
        return 0
    version, bitrate_index, rate_index = (header >> 19) & 3, (header >> 12) & 15, (header >> 10) & 3
    if version == 1 or bitrate_index in (0, 15) or rate_index == 3:
        return 0
    rate = next(r for r, (v, i) in _SAMPLE_RATES.items() if v == version and i == rate_index)
    per_frame = 144_000 if version == 3 else 72_000
    return per_frame * _BITRATES[3 if version == 3 else 2][bitrate_index] // rate + ((header >> 9) & 1)


def id3v2_tag(tags: dict[str, str]) -> bytes:
    """An ID3v2.3 tag with one frame per non-empty tag (a comment as COMM), Latin-1 where it fits, else UTF-16."""
    frames = b""
    for key, value in tags.items():
        if not value:
            continue
        latin = all(ord(char) < 256 for char in value)
        encoding, text, end = (b"\x00", value.encode("latin-1"), b"\x00") if latin else (
            b"\x01", value.encode("utf-16"), b"\x00\x00")
        if key == "comment":
            frame_id, body = "COMM", encoding + b"eng" + (b"\xff\xfe" if not latin else b"") + end + text
        elif key in ID3_FRAMES:
            frame_id, body = ID3_FRAMES[key], encoding + text
        else:
            name = key.encode("latin-1", "replace") if latin else key.encode("utf-16")
            frame_id, body = "TXXX", encoding + name + end + text
        frames += frame_id.encode() + struct.pack(">IH", len(body), 0) + body
    size = len(frames)
    syncsafe = bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return b"ID3\x03\x00\x00" + syncsafe + frames


class Mp3Writer:
    """Encode mono 16-bit PCM into an MP3 file as it arrives; `finish` completes the Info frame."""

    def __init__(self, path: Path, *, sample_rate: int, bitrate_kbps: int, tags: dict[str, str]) -> None:
        if sample_rate not in _SAMPLE_RATES:
            raise ExportError(f"MP3 cannot carry {sample_rate} Hz audio; use --format ogg or wav")
        version = _SAMPLE_RATES[sample_rate][0]
        if bitrate_kbps not in _BITRATES[3 if version == 3 else 2][1:]:
            choices = ", ".join(f"{b}k" for b in _BITRATES[3 if version == 3 else 2][1:])
            raise ExportError(f"MP3 at {sample_rate} Hz cannot be {bitrate_kbps} kbit/s; set the bitrate to one of {choices}")
        try:
            import lameenc
        except ImportError:
            raise ExportError("lameenc is not installed; run `make venv` or `pip install lameenc==1.9.0`") from None
        self._lame = lameenc.Encoder()
        self._lame.set_bit_rate(bitrate_kbps)
        self._lame.set_in_sample_rate(sample_rate)
        self._lame.set_out_sample_rate(sample_rate)
        self._lame.set_channels(1)
        self._lame.set_quality(QUALITY)
        self.sample_rate = sample_rate
        self._bitrate_kbps = bitrate_kbps
        self._samples = 0
        self._frames = 0
        self._audio_bytes = 0
        self._unparsed = b""  # the start of a frame whose header has not all arrived
        self._skip = 0  # bytes of the current frame still to come
        self._file: BinaryIO = open(path, "wb")  # noqa: SIM115 (closed by finish or close)
        self._file.write(id3v2_tag(tags))
        self._info_at = self._file.tell()
        self._info_length = 0

    def encode(self, pcm: bytes) -> bytes:
        """Encode PCM; write and return the MP3 bytes it made (often none: LAME keeps a frame or two back)."""
        self._samples += len(pcm) // 2
        return self._write(self._lame_call(self._lame.encode, pcm))

    def finish(self) -> bytes:
        """Flush LAME, write the Info frame before the audio and close the file; return the last MP3 bytes."""
        last = self._write(self._lame_call(self._lame.flush)) if self._samples else b""
        if self._info_length:
            self._file.seek(self._info_at)
            self._file.write(self._info_frame(self._first_header))
        self._file.close()
        return last

    def close(self) -> None:
        """Close the file without completing it (a failed render)."""
        self._file.close()

    @staticmethod
    def _lame_call(call, *arguments) -> bytes:
        try:
            return bytes(call(*arguments))
        except (RuntimeError, SystemError, ValueError) as error:
            raise ExportError(f"LAME could not encode ({error}); reinstall lameenc") from None

    def _write(self, encoded: bytes) -> bytes:
        if not encoded:
            return encoded
        if not self._info_length:  # room for the Info frame, filled in when the counts are known
            self._first_header = struct.unpack(">I", encoded[:4])[0]
            self._info_length = len(self._info_frame(self._first_header))
            self._file.write(bytes(self._info_length))
        self._file.write(encoded)
        self._count_frames(encoded)
        return encoded

    def _count_frames(self, encoded: bytes) -> None:
        self._audio_bytes += len(encoded)
        if self._skip >= len(encoded):
            self._skip -= len(encoded)
            return
        data, position = self._unparsed + encoded[self._skip :], 0
        while position + 4 <= len(data):
            length = _frame_length(struct.unpack_from(">I", data, position)[0])
            if not length:
                raise ExportError("LAME wrote something that is not an MP3 frame; reinstall lameenc")
            self._frames += 1
            position += length
        self._skip, self._unparsed = max(0, position - len(data)), data[position:]

    def _info_frame(self, first_header: int) -> bytes:
        """The LAME Info frame: a silent frame of the stream's kind holding the counts, delay and padding."""
        version = (first_header >> 19) & 3
        side_info = (17 if version == 3 else 9)  # mono
        header = (first_header & ~(0xF << 12) & ~(1 << 9)) | 1 << 16  # no padding slot, no CRC
        # The stream's own bitrate (a reader may take a CBR file's from its first header), higher only if the
        # tag would not fit in a frame.
        for index in range((first_header >> 12) & 0xF, 15):
            candidate = header | index << 12
            if _frame_length(candidate) >= 4 + side_info + _XING_BYTES:
                break
        length = _frame_length(candidate)
        frame_samples = 1152 if version == 3 else 576
        padding = max(0, self._frames * frame_samples - ENCODER_DELAY - self._samples)
        lame = LAME_VERSION + bytes((0x01, 0)) + bytes(4 + 2 + 2 + 1)  # CBR; no lowpass, peak or gains recorded
        lame += bytes((min(self._bitrate_kbps, 255),))
        lame += (ENCODER_DELAY << 12 | min(padding, 4095)).to_bytes(3, "big")
        lame += bytes(1 + 1 + 2) + struct.pack(">I", length + self._audio_bytes) + bytes(2)  # no music CRC
        frame = struct.pack(">I", candidate) + bytes(side_info) + b"Info"
        frame += struct.pack(">III", _XING_FLAGS, self._frames, length + self._audio_bytes) + _TOC
        frame += struct.pack(">I", 100 - 10 * QUALITY) + lame
        frame += struct.pack(">H", _crc16(frame))
        return frame + bytes(length - len(frame))
