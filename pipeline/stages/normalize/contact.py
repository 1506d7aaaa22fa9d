"""Rules for contact details and places: phone numbers, e-mail and web addresses, IP addresses, postal addresses.

Most readings here depend on the words around a match: "St." is "Street" after a name ("Queen St.") but
"Saint" before one ("St. Anne"); a five-digit number is a ZIP code only after a state; "8876" is read digit by
digit only after "card ending in". Patterns match the written span; readers look at `match.string` for the
context and return None where it is not their case, so the older rules get their turn.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.stages.normalize import numbers as n
from pipeline.stages.normalize import readers as read
from pipeline.stages.normalize.contact_tables import (
    ADDRESS_NAMES,
    AMBIGUOUS_SUFFIXES,
    CAPITAL_SUFFIXES,
    COMPASS,
    COMPASS_PLACE_WORDS,
    COMPASS_PLACES,
    COMPASS_WORDS,
    COUNTRY_TLDS,
    DOTTED_REGIONS,
    ENDING_NOUNS,
    LEAD_WORDS,
    POSTAL_CODES,
    ROUND_AREA_CODES,
    ROUTE_SUFFIXES,
    SHORT_WORDS,
    STATE_NAMES,
    STREET_SUFFIXES,
    STREET_WORDS,
    WORD_TLDS,
)
from pipeline.stages.normalize.rule import Rule, alternation as _alternation
from pipeline.stages.normalize.tables import ABBREVIATIONS, ADDRESS_WORDS
from pipeline.stages.normalize.words import english_words, is_english_word


_SUFFIX = _alternation(set(STREET_SUFFIXES) | CAPITAL_SUFFIXES)
_COMPASS = _alternation(COMPASS)
#: A word of a street's name: "Queen", "O'Connor", "St.", "1st".
_NAME_WORD = r"(?:\d{1,3}(?:st|nd|rd|th)|[A-Z][\w'’-]*\.?)"
#: A street's name and its type ahead of a match: " Harbor Ave", " 1st St", " St. Clair Ave".
_STREET_AHEAD = rf"\s{_NAME_WORD}(?:\s{_NAME_WORD}){{0,3}}\s(?:{_SUFFIX}|{_alternation(STREET_WORDS)})(?!\w)"


# --- web and e-mail addresses ----------------------------------------------------------------------

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_TLD = _alternation(set(WORD_TLDS) | COUNTRY_TLDS)
_PATH = r"(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)])?/?"
_EMAIL = rf"(?<![\w.+-])[A-Za-z0-9](?:[\w.+-]*[\w+-])?@{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,}}(?![\w-])"
_WEB = (rf"(?<![\w.@/-])(?:(?:https?://|www\.){_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,}}"
        rf"|{_LABEL}(?:\.{_LABEL})*\.(?:{_TLD}))(?![\w@-]|\.\w){_PATH}")


@lru_cache(maxsize=4096)
def segment(name: str) -> tuple[str, ...] | None:
    """A run of letters cut into the fewest English words, longer words first ("baystatepower": bay state power).

    Words are CMUdict words of four letters or more, or common short words (SHORT_WORDS); None when no cut
    into two or more words exists.
    """
    lower = name.lower()
    if len(lower) < 6 or not lower.isalpha():
        return None
    known = english_words()
    # best[i]: (number of words, -sum of squared word lengths, words) for lower[:i]
    best: list[tuple[int, int, tuple[str, ...]] | None] = [None] * (len(lower) + 1)
    best[0] = (0, 0, ())
    for end in range(2, len(lower) + 1):
        for start in range(max(0, end - 24), end - 1):
            previous = best[start]
            if previous is None:
                continue
            word = lower[start:end]
            if not (word in SHORT_WORDS or (len(word) >= 4 and word in known)):
                continue
            candidate = (previous[0] + 1, previous[1] - len(word) ** 2, previous[2] + (word,))
            if best[end] is None or candidate[:2] < best[end][:2]:
                best[end] = candidate
    found = best[len(lower)]
    return found[2] if found is not None and found[0] >= 2 else None


def address_name(part: str, *, top_level: bool = False) -> str:
    """One name between the dots of an address: a word, words run together, a country code or letters."""
    runs = re.findall(r"[^\W_]+", part)
    if runs != [part]:  # stray symbols inside a path ("a*b", "x!"): only letters and digits are read
        return " ".join(address_name(run) for run in runs)
    lower = part.lower()
    if lower in ADDRESS_NAMES:
        return ADDRESS_NAMES[lower]
    if top_level:
        if lower in WORD_TLDS:
            return WORD_TLDS[lower]
        if len(lower) == 2:
            return read.spell(lower)
    if re.search(r"\d", part):
        return " ".join(n.digits(run) if run.isdigit() else address_name(run) for run in re.findall(r"\d+|\D+", part))
    camel = re.findall(r"[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+|[A-Z]", part)
    if len(camel) > 1 and "".join(camel) == part:
        return " ".join(address_name(word) for word in camel)  # "BayStatePower"
    if len(lower) > 2 and is_english_word(lower):
        return lower
    words = segment(lower)
    if words:
        return " ".join(words)
    return read.spell_address(part)  # the older reading: letters if it cannot be a word


def _host(host: str) -> list[str]:
    """The names of a host: "news.bbc.co.uk" is news dot B B C dot co dot U K."""
    labels = host.split(".")
    words = []
    for index, label in enumerate(labels):
        top = index > 0 and (index == len(labels) - 1 or label.lower() in WORD_TLDS or label.lower() in COUNTRY_TLDS)
        words.append(" dash ".join(address_name(part, top_level=top) for part in label.split("-") if part))
    return words


def _path(path: str) -> list[str]:
    words = []
    for part in re.split(r"([./\-_:@?=&#+~%])", path):
        if part in ADDRESS_WORDS:
            words.append(ADDRESS_WORDS[part])
        elif part:
            words.append(address_name(part))
    return words


def speak_address(text: str) -> str:
    """An e-mail or web address, separators as words and each name as address_name reads it."""
    text = re.sub(r"^https?://", "", text, flags=re.IGNORECASE).rstrip("/")
    local, at, text = text.rpartition("@")
    host_end = min([index for index in (text.find(c) for c in "/?#") if index != -1] + [len(text)])
    host, path = text[:host_end], text[host_end:]
    words = (_path(local) + ["at"]) if at else []
    words.append(" dot ".join(_host(host)))
    return " ".join(words + _path(path))


def _address(match: re.Match[str]) -> str:
    return speak_address(match.group(0))


# --- IP addresses, phone numbers, card endings -----------------------------------------------------

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IP = rf"(?<![\w.])(?:{_OCTET}\.){{3}}{_OCTET}(?!\w|\.\d)"


def ip_address(match: re.Match[str]) -> str:
    """"203.0.113.45": two zero three dot zero dot one one three dot four five."""
    return " dot ".join(n.digits(part) for part in match.group(0).split("."))


_EXTENSION = r"(?:,?\s(?:ext\.?|x|extension)\s?(?P<ext>\d{1,5}))?"
_PHONE = (rf"(?<![\w.+-])(?:(?P<plus>\+)?(?P<country>1)[\s.-]?)?(?:\((?P<area>\d{{3}})\)\s?|(?P<area2>\d{{3}})[\s.-])"
          rf"(?P<exchange>\d{{3}})[\s.-](?P<line>\d{{4}})(?![\w-]|[.,]\d){_EXTENSION}(?!\w)")
_LOCAL_PHONE = rf"(?<![\w.,$+-])(?P<exchange>[2-9]\d{{2}})-(?P<line>\d{{4}})(?![\w-]|[.,]\d){_EXTENSION}(?!\w)"
_PHONE_CONTEXT = re.compile(r"\b(?:call|calls|calling|phone|telephone|tel|dial|dialing|dialling|line|hotline|"
                            r"helpline|fax|text|tel\.|contact)\W{0,3}$", re.IGNORECASE)


def _extension(match: re.Match[str]) -> str:
    return f", extension {n.digits(match['ext'])}" if match["ext"] else ""


def phone(match: re.Match[str]) -> str:
    """A North American number in its groups: "(800) 555-0199" is "eight hundred, five five five, zero one..."."""
    groups = []
    if match["country"]:
        groups.append(("plus " if match["plus"] else "") + "one")
    area = match["area"] or match["area2"]
    groups.append(ROUND_AREA_CODES.get(area, n.digits(area)))
    groups += [n.digits(match["exchange"]), n.digits(match["line"])]
    return ", ".join(groups) + _extension(match)


def local_phone(match: re.Match[str]) -> str | None:
    """"555-0199" after "call" or "line": a seven-digit number, not a range."""
    if not _PHONE_CONTEXT.search(match.string, 0, match.start()):
        return None
    return f"{n.digits(match['exchange'])}, {n.digits(match['line'])}{_extension(match)}"


_ENDING_CONTEXT = re.compile(
    rf"(?:\b(?:{'|'.join(ENDING_NOUNS)})\b[\w\s'’-]{{0,25}}?\bending(?:\s(?:in|with))?"
    rf"|\blast\s(?:two|three|four|five|six|[2-6])(?:\sdigits)?(?:\s(?:of\s[\w\s'’-]{{1,30}}?|were|are|was|is|being))?"
    rf"|\b(?:card|account|acct\.?)\s(?:number|no\.|#))\s?[:,]?\s$",
    re.IGNORECASE,
)


def card_ending(match: re.Match[str]) -> str | None:
    """"a card ending in 8876", "last four digits 0921": the digits one by one."""
    if not _ENDING_CONTEXT.search(match.string[max(0, match.start() - 80) : match.start()]):
        return None
    return n.digits(match.group(0))


# --- states, ZIP codes, house numbers --------------------------------------------------------------

_AFTER_CITY = re.compile(r"(?:^|[\s(])[A-Z][a-z][\w'’.-]*,\s$")
_ZIP = r"(?<![\w.,$-])\d{5}(?:-\d{4})?(?![\w-]|[.,]\d)"
#: A postal code anywhere ("TX 79512"), a state's name only after "City, " ("Marlow, Texas 79512", not "in Texas 12000").
_BEFORE_ZIP = re.compile(rf"(?:(?:^|[\s,])(?:{_alternation(POSTAL_CODES)})|,\s(?:{_alternation(STATE_NAMES)})),?\s$")


def zip_code(match: re.Match[str]) -> str | None:
    """A ZIP code after a state ("Texas 79512", "OR 97031"): digit by digit."""
    if not _BEFORE_ZIP.search(match.string[max(0, match.start() - 30) : match.start()]):
        return None
    return ", ".join(n.digits(part) for part in match.group(0).split("-"))


def state(match: re.Match[str]) -> str | None:
    """A postal code after "City, " and before a ZIP code or the end of a clause: "Caldwell, OR 97031"."""
    code = match["code"]
    if not _AFTER_CITY.search(match.string[max(0, match.start() - 40) : match.start()]):
        return None
    if code in POSTAL_CODES:
        return POSTAL_CODES[code]
    return DOTTED_REGIONS.get(code)


def house_number(text: str) -> str:
    """A building number: up to three digits as a number, four in pairs ("1420" fourteen twenty), more digits."""
    if text.startswith("0") or len(text) > 4:
        return n.digits(text)
    if len(text) < 4:
        return n.cardinal(text)
    high, low = text[:2], text[2:]
    if low == "00":
        return n.cardinal(text) if text[1] == "0" else f"{n.cardinal(high)} hundred"
    if low.startswith("0"):
        return f"{n.cardinal(high)} oh {n.digits(low[1])}"
    return f"{n.cardinal(high)} {n.cardinal(low)}"


def _house_number(match: re.Match[str]) -> str:
    return house_number(match.group(0))


# --- streets and compass points --------------------------------------------------------------------

#: A word a street's name may end with: "Queen", "Bridger's", "8th", "MAIN".
_PREVIOUS_NAME = re.compile(r"(?:^|[^\w'’.-])(?:[A-Z][\w'’-]*\.?|\d+(?:st|nd|rd|th)?)\s$")
#: A capitalized name after "St."/"Dr.": then it is a saint or a doctor, unless the name is a direction.
_NAME_AFTER = re.compile(r"\s(?P<word>[A-Z][\w'’-]*)")


def _followed_by_name(match: re.Match[str]) -> bool:
    after = _NAME_AFTER.match(match.string, match.end())
    if not after:
        return False
    word = after["word"]
    return word not in COMPASS_WORDS and word not in COMPASS and word.rstrip("'’s") not in COMPASS_WORDS


def _ordinal_name(word: str) -> str:
    number = re.fullmatch(r"(\d+)(st|nd|rd|th)", word)
    return n.ordinal(int(number[1])) if number else word


#: Titles and other abbreviations written without their period ("Mr St John"): not a street's name.
_NOT_NAMES = frozenset(key[:-1] for key in ABBREVIATIONS if key.endswith(".") and key[:-1].isalpha())


def street_after_name(match: re.Match[str]) -> str | None:
    """"Queen St.", "8th St. E.", "Raymond St. Pierre": a street after a name, a saint before one."""
    if match["name"] in _NOT_NAMES:  # "Mr St John", "Mt St Helens": the title's word, then a saint
        return f"{ABBREVIATIONS[match['name'] + '.']} Saint" if _followed_by_name(match) else None
    if _followed_by_name(match):
        return f"{_ordinal_name(match['name'])} Saint"
    return f"{_ordinal_name(match['name'])} Street"


def saint(match: re.Match[str]) -> str | None:
    """"St Wilfrid's Close", "ST. JOHN'S": Saint before a name."""
    after = _NAME_AFTER.match(match.string, match.end())
    if not after or not _followed_by_name(match):
        return None
    if match.group(0).isupper() and not after["word"].isupper():
        return None  # "ST Louis"? capitals only go with capitals (a dateline)
    return "Saint"


def street_suffix(match: re.Match[str]) -> str | None:
    """"Eglinton Ave.", "Sunset Dr", "Hwy 401": a street type after a street's name (or a route before a number)."""
    abbr = match["abbr"]
    key = abbr if abbr in STREET_SUFFIXES else abbr.capitalize()
    spoken = STREET_SUFFIXES[key]
    if key in ROUTE_SUFFIXES and re.match(r"\s?\d", match.string[match.end() : match.end() + 8]):
        return spoken
    if not _PREVIOUS_NAME.search(match.string[max(0, match.start() - 40) : match.start()]):
        return None
    if key in AMBIGUOUS_SUFFIXES and _followed_by_name(match):
        return None
    return spoken


_AFTER_STREET = re.compile(rf"\b(?:(?:{_SUFFIX})\.?|{_alternation(STREET_WORDS)})\s$")


def trailing_compass(match: re.Match[str]) -> str | None:
    """"Queen St. W.", "Main St. SE": the direction after a street type."""
    if not _AFTER_STREET.search(match.string[max(0, match.start() - 20) : match.start()]):
        return None
    return COMPASS[match["dir"]]


_BEFORE_COMPASS = re.compile(r"(?:^|[\s(\"'])(?P<word>[A-Za-z][\w'’-]*|\d+)\.?,?\s$")


def leading_compass(match: re.Match[str]) -> str | None:
    """"400 N. 1st St.", "along SE Bridger Ave.": the direction before a street's name.

    Not after a given name: "John W. Carpenter Fwy" is a man's name.
    """
    before = _BEFORE_COMPASS.search(match.string[max(0, match.start() - 40) : match.start()])
    if before and before["word"][0].isupper() and before["word"] not in LEAD_WORDS:
        return None
    return COMPASS[match["dir"]]


def compass_place(match: re.Match[str]) -> str:
    """"S Korea", "N. Ireland" (Northern Ireland), "SE Asia"."""
    return COMPASS_PLACE_WORDS.get((match["dir"], match["place"]), COMPASS[match["dir"]])


# --- Canadian postal codes -------------------------------------------------------------------------


def postal_code(match: re.Match[str]) -> str:
    """"K1A 0B1": letters and digits one by one, in its two halves."""
    return ", ".join(" ".join(read.spell(ch) if ch.isalpha() else n.digits(ch) for ch in half)
                     for half in match.group(0).split())


def rules() -> tuple[Rule, ...]:
    """The contact and address rules, most specific first; they run before every other rule."""
    r = re.compile
    return (
        Rule("email address", "electronic", r(_EMAIL), _address),
        Rule("web address", "electronic", r(_WEB), _address),
        Rule("ip address", "electronic", r(_IP), ip_address),
        Rule("north american phone", "telephone", r(_PHONE), phone),
        Rule("local phone", "telephone", r(_LOCAL_PHONE), local_phone),
        Rule("card ending", "digits", r(r"(?<![\w.,$-])\d{2,8}(?![\w-]|[.,]\d)"), card_ending),
        Rule("zip code", "address", r(_ZIP), zip_code),
        Rule("state after city", "address",
             r(rf"(?P<code>{_alternation(set(POSTAL_CODES) | set(DOTTED_REGIONS))})"
               rf"(?=\s\d{{5}}(?!\d)|\s[A-Z]\d[A-Z]\s\d[A-Z]\d\b|\s?[,;)]|\.?\s*$|\.?\s[—–-]|\s\()"), state),
        Rule("house number", "address",
             r(rf"(?<![\w.,$/:-])\d{{1,5}}(?=(?:\s(?:{_COMPASS})\.?)?{_STREET_AHEAD})"), _house_number),
        Rule("compass place", "address",
             r(rf"(?<![\w.'’-])(?P<dir>{_COMPASS})\.?(?=\s(?P<place>{_alternation(COMPASS_PLACES)})(?!\w))"), compass_place),
        Rule("compass before street", "address",
             r(rf"(?<![\w.'’-])(?P<dir>{_COMPASS})(?:\.|(?!\w))(?={_STREET_AHEAD})"), leading_compass),
        Rule("street after name", "address",
             r(r"(?<![\w'’.-])(?P<name>[A-Z](?:[^\W\d_]|['’-](?=[^\W\d_]))*|\d{1,3}(?:st|nd|rd|th))\s(?P<abbr>St|ST)"
               r"(?:\.|(?!\w))"),
             street_after_name),
        Rule("saint", "abbreviation", r(r"(?<![\w.])(?:St|ST)(?:\.|(?!\w))"), saint),
        Rule("street type", "address", r(rf"(?<![\w.])(?P<abbr>{_SUFFIX})(?:\.|(?!\w))"), street_suffix),
        Rule("compass after street", "address", r(rf"(?<![\w.])(?P<dir>{_COMPASS})(?:\.|(?!\w))"), trailing_compass),
        Rule("canadian postal code", "address",
             r(r"(?<![\w-])[ABCEGHJ-NPRSTVXY]\d[A-Z]\s\d[A-Z]\d(?![\w-])"), postal_code),
    )


__all__ = ["address_name", "house_number", "rules", "segment", "speak_address"]
