"""Data for the date, time, range and score rules (dates.py): which words around a number make it a date,
a clock time or a sports score, and how the parts are said."""

from __future__ import annotations

from pipeline.stages.normalize.tables import (
                 DAY_ABBREVIATIONS,
                 DAYS,
                 MONTH_ABBREVIATIONS,
                 MONTHS,
)

# --- months and days -------------------------------------------------------------------------------

#: Full month names, in every case a newsroom writes them ("May", "MAY", "may").
MONTH_NAMES = tuple(MONTHS)
#: Month abbreviations ("Jan", "Sept"); in lower case they count only with their period ("jan. 15").
MONTH_SHORT_NAMES = tuple(MONTH_ABBREVIATIONS)
#: Lower-case month names that are also everyday words ("may 15 people", "march 5 km"): a date only with a year.
AMBIGUOUS_LOWER_MONTHS = frozenset({"may", "march"})
DAY_NAMES = tuple(DAYS)
DAY_SHORT_NAMES = tuple(DAY_ABBREVIATIONS)


#: How the joining word of a range of days is said ("4-6 March", "6 and 12 December").
RANGE_JOINERS = {"-": "to", "–": "to", "to": "to", "and": "and", "&": "and", "or": "or", "until": "until",
                 "till": "till", "through": "through", "thru": "through"}

# --- clock times -----------------------------------------------------------------------------------

#: Words before a number that make "12.30" or "0600" a clock time ("adjourned at 12.30", "from 0600").
TIME_CUES = frozenset(["at", "from", "until", "till", "til", "by", "before", "after", "around", "about", "past", "between", "approximately", "roughly", "circa", "since"])
#: Words before a cue that make the number a price or a level, not a time ("shares closed at 12.30").
MARKET_WORDS = frozenset(["closed", "close", "closing", "traded", "trading", "trades", "stood", "stands", "priced", "valued", "settled", "bid", "offered", "quoted", "pegged", "fixed", "shares", "stock", "stocks", "index", "price", "prices", "rate", "rates", "yield", "euros", "euro", "pounds", "pence", "dollars", "points", "cents"])
#: Words after a number that make it a quantity, not a time ("at 12.30 euros", "at 1800 metres").
QUANTITY_WORDS = frozenset(["euros", "euro", "pounds", "pence", "dollars", "cents", "points", "percent", "per", "pc", "times", "metres", "meters", "feet", "kilometres", "kilometers", "miles", "tonnes", "tons", "people", "votes", "shares"])
#: Words after a 24-hour time that confirm it ("at 1800 local time", "at 0930 on Monday").
TIME_FOLLOWERS = frozenset(["local", "hours", "hrs", "h", "today", "tomorrow", "tonight", "yesterday", "sharp"])
#: Zones written after a 24-hour time ("1800GMT", "0900 GMT", "0600 hrs"): what confirms "0900" is a time.
TWENTY_FOUR_HOUR_ZONES = ("GMT", "UTC", "BST", "CET", "CEST", "EET", "IST", "JST", "HKT", "SGT", "AEST", "AEDT",
                          "ET", "EST", "EDT", "CT", "CST", "CDT", "MT", "MST", "MDT", "PT", "PST", "PDT", "Z")
#: Words written after a 24-hour time for the hours themselves.
HOURS_WORDS = {"hrs": "hours", "hours": "hours", "h": "hours"}

# --- seasons and fiscal years ----------------------------------------------------------------------

#: Letters before a fiscal year ("FY2025-27"), spelled.
FISCAL_PREFIXES = ("FY",)
#: The longest span of years written out in full ("1914-1918") and abbreviated ("2021-27", "2003/4");
#: "2019-12" is a year and a month, not a span.
LONGEST_SPAN = 100
LONGEST_SHORT_SPAN = 20

# --- sports scores ---------------------------------------------------------------------------------

#: Words just before a pair of numbers that make it a score ("won 3-2", "beat the Jets 5-1", "drew 1-1").
SCORE_WORDS_BEFORE = frozenset(
    ["won", "win", "wins", "winning", "beat", "beats", "beaten", "beating", "lost", "lose", "loses", "losing", "drew", "draw", "draws", "drawn", "drawing", "defeated", "defeat", "defeats", "defeating", "trailed", "trail", "trails", "trailing", "led", "lead", "leads", "leading", "edged", "edge", "edges", "edging", "routed", "rout", "thrashed", "thrash", "crushed", "downed", "blanked", "whipped", "outscored", "scored", "tied", "levelled", "leveled", "series", "score", "scoreline", "aggregate", "halftime", "half-time", "fulltime", "full-time"])
#: Words just after a pair of numbers that make it a score ("a 2-1 win", "a 3-0 lead").
SCORE_WORDS_AFTER = frozenset(
    ["win", "wins", "victory", "victories", "defeat", "defeats", "loss", "losses", "draw", "draws", "lead", "leads", "deficit", "scoreline", "result", "triumph", "thrashing", "drubbing", "rout", "comeback", "home", "away", "aggregate"])
#: Phrases just after a pair of numbers that make it a score ("3-2 in overtime", "1-1 after extra time").
SCORE_PHRASES_AFTER = ("in overtime", "in ot", "in extra time", "after extra time", "aet", "on penalties",
                       "on aggregate", "in a shootout", "in the shootout", "at halftime", "at half-time",
                       "at full-time")
#: Words that make a sentence a sports report, where "at 3-3" or "1-0 down" is a score without a score verb.
SPORTS_WORDS = frozenset(
    ["match", "matches", "game", "games", "goal", "goals", "scorer", "striker", "midfielder", "defender", "goalkeeper", "keeper", "goalie", "league", "cup", "final", "finals", "semi-final", "semi-finals", "semifinal", "semifinals", "quarter-final", "quarterfinal", "tournament", "championship", "playoff", "playoffs", "set", "sets", "tie-break", "tiebreak", "tie-breaker", "tiebreaker", "serve", "served", "serving", "break-point", "deuce", "innings", "inning", "wicket", "wickets", "overtime", "ot", "period", "periods", "halftime", "half-time", "penalty", "penalties", "shootout", "touchdown", "quarterback", "pitcher", "homer", "rally", "fixture", "derby", "kick-off", "kickoff", "referee", "umpire", "coach", "season", "team", "squad", "club", "fans", "stadium", "pitch", "rink", "court", "nhl", "nba", "nfl", "mlb", "mls", "wnba", "uefa", "fifa", "atp", "wta"])
#: Words that mark a North American sports report: its scores are read "three to two" and 0 is "nothing".
NORTH_AMERICAN_SPORTS_WORDS = frozenset(
    ["overtime", "ot", "nhl", "nba", "nfl", "mlb", "mls", "wnba", "ncaa", "puck", "rink", "innings", "inning", "touchdown", "touchdowns", "quarterback", "pitcher", "homer", "playoff", "playoffs", "semifinal", "semifinals", "quarterfinal", "quarterfinals", "best-of-seven", "best-of-five", "period", "periods", "shootout", "halftime"])
#: Words that mark a British or international sports report: its scores are read "three two" and 0 is "nil".
BRITISH_SPORTS_WORDS = frozenset(
    ["nil", "semi-final", "semi-finals", "quarter-final", "quarter-finals", "pre-season", "fixture", "fixtures", "pitch", "kick-off", "premiership", "aet", "penalties", "extra-time", "half-time", "full-time", "wicket", "wickets"])
#: Words that mark a tennis report: scores are read as pairs ("six four") and 0 is "love" ("six love").
TENNIS_WORDS = frozenset(
    ["tennis", "tie-break", "tie-breaks", "tiebreak", "tiebreaks", "tie-breaker", "tiebreaker", "deuce", "atp", "wta", "wimbledon", "first-set", "second-set", "third-set", "fourth-set", "final-set", "opening-set", "set-point", "match-point", "break-point", "double-fault", "aces"])
#: Date orders whose scores are read "three to two" when the sentence gives no other sign.
SCORE_TO_ORDERS = frozenset({"mdy"})
#: How each style reads a score: with "to" between the sides or not, and what it calls 0.
SCORE_STYLES = {"american": ("to", "nothing"), "british": ("", "nil"), "tennis": ("", "love")}
#: Words after a pair of numbers that still let it be a score ("3-2 in Ottawa", "1-0 down", "6-4 on Sunday");
#: any other lower-case word after it makes it a range of a quantity ("10-15 people").
SCORE_FOLLOWERS = frozenset(
    ["in", "at", "on", "over", "against", "after", "before", "with", "and", "but", "for", "to", "down", "up", "behind", "ahead", "when", "as", "while", "despite", "thanks", "last", "this", "earlier", "yesterday", "tonight", "today", "overall", "away", "home", "so", "the", "a", "an", "their", "his", "her", "its", "into", "until"])
#: Words just before a pair of numbers that make it a range even in a sports report ("aged 5-11", "pages 3-5").
RANGE_WORDS_BEFORE = frozenset(["aged", "ages", "age", "between", "from", "about", "around", "roughly", "approximately", "some", "nearly", "almost", "page", "pages", "chapter", "chapters", "verse", "verses", "rows", "items", "grades", "grade", "years"])
#: Words around a pair of numbers that make it a vote or a ruling: "seven to four" ("voted 7-4", "a 6-3 ruling").
VOTE_WORDS = frozenset(["voted", "vote", "votes", "ruled", "ruling", "decision", "majority", "verdict", "split", "margin", "tally"])

# --- fractions -------------------------------------------------------------------------------------

#: Ordinal endings written after a fraction's denominator ("2/3rds", "1/3rd", "5/8ths").
FRACTION_SUFFIXES = ("st", "nd", "rd", "th", "rds", "ths", "nds", "sts")
#: Denominators a newsroom writes as fractions ("2/3", "5/8"): any other slash pair of small numbers is
#: read as two numbers ("9/11", "24/7") unless "of" follows ("1/7 of the budget").
FRACTION_DENOMINATORS = frozenset({2, 3, 4, 5, 6, 8, 10, 12, 16, 32, 64, 100})

#: Nouns after "May 10" that make the number a count, not a day ("Theresa May 10 years ago").
COUNTED_AFTER_DAY = frozenset("""
years days weeks months hours minutes seconds decades times
""".split())
