"""Listeners' mispronunciation reports: the record the player builds, how it is checked, and how many of them
become a ranked list of words for an editor to fix."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

SCHEMA = "article-audio-feedback/1"
#: The largest report accepted, in bytes of JSON: a 5,000-character sentence of four-byte characters, a note
#: and the settings fit.
MAX_RECORD_BYTES = 32 * 1024
#: Characters a field may not hold: controls other than tabs and line breaks (JSON escapes those, so a record
#: stays one line), and lone surrogates, which JSON can spell but UTF-8 cannot store.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: Each field of a record: the types it may have, its longest text, and whether it must be there.
FIELDS: dict[str, tuple[tuple[type, ...], int, bool]] = {
    "schema": ((str,), 64, True),
    "article": ((str,), 500, True),
    "title": ((str, type(None)), 500, False),
    "rendition": ((str,), 500, True),
    "sentence_index": ((int,), 0, True),
    "time_ms": ((int,), 0, True),
    "sentence": ((str,), 5000, True),
    "word": ((str, type(None)), 100, False),
    "engine": ((str,), 100, True),
    "engine_version": ((str,), 500, False),
    "voice": ((str,), 1000, False),
    "lexicon_sha256": ((str, type(None)), 64, False),
    "input_sha256": ((str,), 64, True),
    "note": ((str, type(None)), 2000, False),
}


class InvalidRecord(ValueError):
    """A report that is not a mispronunciation record this tool reads; the message says what is wrong."""


def check_record(data: object) -> dict:
    """The record, if it is a valid mispronunciation report; InvalidRecord otherwise."""
    if not isinstance(data, dict):
        raise InvalidRecord("a report is a JSON object")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise InvalidRecord(f"unknown field {unknown[0]!r}")
    for name, (types, longest, required) in FIELDS.items():
        if name not in data:
            if required:
                raise InvalidRecord(f"missing field {name!r}")
            continue
        value = data[name]
        if not isinstance(value, types) or isinstance(value, bool):
            raise InvalidRecord(f"{name} has the wrong type")
        if isinstance(value, int) and not 0 <= value <= 10**9:
            raise InvalidRecord(f"{name} is out of range")
        if isinstance(value, str) and (len(value) > longest or _FORBIDDEN.search(value)):
            raise InvalidRecord(f"{name} is too long or holds control characters")
    if data["schema"] != SCHEMA:
        raise InvalidRecord(f"schema must be {SCHEMA!r}")
    if not data["sentence"].strip() or not data["article"].strip():
        raise InvalidRecord("article and sentence must not be empty")
    for name in ("input_sha256", "lexicon_sha256"):
        if data.get(name) is not None and not _SHA256.fullmatch(data[name]):
            raise InvalidRecord(f"{name} must be 64 lowercase hexadecimal digits")
    return data


def parse_record(body: bytes) -> dict:
    """A report from the bytes a player sent: at most MAX_RECORD_BYTES of UTF-8 JSON holding a valid record."""
    if len(body) > MAX_RECORD_BYTES:
        raise InvalidRecord(f"larger than {MAX_RECORD_BYTES // 1024} KiB")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidRecord("not UTF-8 JSON") from None
    return check_record(data)


def record_line(record: dict) -> str:
    """One line of feedback.jsonl."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


@dataclass
class Complaint:
    """Every report about one word (or, when no word was selected, one sentence)."""

    word: str | None
    reports: int = 0
    articles: set[str] = field(default_factory=set)
    context: str = ""
    notes: list[str] = field(default_factory=list)
    engines: set[str] = field(default_factory=set)


def read_records(lines: Iterable[str]) -> tuple[list[dict], int]:
    """The valid records among JSON lines, and how many lines were not valid records."""
    records, bad = [], 0
    for line in lines:
        if not line.strip():
            continue
        try:
            records.append(parse_record(line.encode("utf-8")))
        except InvalidRecord:
            bad += 1
    return records, bad


def rank_complaints(records: Iterable[dict]) -> list[Complaint]:
    """Reports grouped by the word selected (case-insensitively; a report without a word stands for its
    sentence), most reported first, then the one heard in most articles. A report sent twice counts once."""
    groups: dict[tuple[str, str], Complaint] = {}
    seen: set[str] = set()
    for record in records:
        line = record_line(record)
        if line in seen:
            continue
        seen.add(line)
        word = " ".join((record.get("word") or "").split()).strip(" .,;:!?\"'“”‘’()")
        key = ("word", word.casefold()) if word else ("sentence", " ".join(record["sentence"].split()))
        complaint = groups.setdefault(key, Complaint(word or None, context=" ".join(record["sentence"].split())))
        complaint.reports += 1
        complaint.articles.add(record["article"])
        complaint.engines.add(record["engine"])
        note = " ".join((record.get("note") or "").split())
        if note and note not in complaint.notes and len(complaint.notes) < 3:
            complaint.notes.append(note)
    return sorted(groups.values(), key=lambda c: (-c.reports, -len(c.articles), c.word is None, (c.word or c.context).lower()))
