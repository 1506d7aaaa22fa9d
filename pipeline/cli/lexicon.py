"""The `article-audio lexicon` tools: check, audition, suggest, import and export, over the library."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from pipeline.cli.options import plural
from pipeline.errors import UsageError
from pipeline.lexicon.model import EMPTY_LEXICON, load_lexicon
from pipeline.settings import DEFAULT_RATE
from pipeline.stages.article import Article, read_article


def _add_corpus(parser: argparse.ArgumentParser, required: bool) -> None:
    parser.add_argument("--corpus", nargs="+", action="extend", default=[], required=required, metavar="PATH",
                        help="articles (.txt/.md files, or folders searched recursively) to check the lexicon against")


def add_lexicon_commands(commands, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add `lexicon check|audition|suggest|feedback|import|export` to the command line."""
    lexicon = commands.add_parser("lexicon", help="review pronunciation lexicons: check, audition, suggest, feedback, import, export",
                                  description="Tools for editors who keep a pronunciation lexicon.")
    tools = lexicon.add_subparsers(dest="lexicon_command", metavar="TOOL", parser_class=parser_class,
                                   help="the lexicon tool to run")
    tools.required = True

    check = tools.add_parser("check", help="lint a lexicon: errors exit 1, warnings only with --strict",
                             description="Lint LEXICON. One line per finding: file:line: level: message.")
    check.add_argument("lexicon", metavar="LEXICON", help="the TOML lexicon")
    _add_corpus(check, required=False)
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    check.add_argument("--engine", default="espeak", help="the engine whose readings the entries are checked against")
    check.add_argument("--json", action="store_true", help="print the findings as a JSON array")

    audition = tools.add_parser("audition", help="write an HTML review page with default and overridden clips",
                                description="For every entry, two clips inside a real sentence: the engine's "
                                            "default reading and the lexicon's, with IPA, in a static HTML page.")
    audition.add_argument("lexicon", metavar="LEXICON", help="the TOML lexicon")
    _add_corpus(audition, required=False)
    audition.add_argument("-o", "--out", required=True, metavar="DIR", help="folder for index.html and index.json")
    audition.add_argument("--engine", default="espeak", help="speech engine (default espeak)")
    audition.add_argument("--voice", metavar="V", help="voice id, name or language; default English (US)")
    audition.add_argument("--rate", type=int, default=DEFAULT_RATE, metavar="WPM", help="speaking rate")

    suggest = tools.add_parser("suggest", help="rank the words the engine will have to guess",
                               description="Words in the corpus that are neither in CMUdict nor in the lexicon: "
                                           "proper nouns, acronyms, foreign words, most frequent first.")
    _add_corpus(suggest, required=True)
    suggest.add_argument("--lexicon", metavar="LEXICON", help="words it already covers are not suggested")
    suggest.add_argument("--add-stubs", action="store_true", help="append commented stub entries to --lexicon")
    suggest.add_argument("--limit", type=int, default=0, metavar="N", help="show only the N most frequent (0: all)")
    suggest.add_argument("--engine", default="espeak", help="engine whose guessed IPA is shown")
    suggest.add_argument("--json", action="store_true", help="print JSON instead of TSV")

    feedback = tools.add_parser("feedback", help="rank the words listeners reported as mispronounced",
                                description="Read listeners' reports (feedback.jsonl, as `serve` writes it, or "
                                            "downloaded reports, one JSON object per line) and rank the words to "
                                            "fix: how many reports, which articles, the current reading and a "
                                            "sentence.")
    feedback.add_argument("reports", metavar="REPORTS", nargs="+", help="JSON-lines files of reports")
    feedback.add_argument("--lexicon", metavar="LEXICON", help="the lexicon to read entries from (and --add-stubs to)")
    feedback.add_argument("--add-stubs", action="store_true", help="append commented stub entries to --lexicon")
    feedback.add_argument("--engine", default=None, help="engine whose reading is shown (default espeak)")
    feedback.add_argument("--limit", type=int, default=0, metavar="N", help="show only the N most reported (0: all)")
    feedback.add_argument("--json", action="store_true", help="print JSON instead of TSV")

    importer = tools.add_parser("import", help="convert a PLS, CSV or TOML lexicon into a TOML lexicon",
                                description="Import FILE (W3C PLS 1.0 .pls/.xml, .csv or .toml) into LEXICON (.toml).")
    importer.add_argument("file", metavar="FILE", help="the lexicon to import")
    importer.add_argument("-o", "--out", required=True, metavar="LEXICON", help="the TOML lexicon to write")

    exporter = tools.add_parser("export", help="convert a TOML lexicon to PLS or CSV",
                                description="Export LEXICON to FILE; the extension picks the format (.pls, .csv).")
    exporter.add_argument("lexicon", metavar="LEXICON", help="the TOML lexicon")
    exporter.add_argument("-o", "--out", required=True, metavar="FILE", help="the file to write (.pls, .xml or .csv)")
    exporter.add_argument("--lang", default="en-US", help="xml:lang of an exported PLS (default en-US)")


def read_corpus(paths: list[str]) -> list[Article]:
    """Articles from files and folders (every .txt and .md below a folder), in a stable order."""
    articles = []
    for path in map(Path, paths):
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in (".txt", ".md") and p.is_file())
            if not files:
                raise UsageError(f"{path}: no .txt or .md articles in this folder")
            articles += [read_article(file) for file in files]
        else:
            articles.append(read_article(path))
    return articles


def _phonemizer(engine_name: str, voice: str | None = None):
    from pipeline.engines import get_engine, resolve_voice

    engine = get_engine(engine_name, voice=voice)
    chosen = resolve_voice(engine, voice)

    def ipa(text: str) -> str:
        return "".join(engine.phonemes(text, chosen) or ()).replace("_", "")

    # An engine without phonemes cannot tell whether two spellings sound alike.
    return engine, (ipa if engine.phonemes("test", chosen) is not None else None)


def _findings(args: argparse.Namespace, corpus: list[str], phonemizer, engine):
    """What `lexicon check` reports for args.lexicon; audition shows the same, so both call this."""
    from pipeline.lexicon.check import check_lexicon

    return check_lexicon(args.lexicon, corpus=corpus, phonemizer=phonemizer, engine_name=args.engine,
                         phoneme_symbols=getattr(engine, "phoneme_symbols", None))


def cmd_lexicon_check(args: argparse.Namespace) -> int:
    """Lint a lexicon."""
    from pipeline.lexicon.check import applicability_line, exit_status

    corpus = [block for article in read_corpus(args.corpus) for block in article.blocks]
    engine, ipa = _phonemizer(args.engine)
    try:
        findings = _findings(args, corpus, ipa, engine)
        takes_phonemes = getattr(engine, "phoneme_symbols", None) is not None
    finally:
        engine.close()
    if args.json:
        print(json.dumps([finding.as_dict() for finding in findings], ensure_ascii=False, indent=1))
    else:
        for finding in findings:
            print(finding)
        errors = sum(f.level == "error" for f in findings)
        print(f"{len(findings)} findings: {errors} errors, {len(findings) - errors} warnings", file=sys.stderr)
        if not errors:
            entries = load_lexicon(args.lexicon).entries
            print(applicability_line(entries, args.engine, takes_phonemes), file=sys.stderr)
    return exit_status(findings, args.strict)


def cmd_lexicon_suggest(args: argparse.Namespace) -> int:
    """Rank mispronunciation risks."""
    from pipeline.lexicon.suggest import add_stubs, find_risks

    if args.add_stubs and not args.lexicon:
        raise UsageError("--add-stubs needs --lexicon FILE to append the stubs to")
    lexicon = load_lexicon(args.lexicon) if args.lexicon and Path(args.lexicon).exists() else EMPTY_LEXICON
    if args.lexicon and not Path(args.lexicon).exists() and not args.add_stubs:
        raise UsageError(f"{args.lexicon}: no such file; check the path")
    engine, ipa = _phonemizer(args.engine)
    try:
        risks = find_risks(read_corpus(args.corpus), lexicon)
        risks = risks[: args.limit] if args.limit > 0 else risks
        risks = [dataclasses.replace(risk, guessed_ipa=ipa(risk.word) if ipa else "") for risk in risks]
    finally:
        engine.close()
    if args.add_stubs:
        added = add_stubs(Path(args.lexicon), risks, lexicon)
        print(f"{args.lexicon}: added {plural(added, 'stub')}" if added else
              f"{args.lexicon}: no stubs added; every suggested word already has an entry or a stub", file=sys.stderr)
    if args.json:
        print(json.dumps([dataclasses.asdict(risk) for risk in risks], ensure_ascii=False, indent=1))
    else:
        print("word\tcount\tkind\tguessed_ipa\tcontext")
        for risk in risks:
            context = " ".join(risk.context.split())
            print(f"{risk.word}\t{risk.count}\t{risk.kind}\t{risk.guessed_ipa}\t{context}")
    return 0


def cmd_lexicon_feedback(args: argparse.Namespace) -> int:
    """Rank listeners' mispronunciation reports into words to fix."""
    from pipeline.lexicon.suggest import Risk, add_stubs
    from pipeline.publish.feedback import rank_complaints, read_records

    if args.add_stubs and not args.lexicon:
        raise UsageError("--add-stubs needs --lexicon FILE to append the stubs to")
    if args.lexicon and not Path(args.lexicon).exists() and not args.add_stubs:
        raise UsageError(f"{args.lexicon}: no such file; check the path")
    lexicon = load_lexicon(args.lexicon) if args.lexicon and Path(args.lexicon).exists() else EMPTY_LEXICON
    records, bad = [], 0
    for name in args.reports:
        try:
            with open(name, encoding="utf-8", errors="replace") as file:
                found, skipped = read_records(file)
        except OSError as error:
            raise UsageError(f"{name}: cannot be read ({error.strerror}); give a JSON-lines file of reports") from None
        records += found
        bad += skipped
    if bad:
        print(f"article-audio: warning: skipped {plural(bad, 'line')} that {'is' if bad == 1 else 'are'} not a mispronunciation report",
              file=sys.stderr)
    complaints = rank_complaints(records)
    complaints = complaints[: args.limit] if args.limit > 0 else complaints
    engine_name = args.engine or "espeak"  # never a name from the reports: anyone can send one
    engine, ipa = _phonemizer(engine_name)
    rows = []
    try:
        for complaint in complaints:
            entry = next((piece.entry for piece in lexicon.apply(complaint.word) if piece.entry), None) if complaint.word else None
            reading = (f"lexicon: {entry.say or ''}{' /' + entry.ipa + '/' if entry.ipa else ''}".strip() if entry else
                       f"{engine_name}: /{ipa(complaint.word)}/" if complaint.word and ipa else "")
            rows.append({"word": complaint.word, "reports": complaint.reports, "articles": sorted(complaint.articles),
                         "reading": reading, "context": complaint.context, "notes": complaint.notes})
    finally:
        engine.close()
    if args.add_stubs:
        risks = [Risk(row["word"], row["reports"], "listener reports", "", row["context"]) for row in rows
                 if row["word"] and not row["reading"].startswith("lexicon:")]
        added = add_stubs(Path(args.lexicon), risks, lexicon)
        print(f"{args.lexicon}: added {plural(added, 'stub')}" if added else
              f"{args.lexicon}: no stubs added; every reported word already has an entry or a stub", file=sys.stderr)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        print("reports\tword\tarticles\treading\tcontext\tnotes")
        for row in rows:
            print(f"{row['reports']}\t{row['word'] or '(no word selected)'}\t{', '.join(row['articles'])}\t"
                  f"{row['reading']}\t{row['context']}\t{' | '.join(row['notes'])}")
    return 0


def cmd_lexicon_audition(args: argparse.Namespace) -> int:
    """Write the audition page."""
    from pipeline.engines import resolve_voice
    from pipeline.lexicon.audition import audition

    lexicon = load_lexicon(args.lexicon)
    corpus = [block for article in read_corpus(args.corpus) for block in article.blocks]
    engine, ipa = _phonemizer(args.engine, args.voice)
    try:
        findings: dict[int, list[str]] = {}
        for finding in _findings(args, corpus, ipa, engine):
            findings.setdefault(finding.line, []).append(f"{finding.level}: {finding.message}")
        page = audition(lexicon, corpus, engine, resolve_voice(engine, args.voice), args.rate, Path(args.out), findings)
    finally:
        engine.close()
    print(page)
    return 0


def cmd_lexicon_import(args: argparse.Namespace) -> int:
    """Import a lexicon into TOML."""
    from pipeline.lexicon.formats import read_lexicon_file, write_lexicon_file

    if Path(args.out).suffix.lower() != ".toml":
        raise UsageError(f"-o {args.out}: import writes a TOML lexicon; give a .toml name")
    entries = read_lexicon_file(Path(args.file))
    write_lexicon_file(entries, Path(args.out))
    print(f"{args.out}: {len(entries)} entries")
    return 0


def cmd_lexicon_export(args: argparse.Namespace) -> int:
    """Export a TOML lexicon."""
    from pipeline.lexicon.formats import write_lexicon_file

    entries = load_lexicon(args.lexicon).entries
    write_lexicon_file(entries, Path(args.out), lang=args.lang)
    print(f"{args.out}: {len(entries)} entries")
    return 0


LEXICON_COMMANDS = {"check": cmd_lexicon_check, "audition": cmd_lexicon_audition, "suggest": cmd_lexicon_suggest,
                    "feedback": cmd_lexicon_feedback,
                    "import": cmd_lexicon_import, "export": cmd_lexicon_export}


def cmd_lexicon(args: argparse.Namespace) -> int:
    """Run a lexicon tool."""
    return LEXICON_COMMANDS[args.lexicon_command](args)
