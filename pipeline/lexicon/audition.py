"""Audition page: hear each lexicon entry in context, the engine's own reading beside the editor's override."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.engines.base import Audio, Engine, Voice
from pipeline.errors import InputError
from pipeline.files import StagedOutputs, check_writable_folder
from pipeline.lexicon.model import Entry, Lexicon, Piece
from pipeline.stages.article import parse_article
from pipeline.stages.encode import encode_to_bytes
from pipeline.stages.normalize import DEFAULT_DATE_ORDER, normalize_pieces
from pipeline.stages.script import split_blocks
from pipeline.stages.synthesize import clause_pieces

#: Mono speech at this bit rate stays clear and keeps a page of a hundred entries to a few megabytes.
CLIP_BITRATE = "48k"
#: Silence before each clip, so a player waking its audio device does not swallow the first sound.
LEAD_SILENCE_SECONDS = 0.15
IPA_ONLY_NOTE = "IPA-only entry: the current engine cannot use the IPA, so only its default reading plays."
IPA_READ_NOTE = "Read through its IPA: the engine is given the phonemes in [[ ]]."
NOT_FIRED_NOTE = "The entry does not fire in this sentence, so both clips say the same thing; check the example."
_TERMINAL = re.compile(r"[.!?…][\"')\]’”]*$")


@dataclass(frozen=True)
class Clip:
    """One reading of a context sentence: what the engine was asked to say, its IPA, and the MP3."""

    spoken: str
    ipa: str | None
    mp3: bytes
    seconds: float


@dataclass(frozen=True)
class Audition:
    """Everything the page shows for one entry."""

    entry: Entry
    context: str
    source: str  # "corpus", "example" or "carrier"
    default: Clip
    override: Clip | None
    findings: tuple[str, ...]
    notes: tuple[str, ...]


def _matcher(entry: Entry) -> Lexicon:
    """A lexicon of this entry alone; an IPA-only entry matches by its written form."""
    return Lexicon(entries=(entry if entry.say else replace(entry, say=entry.word),))


def _fires(lexicon: Lexicon, sentence: str) -> bool:
    return any(piece.entry is not None for piece in lexicon.apply(sentence))


def corpus_sentences(corpus_texts: Iterable[str]) -> tuple[str, ...]:
    """Every sentence of the corpus, each text read as an article (Markdown and line wraps resolved) and split."""
    sentences: list[str] = []
    for number, text in enumerate(corpus_texts):
        data = text.encode("utf-8")
        try:
            article = parse_article(data, name=f"corpus text {number + 1}", max_bytes=max(len(data), 1))
        except InputError:
            continue  # no size limit here, so the only complaint left is an empty text
        sentences.extend(sentence for block in split_blocks(article) for sentence in block)
    return tuple(sentences)


def carrier_sentence(entry: Entry) -> str:
    """A neutral sentence that holds nothing but the word."""
    return f"The word is {entry.word}" + ("" if _TERMINAL.search(entry.word) else ".")


def _context(entry: Entry, sentences: tuple[str, ...]) -> tuple[str, str]:
    lexicon = _matcher(entry)
    hits = [sentence for sentence in sentences if _fires(lexicon, sentence)]
    if hits:
        return min(hits, key=lambda sentence: len(sentence.split())), "corpus"  # the shortest is quickest to review
    if entry.example and entry.example.strip():
        return " ".join(entry.example.split()), "example"
    return carrier_sentence(entry), "carrier"


def context_sentences(entries: Iterable[Entry], corpus_texts: list[str]) -> dict[Entry, str]:
    """For each entry: the shortest corpus sentence it fires in, else its example, else "The word is X."."""
    sentences = corpus_sentences(corpus_texts)
    return {entry: _context(entry, sentences)[0] for entry in entries}


def _ipa(engine: Engine, text: str, voice: Voice) -> str | None:
    phonemes = getattr(engine, "phonemes", None)
    clauses = phonemes(text, voice) if phonemes else None
    if not clauses:
        return None
    return " ".join(" ".join(clause.replace("_", "").split()) for clause in clauses if clause.strip()) or None


def _mp3(audio: Audio) -> bytes:
    lead = b"\x00\x00" * round(LEAD_SILENCE_SECONDS * audio.sample_rate)
    return encode_to_bytes(lead + audio.samples, audio_format="mp3", sample_rate=audio.sample_rate,
                           bitrate=CLIP_BITRATE)


def _clip(engine: Engine, pieces: tuple[Piece, ...], voice: Voice, rate: int, date_order: str) -> Clip:
    spoken = normalize_pieces(pieces, date_order)
    # In the pieces a render would give the engine: Piper's memory follows the longest.
    limit = getattr(engine, "max_piece_chars", None) or 300
    parts = [engine.synthesize(part, voice, rate) for part in clause_pieces(spoken, limit)]
    audio = Audio(b"".join(part.samples for part in parts), parts[0].sample_rate)
    seconds = LEAD_SILENCE_SECONDS + audio.seconds
    return Clip(spoken=spoken, ipa=_ipa(engine, spoken, voice), mp3=_mp3(audio), seconds=round(seconds, 3))


def audition_entries(lexicon: Lexicon, corpus_texts: list[str], engine: Engine, voice: Voice, rate: int,
                     findings: dict[int, list[str]] | None = None, date_order: str = DEFAULT_DATE_ORDER,
                     ) -> tuple[Audition, ...]:
    """Synthesize both readings of every entry's context sentence."""
    sentences = corpus_sentences(corpus_texts)
    phoneme_input = getattr(engine, "phoneme_input", None)  # an engine that takes IPA as phonemes (Piper)
    results = []
    for entry in lexicon.entries:
        context, source = _context(entry, sentences)
        default = _clip(engine, (Piece(context),), voice, rate, date_order)
        override, notes = None, []
        if entry.say or (phoneme_input and entry.ipa):
            pieces = Lexicon(entries=(entry,), phoneme_input=phoneme_input).apply(context)
            override = _clip(engine, pieces, voice, rate, date_order)
            if not any(piece.entry for piece in pieces):
                notes.append(NOT_FIRED_NOTE)
            elif phoneme_input and entry.ipa:
                notes.append(IPA_READ_NOTE)
        else:
            notes.append(IPA_ONLY_NOTE)
        found = tuple((findings or {}).get(entry.line, ()))
        results.append(Audition(entry, context, source, default, override, found, tuple(notes)))
    return tuple(results)


def audition(lexicon: Lexicon, corpus_texts: list[str], engine: Engine, voice: Voice, rate: int, out_dir: Path,
             findings: dict[int, list[str]] | None = None, date_order: str = DEFAULT_DATE_ORDER) -> Path:
    """Write index.html and index.json for reviewing the lexicon into out_dir, both or neither; return the page."""
    out_dir = Path(out_dir)
    check_writable_folder(out_dir)
    auditions = audition_entries(lexicon, corpus_texts, engine, voice, rate, findings, date_order)
    header = {"engine": engine.name, "engine_version": engine.version(), "voice": voice.id, "rate": rate,
              "lexicon": lexicon.path, "lexicon_sha256": lexicon.sha256}
    page = out_dir / "index.html"
    with StagedOutputs() as outputs:
        outputs.stage_text(page, render_page(auditions, header))
        record = json.dumps(report(auditions, header), ensure_ascii=False, indent=2) + "\n"
        outputs.stage_text(out_dir / "index.json", record)
        outputs.publish()
    return page


def report(auditions: tuple[Audition, ...], header: dict) -> dict:
    """The machine-readable audition: one record per entry, clip durations in seconds."""
    def record(item: Audition) -> dict:
        entry, override = item.entry, item.override
        return {
            "word": entry.word, "say": entry.say, "ipa": entry.ipa, "line": entry.line, "note": entry.note,
            "context": item.context, "context_source": item.source,
            "default_spoken": item.default.spoken, "override_spoken": override.spoken if override else None,
            "default_ipa": item.default.ipa, "override_ipa": override.ipa if override else None,
            "findings": list(item.findings), "notes": list(item.notes),
            "durations": {"default": item.default.seconds, "override": override.seconds if override else None},
        }
    return {**header, "entries": [record(item) for item in auditions]}


_STYLE = """
body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;background:#fafafa}
body{margin:0 auto;max-width:60rem;padding:1rem 1.25rem}
h1{font-size:1.4rem;margin:.2rem 0}.meta,.muted{color:#5f6368;font-size:.9rem}
#summary{position:sticky;top:0;background:#fffbe6;border:1px solid #e6d27a;border-radius:6px;padding:.4rem .7rem;z-index:1}
#summary[data-state=done]{background:#e8f5e9;border-color:#81c784}
#summary[data-state=failed]{background:#fdecea;border-color:#e57373}
section{background:#fff;border:1px solid #ddd;border-radius:8px;margin:1rem 0;padding:.8rem 1rem}
h2{font-size:1.2rem;margin:0 0 .4rem}h2 .line{font-weight:normal;color:#5f6368;font-size:.85rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.4rem 0}dt{color:#5f6368}dd{margin:0}
.ipa{font-family:"Charis SIL","Doulos SIL","DejaVu Sans",serif;color:#3c4a8a}
table{border-collapse:collapse;width:100%;margin-top:.5rem;table-layout:fixed}
th,td{text-align:left;vertical-align:top;padding:.35rem .4rem;border-top:1px solid #eee}
th{font-weight:600;width:6.5rem}td.player{width:17rem}audio{width:100%}
td.state{width:8.5rem;white-space:nowrap;color:#8a6d00}tr.ready td.state{color:#2e7d32}tr.failed td.state{color:#c62828}
@media (max-width:44rem){table,tbody,tr,th,td{display:block;width:auto}td.player{width:auto}}
ul.findings{margin:.4rem 0;padding-left:1.2rem;color:#b3261e}p.note{margin:.4rem 0;color:#8a4b00}
"""

_SCRIPT = """
(function () {
  "use strict";
  var clips = Array.prototype.slice.call(document.querySelectorAll("audio[data-clip]"));
  var summary = document.getElementById("summary");
  var ready = 0, failed = 0;
  function update() {
    summary.textContent = ready + " of " + clips.length + " clips ready" + (failed ? ", " + failed + " failed to load" : "");
    summary.setAttribute("data-ready", String(ready));
    summary.setAttribute("data-failed", String(failed));
    summary.setAttribute("data-state", failed ? "failed" : ready === clips.length ? "done" : "loading");
  }
  clips.forEach(function (audio) {
    var row = audio.closest("tr"), state = row.querySelector("td.state"), settled = false;
    function done() {
      if (settled || !isFinite(audio.duration)) { return; }
      settled = true; ready += 1;
      row.classList.add("ready"); row.setAttribute("data-state", "ready");
      audio.setAttribute("data-duration", audio.duration.toFixed(3));
      state.textContent = "ready, " + audio.duration.toFixed(2) + " s";
      update();
    }
    function fail() {
      if (settled) { return; }
      settled = true; failed += 1;
      row.classList.add("failed"); row.setAttribute("data-state", "failed");
      state.textContent = "cannot play";
      update();
    }
    audio.addEventListener("loadedmetadata", done);
    audio.addEventListener("durationchange", done);
    audio.addEventListener("error", fail);
    if (audio.readyState >= 1) { done(); }
  });
  update();
})();
"""


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _clip_row(label: str, clip: Clip) -> str:
    e = html.escape
    source = "data:audio/mpeg;base64," + base64.b64encode(clip.mp3).decode("ascii")
    ipa = f'<span class="ipa">/{e(clip.ipa)}/</span>' if clip.ipa else '<span class="muted">engine gives no IPA</span>'
    return (f'<tr data-state="loading"><th scope="row">{e(label)}</th><td>{e(clip.spoken)}<br>{ipa}</td>'
            f'<td class="player"><audio controls preload="metadata" data-clip data-seconds="{clip.seconds:.3f}" '
            f'src="{source}"></audio></td>'
            f'<td class="state">loading…</td></tr>')


def _section(item: Audition) -> str:
    e, entry = html.escape, item.entry
    rows = [("Respelling", e(entry.say) if entry.say else '<span class="muted">none (IPA only)</span>')]
    if entry.ipa:
        rows.append(("Lexicon IPA", f'<span class="ipa">/{e(entry.ipa)}/</span>'))
    if entry.note:
        rows.append(("Note", e(entry.note)))
    source = {"corpus": "from the corpus", "example": "the entry's example", "carrier": "carrier sentence"}[item.source]
    rows.append(("Context", f'{e(item.context)} <span class="muted">({source})</span>'))
    facts = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    findings = "".join(f"<li>{e(text)}</li>" for text in item.findings)
    notes = "".join(f'<p class="note">{e(text)}</p>' for text in item.notes)
    clips = _clip_row("Engine default", item.default) + (_clip_row("Override", item.override) if item.override else "")
    line = f' <span class="line">line {entry.line}</span>' if entry.line else ""
    anchor = f' id="line-{entry.line}"' if entry.line else ""
    return (f'<section{anchor}><h2>{e(entry.word)}{line}</h2><dl>{facts}</dl>'
            + (f'<ul class="findings">{findings}</ul>' if findings else "") + notes
            + f"<table><tbody>{clips}</tbody></table></section>")


def render_page(auditions: tuple[Audition, ...], header: dict) -> str:
    """One self-contained HTML5 page: clips embedded as data: URIs, inline style and script, nothing fetched."""
    e = html.escape
    policy = (f"default-src 'none'; media-src data:; img-src data:; style-src {_csp_hash(_STYLE)}; "
              f"script-src {_csp_hash(_SCRIPT)}; base-uri 'none'; form-action 'none'")
    clips = sum(1 + (item.override is not None) for item in auditions)
    meta = (f"{len(auditions)} entries · engine {header['engine']} ({header['engine_version']}) · "
            f"voice {header['voice']} · {header['rate']} wpm")
    if header.get("lexicon"):
        meta = f"{header['lexicon']} · " + meta
    body = "\n".join(_section(item) for item in auditions) or '<p class="muted">The lexicon has no entries.</p>'
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{e(policy)}">
<link rel="icon" href="data:,">
<title>Pronunciation audition</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>Pronunciation audition</h1>
<p class="meta">{e(meta)}</p>
<p id="summary" data-total="{clips}" data-ready="0" data-state="loading">{clips} clips; the page's script checks them.</p>
<main>
{body}
</main>
<script>{_SCRIPT}</script>
</body>
</html>
"""
