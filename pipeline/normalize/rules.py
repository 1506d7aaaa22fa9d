"""The normalization rules: each a pattern and a function from its match to spoken words, applied in order."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.normalize import numbers as n
from pipeline.normalize.tables import (
    ABBREVIATIONS,
    ACRONYMS,
    ADDRESS_WORDS,
    CURRENCIES,
    DAY_ABBREVIATIONS,
    INITIALISMS,
    MONTH_ABBREVIATIONS,
    MONTHS,
    NUMBER_ABBREVIATIONS,
    REGNAL_NAMES,
    ROMAN_COUNTERS,
    SCALES,
    SYMBOL_WORDS,
    TIME_ZONES,
    UNITS,
    WORD_ONSETS,
)


@dataclass(frozen=True)
class Rule:
    """A named pattern and what each match of it is read as."""

    name: str
    pattern: re.Pattern[str]
    speak: Callable[[re.Match[str]], str]


def _alternation(words, *, escape: bool = True) -> str:
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(word) if escape else word for word in ordered)


NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
SIGNED = rf"(?<![\w.])-?{NUMBER}"
_MONTH_NAME = rf"(?:{_alternation(MONTHS)})"
_MONTH_SHORT = rf"(?:{'|'.join(m.capitalize() for m in MONTH_ABBREVIATIONS)})\."
_MONTH = rf"(?:{_MONTH_NAME}|{_MONTH_SHORT})"
#: Before a day number a month abbreviation needs no period ("Jan 5").
_MONTH_BEFORE_DAY = rf"(?:{_MONTH_NAME}|(?:{'|'.join(m.capitalize() for m in MONTH_ABBREVIATIONS)})\.?)"
_ROMAN = r"(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_CURRENCY = _alternation(CURRENCIES)
_SCALE = _alternation(SCALES)
_UNIT = _alternation(UNITS)
#: Units that are also ordinary words or letters: only read as units when nothing word-like follows.
_AMBIGUOUS_UNITS = {"in", "t", "C", "F", "V", "W", "min", "mi", "ha", "yd", "sec", "cal", "ms"}
_SEPARATORS = re.compile(r"[./\-_:@?=&#+~%]")


def month_name(text: str) -> str:
    """A month from its name or abbreviation."""
    key = text.rstrip(".").lower()
    return MONTH_ABBREVIATIONS.get(key) or key.capitalize()


def _plural_unit(value: str, forms: tuple[str, str]) -> str:
    return forms[0] if value in ("1", "1.0", "-1") else forms[1]


# --- web addresses, handles, phone numbers -------------------------------------------------------


def _spell_address(text: str) -> str:
    words = []
    for part in re.split(r"([./\-_:@?=&#+~%])", text):
        if not part:
            continue
        if _SEPARATORS.fullmatch(part):
            words.append(ADDRESS_WORDS[part])
        elif part.lower() == "www":
            words.append("w w w")
        elif part.isdigit():
            words.append(n.digits(part))
        elif re.search(r"\d", part):
            words.extend(n.digits(run) if run.isdigit() else _address_word(run) for run in re.findall(r"\d+|\D+", part))
        else:
            words.append(_address_word(part))
    return " ".join(words)


def _address_word(part: str) -> str:
    """A name inside an address: "cbc", "ca" are letters; "doe", "com" are words."""
    if len(part) <= 2 or not re.search(r"[aeiouy]", part, re.IGNORECASE):
        return " ".join(part.upper())
    return part


def _url(match: re.Match[str]) -> str:
    address = re.sub(r"^https?://", "", match.group(0), flags=re.IGNORECASE).rstrip("/")
    return _spell_address(address)


def _camel_words(text: str) -> str:
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[^\W\d_A-Za-z]+", text)
    return " ".join(n.cardinal(word) if word.isdigit() else word for word in words)


def _phone(match: re.Match[str]) -> str:
    groups = [g for g in re.split(r"[^\d]+", match.group(0)) if g]
    spoken = ", ".join(n.digits(group) for group in groups)
    return f"plus {spoken}" if match.group(0).startswith("+") else spoken


# --- money, percentages, measures ------------------------------------------------------------------


#: Words after an amount that show it is not an adjective ("a $5 fee" but "a $5 increase in").
_NOT_A_NOUN = frozenset("of in for to and or a an the that which from per each on at by with is was as than".split())


def _money(match: re.Match[str]) -> str:
    article = match["article"] or ""
    if article and match["next"] and match["next"] not in _NOT_A_NOUN:
        # "a $10,000 balance" is "a ten thousand dollar balance": the amount describes the noun.
        singular = CURRENCIES[match["currency"]][0]
        amount = _money_amount(match)
        return article + re.sub(rf"{re.escape(CURRENCIES[match['currency']][1])}$", singular, amount)
    return article + _money_amount(match)


def _money_amount(match: re.Match[str]) -> str:
    singular, plural, cent, cents = CURRENCIES[match["currency"]]
    amount, upper, scale = match["amount"], match["upper"], match["scale"]
    if scale:
        spoken = n.number(amount) + (f" to {n.number(upper)}" if upper else "")
        return f"{spoken} {SCALES[scale]} {plural}"
    if upper:
        return f"{n.number(amount)} to {n.number(upper)} {plural}"
    whole, _, fraction = amount.replace(",", "").partition(".")
    if fraction and len(fraction) > 2:
        return f"{n.decimal(amount)} {plural}"
    minor = int(fraction.ljust(2, "0")) if fraction else 0
    major = int(whole or 0)
    parts = []
    if major or not minor:
        parts.append(f"{n.cardinal(whole or '0')} {singular if major == 1 else plural}")
    if minor:
        parts.append(f"{n.cardinal(str(minor))} {cent if minor == 1 else cents}")
    return " and ".join(parts)


def _cents(match: re.Match[str]) -> str:
    return f"{n.number(match['amount'])} {'cent' if match['amount'] == '1' else 'cents'}"


def _percent(match: re.Match[str]) -> str:
    upper = f" to {n.number(match['upper'])}" if match["upper"] else ""
    return f"{n.number(match['amount'])}{upper} percent"


def _feet_inches(match: re.Match[str]) -> str:
    feet, inches = match["feet"], match["inches"]
    return f"{n.cardinal(feet)} {'foot' if feet == '1' else 'feet'} {n.cardinal(inches)} {'inch' if inches == '1' else 'inches'}"


def _measure(match: re.Match[str]) -> str:
    unit = match["unit"]
    if unit in _AMBIGUOUS_UNITS and match["space"] and match["follow"]:
        return match.group(0)  # "5 in the morning", "3 m from": not a measure after all
    upper = f" to {n.number(match['upper'])}" if match["upper"] else ""
    if match["space"] == "-":
        return f"{n.number(match['amount'])}{upper} {UNITS[unit][0]}"  # "a 42-km race": the unit is an adjective
    return f"{n.number(match['amount'])}{upper} {_plural_unit(match['upper'] or match['amount'], UNITS[unit])}"


# --- dates and times -------------------------------------------------------------------------------


def _valid_date(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def _iso_date(match: re.Match[str]) -> str:
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if not _valid_date(month, day):
        return f"{n.cardinal(match['year'])} {n.cardinal(match['month'])} {n.cardinal(match['day'])}"
    return f"{MONTHS[month - 1]} {n.ordinal(day)}, {n.year(year)}"


def _month_day(match: re.Match[str]) -> str:
    spoken = f"{month_name(match['month'])} {n.ordinal(int(match['day']))}"
    return spoken + (f", {n.year(int(match['year']))}" if match["year"] else "")


def _day_month(match: re.Match[str]) -> str:
    # American newsreading says "14 December 2025" the way it says "December 14, 2025".
    return _month_day(match)


def _date_range(match: re.Match[str]) -> str:
    start = f"{month_name(match['month'])} {n.ordinal(int(match['day']))}"
    end_month = f"{month_name(match['month2'])} " if match["month2"] else ""
    return f"{start} to {end_month}{n.ordinal(int(match['day2']))}"


def _month_year(match: re.Match[str]) -> str:
    return f"{month_name(match['month'])} {n.year(int(match['year']))}"


def numeric_date_rule(order: str) -> Callable[[re.Match[str]], str]:
    """A reader for 12/14/2025 that takes the first two numbers as month/day ("mdy") or day/month ("dmy")."""

    def speak(match: re.Match[str]) -> str:
        first, second, year = int(match["first"]), int(match["second"]), match["year"]
        month, day = (first, second) if order == "mdy" else (second, first)
        if not _valid_date(month, day):
            month, day = day, month
        if not _valid_date(month, day):
            return match.group(0).replace("/", " slash ")
        full_year = int(year) + (2000 if int(year) < 50 else 1900) if len(year) == 2 else int(year)
        return f"{MONTHS[month - 1]} {n.ordinal(day)}, {n.year(full_year)}"

    return speak


def _minutes(minutes: str) -> str:
    value = int(minutes)
    if value == 0:
        return ""
    return f" oh {n.digits(minutes[-1])}" if value < 10 else f" {n.cardinal(minutes)}"


def _clock(match: re.Match[str]) -> str:
    hour = n.cardinal(str(int(match["hour"])))
    spoken = hour + _minutes(match["minutes"] or "00") + f" {match['half'].lower()} m"
    if match["zone"]:
        spoken += f" {TIME_ZONES[match['zone']]}"
    return spoken


def _twenty_four_hour(match: re.Match[str]) -> str:
    hour, minutes = int(match["hour"]), match["minutes"]
    if minutes == "00":
        return f"{n.cardinal(str(hour))} o'clock" if 1 <= hour <= 12 else f"{n.cardinal(str(hour))} hundred"
    return f"{n.cardinal(str(hour))}{_minutes(minutes)}"


def _race_time(match: re.Match[str]) -> str:
    parts = []
    if match["hours"]:
        hours = int(match["hours"])
        parts.append(f"{n.cardinal(str(hours))} {'hour' if hours == 1 else 'hours'}")
    minutes = int(match["minutes"])
    parts.append(f"{n.cardinal(str(minutes))} {'minute' if minutes == 1 else 'minutes'}")
    seconds = str(int(match["seconds"])) + (f".{match['fraction']}" if match["fraction"] else "")
    parts.append(f"{n.number(seconds)} {'second' if seconds == '1' else 'seconds'}")
    return " ".join(parts)


# --- years, decades, ranges, ordinals, fractions, plain numbers -------------------------------------


def _decade(match: re.Match[str]) -> str:
    prefix = f"{match['prefix'].lower()} " if match["prefix"] else ""
    return prefix + n.decade(int(match["decade"]))


def _short_decade(match: re.Match[str]) -> str:
    return n.decade(int(match["decade"]))


def _season(match: re.Match[str]) -> str:
    first, second = match["first"], match["second"]
    if len(second) == 2:
        return f"{n.year(int(first))} {n.cardinal(second) if second[0] != '0' else 'oh ' + n.digits(second[1])}"
    return f"{n.year(int(first))} to {n.year(int(second))}"


def _set_scores(match: re.Match[str]) -> str:
    # Tennis and volleyball set scores in a row are read as pairs: "6-4, 6-3" is "six four, six three".
    return ", ".join(" ".join(n.cardinal(side) for side in score.split("-")) for score in match.group(0).split(", "))


def _range(match: re.Match[str]) -> str:
    return f"{n.number(match['low'])} to {n.number(match['high'])}"


def _ordinal(match: re.Match[str]) -> str:
    return n.ordinal(int(match["value"].replace(",", "")))


def _mixed_fraction(match: re.Match[str]) -> str:
    whole, top, bottom = match["whole"], int(match["top"]), int(match["bottom"])
    if bottom == 2 and top == 1:
        return f"{n.cardinal(whole)} and a half"
    if bottom == 4 and top == 1:
        return f"{n.cardinal(whole)} and a quarter"
    return f"{n.cardinal(whole)} and {n.fraction(top, bottom)}"


def _fraction(match: re.Match[str]) -> str:
    top, bottom = int(match["top"]), int(match["bottom"])
    if 0 < top < bottom <= 16:
        return n.fraction(top, bottom)
    return f"{n.cardinal(match['top'])} {n.cardinal(match['bottom'])}"  # "24/7", "9/11"


def _year(match: re.Match[str]) -> str:
    return n.year(int(match.group(0)))


def _number(match: re.Match[str]) -> str:
    return n.number(match.group(0))


def _number_letters(match: re.Match[str]) -> str:
    return f"{n.cardinal(match['value'])} {' '.join(match['letters'])}"


def _code(match: re.Match[str]) -> str:
    """Letters and digits mixed, as in "F35", "MP3", "H1N1": letter runs spelled or read, numbers read."""
    words = []
    for part in re.findall(r"[^\W\d_]+|\d+", match.group(0)):
        if part.isdigit():
            words.append(n.cardinal(part) if len(part) <= 4 and not part.startswith("0") else n.digits(part))
        elif part.isupper() and len(part) <= 3 or len(part) == 1:
            words.append(" ".join(part.upper()))
        else:
            words.append(part)
    return " ".join(words)


# --- Roman numerals --------------------------------------------------------------------------------


def roman_value(numeral: str) -> int:
    """The value of a valid Roman numeral."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for index, letter in enumerate(numeral):
        value = values[letter]
        following = values[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def _regnal(match: re.Match[str]) -> str:
    return f"{match['name']} the {n.ordinal(roman_value(match['numeral']))}"


def _generation(match: re.Match[str]) -> str:
    """ "Robert Keller III" is "the third"; "World War II" is left for the counting rule."""
    if match["name"].split()[-1] in ROMAN_COUNTERS:
        return match.group(0)
    return _regnal(match)


def _counted(match: re.Match[str]) -> str:
    return f"{match['word']} {n.cardinal(str(roman_value(match['numeral'])))}"


# --- abbreviations, initialisms, symbols -----------------------------------------------------------


def _table(table: dict[str, str]) -> Callable[[re.Match[str]], str]:
    return lambda match: table[match.group(0)] if match.group(0) in table else table[match.group(0).strip()]


def _street(match: re.Match[str]) -> str:
    before = match["before"]
    number = re.fullmatch(r"(\d+)(st|nd|rd|th)?", before)
    if number:
        before = n.ordinal(int(number[1])) if number[2] else n.cardinal(number[1])
    return f"{before} Street"


def _dotted_initialism(match: re.Match[str]) -> str:
    return " ".join(letter.upper() for letter in match.group(0) if letter.isalpha())


def _looks_pronounceable(word: str) -> bool:
    lower = word.lower()
    consonant_start = not re.match(r"[aeiouy]", lower[:2]) and len(lower) > 1 and lower[1] not in "aeiouy"
    return (len(lower) >= 4 and bool(re.search(r"[aeiou]", lower)) and not re.search(r"[^aeiouy]{3}", lower)
            and not re.search(r"[aeiou]{3}", lower) and (not consonant_start or lower[:2] in WORD_ONSETS))


def _capitals(match: re.Match[str]) -> str:
    word, suffix = match["word"], match["suffix"] or ""
    if word in ACRONYMS:
        return word.capitalize() + suffix
    if word in INITIALISMS or len(word) <= 3 or not _looks_pronounceable(word):
        if len(word) > 6:
            return word.capitalize() + suffix  # a shouted word or a dateline, not an initialism
        return " ".join(word) + ("'s" if suffix else "")
    return word.capitalize() + suffix


def _hashtag(match: re.Match[str]) -> str:
    return f"hashtag {_camel_words(match['tag'])}"


def _handle(match: re.Match[str]) -> str:
    return "at " + " ".join(_camel_words(part) for part in match["handle"].split("_") if part)


def _symbol(match: re.Match[str]) -> str:
    return f" {SYMBOL_WORDS[match.group(0)]} "


def _initials_ampersand(match: re.Match[str]) -> str:
    return f"{' '.join(match['left'])} and {' '.join(match['right'])}"


def rules(date_order: str = "mdy") -> tuple[Rule, ...]:
    """Every rule, in the order they run: the most specific patterns first."""
    r = re.compile
    return (
        Rule("email", r(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), lambda m: _spell_address(m.group(0))),
        Rule("url", r(r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)]|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|ca|gov|edu|io|co\.uk|news|info)\b(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)])?", re.I), _url),
        Rule("hashtag", r(r"(?<![\w&])#(?P<tag>[A-Za-z]\w*)"), _hashtag),
        Rule("handle", r(r"(?<![\w.])@(?P<handle>[A-Za-z_]\w*)"), _handle),
        Rule("phone", r(r"(?<![\d-])(?:\+?1[\s.-])?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\d-])"), _phone),
        Rule("international phone", r(r"(?<![\w+])\+(?!1[\s.-])\d{1,3}(?:[\s.-]\d{1,5}){2,5}(?![\d-])"), _phone),
        Rule("service number", r(r"(?<![\w.,$-])[2-9]11(?![\w.,]\d|\d)"), lambda m: n.digits(m.group(0))),
        Rule("number abbreviation", r(rf"(?<!\w)(?:{_alternation(NUMBER_ABBREVIATIONS)})(?=\s?\d)"), _table(NUMBER_ABBREVIATIONS)),
        Rule("street", r(r"(?P<before>\b(?:[A-Z][\w'-]*|\d+(?:st|nd|rd|th)?))\sSt\.(?!\w)"), _street),
        Rule("saint", r(r"\bSt\.(?=\s)"), lambda m: "Saint"),
        Rule("money", r(rf"(?P<article>\b[Aa]n?\s)?(?<![\w$])(?P<currency>{_CURRENCY})\s?(?P<amount>{NUMBER})(?:\s?(?:-|–|to)\s?(?:{_CURRENCY})?\s?(?P<upper>{NUMBER}))?(?:\s?(?P<scale>{_SCALE})\b)?(?:(?=\s(?P<next>[a-z]+)))?"), _money),
        Rule("cents", r(rf"(?<![\w.])(?P<amount>{NUMBER})\s?¢"), _cents),
        Rule("percent", r(rf"(?P<amount>{SIGNED})(?:\s?(?:-|–|to)\s?(?P<upper>{NUMBER}))?\s?%"), _percent),
        Rule("iso date", r(r"\b(?P<year>(?:1[89]|20)\d{2})-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b"), _iso_date),
        Rule("numeric date", r(r"\b(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>\d{4}|\d{2})\b"), numeric_date_rule(date_order)),
        Rule("date range", r(rf"\b(?P<month>{_MONTH_BEFORE_DAY})\s(?P<day>[0-3]?\d)\s?[-–]\s?(?:(?P<month2>{_MONTH_BEFORE_DAY})\s)?(?P<day2>[0-3]?\d)\b(?![,.]?\s?\d)"), _date_range),
        Rule("month day", r(rf"\b(?P<month>{_MONTH_BEFORE_DAY})\s(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s(?P<year>(?:1[0-9]|20)\d{{2}})\b)?"), _month_day),
        Rule("day month", r(rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s(?P<month>{_MONTH})(?:,?\s(?P<year>(?:1[0-9]|20)\d{{2}})\b)?"), _day_month),
        Rule("month year", r(rf"\b(?P<month>{_MONTH})\s(?P<year>(?:1[0-9]|20)\d{{2}})\b"), _month_year),
        Rule("clock", r(rf"\b(?P<hour>[01]?\d)(?::(?P<minutes>[0-5]\d))?\s?(?P<half>[aApP])\.?\s?[mM]\.?(?![\w])(?:\s(?P<zone>{_alternation(TIME_ZONES)})\b)?"), _clock),
        Rule("race time", r(r"\b(?:(?P<hours>\d{1,2}):)?(?P<minutes>\d{1,2}):(?P<seconds>[0-5]\d)(?:\.(?P<fraction>\d{1,3}))?\b"), _race_time_or_clock),
        Rule("feet and inches", r(r"\b(?P<feet>\d{1,2})\s?(?:ft|')\s?(?P<inches>\d{1,2})\s?(?:in\b|\")"), _feet_inches),
        Rule("measure", r(rf"(?P<amount>{SIGNED})(?:\s?(?:-|–|to)\s?(?P<upper>{NUMBER}))?(?P<space>\s?|-)(?P<unit>{_UNIT})(?![\w/²])(?:(?=(?P<follow>\s+[a-z])))?"), _measure),
        Rule("short decade", r(r"(?<![\w])['‘’](?P<decade>\d0)s\b"), _short_decade),
        Rule("decade", r(r"(?:\b(?P<prefix>mid|early|late)-)?(?<!['‘’])\b(?P<decade>(?:1[0-9]|20)?\d0)'?s\b"), _decade),
        Rule("season", r(r"\b(?P<first>(?:19|20)\d{2})[-–/](?P<second>(?:19|20)\d{2}|\d{2})\b(?![-/]\d)"), _season),
        Rule("designator", r(r"\b(?P<name>[A-Za-z]+)-(?P<value>\d+)\b"), lambda m: f"{m['name']} {n.cardinal(m['value'])}"),
        Rule("set scores", r(r"(?<![\w.,-])\d{1,2}-\d{1,2}(?:,\s\d{1,2}-\d{1,2})+(?![\w-])"), _set_scores),
        Rule("range", r(rf"(?P<low>(?<![\w.,-]){NUMBER})\s?[-–]\s?(?P<high>{NUMBER})(?![\w-])"), _range),
        Rule("ordinal", r(r"\b(?P<value>\d{1,3}(?:,\d{3})*|\d+)(?:st|nd|rd|th)\b"), _ordinal),
        Rule("mixed fraction", r(r"\b(?P<whole>\d+)\s+(?P<top>\d+)/(?P<bottom>\d+)\b"), _mixed_fraction),
        Rule("fraction", r(r"(?<![\w/])(?P<top>\d+)/(?P<bottom>\d+)(?![\w/])"), _fraction),
        Rule("number with letters", r(r"\b(?P<value>\d+)(?P<letters>[A-Z]{1,2})\b"), _number_letters),
        Rule("code", r(r"\b(?=[^\W\d_]*\d)(?=\d*[^\W\d_])[^\W_]+\b"), _code),
        Rule("year", r(r"(?<![\w.,$-])(?:1[1-9]\d{2}|20\d{2})(?![\w.,]\d|\d)"), _year),
        Rule("number", r(rf"{SIGNED}|(?<![\w.])\.\d+"), _number),
        Rule("regnal number", r(rf"\b(?P<name>{_alternation(REGNAL_NAMES)})\s(?P<numeral>{_ROMAN})\b"), _regnal),
        Rule("generation", r(rf"\b(?P<name>[A-Z][a-z]+\s[A-Z][\w'-]+),?\s(?P<numeral>II|III|IV)\b"), _generation),
        Rule("counted numeral", r(rf"\b(?P<word>{_alternation(ROMAN_COUNTERS)}|[A-Z][a-z]+)\s(?P<numeral>(?!I\b){_ROMAN})\b(?!')"), _counted_if_counter),
        Rule("abbreviation", r(rf"(?<![\w.])(?:{_alternation(ABBREVIATIONS)})(?!\w)"), _table(ABBREVIATIONS)),
        Rule("month abbreviation", r(rf"\b{_MONTH_SHORT}(?!\w)"), lambda m: month_name(m.group(0))),
        Rule("day abbreviation", r(rf"\b(?:{'|'.join(d.capitalize() for d in DAY_ABBREVIATIONS)})\.(?=,|\s+(?:{_MONTH}|\d))"), lambda m: DAY_ABBREVIATIONS[m.group(0)[:-1].lower()]),
        Rule("time word", r(r"\b([aApP])\.[mM]\.(?!\w)"), lambda m: f"{m.group(1).lower()} m"),
        Rule("initials and", r(r"\b(?P<left>[A-Z]{1,3})&(?P<right>[A-Z]{1,3})\b"), _initials_ampersand),
        Rule("dotted initialism", r(r"(?<![\w.])(?:[A-Za-z]\.){2,}(?!\w)"), _dotted_initialism),
        Rule("capitals", r(r"\b(?P<word>[A-Z]{2,})(?P<suffix>'?s)?\b(?![\w'])"), _capitals),
        Rule("dash", r(r"\s*[—–]\s*|\s+-{1,2}\s+"), lambda m: ", "),
        Rule("slash between words", r(r"(?<=[A-Za-z])/(?=[A-Za-z])"), lambda m: " "),
        Rule("symbol", r(rf"[{re.escape(''.join(SYMBOL_WORDS))}]"), _symbol),
        Rule("any digits left", r(r"\d+"), lambda m: n.cardinal(m.group(0))),
    )


def _race_time_or_clock(match: re.Match[str]) -> str:
    if match["hours"] or match["fraction"]:
        return _race_time(match)
    hour = int(match["minutes"])
    if hour > 23:
        return _race_time(match)
    return _twenty_four_hour(re.match(r"(?P<hour>\d+):(?P<minutes>\d+)", f"{match['minutes']}:{match['seconds']}"))


def _counted_if_counter(match: re.Match[str]) -> str:
    numeral, word = match["numeral"], match["word"]
    # After a counting word any numeral counts; after another capitalized word only numerals that cannot be words.
    if word in ROMAN_COUNTERS or (len(numeral) >= 2 and numeral not in {"MIX", "DC", "CD", "MD", "CV", "DIV", "LI", "MI", "DI", "CI", "VI"}):
        return _counted(match)
    return match.group(0)
