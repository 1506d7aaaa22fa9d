"""The normalization rules: each a pattern and what its matches are read as (readers.py), applied in order."""

from __future__ import annotations

import re

from pipeline.stages.normalize import numbers as n
from pipeline.stages.normalize import readers as read
from pipeline.stages.normalize import contact, dates, money
from pipeline.stages.normalize.rule import Rule, alternation as _alternation
from pipeline.stages.normalize.tables import (
    ABBREVIATIONS,
    CURRENCIES,
    DAY_ABBREVIATIONS,
    INITIALISMS,
    MONTH_ABBREVIATIONS,
    MONTHS,
    NAME_SUFFIXES,
    NUMBER_ABBREVIATIONS,
    PLACE_ABBREVIATIONS,
    REGNAL_NAMES,
    ROMAN_COUNTERS,
    SCALES,
    SYMBOL_WORDS,
    TITLES,
    UNITS,
)


NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
SIGNED = rf"(?<![\w.])-?{NUMBER}"
_MONTH_NAME = rf"(?:{_alternation(MONTHS)})"
_MONTH_SHORT = rf"(?:{'|'.join(m.capitalize() for m in MONTH_ABBREVIATIONS)})\."
_MONTH = rf"(?:{_MONTH_NAME}|{_MONTH_SHORT})"
_ROMAN = r"(?=[MDCLXVI]+\b)M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_CURRENCY = _alternation(CURRENCIES)
_SCALE = _alternation(SCALES)
_UNIT = _alternation(UNITS)


def rules(date_order: str = "mdy") -> tuple[Rule, ...]:
    """Every rule, in the order they run: the most specific patterns first."""
    r = re.compile
    markup = (
        Rule("html tag", "markup", r(r"</?[A-Za-z][A-Za-z0-9]{0,15}(?:\s[^<>]{0,200})?/?>|<!--[^<>]{0,500}-->"), lambda m: " "),
        Rule("broken tag", "markup", r(r"(?<![\w<])(?:br|hr|p|b|i|em|strong|span|div)\s?/?>"), lambda m: " "),
    )
    return markup + contact.rules() + dates.rules(date_order) + (
        Rule("url", "electronic", r(r"(?<![\w.])(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)]|(?<![\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|ca|gov|edu|io|co\.uk|news|info)\b(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)])?", re.I), read.url),
        Rule("hashtag", "electronic", r(r"(?<![\w&])#(?P<tag>[A-Za-z]\w*)"), read.hashtag),
        Rule("handle", "electronic", r(r"(?<![\w.])@(?P<handle>[A-Za-z_]\w*)"), read.handle),
        Rule("international phone", "telephone", r(r"(?<![\w+])\+(?!1[\s.-])\d{1,3}(?:[\s.-]\d{1,5}){2,5}(?![\d-])"), read.phone),
        Rule("british phone", "telephone", r(r"(?<![\w+])0\d{2,4}[\s-]\d{3,4}[\s-]?\d{3,4}(?![\w-])"), read.british_phone),
        Rule("number to call", "telephone", r(r"(?<=\s)\d{3,6}\b(?![.,]\d)"), read.number_to_call),
        Rule("service number", "telephone", r(r"(?<![\w.,$-])[2-9]11(?![\w.,]\d|\d)"), lambda m: n.digits(m.group(0))),
        Rule("number abbreviation", "abbreviation", r(rf"(?<!\w)(?:{_alternation(NUMBER_ABBREVIATIONS)})(?=\s?\d)"), read.table(NUMBER_ABBREVIATIONS)),
        *money.rules(),
        Rule("iso date", "date", r(r"\b(?P<year>(?:1[89]|20)\d{2})-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"), read.iso_date),
        Rule("numeric date", "date", r(r"\b(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>\d{4}|\d{2})\b"), read.numeric_date_rule(date_order)),
        Rule("race time", "time", r(r"\b(?:(?P<hours>\d{1,2}):)?(?P<minutes>\d{1,2}):(?P<seconds>[0-5]\d)(?:\.(?P<fraction>\d{1,3}))?\b"), read.race_time_or_clock),
        Rule("feet and inches", "measure", r(r"\b(?P<feet>\d{1,2})\s?(?:ft|')\s?(?P<inches>\d{1,2})\s?(?:in\b|\")"), read.feet_inches),
        Rule("measure", "measure", r(rf"(?P<amount>{SIGNED})(?:\s?(?:-|–|to)\s?(?P<upper>{NUMBER}))?(?P<space>\s?|-)(?P<unit>{_UNIT})(?![\w/²])(?:(?=(?P<follow>\s+[a-z])))?"), read.measure),
        Rule("short decade", "date", r(r"(?<![\w])['‘’](?P<decade>\d0)s\b"), read.short_decade),
        Rule("decade", "date", r(r"(?:\b(?P<prefix>mid|early|late)-)?(?<!['‘’])\b(?P<decade>(?:1[0-9]|20)?\d0)'?s\b"), read.decade),
        Rule("season", "date", r(r"\b(?P<first>(?:19|20)\d{2})[-–/](?P<second>(?:19|20)\d{2}|\d{2})\b(?![-/]\d)"), read.season),
        Rule("designator", "name", r(r"\b(?P<name>[A-Za-z]+)-(?P<value>\d+)(?P<plural>s)?\b"), read.designator),
        Rule("plural number", "cardinal", r(r"(?<![\w.,])(?P<value>\d{1,3})s\b"), lambda m: n.plural(n.cardinal(m["value"]))),
        Rule("by", "measure", r(r"\b(?P<left>\d+)\s?[x×*]\s?(?P<right>\d+)\b"), lambda m: f"{n.cardinal(m['left'])} by {n.cardinal(m['right'])}"),
        Rule("times", "measure", r(rf"(?<![\w.])(?P<amount>{NUMBER})[x×](?=\s+[a-z])"), lambda m: f"{n.number(m['amount'])} times"),
        Rule("ratio", "measure", r(r"(?<![\w.:/])(?P<left>\d{1,2}(?:\.\d)?)(?:(?P<to>:)|(?P<out_of>/))(?P<right>\d|10|100)(?![\w:/]|\.\d)"), read.ratio_if_licensed),
        Rule("version", "cardinal", r(r"(?<![\w.])\d{1,3}\.\d{1,3}\.\d{1,3}(?![\w.]|\.\d)"), read.version),
        Rule("route", "address", r(r"\b(?P<road>Highway|Hwy\.?|Route|Interstate|Motorway|Rte\.?)\s(?P<number>\d{1,4})\b"), read.route_number),
        Rule("range", "range", r(rf"(?P<low>(?<![\w.,-]){NUMBER})\s?[-–]\s?(?P<high>{NUMBER})(?![\w-])"), read.range),
        Rule("ordinal", "ordinal", r(r"\b(?P<value>\d{1,3}(?:,\d{3})*|\d+)(?:st|nd|rd|th)\b"), read.ordinal),
        Rule("mixed fraction", "fraction", r(r"\b(?P<whole>\d+)\s+(?P<top>\d+)/(?P<bottom>\d+)\b"), read.mixed_fraction),
        Rule("fraction", "fraction", r(r"(?<![\w/])(?P<top>\d+)/(?P<bottom>\d+)(?![\w/])"), read.fraction),
        Rule("number with letters", "code", r(r"\b(?P<value>\d+)(?P<letters>[A-Z]{1,2})\b"), read.number_letters, flag="letters and digits mixed"),
        Rule("code", "code", r(r"\b(?=[^\W\d_]*\d)(?=\d*[^\W\d_])[^\W_]+\b"), read.code, flag="letters and digits mixed"),
        Rule("year", "date", r(r"(?<![\w.,$-])(?:1[1-9]\d{2}|20\d{2})(?![\w.,]\d|\d)"), read.year),
        Rule("number", "cardinal", r(rf"{SIGNED}|(?<![\w.])\.\d+"), read.number),
        Rule("regnal number", "roman numeral", r(rf"\b(?P<name>{_alternation(REGNAL_NAMES)})\s(?P<numeral>{_ROMAN})\b"), read.licensed_numeral(read.regnal)),
        Rule("generation", "roman numeral", r(r"\b(?P<name>[A-Z][a-z]+\s[A-Z][\w'-]+),?\s(?P<numeral>II|III|IV)\b"), read.licensed_numeral(read.generation)),
        Rule("counted numeral", "roman numeral", r(rf"\b(?P<word>{_alternation(ROMAN_COUNTERS)}|[A-Z][a-z]+)\s(?P<numeral>(?!I\b){_ROMAN})\b(?!')"), read.licensed_numeral(read.counted_if_counter)),
        Rule("party and state", "abbreviation", r(rf"(?<=,\s)(?P<party>[RDI])-(?P<state>{_alternation({**ABBREVIATIONS, **PLACE_ABBREVIATIONS})}|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)(?=[,;)])"), read.party),
        Rule("title", "abbreviation", r(rf"(?<![\w.])(?P<title>{_alternation(TITLES)})\.?(?=\s+(?:[A-Z][a-z]|(?:{_alternation(TITLES)})\b|[A-Z]\.?\s+[A-Z]))"), read.title),
        Rule("name suffix", "abbreviation", r(rf"(?:(?<=[a-z]\s)|(?<=[a-z],\s))(?P<suffix>{_alternation(NAME_SUFFIXES)})\.?(?![\w])"), read.name_suffix),
        Rule("place abbreviation", "abbreviation", r(rf"(?<![\w.])(?:{_alternation(PLACE_ABBREVIATIONS)})(?!\w)"), read.place_abbreviation),
        Rule("abbreviation", "abbreviation", r(rf"(?<![\w.])(?:{_alternation(ABBREVIATIONS)})(?!\w)"), read.table(ABBREVIATIONS)),
        Rule("month abbreviation", "abbreviation", r(rf"\b{_MONTH_SHORT}(?!\w)"), lambda m: read.month_name(m.group(0))),
        Rule("day abbreviation", "abbreviation", r(rf"\b(?:{'|'.join(d.capitalize() for d in DAY_ABBREVIATIONS)})\.(?=,|\s+(?:{_MONTH}|\d))"), lambda m: DAY_ABBREVIATIONS[m.group(0)[:-1].lower()]),
        Rule("time word", "time", r(r"\b([aApP])\.[mM]\.(?!\w)"), lambda m: f"{m.group(1).lower()} m"),
        Rule("initials and", "initialism", r(r"\b(?P<left>[A-Z]{1,3})&(?P<right>[A-Z]{1,3})\b"), read.initials_ampersand),
        Rule("dotted initialism", "initialism", r(r"(?<![\w.])(?:[A-Za-z]\.){2,}(?!\w)"), read.dotted_initialism),
        Rule("mixed initialism", "initialism", r(rf"\b(?:{_alternation(w for w in INITIALISMS if not w.isupper())})\b"), lambda m: read.spell(m.group())),
        Rule("capitals", "initialism", r(r"\b(?P<word>[A-Z]{2,})(?P<suffix>'?s)?\b(?![\w'])"), read.capitals),
        Rule("ellipsis", "punctuation", r(r"(?<=\w)\.{2,}(?=\w)"), lambda m: "... "),
        Rule("dash", "punctuation", r(r"\s*[—–]\s*|\s+-{1,2}\s+"), lambda m: ", "),
        Rule("slash between words", "punctuation", r(r"(?<=[A-Za-z])/(?=[A-Za-z])"), lambda m: " "),
        Rule("symbol", "symbol", r(rf"[{re.escape(''.join(SYMBOL_WORDS))}]"), read.symbol),
        Rule("any digits left", "cardinal", r(r"\d+"), lambda m: n.cardinal(m.group(0)), flag="digits no other rule read"),
    )
