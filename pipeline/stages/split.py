"""Split paragraphs into sentences: nltk Punkt gives the default decision, news-copy rules correct it."""

from __future__ import annotations

import re
import string
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pipeline.imports import without_package_init

_punkt_module = without_package_init("nltk.tokenize.punkt")  # not all of nltk
PunktParameters = _punkt_module.PunktParameters
PunktSentenceTokenizer = _punkt_module.PunktSentenceTokenizer

ABBREVIATIONS_FILE = Path(__file__).resolve().parents[1] / "data" / "abbreviations.txt"
ABBREVIATION_KINDS = frozenset({"", "title", "number", "time", "place"})
#: A bracket pair spanning more tokens than this is taken as stray punctuation, not an aside.
MAX_PARENTHETICAL_TOKENS = 60
#: Punkt reads a paragraph at most this many characters at a time: nltk abandons any regular-expression scan
#: that runs over a few seconds (its ReDoS guard raises TimeoutError), and a megabyte-long paragraph takes that.
PUNKT_WINDOW_CHARS = 10_000
#: Tokens on either side of a window that Punkt also reads, so decisions at its edges see their neighbours.
PUNKT_CONTEXT_TOKENS = 3

#: Words that typically open a sentence: after an abbreviation or an initial they start a new one.
SENTENCE_OPENERS = frozenset("""
a an the this that these those there here it its he she they we i you his her their our my your
but and or so yet nor for if as when while after before since although though because until unless
in on at by from with without about among during despite over into through according what who why
how where which whose whether however meanwhile still also then now later instead nonetheless
moreover thus yes no not is are was were do does did can could will would should might must has
have had all some many most both each every either neither one two three another other such few
several only even just last today yesterday earlier elsewhere overall indeed perhaps otherwise
nevertheless nobody everyone everybody someone somebody anyone nothing everything something none
it's he's she's that's there's what's i'm we're they're you're don't didn't can't won't let's
""".split())

#: Capitalized words that carry a time of day on in the same sentence ("5 p.m. Monday").
TIME_CONTINUATIONS = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
et est edt ct cst cdt mt mst mdt pt pst pdt akst hst gmt utc bst cet cest
eastern central mountain pacific atlantic local
""".split())

#: Prepositions that open a fronted time phrase: "At 5 a.m. Mr. Smith left." is one sentence.
TIME_PREPOSITIONS = frozenset("at by after before around until since from about near".split())

#: Verbs of a quote's attribution: '"Why now?" Smith asked.' is one sentence.
SPEECH_VERBS = frozenset("""
said says asked asks told added adds replied replies shouted yelled cried screamed whispered wrote
writes tweeted posted exclaimed answered argued warned declared insisted recalled explained continued
noted demanded wondered
""".split())

_OPENING = "([{\"'“‘«"
_CLOSING = ")]}\"'”’»"
_QUOTES = "\"'”’»"
_BRACKET_PAIRS = {")": "(", "]": "[", "}": "{"}
_BULLETS = "•▪◦‣⁃∙"
_ROMAN_NUMERALS = "i ii iii iv v vi vii viii ix x xi xii xiii xiv xv xvi xvii xviii xix xx".split()
_ABBREVIATION_LIKE = frozenset({"abbreviation", "time", "number", "initial", "acronym", "place"})
#: Capitalized words that go on from a state or province: "Conn. Ave.", "N.Y. State".
PLACE_CONTINUATIONS = frozenset("ave avenue st street rd road blvd hwy highway state city county".split())

_ITEM_MARKER = re.compile(rf"^[{_BULLETS}]?(?:\((\w{{1,4}})\)|\[(\w{{1,4}})\]|(\w{{1,4}})(?:\.\)|[.)]))$")
_BRACKETED_OMISSION = re.compile(r"[\[(](?:\.\.\.|…)[\])]")
_INITIAL = re.compile(r"^[^\W\d_]$")
_DOTTED_ACRONYM = re.compile(r"^(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}$")
_OPENER_WORD = re.compile(r"^[^\W\d_]+(?:'[^\W\d_]+)?")
_SENTENCE_ADVERB = re.compile(r"^[A-Z][a-z]{3,}ly,$")  # "Previously," "Separately,"
_CAMEL_CASE = re.compile(r"^[a-z]+[A-Z]")  # "iPhone sales rose." starts a sentence
_NUMBER_START = re.compile(r"^[$€£¥#]?\d")
_YEAR = re.compile(r"^\(?\d{4}\)?,?$")
_STREET_AFTER_COMPASS = re.compile(r"^(?:\d+(?:st|nd|rd|th)\b|[A-Z][a-z]+$)")


def load_abbreviations(path: Path = ABBREVIATIONS_FILE) -> frozenset[str]:
    """Read the abbreviation table: one lowercase abbreviation per line, `#` starts a comment."""
    return frozenset(_read_abbreviation_table(path))


def _read_abbreviation_table(path: Path) -> dict[str, str]:
    table = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        fields = line.split("#", 1)[0].split()
        kind = fields[1] if len(fields) > 1 else ""
        if len(fields) > 2 or kind not in ABBREVIATION_KINDS:
            raise ValueError(f"{path}:{number}: expected 'abbreviation [kind]', got {line!r}")
        if fields:
            table[fields[0].lower().rstrip(".")] = kind
    return table


@lru_cache(maxsize=1)
def _abbreviation_kinds() -> dict[str, str]:
    return _read_abbreviation_table(ABBREVIATIONS_FILE)


@lru_cache(maxsize=1)
def _punkt() -> PunktSentenceTokenizer:
    params = PunktParameters()
    # "no" is an abbreviation only before a number, so Punkt must keep ending sentences at "no."
    params.abbrev_types = {abbr for abbr, kind in _abbreviation_kinds().items() if kind != "number"}
    params.sent_starters = set(SENTENCE_OPENERS)
    return PunktSentenceTokenizer(params)


def split_sentences(paragraph: str) -> tuple[str, ...]:
    """Split one single-line paragraph into sentences; joined with spaces they give the paragraph back."""
    matches = list(re.finditer(r"\S+", paragraph))
    if not matches:
        return ()
    text = _Paragraph([m.group() for m in matches], _punkt_starts(paragraph, [m.span() for m in matches]))
    sentences, current = [], [text.tokens[0]]
    for gap in range(len(text.tokens) - 1):
        if text.decide(gap):
            sentences.append(" ".join(current))
            current = []
        current.append(text.tokens[gap + 1])
    return (*sentences, " ".join(current))


def _punkt_starts(paragraph: str, spans: list[tuple[int, int]]) -> list[bool]:
    """Whether Punkt starts a sentence at each token, read window by window (its decisions are local)."""
    starts = [False] * len(spans)
    first = 0
    while first < len(spans):
        end = first + 1
        while end < len(spans) and spans[end][1] - spans[first][0] <= PUNKT_WINDOW_CHARS:
            end += 1
        # A paragraph that fits in one window is read whole, exactly as given.
        offset = spans[first - PUNKT_CONTEXT_TOKENS][0] if first > PUNKT_CONTEXT_TOKENS else 0
        stop = spans[end + PUNKT_CONTEXT_TOKENS - 1][1] if end + PUNKT_CONTEXT_TOKENS < len(spans) else len(paragraph)
        found = {offset + start for start, _ in _punkt().span_tokenize(paragraph[offset:stop])}
        starts[first:end] = [spans[index][0] in found for index in range(first, end)]
        first = end
    return starts


def split_paragraphs(paragraphs: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """Split each paragraph into sentences."""
    return tuple(split_sentences(paragraph) for paragraph in paragraphs)


class _Paragraph:
    """Tokens of one paragraph, how each may end or begin a sentence, and the decisions so far."""

    def __init__(self, tokens: list[str], punkt_starts: list[bool]):
        self.tokens = tokens
        self.punkt_starts = punkt_starts
        self.starts = [True] + [False] * (len(tokens) - 1)
        self.ends = [_sentence_end(tokens, index, _abbreviation_kinds()) for index in range(len(tokens))]
        self.markers = [_item_marker(token) for token in tokens]
        # Only a word after sentence-final punctuation or a list marker can open a sentence.
        self.beginnings = [None] + [
            _word_beginning(token) if self.ends[index] != "none" or self.markers[index + 1] else None
            for index, token in enumerate(tokens[1:])
        ]
        self.brackets = _enclosing_brackets(tokens)
        # For each token, where the run of list markers and bullets just before it begins (itself when none is).
        self.marker_runs = list(range(len(tokens)))
        for index in range(1, len(tokens)):
            if self.markers[index - 1] or tokens[index - 1] in _BULLETS:
                self.marker_runs[index] = self.marker_runs[index - 1]
        # Gaps are decided in order, so the sentence in progress is known without looking back through it.
        self.sentence = 0

    def decide(self, gap: int) -> bool:
        verdict = next((v for v in (rule(self, gap) for rule in _RULES) if v is not None), None)
        self.starts[gap + 1] = self.punkt_starts[gap + 1] if verdict is None else verdict
        if self.starts[gap + 1]:
            self.sentence = gap + 1
        return self.starts[gap + 1]


def _sentence_end(tokens: list[str], index: int, kinds: dict[str, str]) -> str:
    """How the token may end a sentence: "none", "exclaim", "ellipsis", "word", "unit", or an
    abbreviation kind, "initial" or "acronym" (which end one only before certain words)."""
    core = _BRACKETED_OMISSION.sub("", tokens[index]).rstrip(_CLOSING).lstrip(_OPENING)
    if not core or core[-1] not in ".!?…":
        return "none"
    if core[-1] in "!?":
        return "exclaim"
    if core in (".", "...", "…"):
        return _free_standing_dots(tokens, index)
    if core.endswith(("..", "…")):
        return "ellipsis"  # also "in the U.S.." where the sentence period follows an abbreviation
    stem = core[:-1]
    kind = kinds.get(stem.lower(), kinds.get(stem.lower().rsplit("-", 1)[-1]))  # "Lt.-Col."
    if kind == "title":
        return "none" if stem[0].isupper() else "abbreviation"  # "Rep. Smith" but "a sales rep."
    if kind is not None:
        return kind or "abbreviation"
    if _INITIAL.match(stem):
        # "40 C." is a unit, which ends sentences like any word (Punkt takes it for an initial);
        # a year may still come before a name: "(C) 2018 S. Korgur".
        quantity = tokens[index - 1] if index else ""
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if stem in "NESW" and _STREET_AFTER_COMPASS.match(following):
            return "initial"  # "at 400 N. 1st St.", "210 E. Main St.": a direction in an address, not newtons
        return "unit" if _NUMBER_START.match(quantity) and not _YEAR.match(quantity) else "initial"
    return "acronym" if _DOTTED_ACRONYM.match(stem) else "word"


def _free_standing_dots(tokens: list[str], index: int) -> str:
    # Style guides: three spaced dots mark an omission inside a sentence, a fourth dot ends it.
    first, dots = index, _dots(tokens[index])
    # Past three dots the answer is "ellipsis" whatever came before: stop counting there.
    while first > 0 and tokens[first - 1].rstrip(_CLOSING) in (".", "...", "…") and dots <= 3:
        first -= 1
        dots += _dots(tokens[first])
    if dots == 1:
        return "word"
    before = tokens[first - 1].rstrip(_CLOSING) if first else ""
    return "none" if dots == 3 and before[-1:] not in (".", "!", "?") else "ellipsis"


def _dots(token: str) -> int:
    return len(token.rstrip(_CLOSING).replace("…", "..."))


def _word_beginning(token: str) -> str:
    """How the token begins a possible sentence: "number", "lower", "opener", "capital", "symbol"."""
    if token[0] in _BULLETS or _item_marker(token):
        return "capital"  # "(a)" or "[z]" opens a list item even in lowercase
    word = token.lstrip(_OPENING)
    if _NUMBER_START.match(word):
        return "number"
    if not any(char.isalnum() for char in word):
        return "symbol"
    if word[0].islower() and not _CAMEL_CASE.match(word):
        return "lower"
    opener = _OPENER_WORD.match(word.replace("’", "'"))
    if (opener and opener.group().lower() in SENTENCE_OPENERS) or _SENTENCE_ADVERB.match(word):
        return "opener"
    return "capital"


def _enclosing_brackets(tokens: list[str]) -> list[tuple[int, int] | None]:
    """For each gap after a token: the (opening, closing) token indices of the innermost bracket around it."""
    closed_at = {key: index for index, (_, closed) in enumerate(_open_brackets(tokens)) for key in closed}
    enclosing: list[tuple[int, int] | None] = []
    for index, (still_open, _) in enumerate(_open_brackets(tokens)):
        pair = None
        for _, opened, key in reversed(still_open):
            # A bracket that closes later within the limit opened within the limit: older ones cannot count.
            if opened + MAX_PARENTHETICAL_TOKENS <= index:
                break
            if key in closed_at and closed_at[key] - opened <= MAX_PARENTHETICAL_TOKENS:
                pair = (opened, closed_at[key])
                break
        enclosing.append(pair)
    return enclosing


def _open_brackets(tokens: list[str]) -> Iterator[tuple[list[tuple[str, int, int]], list[int]]]:
    """After each token: the brackets still open, as (character, token index, number), outermost first, and
    the numbers of those the token closed."""
    still_open: list[tuple[str, int, int]] = []
    count = 0
    for index, token in enumerate(tokens):
        closed = []
        for char in token:
            if char in "([{":
                still_open.append((char, index, count))
                count += 1
            elif char in _BRACKET_PAIRS and still_open and still_open[-1][0] == _BRACKET_PAIRS[char]:
                closed.append(still_open.pop()[2])
        yield still_open, closed


def _item_marker(token: str) -> tuple[str, set[tuple[str, int]]] | None:
    """A list marker's shape ("#.", "(#)") and its possible (numbering, position) readings."""
    match = _ITEM_MARKER.match(token)
    if not match:
        return None
    label = next(group for group in match.groups() if group)
    readings = set()
    if label.isdigit():
        readings.add(("digit", int(label)))
    if len(label) == 1 and label in string.ascii_letters:
        readings.add(("letter" + str(label.isupper()), ord(label.lower()) - ord("a") + 1))
    if label.lower() in _ROMAN_NUMERALS and (label.islower() or label.isupper()):
        readings.add(("roman" + str(label.isupper()), _ROMAN_NUMERALS.index(label.lower()) + 1))
    return (token.replace(label, "#", 1), readings) if readings else None


# Rules, in order: each returns True (split here), False (keep together) or None (no opinion).
# When none has an opinion, Punkt's decision stands.
_Rule = Callable[[_Paragraph, int], "bool | None"]


def _next_list_item(text: _Paragraph, gap: int) -> bool | None:
    """A bullet, or the marker after the one opening this sentence ("1) Buy 2) Sell"), starts an item."""
    if text.tokens[gap + 1][0] in _BULLETS:
        return True
    start = text.sentence
    following, opening = text.markers[gap + 1], text.markers[start]
    # An item has words of its own, so "R. S. Kauffman" is no list.
    if following and opening and following[0] == opening[0] and gap > start:
        return any((kind, place - 1) in opening[1] for kind, place in following[1]) or None
    return None


def _no_sentence_end(text: _Paragraph, gap: int) -> bool | None:
    return False if text.ends[gap] == "none" else None


def _inside_brackets(text: _Paragraph, gap: int) -> bool | None:
    """Brackets opened mid-sentence, or too short for two sentences, hold together: "(Sec. 4)"."""
    if text.brackets[gap] is None:
        return None
    opened, closed = text.brackets[gap]
    return False if not text.starts[opened] or gap - opened < 1 or closed - gap < 2 else None


def _continues_in_lowercase(text: _Paragraph, gap: int) -> bool | None:
    """'"Stop!" he said.', "e.g. the", "5 p.m. on" go on; sentences also never start with a dash."""
    return False if text.beginnings[gap + 1] in ("lower", "symbol") else None


def _after_item_marker(text: _Paragraph, gap: int) -> bool | None:
    """A list marker that opens a sentence stays with its item: "A. The first point."""
    start = text.sentence
    if (text.markers[gap] or text.tokens[gap] in _BULLETS) and text.marker_runs[gap] <= start:
        return False
    return None


def _quote_attribution(text: _Paragraph, gap: int) -> bool | None:
    """'"Why now?" Smith asked.' and '"Run!" Mr. Jones shouted.' are one sentence."""
    if text.ends[gap] != "exclaim" or text.tokens[gap][-1] not in _QUOTES:
        return None
    if text.beginnings[gap + 1] != "capital":
        return None  # '"Is it over?" Nobody replied.' starts anew
    for token in text.tokens[gap + 1 : gap + 5]:
        word = token.strip(string.punctuation + "“”‘’")
        if word.lower() in SPEECH_VERBS:
            return False
        if not word[:1].isupper():
            return None
    return None


def _certain_end(text: _Paragraph, gap: int) -> bool | None:
    return True if text.ends[gap] in ("exclaim", "ellipsis", "unit") else None


def _abbreviation_before_number(text: _Paragraph, gap: int) -> bool | None:
    """ "No. 2", "Dec. 14", "p. 55", "no. A13" hold together."""
    end = text.ends[gap]
    if end == "number" and any(char.isdigit() for char in text.tokens[gap + 1]):
        return False
    return False if end in _ABBREVIATION_LIKE and text.beginnings[gap + 1] == "number" else None


def _time_of_day(text: _Paragraph, gap: int) -> bool | None:
    """ "5 p.m. Monday" goes on, and so does "At 5 a.m. Mr. Smith"; "at 5 p.m. Police said" splits."""
    if text.ends[gap] != "time":
        return None
    start = text.sentence
    if gap - start <= 3 and text.tokens[start].lower() in TIME_PREPOSITIONS:
        return False
    following = text.tokens[gap + 1].lstrip(_OPENING).rstrip(string.punctuation).replace(".", "").lower()
    return following not in TIME_CONTINUATIONS  # "E.T." reads as the zone "et"


def _abbreviation_before_bracket(text: _Paragraph, gap: int) -> bool | None:
    """ "CALDWELL, Ore. (AP) —": an aside in brackets after an abbreviation goes on with its sentence."""
    if text.ends[gap] in _ABBREVIATION_LIKE and text.tokens[gap + 1].startswith("("):
        return False
    return None


def _place_before_capital(text: _Paragraph, gap: int) -> bool | None:
    """ "Greenwich, Conn. People pay more." starts anew (mid-sentence, AP style writes "Conn., resident")."""
    if text.ends[gap] != "place" or text.beginnings[gap + 1] not in ("capital", "opener"):
        return None
    from pipeline.stages.normalize.words import is_english_word

    word = _OPENER_WORD.match(text.tokens[gap + 1].lstrip(_OPENING).replace("’", "'"))
    if word is None:
        return None
    lower = word.group().lower()
    return lower not in PLACE_CONTINUATIONS and (is_english_word(lower) or text.beginnings[gap + 1] == "opener")


def _abbreviation_before_capital(text: _Paragraph, gap: int) -> bool | None:
    """ "U.S. President", "J.D. Salinger", "Ont. Premier" go on; "Co. It closed" starts anew."""
    if text.ends[gap] in ("abbreviation", "initial", "acronym", "place"):
        return text.beginnings[gap + 1] == "opener"
    return None


_RULES: tuple[_Rule, ...] = (
    _next_list_item,
    _no_sentence_end,
    _inside_brackets,
    _continues_in_lowercase,
    _after_item_marker,
    _quote_attribution,
    _certain_end,
    _abbreviation_before_number,
    _time_of_day,
    _abbreviation_before_bracket,
    _place_before_capital,
    _abbreviation_before_capital,
)
