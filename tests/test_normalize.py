"""Normalization: written news copy to what a newsreader says, one table of cases per category."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tables import cases

from pipeline.lexicon.model import Entry, Piece
from pipeline.stages.normalize import normalize_pieces, normalize_text
from pipeline.stages.normalize import numbers as n


CARDINALS = cases("""
There were 7 bids. => There were seven bids.
About 2,300 people live there. => About two thousand three hundred people live there.
It fell to -42 overnight. => It fell to minus forty-two overnight.
A 1,000,000 prize. => A one million prize.
He owes 1.5 million. => He owes one point five million.
Growth was 0.25 points. => Growth was zero point two five points.
Agent 007 returns. => Agent zero zero seven returns.
The 3D printer, 5G towers, F35 jets and H1N1. => The three D printer, five G towers, F thirty-five jets and H one N one.
""")
ORDINALS_FRACTIONS = cases("""
She finished 1st, he was 21st and 102nd. => She finished first, he was twenty-first and one hundred second.
Add 1/2 cup and 3/4 teaspoon. => Add one half cup and three quarters teaspoon.
It took 2 1/2 hours. => It took two and a half hours.
Only 5/8 of them. => Only five eighths of them.
Open 24/7. => Open twenty-four seven.
Sold ½ of it. => Sold one half of it.
""")
YEARS_DECADES = cases("""
In 1999 it began. => In nineteen ninety-nine it began.
By 2017 it grew. => By twenty seventeen it grew.
Since 2005 nothing. => Since two thousand five nothing.
Built in 1905. => Built in nineteen oh five.
Built in 1900. => Built in nineteen hundred.
In the 1980s. => In the nineteen eighties.
Back in the '90s. => Back in the nineties.
By the mid-1990s. => By the mid nineteen nineties.
In the 2000s. => In the two thousands.
The 2017-18 season. => The twenty seventeen eighteen season.
From 2017-2019 it grew. => From twenty seventeen to twenty nineteen it grew.
""")
DATES = cases("""
It opens Dec. 14. => It opens December fourteenth.
On December 14, 2025 it closed. => On December fourteenth, twenty twenty-five it closed.
On 14 December 2025 it closed. => On the fourteenth of December, twenty twenty-five it closed.
Monday, Feb. 2 is the date. => Monday, February second is the date.
Filed 2016-07-03 in court. => Filed July third, twenty sixteen in court.
Due 12/14/2025 at the latest. => Due December fourteenth, twenty twenty-five at the latest.
Expected in September 2026. => Expected in September twenty twenty-six.
It began Sept. 3. => It began September third.
By Tues., Jan. 6 it ended. => By Tuesday, January sixth it ended.
""")
TIMES = cases("""
At 5 p.m. Monday. => At five P M Monday.
At 9:05 a.m. ET the vote began. => At nine oh five Eh M Eastern time the vote began.
At 10:30 PM it closed. => At ten thirty P M it closed.
Trains leave at 17:30 daily. => Trains leave at seventeen thirty daily.
Lunch at 12:00 sharp. => Lunch at twelve o'clock sharp.
Lunch at noon. => Lunch at noon.
The train left at 9.15am today. => The train left at nine fifteen Eh M today.
It started at 8:30 a.m. EDT. => It started at eight thirty Eh M Eastern daylight time.
She ran 3:46.04 to win. => She ran three minutes forty-six point zero four seconds to win.
He finished in 2:05:30 flat. => He finished in two hours five minutes thirty seconds flat.
""")
MONEY = cases("""
It costs $20. => It costs twenty dollars.
On a $10,000 balance. => On a ten thousand dollar balance.
It costs $20.50 now. => It costs twenty dollars and fifty cents now.
A $1.2 million grant. => A one point two million dollar grant.
Only $1 each. => Only one dollar each.
Only $0.99 each. => Only ninety-nine cents each.
Paid US$5 each. => Paid five U S dollars each.
Paid C$10 each. => Paid ten Canadian dollars each.
It was £1.20 then. => It was one pound twenty then.
A €5bn fund. => A five billion euro fund.
A ¥30 billion loss. => A thirty billion yen loss.
It is 50 cents. => It is fifty cents.
A $5-10 million range. => A five to ten million dollar range.
A $40K salary. => A forty thousand dollar salary.
""")
PERCENT_RANGES_SCORES = cases("""
Up 5% on the day. => Up five percent on the day.
Down 4.5 % overall. => Down four point five percent overall.
Between 10-15% said yes. => Between ten to fifteen percent said yes.
Ages 10–15 only. => Ages ten to fifteen only.
See pages 3-5. => See pages three to five.
They won 3-2 in overtime. => They won three to two in overtime.
She won the final 6-4, 6-3. => She won the final six four, six three.
It runs Oct. 22-24 and Aug. 31-Sept. 2. => It runs October twenty-second to twenty-fourth and August thirty-first to September second.
The COVID-19 rules. => The Covid nineteen rules.
""")
MEASURES = cases("""
It weighs 12 kg. => It weighs twelve kilograms.
It weighs 1 kg. => It weighs one kilogram.
At 100 km/h on the highway. => At one hundred kilometers per hour on the highway.
It was 5°C and -5 °C. => It was five degrees Celsius and minus five degrees Celsius.
A 3.5 GHz chip. => A three point five gigahertz chip.
He is 6 ft 2 in tall. => He is six feet two inches tall.
He is 5'11" tall. => He is five feet eleven inches tall.
A 42-km race. => A forty-two kilometer race.
She walked 5 km. => She walked five kilometers.
It has 2,400 sq. ft. of space. => It has two thousand four hundred square feet of space.
The 4x100 relay and a 2x4 board. => The four by one hundred relay and a two by four board.
Add 250 mL of water. => Add two hundred fifty milliliters of water.
Open 5 in the morning. => Open five in the morning.
""")
ADDRESSES = cases("""
Call 613-555-0199 today. => Call six one three, five five five, zero one nine nine today.
Call (613) 555-0199 today. => Call six one three, five five five, zero one nine nine today.
Write to jane.doe@example.com today. => Write to jane dot doe at example dot com today.
Visit https://www.example.com/news today. => Visit w w w dot example dot com slash news today.
See cbc.ca for more. => See C B C dot C Eh for more.
Send it to news@kxan.com today. => Send it to news at K X Eh N dot com today.
Follow #ClimateStrike and @city_hall now. => Follow hashtag Climate Strike and at city hall now.
In an emergency, dial 911. => In an emergency, dial nine one one.
Call +44 20 7946 0958 now. => Call plus four four, two zero, seven nine four six, zero nine five eight now.
""")
ROMAN = cases("""
King Charles III spoke. => King Charles the third spoke.
Queen Elizabeth II reigned. => Queen Elizabeth the second reigned.
Pope Leo XIV visited. => Pope Leo the fourteenth visited.
After World War II ended. => After World War two ended.
Read Chapter IV first. => Read Chapter four first.
At Super Bowl LVIII tonight. => At Super Bowl fifty-eight tonight.
Rocky II is a sequel. => Rocky two is a sequel.
Robert Keller III was elected. => Robert Keller the third was elected.
I think I can. => I think I can.
""")
ABBREVIATIONS = cases("""
Dr. Smith met Mr. Jones and Sen. Ortiz. => Doctor Smith met Mister Jones and Senator Ortiz.
St. Paul's Church on Main St. is old. => Saint Paul's Church on Main Street is old.
He lives at 12 King St. East. => He lives at twelve King Street East.
She won No. 2 and then said no. => She won number two and then said no.
Fire at Ont. plant. => Fire at Ontario plant.
Bring fruit, e.g. apples, bread, etc. => Bring fruit, for example apples, bread, et cetera.
Sen. Lisa Ortiz, R-Alaska, voted no. => Senator Lisa Ortiz, Republican of Alaska, voted no.
Rep. Al Diaz, D-Calif., spoke. => Representative Al Diaz, Democrat of California, spoke.
Smith vs. Jones goes on. => Smith versus Jones goes on.
Born in Duluth, Minn. and raised in Calif. => Born in Duluth, Minnesota and raised in California.
The U.S. and the E.U. agreed. => The U S and the E U agreed.
""")
INITIALISMS = cases("""
The CBC said. => The C B C said.
GM and the PMO disagree. => G M and the P M O disagree.
The MP spoke. => The M P spoke.
NATO and NASA met. => Nato and Nasa met.
Under CUSMA rules. => Under Cusma rules.
Two MPs voted. => Two M P's voted.
The NRTA approved it. => The N R T Eh approved it.
The WSIB rejected it. => The W S I B rejected it.
AT&T rose. => Eh T and T rose.
""")
SYMBOLS = cases("""
“We will not back down,” she said. => "We will not back down," she said.
Salt &amp; pepper. => Salt and pepper.
Price &#163;20. => Price twenty pounds.
Wait for it… => Wait for it...
The bridge — closed since May — reopens. => The bridge, closed since May, reopens.
Use and/or both. => Use and or both.
Then 2 + 2 = 4. => Then two plus two equals four.
Room #4 is free. => Room number four is free.
""")


@pytest.mark.parametrize(
    "written, spoken",
    CARDINALS + ORDINALS_FRACTIONS + YEARS_DECADES + DATES + TIMES + MONEY + PERCENT_RANGES_SCORES + MEASURES
    + ADDRESSES + ROMAN + ABBREVIATIONS + INITIALISMS + SYMBOLS,
)
def test_normalize(written, spoken):
    assert normalize_pieces((Piece(written),)) == spoken


def test_day_month_order_is_configurable():
    assert normalize_text("Due 03/04/2025.", date_order="dmy") == "Due April third, twenty twenty-five."
    assert normalize_text("Due 03/04/2025.", date_order="mdy") == "Due March fourth, twenty twenty-five."


def test_lexicon_pieces_are_not_rewritten():
    entry = Entry("AT&T", "A T & T 2")
    pieces = (Piece("Call "), Piece("A T & T 2", entry), Piece(" & co at 5 p.m."))
    assert normalize_pieces(pieces) == "Call A T & T 2 and co at five P M."


def test_final_period_restored_after_abbreviation():
    assert normalize_pieces((Piece("It happened in the U.S."),)) == "It happened in the U S."


@pytest.mark.parametrize("value, words", [(1999, "nineteen ninety-nine"), (2000, "two thousand"),
                                          (2009, "two thousand nine"), (2010, "twenty ten"), (1066, "ten sixty-six"),
                                          (1800, "eighteen hundred"), (1901, "nineteen oh one")])
def test_years(value, words):
    assert n.year(value) == words


def test_huge_numbers_are_read_digit_by_digit():
    assert normalize_text("Code " + "9" * 40) == "Code " + " ".join(["nine"] * 40)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_never_crashes_and_is_deterministic(text):
    assert normalize_text(text) == normalize_text(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(
    st.integers(min_value=-10**40, max_value=10**40).map(str),
    st.sampled_from(["$", "%", "£", "€", "/", "-", ":", ".", ",", " ", "p.m.", "km", "°C", "St.", "No.", "'", "🙂",
                     "Ж", "中", "&amp;", "#", "@", "1st", "III", "U.S.", "—", "1/2", "\u00a0"]),
    st.text(max_size=5)), max_size=30).map("".join))
def test_fuzz_news_like_tokens(text):
    spoken = normalize_text(text)
    assert normalize_text(text) == spoken
    assert not any(ch.isdigit() for ch in spoken if ch.isascii())



@pytest.mark.e2e
def test_every_spelled_letter_reaches_the_engine_as_its_name(espeak_engine):
    """espeak-ng reads a lone capital "A" as the article "uh": each letter the normalizer spells must sound,
    in the middle of a spelled initialism, like the engine's own reading of that letter alone ("A." is "ay")."""
    import string

    from pipeline.engines import resolve_voice
    from pipeline.stages.normalize.readers import spell

    voice = resolve_voice(espeak_engine, None)

    def heard(text: str) -> str:
        return re.sub(r"[ˈˌ_\s]", "", "".join(espeak_engine.phonemes(text, voice)))

    for letter in string.ascii_uppercase:
        alone = heard(f"{letter}.")
        assert heard(f"the N {spell(letter)} S report") == heard("the N") + alone + heard("S report"), letter
