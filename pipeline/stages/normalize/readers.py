"""What the normalization rules say: functions from a pattern's match to the spoken words."""

from __future__ import annotations

import re
from collections.abc import Callable

from pipeline.stages.normalize import numbers as n
from pipeline.stages.normalize.capitals import read_capitals, spell
from pipeline.stages.normalize.rule import Reading  # noqa: F401  (readers may return one)
from pipeline.stages.normalize.tables import (
    ABBREVIATIONS,
    AMBIGUOUS_UNITS,
    CALL_VERBS,
    DIMENSION_WORDS,
    ADDRESS_WORDS,
    MONTH_ABBREVIATIONS,
    MONTHS,
    NAME_SUFFIXES,
    NOT_A_NOUN,
    NOT_NOUN_ENDINGS,
    NUMERALS_THAT_ARE_WORDS,
    PARTIES,
    PLACE_ABBREVIATIONS,
    PLACE_WORDS,
    ROMAN_COUNTERS,
    SYMBOL_WORDS,
    TITLES,
    UNITS,
    WORD_ONSETS,
)

_SEPARATORS = re.compile(r"[./\-_:@?=&#+~%]")


def month_name(text: str) -> str:
    """A month from its name or abbreviation."""
    key = text.rstrip(".").lower()
    return MONTH_ABBREVIATIONS.get(key) or key.capitalize()


def _plural_unit(value: str, forms: tuple[str, str]) -> str:
    return forms[0] if value in ("1", "1.0", "-1") else forms[1]


# --- web addresses, handles, phone numbers -------------------------------------------------------


def spell_address(text: str) -> str:
    """An e-mail or web address: separators as words, numbers digit by digit."""
    words = []
    text = re.sub(r"[^\w./\-:@?=&#+~%]+", " ", text)  # anything else in an address is not said
    for part in re.split(r"([./\-_:@?=&#+~%]|\s+)", text):
        if not part or part.isspace():
            continue
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
    """A name inside an address: "cbc", "ca", "kxan" are letters; "doe", "com", "news" are words."""
    if len(part) <= 2 or not re.search(r"[aeiouy]", part, re.IGNORECASE) or not _has_word_onset(part):
        return spell(part)
    return part


def _has_word_onset(word: str) -> bool:
    lower = word.lower()
    return bool(re.match(r"[aeiouy]", lower)) or len(lower) < 2 or lower[1] in "aeiouy" or lower[:2] in WORD_ONSETS


def url(match: re.Match[str]) -> str:
    """A web address without its http(s)://: "w w w dot example dot com slash news"."""
    address = re.sub(r"^https?://", "", match.group(0), flags=re.IGNORECASE).rstrip("/")
    return spell_address(address)


def _camel_words(text: str) -> str:
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[^\W\d_A-Za-z]+", text)
    return " ".join(n.cardinal(word) if word.isdigit() else read_capitals(word).spoken if len(word) > 1 and word.isupper()
                    else spell(word) if len(word) == 1 and word.isupper() else word for word in words)


def phone(match: re.Match[str]) -> str:
    """A phone number digit by digit, in its groups."""
    groups = [g for g in re.split(r"[^\d]+", match.group(0)) if g]
    spoken = ", ".join(n.digits(group) for group in groups)
    return f"plus {spoken}" if match.group(0).startswith("+") else spoken


def british_phone(match: re.Match[str]) -> str:
    """A British number ("0800 555 0199", "020 7946 0958") in its groups, digit by digit, zero as "oh"."""
    groups = re.findall(r"\d+", match.group())
    return ", ".join(" ".join("oh" if d == "0" else n.digits(d) for d in group) for group in groups)


_CALL_VERB = re.compile(rf"\b(?:{'|'.join(CALL_VERBS)})\s$", re.IGNORECASE)


def number_to_call(match: re.Match[str]) -> str | None:
    """A short number after "call" or "dial", digit by digit with "oh" for zero, as said on air ("one oh one")."""
    if not _CALL_VERB.search(match.string, max(0, match.start() - 12), match.start()):
        return None
    return " ".join("oh" if digit == "0" else n.digits(digit) for digit in match.group())


# --- money, percentages, measures ------------------------------------------------------------------


def feet_inches(match: re.Match[str]) -> str:
    """A height: "6 ft 2 in", "5'11\""."""
    feet, inches = match["feet"], match["inches"]
    return f"{n.cardinal(feet)} {'foot' if feet == '1' else 'feet'} {n.cardinal(inches)} {'inch' if inches == '1' else 'inches'}"






def looks_like_noun(word: str) -> bool:
    """Whether the word after an amount can be the noun the amount describes ("a 12kg valve", "the $5 fee")."""
    if not word or not word.isalpha() or word in NOT_A_NOUN:
        return False
    if word.isupper():
        return len(word) >= 2  # "the $250-million BRT line"
    return word.islower() and not word.endswith(NOT_NOUN_ENDINGS)


def measure(match: re.Match[str]) -> str | None:
    """A number and its unit, singular or plural; before a noun the unit is an adjective ("a 12kg valve")."""
    unit = match["unit"]
    after = match.string[match.end() : match.end() + 40]
    following = re.match(r"\s+([A-Za-z]+|\S)", after)
    next_word = following[1] if following else ""
    if unit in AMBIGUOUS_UNITS and after.startswith("-"):
        return None  # "a 1-in-100-year flood"
    if unit in ("C", "F") and match["space"] and next_word[:1].isupper():
        return None  # "grade 3 C Block"
    if unit in AMBIGUOUS_UNITS and match["space"] and next_word and next_word.lower() not in DIMENSION_WORDS:
        return None  # "5 in the morning", "Number 10 in May", "3 m from": not a measure after all
    upper = f" to {n.number(match['upper'])}" if match["upper"] else ""
    before = match.string[max(0, match.start() - 8) : match.start()]
    adjective = match["space"] == "-" or (
        re.search(r"\b(?:[Aa]n?|[Tt]he|[Ii]ts)\s$", before) and looks_like_noun(next_word)
        and not after.startswith((",", "."))
    )
    if adjective:
        return f"{n.number(match['amount'])}{upper} {UNITS[unit][0]}"  # "a 42-km race": the unit is an adjective
    return f"{n.number(match['amount'])}{upper} {_plural_unit(match['upper'] or match['amount'], UNITS[unit])}"


# --- dates and times -------------------------------------------------------------------------------


def _valid_date(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def iso_date(match: re.Match[str]) -> str:
    """A date written 2016-07-03."""
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if not _valid_date(month, day):
        return f"{n.cardinal(match['year'])} {n.cardinal(match['month'])} {n.cardinal(match['day'])}"
    return f"{MONTHS[month - 1]} {n.ordinal(day)}, {n.year(year)}"


def numeric_date_rule(order: str) -> Callable[[re.Match[str]], str]:
    """A reader for 12/14/2025 that takes the first two numbers as month/day ("mdy") or day/month ("dmy")."""

    def speak(match: re.Match[str]) -> str:
        first, second, year = int(match["first"]), int(match["second"]), match["year"]
        month, day = (first, second) if order == "mdy" else (second, first)
        if not _valid_date(month, day):
            month, day = day, month
        if not _valid_date(month, day):
            return " slash ".join(n.cardinal(part) for part in match.group(0).split("/"))
        full_year = int(year) + (2000 if int(year) < 50 else 1900) if len(year) == 2 else int(year)
        return f"{MONTHS[month - 1]} {n.ordinal(day)}, {n.year(full_year)}"

    return speak


def _minutes(minutes: str) -> str:
    value = int(minutes)
    if value == 0:
        return ""
    return f" oh {n.digits(minutes[-1])}" if value < 10 else f" {n.cardinal(minutes)}"


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


def decade(match: re.Match[str]) -> str:
    """"1980s", "mid-1990s"."""
    prefix = f"{match['prefix'].lower()} " if match["prefix"] else ""
    return prefix + n.decade(int(match["decade"]))


def short_decade(match: re.Match[str]) -> str:
    """"'90s"."""
    return n.decade(int(match["decade"]))


def season(match: re.Match[str]) -> str:
    """A season or fiscal year ("2017-18") or a span of years ("2017-2019")."""
    first, second = match["first"], match["second"]
    if len(second) == 2:
        return f"{n.year(int(first))} {n.cardinal(second) if second[0] != '0' else 'oh ' + n.digits(second[1])}"
    return f"{n.year(int(first))} to {n.year(int(second))}"


def range(match: re.Match[str]) -> str:
    """A range: "10-15" is "ten to fifteen", "between 1939-45" "between ... and ...", "50-50" fifty-fifty."""
    low, high = n.number(match["low"]), n.number(match["high"])
    if match["low"] == match["high"]:
        return f"{low}-{high}"
    joiner = "and" if re.search(r"\bbetween\s$", match.string[max(0, match.start() - 9) : match.start()], re.I) else "to"
    return f"{low} {joiner} {high}"


def ratio(match: re.Match[str]) -> str:
    """"3:1" three to one; "4.5/5" four point five out of five."""
    joiner = "out of" if match["out_of"] else "to"
    return f"{n.number(match['left'])} {joiner} {n.number(match['right'])}"


def ratio_if_licensed(match: re.Match[str]) -> str | None:
    """"3:1" only with a single digit after the colon (else a clock time); "4.5/5" only with a decimal or a
    word of rating before it (else a fraction or a date)."""
    if match["to"]:
        return ratio(match) if len(match["right"]) == 1 else None
    rated = re.search(r"\b(?:rated|rating|scored|score|scores|marks?|stars?)\s$", match.string[max(0, match.start() - 8) : match.start()], re.I)
    return ratio(match) if "." in match["left"] or rated else None


def version(match: re.Match[str]) -> str:
    """A version number "1.2.3": one point two point three."""
    return " point ".join(n.cardinal(part) for part in match.group().split("."))


def route_number(match: re.Match[str]) -> str:
    """A highway or route number as said on air: "Highway 401" four oh one, "Route 66" sixty-six."""
    return f"{match['road']} {code_number(match['number'])}"


def ordinal(match: re.Match[str]) -> str:
    """"21st" as "twenty-first"."""
    return n.ordinal(int(match["value"].replace(",", "")))


def mixed_fraction(match: re.Match[str]) -> str:
    """"2 1/2" as "two and a half"."""
    whole, top, bottom = match["whole"], int(match["top"]), int(match["bottom"])
    if bottom == 2 and top == 1:
        return f"{n.cardinal(whole)} and a half"
    if bottom == 4 and top == 1:
        return f"{n.cardinal(whole)} and a quarter"
    return f"{n.cardinal(whole)} and {n.fraction(top, bottom)}"


def fraction(match: re.Match[str]) -> str:
    """A fraction; "24/7" and "9/11" are read as two numbers."""
    top, bottom = int(match["top"]), int(match["bottom"])
    if 0 < top < bottom <= 16:
        return n.fraction(top, bottom)
    return f"{n.cardinal(match['top'])} {n.cardinal(match['bottom'])}"  # "24/7", "9/11"


def year(match: re.Match[str]) -> str:
    """A year in pairs."""
    return n.year(int(match.group(0)))


def number(match: re.Match[str]) -> str:
    """A cardinal or decimal number."""
    return n.number(match.group(0))


def number_letters(match: re.Match[str]) -> str:
    """A number with capital letters after it: "5G", "3D"."""
    return f"{n.cardinal(match['value'])} {spell(match['letters'])}"


def code_number(digits: str) -> str:
    """The number in a code as it is said: "A1" one, "A419" four nineteen, "B747" seven forty-seven, "M1234"
    twelve thirty-four; leading zeros and longer runs digit by digit."""
    if digits.startswith("0") and len(digits) > 1 or len(digits) > 4:
        return n.digits(digits)
    if len(digits) == 3 and digits[1:] != "00":
        return f"{n.digits(digits[0])} {n.cardinal(digits[1:]) if digits[1] != '0' else 'oh ' + n.digits(digits[2])}"
    if len(digits) == 4:
        return n.year(int(digits))
    return n.cardinal(digits)


def code(match: re.Match[str]) -> str:
    """Letters and digits mixed, as in "F35", "MP3", "H1N1": letter runs spelled or read, numbers read."""
    words = []
    for part in re.findall(r"[^\W\d_]+|\d+", match.group(0)):
        if part.isdigit():
            words.append(code_number(part))
        elif part.isupper() and len(part) <= 3 or len(part) == 1:
            words.append(spell(part))
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


def licensed_numeral(reader: Callable[[re.Match[str]], str | None]) -> Callable[[re.Match[str]], str | None]:
    """A Roman-numeral reader that declines a single letter before a capitalized word ("Henry C Brooks")."""

    def speak(match: re.Match[str]) -> str | None:
        if len(match["numeral"]) == 1 and re.match(r"\.?\s+[A-Z][a-z]", match.string[match.end() : match.end() + 8]):
            return None
        return reader(match)

    return speak


def party(match: re.Match[str]) -> str:
    """ "R-Alaska" after a politician's name: "Republican of Alaska"."""
    state = match["state"]
    return f"{PARTIES[match['party']]} of {PLACE_ABBREVIATIONS.get(state) or ABBREVIATIONS.get(state, state)}"


def regnal(match: re.Match[str]) -> str:
    """"Charles III" as "Charles the third"."""
    return f"{match['name']} the {n.ordinal(roman_value(match['numeral']))}"


def generation(match: re.Match[str]) -> str:
    """ "Robert Keller III" is "the third"; "World War II" is left for the counting rule."""
    if match["name"].split()[-1] in ROMAN_COUNTERS:
        return match.group(0)
    return regnal(match)


def _counted(match: re.Match[str]) -> str:
    return f"{match['word']} {n.cardinal(str(roman_value(match['numeral'])))}"


# --- abbreviations, initialisms, symbols -----------------------------------------------------------


def table(table: dict[str, str]) -> Callable[[re.Match[str]], str]:
    """A reader that looks the match up in a table."""
    return lambda match: table[match.group(0)] if match.group(0) in table else table[match.group(0).strip()]


def designator(match: re.Match[str]) -> str:
    """A name and a number: "COVID-19", "B-52s" (B fifty-twos), "F-35"."""
    name, value = match["name"], n.cardinal(match["value"])
    spoken_name = read_capitals(name).spoken if name.isupper() and len(name) > 1 else (spell(name) if len(name) == 1 else name)
    return f"{spoken_name} {n.plural(value) if match['plural'] else value}"


_AFTER_PLACE = re.compile(r"[A-Z][\w'’.-]*,\s$")


def place_abbreviation(match: re.Match[str]) -> str | Reading | None:
    """A state or province: after "Place, " always; elsewhere only when the abbreviation is not also a word
    ("Sunday Mass.", "the Isle of Man." stay words)."""
    written = match.group()
    if _AFTER_PLACE.search(match.string, max(0, match.start() - 40), match.start()):
        return PLACE_ABBREVIATIONS[written]
    if written in PLACE_WORDS:
        return None
    return Reading(PLACE_ABBREVIATIONS[written], "state or province with no place before it")


def title(match: re.Match[str]) -> str:
    """A title before a name: "Mr", "Det Insp", "Cllr"."""
    return TITLES[match["title"]]


def name_suffix(match: re.Match[str]) -> str | None:
    """"Jr."/"Sr." after a capitalized name."""
    before = match.string[max(0, match.start() - 60) : match.start()].rstrip(", ")
    if not re.search(r"[A-Z][a-z'-]+$", before):
        return None
    return NAME_SUFFIXES[match["suffix"]]


def dotted_initialism(match: re.Match[str]) -> str:
    """"U.S." as separate letters."""
    return spell(match.group(0))


def capitals(match: re.Match[str]) -> Reading:
    """A word in capitals: house name, acronym, initialism, stressed word, or an unknown one (flagged)."""
    starts_sentence = _SENTENCE_OPENING.fullmatch(match.string, 0, match.start()) is not None
    dateline = _DATELINE_AFTER.match(match.string, match.end()) is not None
    return read_capitals(match["word"], "s" if match["suffix"] else "", starts_sentence, dateline)


_SENTENCE_OPENING = re.compile(r"[\s\"'“‘(]*")
#: After a dateline's place: a comma and a place, "(AP)" or a dash ("KYIV, Ukraine (AP) —", "LVIV —").
_DATELINE_AFTER = re.compile(r",\s+[A-Z]|\s*\(|\s+[—–-]")


def hashtag(match: re.Match[str]) -> str:
    """"#ClimateStrike" as "hashtag Climate Strike"."""
    return f"hashtag {_camel_words(match['tag'])}"


def handle(match: re.Match[str]) -> str:
    """"@city_hall" as "at city hall"."""
    return "at " + " ".join(_camel_words(part) for part in match["handle"].split("_") if part)


def symbol(match: re.Match[str]) -> str:
    """A symbol as its word."""
    return f" {SYMBOL_WORDS[match.group(0)]} "


def initials_ampersand(match: re.Match[str]) -> str:
    """"AT&T" as "Eh T and T"."""
    return f"{spell(match['left'])} and {spell(match['right'])}"


def race_time_or_clock(match: re.Match[str]) -> str:
    """"17:30" as a clock time; "3:46.04" and "2:05:30" as durations."""
    if match["hours"] or match["fraction"]:
        return _race_time(match)
    hour = int(match["minutes"])
    if hour > 23:
        return _race_time(match)
    return _twenty_four_hour(re.match(r"(?P<hour>\d+):(?P<minutes>\d+)", f"{match['minutes']}:{match['seconds']}"))


def counted_if_counter(match: re.Match[str]) -> str:
    """A Roman numeral after a counting word, or one that cannot be an ordinary word."""
    numeral, word = match["numeral"], match["word"]
    # After a counting word any numeral counts; after another capitalized word only numerals that cannot be words.
    if word in ROMAN_COUNTERS or (len(numeral) >= 2 and numeral not in NUMERALS_THAT_ARE_WORDS):
        return _counted(match)
    return match.group(0)
