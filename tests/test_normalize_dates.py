"""Dates, times, ranges, seasons, fractions and sports scores: each written form read the way its own
convention says it, and the look-alikes (a range, a price, a count, the verb "may") left alone."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tables import cases

from pipeline.lexicon.model import Piece
from pipeline.stages.normalize import normalize_sentence, normalize_text
from pipeline.stages.normalize.dates import rules as date_rules


BRITISH_DATES = cases("""
The hearing resumes on Friday 14 June. => The hearing resumes on Friday the fourteenth of June.
Voting closes on Tuesday, 3 October 2028. => Voting closes on Tuesday, the third of October, twenty twenty-eight.
The festival runs 12-15 August in the park. => The festival runs the twelfth to the fifteenth of August in the park.
The works continue from 27 July-3 August. => The works continue from the twenty-seventh of July to the third of August.
Nobody may visit between 2 and 9 April. => Nobody may visit between the second and the ninth of April.
The festival runs 12–15 August. => The festival runs the twelfth to the fifteenth of August.
Nominations close on the 21st of September. => Nominations close on the twenty-first of September.
The council meets Wednesday 17, and again a week later. => The council meets Wednesday the seventeenth, and again a week later.
Tickets go on sale Sunday 22nd. => Tickets go on sale Sunday the twenty-second.
The contract dated 28.02.2019 was signed. => The contract dated the twenty-eighth of February, twenty nineteen was signed.
The deed is dated 07-Nov-2015. => The deed is dated the seventh of November, twenty fifteen.
""")
US_DATES = cases("""
The fair runs Sept. 18-21, 2027, in the capital. => The fair runs September eighteenth to twenty-first, twenty twenty-seven, in the capital.
Voting runs Nov. 2 through 5. => Voting runs November second through fifth.
The inquiry reported on FEB. 3, and again on oct. 9. => The inquiry reported on February third, and again on October ninth.
The file was opened december 2 2019. => The file was opened December second, twenty nineteen.
The file was closed AUGUST 2024. => The file was closed August twenty twenty-four.
The deed is dated Mar-03-2011 in the registry. => The deed is dated March third, twenty eleven in the registry.
The permit dated 2031/11/30 expired. => The permit dated November thirtieth, twenty thirty-one expired.
Talks ran Oct. 30-Nov. 2 in the city. => Talks ran October thirtieth to November second in the city.
They marched march 15, 2020 in the rain. => They marched March fifteenth, twenty twenty in the rain.
""")
TIMES = cases("""
The clinic is open Wed-Sat from 8am-1pm. => The clinic is open Wednesday to Saturday from eight Eh M to one P M.
The shop opens 9 a.m.-6 p.m. daily. => The shop opens nine Eh M to six P M daily.
The ward takes calls 3-4pm only. => The ward takes calls three to four P M only.
Doors open at 6:pm sharp. => Doors open at six P M sharp.
The alarm sounded at 11:45:00 p.m. today. => The alarm sounded at eleven forty-five P M today.
The vote was held at 17.45 on Thursday. => The vote was held at seventeen forty-five on Thursday.
Lunch is served from 12.00 until 14.30 daily. => Lunch is served from twelve o'clock until fourteen thirty daily.
Markets in Tokyo opened at 0830GMT. => Markets in Tokyo opened at oh eight thirty G M T.
The ship docked at 2215 UTC. => The ship docked at twenty-two fifteen U T C.
The patrol left at 0445 and returned safely. => The patrol left at oh four forty-five and returned safely.
The raid began at 0500hrs. => The raid began at oh five hundred hours.
The flight lands at 1900 local time. => The flight lands at nineteen hundred local time.
""")
SEASONS = cases("""
The 1998/99 season was his best. => The nineteen ninety-eight ninety-nine season was his best.
Their 2029/30 campaign starts soon. => Their twenty twenty-nine thirty campaign starts soon.
Numbers peaked in 2007/8 and fell. => Numbers peaked in two thousand seven eight and fell.
The strategy covers FY2031-35. => The strategy covers F Y twenty thirty-one to thirty-five.
The budget for fiscal 2030-31 is set. => The budget for fiscal twenty thirty thirty-one is set.
The 2011-2016 plan was dropped. => The twenty eleven to twenty sixteen plan was dropped.
Fighting raged 1939-45. => Fighting raged nineteen thirty-nine to forty-five.
The 2032-38 programme begins. => The twenty thirty-two to thirty-eight programme begins.
""")
SCORES = cases("""
The hosts beat the visitors 4-1 at the weekend. => The hosts beat the visitors four to one at the weekend.
United were 2-0 down at half-time but drew 2-2. => United were two nil down at half-time but drew two all.
The Comets edged the Hawks 2-1 in the shootout. => The Comets edged the Hawks two to one in the shootout.
It was a 3-0 victory for the champions. => It was a three to nothing victory for the champions.
Rovers won 2-1 in Leeds to reach the semi-final. => Rovers won two one in Leeds to reach the semi-final.
The Owls lost 5-2 in Denver in overtime. => The Owls lost five to two in Denver in overtime.
The derby finished 1-1 after a late penalty. => The derby finished one all after a late penalty.
The side fell 1-0 down early in the match. => The side fell one to nothing down early in the match.
She broke for 5-5 in the tennis final. => She broke for five all in the tennis final.
He led 40-0 on serve at Wimbledon. => He led forty love on serve at Wimbledon.
The panel voted 5-2 to approve the plan. => The panel voted five to two to approve the plan.
The court's 6-3 ruling stands. => The court's six to three ruling stands.
Hartley won 6-3 7-6 (7/4) to reach the semi-final. => Hartley won six three, seven six, seven four to reach the semi-final.
Kerr beat Ngata 7-5, 4-6, 6-0 in the final. => Kerr beat Ngata seven five, four six, six love in the final.
Osei lost 6-7 (5) 6-4 in the tennis final. => Osei lost six seven, seven five, six four in the tennis final.
""")
RANGES_NOT_SCORES = cases("""
Only 4-6 staff work weekends. => Only four to six staff work weekends.
Groups of 8-12 pupils visited. => Groups of eight to twelve pupils visited.
The club has 200-300 members. => The club has two hundred to three hundred members.
The team scored 2-3 goals a game. => The team scored two to three goals a game.
Children aged 5-11 can join the club. => Children aged five to eleven can join the club.
See pages 4-9 of the match report. => See pages four to nine of the match report.
Up to 10-20% of the squad is injured. => Up to ten to twenty percent of the squad is injured.
""")
FRACTIONS = cases("""
About 3/8 of the land is forest. => About three eighths of the land is forest.
Nearly 1/5th is farmland. => Nearly one fifth is farmland.
Some 2/3rds of members agreed. => Some two thirds of members agreed.
A 1/3rd share was sold. => A one third share was sold.
Only 1/7 of the budget is left. => Only one seventh of the budget is left.
The 4/5 majority is needed. => The four fifths majority is needed.
They remember 7/7 every year. => They remember seven seven every year.
The Sept. 11 attacks, or 9/11, changed travel. => The September eleventh attacks, or nine eleven, changed travel.
Nearly 2/3 of voters stayed home. => Nearly two thirds of voters stayed home.
""")
NOT_DATES_OR_TIMES = cases("""
It costs 14.30 at the shop. => It costs fourteen point three zero at the shop.
The share price fell to 9.45 at the close. => The share price fell to nine point four five at the close.
The index closed at 12.30 on Friday. => The index closed at twelve point three zero on Friday.
Shares traded at 10.15 by noon. => Shares traded at ten point one five by noon.
The fee is 19.99 per month. => The fee is nineteen point nine nine per month.
A 1800-page report was filed. => A eighteen hundred-page report was filed.
The population was 1800 then. => The population was eighteen hundred then.
The 0800 number is free. => The zero eight zero zero number is free.
He ran at 1500 metres. => He ran at fifteen hundred metres.
You may 15 times try. => You may fifteen times try.
may 15 people come? => may fifteen people come?
They march 5 km each day. => They march five kilometers each day.
On Thursday 9 people were hurt. => On Thursday nine people were hurt.
The 2024-12 figures are out. => The twenty twenty-four twelve figures are out.
""")


@pytest.mark.parametrize(
    "written, spoken",
    BRITISH_DATES + US_DATES + TIMES + SEASONS + SCORES + RANGES_NOT_SCORES + FRACTIONS + NOT_DATES_OR_TIMES,
)
def test_reading(written, spoken):
    assert normalize_text(written) == spoken


def test_a_date_follows_its_written_form_whatever_the_date_order():
    """"5 May" is the British form and read the British way; "May 5" the American form, read the American way."""
    for order in ("mdy", "dmy"):
        assert normalize_text("The fair opens on 5 May.", date_order=order) == "The fair opens on the fifth of May."
        assert normalize_text("The fair opens on May 5.", date_order=order) == "The fair opens on May fifth."
    # A weekday or a range of days makes the form British whatever the order.
    assert normalize_text("It opens Friday 5 May.", date_order="mdy") == "It opens Friday the fifth of May."


def test_a_score_in_a_sentence_without_sports_words_follows_the_date_order():
    assert normalize_text("They won 3-1 on the road.", date_order="mdy") == "They won three to one on the road."
    assert normalize_text("They won 3-1 on the road.", date_order="dmy") == "They won three one on the road."


def test_number_before_in_after_a_score_is_not_inches():
    assert normalize_text("The Owls won 4-2 in Halifax.") == "The Owls won four to two in Halifax."


@pytest.mark.parametrize("written, rule, semiotic_class", [
    ("Seen Thursday 9 May.", "day month", "date"),
    ("Shut 4-6 March.", "day range month", "date"),
    ("Open Mon-Fri.", "weekday range", "date"),
    ("At 0900 GMT.", "twenty-four hour time", "time"),
    ("Adjourned at 12.30 today.", "dotted time", "time"),
    ("Open 2pm-5pm.", "clock range", "time"),
    ("The 2019/20 season.", "season", "date"),
    ("They drew 1-1.", "score", "score"),
    ("Won 6-4 6-4 at Wimbledon.", "set scores", "score"),
    ("Some 2/3rds agreed.", "slash fraction", "fraction"),
    ("Since 9/11 travel changed.", "slash date", "date"),
])
def test_rule_and_class(written, rule, semiotic_class):
    pieces = [piece for piece in normalize_sentence((Piece(written),)).pieces if piece.kind == "rule"]
    assert (pieces[0].rule, pieces[0].semiotic_class) == (rule, semiotic_class)


_SPOKEN = re.compile(r"[A-Za-z '\-.,;:!?]*")

_DATE_LIKE = st.lists(st.one_of(
    st.integers(min_value=0, max_value=2400).map(str),
    st.sampled_from(["May", "may", "MARCH", "Sept.", "jan.", "Thursday", "Mon", "-", "–", "/", ".", ":", " ", ", ",
                     "(", ")", "am", "p.m.", "GMT", "hrs", "FY", "rds", "th", "and", "at", "won", "beat", "drew",
                     "win", "in", "overtime", "tennis", "people", "between", "of", "the", "0"]),
), max_size=14).map("".join)


@settings(max_examples=400, deadline=None)
@given(_DATE_LIKE)
def test_date_rule_pieces_are_words_only(text):
    names = {rule.name for rule in date_rules()}
    for piece in normalize_sentence((Piece(text),)).pieces:
        if piece.kind == "rule" and piece.rule in names:
            assert _SPOKEN.fullmatch(piece.spoken), (text, piece)


@pytest.mark.parametrize("text", [
    "1-1, " * 3000, "6-4 " * 3000 + "x", "May 1 and " * 1500, "1 and 2 and " * 2000 + "May", "12.30 " * 3000,
    "(1/2) " * 3000, "Jan-1-" * 2000, "Thursday " * 3000 + "9", "2019/20/" * 2000, "10 a.m.-" * 2000,
    "9 " * 8000 + "May", "6-4 (7/5) " * 2000,
])
def test_long_repetitive_input_is_read_whole(text):
    # How the time grows with the length is measured by benchmarks/normalization_scaling.py, not here.
    spoken = normalize_sentence((Piece(text),)).spoken
    assert spoken and not any(character.isdigit() for character in spoken)
