"""Rules for money, magnitudes and percentages: "$4.25 to $187.50", "£3.8bn", "$4.5-billion", "120.7m euros",
"50p", "41pc", "US$20/mo"."""

from __future__ import annotations

import re

from pipeline.stages.normalize import numbers as n
from pipeline.stages.normalize.readers import looks_like_noun
from pipeline.stages.normalize.rule import Rule, alternation as _alternation
from pipeline.stages.normalize.tables import (
    COUNT_NOUNS,
    CURRENCIES,
    CURRENCY_WORDS,
    DISTANCE_CONTEXT,
    EXCHANGE_WORDS,
    NOT_A_NOUN,
    RATE_PERIODS,
    SCALE_ABBREVIATIONS,
    SCALES,
)


NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_AMOUNT = rf"(?:{NUMBER}|\.\d+)"
_CURRENCY = _alternation(CURRENCIES)
_SCALE = _alternation(SCALES)
_PER = _alternation(RATE_PERIODS)
#: Words before an amount after which the amount describes a noun ("a $10 fee", "the $410 million mission").
_DETERMINER = r"(?P<article>\b(?:[Aa]n?|[Tt]he|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er|[Oo]ur|[Tt]his|[Tt]hat)\s)?"


def _minor_and_major(amount: str) -> tuple[str, int, int] | None:
    whole, _, fraction = amount.replace(",", "").partition(".")
    if fraction and len(fraction) != 2:
        return None
    return whole or "0", int(whole or 0), int(fraction or 0)


def amount_words(currency: str, amount: str, scale: str | None, british: bool) -> str:
    """One amount of money: "$4.25" four dollars and twenty-five cents, "£3.50" three pounds fifty."""
    singular, plural, cent, cents = CURRENCIES[currency]
    if scale:
        return f"{n.number(amount)} {SCALES[scale]} {plural}"
    parts = _minor_and_major(amount)
    if parts is None:
        return f"{n.decimal(amount)} {plural}"
    whole, major, minor = parts
    if major and minor and british:
        return f"{n.cardinal(whole)} {singular if major == 1 else plural} {n.cardinal(str(minor))}"
    spoken = []
    if major or not minor:
        spoken.append(f"{n.cardinal(whole)} {singular if major == 1 else plural}")
    if minor:
        spoken.append(f"{n.cardinal(str(minor))} {cent if minor == 1 else cents}")
    return " and ".join(spoken)


def money(match: re.Match[str]) -> str:
    """An amount or a range of money, with its scale, an optional rate ("/mo"), as an adjective before a noun."""
    currency, amount, scale = match["currency"], match["amount"], match["scale"]
    upper, scale2 = match["upper"], match["scale2"]
    british = currency in ("£",)
    if upper is None:
        spoken = amount_words(currency, amount, scale, british)
    elif match["currency2"] or (not scale and not scale2 and ("." in amount or "." in upper)):
        spoken = f"{amount_words(currency, amount, scale or None, british)} to " \
                 f"{amount_words(match['currency2'] or currency, upper, scale2 or None, british)}"
    else:
        scale_word = f" {SCALES[scale2 or scale]}" if (scale2 or scale) else ""
        low_scale = f" {SCALES[scale]}" if scale and scale2 and scale != scale2 else ""
        spoken = f"{n.number(amount)}{low_scale} to {n.number(upper)}{scale_word} {CURRENCIES[currency][1]}"
    if match["per"]:
        return f"{match['article'] or ''}{spoken} {RATE_PERIODS[match['per']]}"
    article, following = match["article"], match["next"]
    hyphenated = bool(match["scale"]) and match.string[match.start("scale") - 1] == "-"
    if upper is None and following in EXCHANGE_WORDS and not scale:
        return (article or "") + f"{n.decimal(amount)} {CURRENCIES[currency][1]}"  # "$1.24 against the euro"
    # Headlines drop their articles ("Police seize $1.2M jewelry haul"): read them as if the article were there.
    headline = not re.search(r"[.!?][\"')\]]*\s*$", match.string[-8:])
    if (article or hyphenated or headline) and following and looks_like_noun(following) \
            and following not in CURRENCY_WORDS:
        # "the $410 million mission": the amount describes the noun, so its currency is singular.
        singular, plural = CURRENCIES[match["currency2"] or currency][:2]
        if spoken.endswith(plural):
            spoken = spoken[: -len(plural)] + singular
    return (article or "") + spoken


def magnitude(match: re.Match[str]) -> str | None:
    """A number with a written scale and no currency sign: "1.45bn euros", "3.4m users", "40k"; "10m from"
    is a distance and is left to the measure rule."""
    scale, following = match["scale"], (match["next"] or "").lower()
    if scale == "m":
        decimal = "." in match["amount"]
        if following in DISTANCE_CONTEXT:
            return None
        if not (following in CURRENCY_WORDS or following in COUNT_NOUNS or (decimal and following not in NOT_A_NOUN)
                or (following.endswith("s") and following not in NOT_A_NOUN)):
            return None
    if scale in ("k", "K") and following in ("run", "race", "walk", "swim", "ride"):
        return None  # "a 5k run" is "five K"
    upper = f" to {n.number(match['upper'])}" if match["upper"] else ""
    return f"{n.number(match['amount'])}{upper} {SCALES[scale]}"


def pence(match: re.Match[str]) -> str:
    """"50p" as fifty pence, "1p" one penny."""
    return f"{n.number(match['amount'])} {'penny' if match['amount'] == '1' else 'pence'}"


def cents(match: re.Match[str]) -> str:
    """"50¢" as "fifty cents"."""
    return f"{n.number(match['amount'])} {'cent' if match['amount'] == '1' else 'cents'}"


def percent(match: re.Match[str]) -> str:
    """A percentage or a range of them: "41pc", "5-6%", "95 per cent"."""
    upper = f" to {n.number(match['upper'])}" if match["upper"] else ""
    return f"{n.number(match['amount'])}{upper} percent"


def rate(match: re.Match[str]) -> str:
    """A number per something with no currency: "12/kg" twelve per kilogram, "3/wk" three a week."""
    return f"{n.number(match['amount'])} {RATE_PERIODS[match['per']]}"


def rules() -> tuple[Rule, ...]:
    """The money rules, in the order they run."""
    r = re.compile
    scale = rf"(?:(?:\s|-)?(?P<scale>{_SCALE})\b)?"
    scale2 = rf"(?:(?:\s|-)?(?P<scale2>{_SCALE})\b)?"
    return (
        Rule("money", "money", r(
            rf"{_DETERMINER}(?<![\w$])(?P<currency>{_CURRENCY})\s?(?P<amount>{_AMOUNT}){scale}"
            rf"(?:\s?(?:-|–|to)\s?(?P<currency2>{_CURRENCY})?\s?(?P<upper>{NUMBER}){scale2})?"
            rf"(?:/(?P<per>{_PER})\b)?(?:(?=\s(?P<next>[A-Za-z]+)))?"), money),
        Rule("cents", "money", r(rf"(?<![\w.])(?P<amount>{NUMBER})\s?¢"), cents),
        Rule("pence", "money", r(r"(?<![\w.£$€])(?P<amount>\d+(?:\.\d)?)p\b(?!\.\w)"), pence),
        Rule("percent", "measure", r(
            rf"(?P<amount>(?<![\w.])-?{NUMBER})(?:(?:%?\s?[-–]|\s?to)\s?(?P<upper>{NUMBER}))?"
            r"(?:\s?%|(?i:pc)\b|\s?(?i:per\s?cent)\b)"), percent),
        Rule("rate", "measure", r(rf"(?<![\w./])(?P<amount>{NUMBER})/(?P<per>{_PER})\b(?!/)"), rate),
        Rule("magnitude", "cardinal", r(
            rf"(?<![\w.$£€¥])(?P<amount>{NUMBER})(?:\s?(?:-|–|to)\s?(?P<upper>{NUMBER}))?\s?"
            rf"(?P<scale>{_alternation(SCALE_ABBREVIATIONS)})(?![\w/²])(?:(?=\s+(?P<next>[A-Za-z]+)))?"), magnitude),
    )
