"""Number words: cardinals, ordinals, decimals, years, decades, fractions and digit strings (via num2words)."""

from __future__ import annotations

import re

from pipeline.imports import without_package_init
from pipeline.stages.normalize.tables import DIGIT_WORDS, FRACTION_WORDS

_ENGLISH = without_package_init("num2words.lang_EN").Num2Word_EN()  # not every language's converter

#: Longer whole numbers are identifiers, read digit by digit.
MAX_CARDINAL_DIGITS = 15


def num2words(value: int, to: str = "cardinal") -> str:
    """num2words's English reading of a whole number: a cardinal, or with `to="ordinal"` an ordinal."""
    return getattr(_ENGLISH, f"to_{to}")(value)


def _clean(words: str) -> str:
    # num2words writes British "one hundred and one" and commas; American newsreading has neither.
    return words.replace(",", "").replace(" and ", " ")


def digits(text: str) -> str:
    """Read a digit string one digit at a time: "007" is "zero zero seven"."""
    return " ".join(DIGIT_WORDS[int(d)] for d in text if d.isdigit())


def cardinal(text: str) -> str:
    """A whole number, with or without thousands separators or a sign: "-1,200" is "minus one thousand two hundred"."""
    sign = "minus " if text.startswith(("-", "−")) else ""
    number = re.sub(r"[^\d]", "", text)
    if not number:
        return text
    if len(number) > MAX_CARDINAL_DIGITS or (len(number) > 1 and number.startswith("0")):
        return sign + digits(number)
    return sign + _clean(num2words(int(number)))


def decimal(text: str) -> str:
    """A number with a decimal point: "3.14" is "three point one four", ".5" is "point five"."""
    whole, _, fraction = text.partition(".")
    spoken_whole = cardinal(whole) if re.search(r"\d", whole) else ("minus" if whole.startswith("-") else "")
    if not fraction:
        return spoken_whole
    return f"{spoken_whole} point {digits(fraction)}".strip()


def number(text: str) -> str:
    """A cardinal or a decimal, whichever it is."""
    return decimal(text) if "." in text else cardinal(text)


def ordinal(value: int) -> str:
    """An ordinal: 21 is "twenty-first"."""
    return _clean(num2words(value, to="ordinal"))


def year(value: int) -> str:
    """A year as it is read: 1999 "nineteen ninety-nine", 2005 "two thousand five", 2017 "twenty seventeen"."""
    if 2000 <= value <= 2009:
        return _clean(num2words(value))
    if value % 100 == 0 and value % 1000 != 0:
        return f"{_clean(num2words(value // 100))} hundred"
    if 1000 <= value <= 9999 and value % 100 < 10 and value % 1000 != 0:
        return f"{_clean(num2words(value // 100))} oh {DIGIT_WORDS[value % 10]}"
    if 1000 <= value <= 9999:
        return f"{_clean(num2words(value // 100))} {_clean(num2words(value % 100))}"
    return cardinal(str(value))


def decade(value: int) -> str:
    """A decade: 1980 "nineteen eighties", 2000 "two thousands", 1900 "nineteen hundreds", 90 "nineties"."""
    if value < 100:
        return plural(_clean(num2words(value)))
    if value % 1000 == 0:
        return plural(_clean(num2words(value)))
    if value % 100 == 0:
        return f"{_clean(num2words(value // 100))} hundreds"
    return f"{_clean(num2words(value // 100))} {plural(_clean(num2words(value % 100)))}"


def plural(words: str) -> str:
    """The plural of a number word: "twenty" "twenties", "six" "sixes", "thousand" "thousands"."""
    if words.endswith("y"):
        return words[:-1] + "ies"
    if words.endswith(("x", "s")):
        return words + "es"
    return words + "s"


def fraction(numerator: int, denominator: int) -> str:
    """A fraction: 1/2 "one half", 3/4 "three quarters", 5/8 "five eighths"."""
    if denominator == 0:
        return f"{cardinal(str(numerator))} over zero"
    if denominator in FRACTION_WORDS:
        singular, many = FRACTION_WORDS[denominator]
    else:
        singular = ordinal(denominator)
        many = singular + "s"
    return f"{cardinal(str(numerator))} {singular if numerator == 1 else many}"
