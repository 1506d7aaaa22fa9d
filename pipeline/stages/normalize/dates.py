"""Rules for dates, times, ranges and scores.

Each written form is read the way its own convention says it: a British form the British way ("Thursday 9 May"
is "Thursday the ninth of May", "4-6 March" "the fourth to the sixth of March"), a US form the US way ("March
4-6" is "March fourth to sixth"). Whether "3-2" is a score or a range, "12.30" a time or a price, "0900" a time
or a count, is decided from the words around it (the tables in date_tables.py); a reader that finds no such
sign declines (returns None) and the older, plainer rules in rules.py read the number instead.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Callable, Iterable

from pipeline.stages.normalize import date_tables as t
from pipeline.stages.normalize import numbers as n
from pipeline.stages.normalize.readers import month_name, spell
from pipeline.stages.normalize.rule import Rule, alternation as _alternation
from pipeline.stages.normalize.tables import DAY_ABBREVIATIONS, MONTHS, TIME_ZONES

Match = re.Match[str]


def _cases(words: Iterable[str]) -> set[str]:
    return {form for word in words for form in (word.capitalize(), word.upper(), word.lower())}


_FULL_MONTH = _alternation(_cases(t.MONTH_NAMES))
_SHORT_MONTH = _alternation({w.capitalize() for w in t.MONTH_SHORT_NAMES} | {w.upper() for w in t.MONTH_SHORT_NAMES})
_SHORT_MONTH_LOWER = _alternation(t.MONTH_SHORT_NAMES)


def _month(group: str) -> str:
    """A month name or abbreviation in any case; an abbreviation in lower case needs its period ("jan. 15")."""
    return rf"(?P<{group}>(?:{_FULL_MONTH})\b|(?:{_SHORT_MONTH})\b\.?|(?:{_SHORT_MONTH_LOWER})\.)"


_WEEKDAY = rf"(?:{_alternation(_cases(t.DAY_NAMES))})\b|(?:{_alternation({d.capitalize() for d in t.DAY_SHORT_NAMES})})\b\.?"
_DAY = r"[0-3]?\d"
_SUFFIX = r"(?:st|nd|rd|th)"
_YEAR = r"(?:,?\s(?P<year>(?:1[0-9]|20)\d{2})(?![\w]|[.,:]\d))?"
_HALF = r"[aApP]\.?\s?[mM](?![\w])\.?"
_ZONE = rf"(?:\s(?P<zone>{_alternation(TIME_ZONES)})\b)?"
_ZONES_24 = _alternation(t.TWENTY_FOUR_HOUR_ZONES)
_SPACED_ZONES_24 = _alternation(set(t.TWENTY_FOUR_HOUR_ZONES) - {"ET", "CT", "MT", "PT", "Z", "IST"})
_NOT_AFTER_NUMBER = r"(?<![\w.,$£€¥/:-])"
_CLAUSE_END = re.compile(r"[,;:!?()\"—–]|\.\s")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


# --- context ---------------------------------------------------------------------------------------


def _words_before(match: Match, count: int = 4, *, clause: bool = True) -> list[str]:
    """The last few words before the match, lower case, within its clause."""
    before = match.string[max(0, match.start() - 80):match.start()]
    if clause:
        ends = list(_CLAUSE_END.finditer(before))
        if ends:
            before = before[ends[-1].end():]
    return [word.lower() for word in _WORD.findall(before)][-count:]


def _text_after(match: Match) -> str:
    return match.string[match.end():match.end() + 40]


def _next_word(match: Match) -> str | None:
    """The word right after the match (after spaces only), as written; None when punctuation or nothing follows."""
    found = re.match(r"\s+([A-Za-z][A-Za-z'-]*)", _text_after(match))
    return found.group(1) if found else None


def _sentence_words(match: Match) -> frozenset[str]:
    return _words_of(match.string)


@lru_cache(maxsize=8)
def _words_of(text: str) -> frozenset[str]:
    # Once per sentence: readers of every span in it ask (a str caches its hash, so the lookup is cheap).
    return frozenset(word.lower() for word in _WORD.findall(text))


def _preceded_by_the(match: Match) -> bool:
    return bool(re.search(r"\bthe\s$", match.string[max(0, match.start() - 5):match.start()], re.IGNORECASE))


# --- dates -----------------------------------------------------------------------------------------


def _valid_day(day: str | None) -> bool:
    return day is not None and 1 <= int(day) <= 31


def _lower_ambiguous(month: str, year: str | None) -> bool:
    """"may 15 people": a lower-case month that is also a word is a month only with a year after it."""
    return month.rstrip(".") in t.AMBIGUOUS_LOWER_MONTHS and not year


def _year_part(match: Match) -> str:
    return f", {n.year(int(match['year']))}" if match["year"] else ""


def _british(day: str, month: str, the: bool = True) -> str:
    return f"{'the ' if the else ''}{n.ordinal(int(day))} of {month_name(month)}"


def _weekday(text: str) -> str:
    key = text.rstrip(".").lower()
    return DAY_ABBREVIATIONS.get(key) or key.capitalize()


def weekday_range(match: Match) -> str:
    """"Tuesday-Sunday", "Mon.-Fri." as "Tuesday to Sunday"."""
    return f"{_weekday(match['first'])} to {_weekday(match['second'])}"


def numeric_ymd(match: Match) -> str | None:
    """"2016/07/03", "2016.07.03": year, month, day, read as "July third, twenty sixteen"."""
    month, day = int(match["month"]), int(match["day"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{MONTHS[month - 1]} {n.ordinal(day)}, {n.year(int(match['year']))}"


def dotted_dmy(match: Match) -> str | None:
    """"15.01.2020": the European order, day then month, read the British way; "01.15.2020" the other way."""
    first, second, year = int(match["first"]), int(match["second"]), int(match["year"])
    if 1 <= second <= 12 and 1 <= first <= 31:
        return f"the {n.ordinal(first)} of {MONTHS[second - 1]}, {n.year(year)}"
    if 1 <= first <= 12 and 1 <= second <= 31:
        return f"{MONTHS[first - 1]} {n.ordinal(second)}, {n.year(year)}"
    return None


def hyphenated_month_day_year(match: Match) -> str | None:
    """"Jan-15-2020" as "January fifteenth, twenty twenty"; "15-Jan-2020" as "the fifteenth of January, ..."."""
    if match["bday"]:
        return f"{_british(match['bday'], match['bmonth'])}{_year_part(match)}" if _valid_day(match["bday"]) else None
    if not _valid_day(match["day"]):
        return None
    return f"{month_name(match['month'])} {n.ordinal(int(match['day']))}{_year_part(match)}"


def british_day_range(match: Match) -> str | None:
    """"4-6 March", "between 6 and 12 December", "30 June-2 July": each day "the fourth", then "of March"."""
    first, second = int(match["day"]), int(match["day2"])
    if not (1 <= first <= 31 and 1 <= second <= 31) or (match["month1"] is None and first >= second):
        return None
    if _lower_ambiguous(match["month"], match["year"]):
        return None
    joiner = t.RANGE_JOINERS[match["joiner"].strip().lower()]
    the = not _preceded_by_the(match)
    if match["month1"]:
        start = _british(match["day"], match["month1"], the)
    else:
        start = f"{'the ' if the else ''}{n.ordinal(first)}"
    return f"{start} {joiner} {_british(match['day2'], match['month'])}{_year_part(match)}"


def day_month_rule(date_order: str) -> Callable[[Match], str | None]:
    """A reader for "9 May", "Thursday 9 May 2025", "9th of May": the day before the month is the British form,
    read the British way ("the ninth of May") whatever the date order; "May 9" is the American one."""

    def speak(match: Match) -> str | None:
        if not _valid_day(match["day"]) or _lower_ambiguous(match["month"], match["year"]):
            return None
        weekday = f"{_weekday(match['weekday'])}{match['comma'] or ''} " if match["weekday"] else ""
        return f"{weekday}{_british(match['day'], match['month'], not _preceded_by_the(match))}{_year_part(match)}"

    return speak


#: After "Thursday 9" with no month, what may follow for the number to be the day ("on Thursday 9, ...").
_AFTER_WEEKDAY_DAY = re.compile(r"\s*(?:[,.;:!?)]|$)|\s+(?:at|from|until|till|and|or|to|before|after|when)\b")


def weekday_day(match: Match) -> str | None:
    """"Thursday 9" or "Thursday 9th" as "Thursday the ninth" (not "Thursday 9 people")."""
    if not _valid_day(match["day"]):
        return None
    if not match["suffix"] and not _AFTER_WEEKDAY_DAY.match(_text_after(match)):
        return None
    return f"{_weekday(match['weekday'])}{match['comma'] or ''} the {n.ordinal(int(match['day']))}"


def us_day_range(match: Match) -> str | None:
    """"March 4-6, 2023", "Aug. 31-Sept. 2", "Nov. 6 and 12": "March fourth to sixth, twenty twenty-three"."""
    first, second = int(match["day"]), int(match["day2"])
    if not (1 <= first <= 31 and 1 <= second <= 31) or (match["month2"] is None and first >= second):
        return None
    if _lower_ambiguous(match["month"], match["year"]):
        return None
    joiner = t.RANGE_JOINERS[match["joiner"].strip().lower()]
    end_month = f"{month_name(match['month2'])} " if match["month2"] else ""
    return f"{month_name(match['month'])} {n.ordinal(first)} {joiner} {end_month}{n.ordinal(second)}{_year_part(match)}"


def month_day(match: Match) -> str | None:
    """"Oct. 3", "SEPT. 12", "jan. 15", "july 25 2012": month, ordinal day, year; not "Theresa May 10 years
    ago", where a counted noun follows the number."""
    if not _valid_day(match["day"]) or _lower_ambiguous(match["month"], match["year"]):
        return None
    following = re.match(r"\s+([a-z]+)", _text_after(match))
    if not match["year"] and following and (following[1] in t.COUNTED_AFTER_DAY or following[1] in t.QUANTITY_WORDS):
        return None
    return f"{month_name(match['month'])} {n.ordinal(int(match['day']))}{_year_part(match)}"


def month_year(match: Match) -> str | None:
    """"SEPTEMBER 2026", "june 2025": a month and a year in any case."""
    return f"{month_name(match['month'])} {n.year(int(match['year']))}"


# --- clock times -----------------------------------------------------------------------------------


def _minutes(minutes: str | None) -> str:
    if not minutes or int(minutes) == 0:
        return ""
    return f" oh {n.digits(minutes[-1])}" if int(minutes) < 10 else f" {n.cardinal(minutes)}"


def _half(text: str | None) -> str:
    return f" {spell(text[0] + 'm')}" if text else ""


def _zone(match: Match) -> str:
    return f" {TIME_ZONES[match['zone']]}" if match["zone"] else ""


def clock_range(match: Match) -> str | None:
    """"2pm-5pm", "10 a.m.-5 p.m.", "10-11am": "two P M to five P M"."""
    first = n.cardinal(str(int(match["hour"]))) + _minutes(match["minutes"]) + _half(match["half"])
    second = n.cardinal(str(int(match["hour2"]))) + _minutes(match["minutes2"]) + _half(match["half2"])
    return f"{first} to {second}{_zone(match)}"


def clock(match: Match) -> str | None:
    """A time with a.m. or p.m., with or without minutes and seconds: "5:pm", "10:00:00 p.m.", "9.15am"."""
    spoken = n.cardinal(str(int(match["hour"]))) + _minutes(match["minutes"])
    seconds = match["seconds"]
    if seconds and int(seconds):
        spoken += f" and {n.cardinal(str(int(seconds)))} {'second' if int(seconds) == 1 else 'seconds'}"
    return spoken + _half(match["half"]) + _zone(match)


def _four_digit_hour(hour: str) -> str:
    if hour == "00":
        return "zero zero"
    return f"oh {n.digits(hour[1])}" if hour.startswith("0") else n.cardinal(hour)


def _has_time_cue(match: Match) -> bool:
    """A word before the number that makes it a time ("at", "from", "until"), or a time and "to"/"and" before it."""
    before = _words_before(match, 1, clause=False)
    if before and before[-1] in t.TIME_CUES:
        return True
    preceding = match.string[max(0, match.start() - 30):match.start()]
    return bool(re.search(r"(?:\d{1,2}[.:][0-5]\d|\d{4}|[ap]\.?m\.?)\s?(?:-|–|to|and|until|till)\s?$", preceding, re.IGNORECASE))


def _quantity_follows(match: Match) -> bool:
    word = _next_word(match)
    return bool(word and word.lower() in t.QUANTITY_WORDS) or bool(re.match(r"\s?[%°]", _text_after(match)))


def twenty_four_hour(match: Match) -> str | None:
    """"1800GMT", "0900 GMT", "at 0600", "0930hrs": "eighteen hundred G M T", "oh nine hundred G M T"."""
    hour, minutes = match["hour"], match["minutes"]
    minutes_spoken = " hundred" if minutes == "00" else _minutes(minutes)
    spoken = _four_digit_hour(hour) + minutes_spoken
    if match["glued"]:
        glued = match["glued"]
        return f"{spoken} {t.HOURS_WORDS.get(glued) or spell(glued)}"
    if match["zone_after"]:
        return spoken
    if _quantity_follows(match) or not _has_time_cue(match):
        return None
    follower = _next_word(match)
    if hour.startswith("0") or (follower and follower.lower() in t.TIME_FOLLOWERS) \
            or re.match(r"\s+on\s+[A-Z]", _text_after(match)):
        return spoken
    return None


def dotted_time(match: Match) -> str | None:
    """"at 12.30" (British clock time with a dot) as "twelve thirty"; "costs 12.30" or "shares closed at 12.30"
    is left for the number rule."""
    hour, minutes = int(match["hour"]), match["minutes"]
    after = _text_after(match)
    zone_after = re.match(rf"\s?(?:{_ZONES_24})\b", after)
    if not zone_after:
        if _quantity_follows(match) or not _has_time_cue(match):
            return None
        # In a report on prices ("the index closed at 12.30 on Friday") only "local time" makes it a time.
        if _sentence_words(match) & t.MARKET_WORDS and not re.match(r"\s+local\s+time\b", after):
            return None
    if minutes == "00":
        return f"{n.cardinal(str(hour))} o'clock" if 1 <= hour <= 12 else f"{n.cardinal(str(hour))} hundred"
    return n.cardinal(str(hour)) + _minutes(minutes)


# --- seasons and fiscal years ----------------------------------------------------------------------


def season(match: Match) -> str | None:
    """"2019/20" "twenty nineteen twenty", "2003/4" "two thousand three four", "2021-27" "twenty twenty-one to
    twenty-seven", "FY2025-27", "2017-2019": consecutive years abbreviated are a season; other spans have "to"."""
    first, written = int(match["first"]), match["second"]
    if len(written) == 4:
        second = int(written)
    else:
        scale = 10 ** len(written)
        second = first - first % scale + int(written)
        if second <= first:
            second += scale
    if not 0 < second - first <= (t.LONGEST_SPAN if len(written) == 4 else t.LONGEST_SHORT_SPAN):
        return None  # "2019-12" is a year and a month, not a span
    prefix = f"{spell(match['prefix'])} " if match["prefix"] else ""
    if len(written) == 4 or written == "00" or written == "0":
        short = n.year(second)
    elif written.startswith("0"):
        short = f"oh {n.digits(written[1:])}"
    else:
        short = n.cardinal(written)
    joiner = " " if second - first == 1 and len(written) < 4 else " to "
    if joiner == " to " and re.search(r"\bbetween\s$", match.string[max(0, match.start() - 9) : match.start()], re.I):
        joiner = " and "  # "between 1939-45"
    return f"{prefix}{n.year(first)}{joiner}{short}"


# --- sports scores ---------------------------------------------------------------------------------


def _style(match: Match, date_order: str) -> str:
    """How the sentence reads its scores: "tennis", "british" or "american" (SCORE_STYLES)."""
    words = _sentence_words(match)
    if words & t.TENNIS_WORDS:
        return "tennis"
    american = len(words & t.NORTH_AMERICAN_SPORTS_WORDS)
    british = len(words & t.BRITISH_SPORTS_WORDS)
    if american != british:
        return "american" if american > british else "british"
    return "american" if date_order in t.SCORE_TO_ORDERS else "british"


def _score(first: str, second: str, style: str) -> str:
    joiner, zero = t.SCORE_STYLES[style]

    def side(value: str) -> str:
        return zero if int(value) == 0 else n.cardinal(str(int(value)))

    if int(first) == int(second):
        return f"{side(first)} {side(second)}" if int(first) == 0 else f"{side(first)} all"
    return f"{side(first)} {joiner} {side(second)}" if joiner else f"{side(first)} {side(second)}"


def _is_score_context(match: Match) -> bool | None:
    """True for a score, None for a vote tally, False for neither (a range, a quantity)."""
    before = _words_before(match)
    follower = _next_word(match)
    lower = follower.lower() if follower else None
    if set(before) & t.VOTE_WORDS or lower in t.VOTE_WORDS:
        return None
    after = _text_after(match).lower()
    phrase = any(re.match(rf"\s+{re.escape(p)}\b", after) for p in t.SCORE_PHRASES_AFTER)
    if lower and follower[0].islower() and lower not in t.SCORE_FOLLOWERS and lower not in t.SCORE_WORDS_AFTER:
        return False  # "10-15 people", "3-4 goals a game": a range of a quantity
    if before and before[-1] in t.RANGE_WORDS_BEFORE:
        return False
    if set(before) & t.SCORE_WORDS_BEFORE or lower in t.SCORE_WORDS_AFTER or phrase:
        return True
    return bool(_sentence_words(match) & t.SPORTS_WORDS)


def score_rule(date_order: str) -> Callable[[Match], str | None]:
    """A reader for "won 3-2", "a 2-1 win", "at 3-3", "voted 7-4": a score or a tally when the words around say so."""

    def speak(match: Match) -> str | None:
        context = _is_score_context(match)
        if context is None:
            return f"{n.cardinal(match['first'])} to {n.cardinal(match['second'])}"
        if not context:
            return None
        return _score(match["first"], match["second"], _style(match, date_order))

    return speak


_SET = re.compile(r"(?P<first>\d{1,2})[-–](?P<second>\d{1,2})(?:\s?\((?P<tb>\d{1,2})(?:[-/–](?P<tb2>\d{1,2}))?\))?")


def _tennis_set(first: int, second: int) -> bool:
    high, low = max(first, second), min(first, second)
    return (high == 6 and low <= 4) or (high == 7 and low in (5, 6))


def _set(first: str, second: str) -> str:
    """A set or a tie-break as a pair; 0 is "love" ("six love")."""
    return " ".join("love" if int(side) == 0 else n.cardinal(str(int(side))) for side in (first, second))


def set_scores_rule(date_order: str) -> Callable[[Match], str | None]:
    """A reader for tennis sets, "6-2 6-7 (3/7) 6-4": "six two, six seven, three seven, six four" (the tie-break
    in brackets is read as its own pair, the way a newsreader reads the bracket aloud)."""

    def speak(match: Match) -> str | None:
        sets = list(_SET.finditer(match.group(0)))
        tie_breaks = any(s["tb"] for s in sets)
        if len(sets) < 2 and not tie_breaks:
            return None
        tennis = all(_tennis_set(int(s["first"]), int(s["second"])) for s in sets)
        if not (tie_breaks or tennis or _is_score_context(match)):
            return None
        parts = []
        for found in sets:
            parts.append(_set(found["first"], found["second"]))
            if found["tb2"]:  # "(3/7)": the tie-break's points, as written
                parts.append(_set(found["tb"], found["tb2"]))
            elif found["tb"]:  # "(5)": the loser's points; the winner took seven, or two more past six all
                low = int(found["tb"])
                parts.append(_set(str(max(7, low + 2)), str(low)))
        return ", ".join(parts)

    return speak


# --- fractions and slash pairs ---------------------------------------------------------------------


def _is_fraction(match: Match) -> bool:
    top, bottom = int(match["top"]), int(match["bottom"])
    if match["suffix"]:
        return bottom > 0
    word = _next_word(match)
    return 0 < top < bottom and (bottom in t.FRACTION_DENOMINATORS or (word or "").lower() == "of")


def slash_fraction(match: Match) -> str | None:
    """"2/3rds", "1/3rd", "2/3 of voters": a fraction."""
    return n.fraction(int(match["top"]), int(match["bottom"])) if _is_fraction(match) else None


def slash_date(match: Match) -> str | None:
    """"9/11", "7/7": a month and day named by their numbers, "nine eleven"."""
    if _is_fraction(match) or match["suffix"]:
        return None
    top, bottom = int(match["top"]), int(match["bottom"])
    if not (1 <= top <= 12 and 1 <= bottom <= 31) or match["top"].startswith("0"):
        return None
    return f"{n.cardinal(match['top'])} {n.cardinal(match['bottom'])}"


# --- the rules -------------------------------------------------------------------------------------


def rules(date_order: str = "mdy") -> tuple[Rule, ...]:
    """The date, time, range and score rules; they run after the contact rules and before all others."""
    r = re.compile
    day_range_joiner = r"(?P<joiner>\s?[-–]\s?|\s(?:to|and|or|until|till|through|thru|&)\s)"
    pair = rf"{_NOT_AFTER_NUMBER}(?P<first>\d{{1,3}})\s?[-–]\s?(?P<second>\d{{1,3}})(?![\w%°-]|[.,/]\d)"
    tennis_set = r"\d{1,2}[-–]\d{1,2}(?:\s?\(\d{1,2}(?:[-/–]\d{1,2})?\))?"
    return (
        Rule("weekday range", "date", r(rf"\b(?P<first>{_WEEKDAY})\s?[-–]\s?(?P<second>{_WEEKDAY})"), weekday_range),
        Rule("numeric date ymd", "date",
             r(r"(?<![\w.,/-])(?P<year>(?:1[89]|20)\d{2})(?P<sep>[/.])(?P<month>[01]?\d)(?P=sep)(?P<day>[0-3]?\d)(?![\w/]|[.,]\d)"),
             numeric_ymd),
        Rule("dotted date", "date",
             r(r"(?<![\w.,/-])(?P<first>[0-3]?\d)\.(?P<second>[0-3]?\d)\.(?P<year>(?:1[89]|20)\d{2})(?![\w]|[.,]\d)"),
             dotted_dmy),
        Rule("hyphenated date", "date",
             r(rf"\b(?:{_month('month')}[-–/](?P<day>{_DAY})|(?P<bday>{_DAY})[-–/]{_month('bmonth')})[-–/](?P<year>(?:1[89]|20)\d{{2}})\b"),
             hyphenated_month_day_year),
        Rule("day range month", "date",
             r(rf"(?<![\w.,/$£€-])(?P<day>{_DAY}){_SUFFIX}?(?:\s(?:of\s)?{_month('month1')})?{day_range_joiner}"
               rf"(?P<day2>{_DAY}){_SUFFIX}?\s(?:of\s)?{_month('month')}{_YEAR}"),
             british_day_range),
        Rule("day month", "date",
             r(rf"(?:\b(?P<weekday>{_WEEKDAY})(?P<comma>,)?\s)?(?<![\w.,/$£€-])(?P<day>{_DAY}){_SUFFIX}?\s(?P<of>of\s)?{_month('month')}{_YEAR}"),
             day_month_rule(date_order)),
        Rule("weekday day", "date",
             r(rf"\b(?P<weekday>{_WEEKDAY})(?P<comma>,)?\s(?P<day>{_DAY})(?P<suffix>{_SUFFIX})?\b"), weekday_day),
        Rule("month day range", "date",
             r(rf"\b{_month('month')}\s(?P<day>{_DAY}){_SUFFIX}?{day_range_joiner}(?:{_month('month2')}\s)?"
               rf"(?P<day2>{_DAY}){_SUFFIX}?\b{_YEAR}"),
             us_day_range),
        Rule("month day", "date", r(rf"\b{_month('month')}\s(?P<day>{_DAY}){_SUFFIX}?\b{_YEAR}"), month_day),
        Rule("month year", "date", r(rf"\b{_month('month')}\s(?P<year>(?:1[0-9]|20)\d{{2}})\b"), month_year),
        Rule("clock range", "time",
             r(rf"{_NOT_AFTER_NUMBER}(?P<hour>1[0-2]|0?[1-9])(?:[:.](?P<minutes>[0-5]\d))?(?:\s?(?P<half>[aApP])\.?\s?[mM]\b\.?)?"
               rf"\s?[-–]\s?(?P<hour2>1[0-2]|0?[1-9])(?:[:.](?P<minutes2>[0-5]\d))?\s?(?P<half2>[aApP])\.?\s?[mM](?!\w)\.?{_ZONE}"),
             clock_range),
        Rule("clock", "time",
             r(rf"{_NOT_AFTER_NUMBER}(?P<hour>[01]?\d)(?:[:.](?P<minutes>[0-5]\d)(?::(?P<seconds>[0-5]\d))?)?:?\s?(?P<half>[aApP])\.?\s?[mM](?!\w)\.?{_ZONE}"),
             clock),
        Rule("twenty-four hour time", "time",
             r(rf"{_NOT_AFTER_NUMBER}(?P<hour>[01]\d|2[0-3])(?P<minutes>[0-5]\d)"
               rf"(?:(?P<glued>{_ZONES_24}|hrs|h)\b|(?=(?P<zone_after>\s(?:{_SPACED_ZONES_24})\b)))?(?![\d.,]\d|\w)"),
             twenty_four_hour),
        Rule("dotted time", "time",
             r(rf"{_NOT_AFTER_NUMBER}(?P<hour>[01]?\d|2[0-3])\.(?P<minutes>[0-5]\d)(?![\w%]|[.,]\d|\s?{_HALF})"), dotted_time),
        Rule("season", "date",
             r(rf"(?<![\w.,$£€/-])(?:(?P<prefix>{_alternation(t.FISCAL_PREFIXES)})\s?)?(?P<first>(?:1[89]|20)\d{{2}})\s?[-–/]\s?"
               rf"(?P<second>(?:1[89]|20)\d{{2}}|\d{{1,2}})(?![\w/]|[-–.,]\d)"),
             season),
        Rule("set scores", "score", r(rf"(?<![\w.,/-]){tennis_set}(?:,?\s{tennis_set})*(?![\w%-]|[.,]\d)"),
             set_scores_rule(date_order)),
        Rule("score", "score", r(pair), score_rule(date_order)),
        Rule("slash fraction", "fraction",
             r(rf"(?<![\w/.,-])(?P<top>\d{{1,3}})/(?P<bottom>\d{{1,3}})(?P<suffix>{_alternation(t.FRACTION_SUFFIXES)})?(?![\w/]|[.,]\d)"),
             slash_fraction),
        Rule("slash date", "date",
             r(r"(?<![\w/.,-])(?P<top>\d{1,2})/(?P<bottom>\d{1,2})(?P<suffix>)(?![\w/]|[.,]\d)"), slash_date),
    )
