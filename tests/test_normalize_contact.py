"""Contact details and places: phone numbers, web and e-mail addresses, IP addresses, card endings, US and
Canadian postal addresses, street types, compass points, and "St." as Saint or Street.

Decisions these tables pin down:
- zero is "zero" everywhere here (phone numbers, ZIP codes, IP addresses, card endings), never "oh"; the one
  "oh" is inside a four-digit house number read in pairs ("2005 Oak Blvd." is "twenty oh five").
- "S" in "Harry S Truman" stays a letter: a compass letter is read as a direction only before a place that
  takes one ("S Korea") or before a street's name and type ("SE Bridger Ave."), and never after a given name.
- "St." is "Saint" when a capitalized name follows it (unless the name is a direction: "King St. East"),
  otherwise "Street" after a name or a number ("Water St. after", "on Main St.").
"""

from __future__ import annotations

import re

import pytest

from tables import cases

from pipeline.stages.normalize import normalize_text
from pipeline.stages.normalize.contact import address_name, house_number, segment


PHONES = cases("""
Ring (416) 555-0132 after noon. => Ring four one six, five five five, zero one three two after noon.
Dial 1-877-555-0100 toll-free. => Dial one, eight seven seven, five five five, zero one zero zero toll-free.
The toll-free line is 1-800-555-0111. => The toll-free line is one, eight hundred, five five five, zero one one one.
Reach the desk at (800) 555-0177 overnight. => Reach the desk at eight hundred, five five five, zero one seven seven overnight.
Her cell is +1 (604) 555-0190 now. => Her cell is plus one, six zero four, five five five, zero one nine zero now.
Call 902.555.0143 today. => Call nine zero two, five five five, zero one four three today.
Call (212) 555-0188 ext. 317 for help. => Call two one two, five five five, zero one eight eight, extension three one seven for help.
Call 555-0123 for details. => Call five five five, zero one two three for details.
""")
WEB = cases("""
Donations go through riverlandfoodbank.org now. => Donations go through river land food bank dot org now.
The trust runs coastalheritagetrust.org.uk for members. => The trust runs coastal heritage trust dot org dot U K for members.
Read more at greenvalleyfarms.com/harvest today. => Read more at green valley farms dot com slash harvest today.
Email tips to newsdesk@cityherald.com by Friday. => Email tips to news desk at city herald dot com by Friday.
Her address is mariaq@gmail.com, she said. => Her address is mariaq at G mail dot com, she said.
Go to www.northshoreclinic.ca for hours. => Go to w w w dot north shore clinic dot C Eh for hours.
Visit www.RiverBankTrust.com today. => Visit w w w dot river bank trust dot com today.
The page news.bbc.co.uk was down. => The page news dot B B C dot co dot U K was down.
Write to info@zorvex-labs.com soon. => Write to info at zorvex dash labs dot com soon.
The portal is at qwtr.gov.ab.ca today. => The portal is at Q W T R dot gov dot Eh B dot C Eh today.
""")
IP_AND_CARDS = cases("""
The server at 192.168.10.254 failed. => The server at one nine two dot one six eight dot one zero dot two five four failed.
Traffic came from 10.0.0.7, police said. => Traffic came from one zero dot zero dot zero dot seven, police said.
Her credit card ending in 5521 was cloned. => Her credit card ending in five five two one was cloned.
The account ending 0093 was frozen. => The account ending zero zero nine three was frozen.
He read out the last four digits 0921 on the phone. => He read out the last four digits zero nine two one on the phone.
A Visa card ending with 3007 was used. => A Visa card ending with three zero zero seven was used.
""")
ADDRESSES = cases("""
The clinic is at 1420 Elm Ave. in Springfield. => The clinic is at fourteen twenty Elm Avenue in Springfield.
The depot is at 2005 Oak Blvd. => The depot is at twenty oh five Oak Boulevard.
We met at 1200 Pine Rd. last week. => We met at twelve hundred Pine Road last week.
The office moved to 300 S. Third St. in May. => The office moved to three hundred South Third Street in May.
Mail it to 75 NW Birch Ct., Bend, OR 97701. => Mail it to seventy-five Northwest Birch Court, Bend, Oregon nine seven seven zero one.
The plant is at 9 Mill Ln, Dover, DE 19901. => The plant is at nine Mill Lane, Dover, Delaware one nine nine zero one.
Ship to 500 W. Oak St., Boise, ID 83702-1234. => Ship to five hundred West Oak Street, Boise, Idaho eight three seven zero two, one two three four.
Its office is in Plano, Texas 75023 now. => Its office is in Plano, Texas seven five zero two three now.
Write to Box 12, Albany, NY 12207. => Write to Box twelve, Albany, New York one two two zero seven.
Mail it to Ottawa, ON K1A 0B1. => Mail it to Ottawa, Ontario K one Eh, zero B one.
I grew up in Portland, OR, and left. => I grew up in Portland, Oregon, and left.
The storm reached Corner Brook, N.L. => The storm reached Corner Brook, Newfoundland and Labrador.
Traffic slowed on Hwy 7 overnight. => Traffic slowed on Highway seven overnight.
They live on Sunset Dr. near the beach. => They live on Sunset Drive near the beach.
The crash closed Lakeview Pkwy for hours. => The crash closed Lakeview Parkway for hours.
Drivers avoided the Gardiner Expy on Monday. => Drivers avoided the Gardiner Expressway on Monday.
""")
COMPASS_POINTS = cases("""
The bar on King St. E. reopened. => The bar on King Street East reopened.
Police closed Bloor Ave. W. and nearby lanes. => Police closed Bloor Avenue West and nearby lanes.
A fire broke out on Dundas St. W. => A fire broke out on Dundas Street West.
The shop at 12 Main St. SE closed. => The shop at twelve Main Street Southeast closed.
It sits on Pennsylvania Avenue NW near the park. => It sits on Pennsylvania Avenue Northwest near the park.
Crews repaved NE Alder Blvd. last fall. => Crews repaved Northeast Alder Boulevard last fall.
Talks between N Korea and S Africa stalled. => Talks between North Korea and South Africa stalled.
Growth slowed across SE Asia this year. => Growth slowed across Southeast Asia this year.
He visited N. Ireland twice. => He visited Northern Ireland twice.
Farms in W Australia are dry. => Farms in Western Australia are dry.
""")
SAINT_OR_STREET = cases("""
She grew up on St Aidan's Road in Leeds. => She grew up on Saint Aidan's Road in Leeds.
Pupils at the St. Brendan school cheered. => Pupils at the Saint Brendan school cheered.
Lawyer Marie St. Laurent spoke. => Lawyer Marie Saint Laurent spoke.
Traffic backed up on Front St. after the crash. => Traffic backed up on Front Street after the crash.
The parade ends on Water St. => The parade ends on Water Street.
She lives at 4 Kent St, near the park. => She lives at four Kent Street, near the park.
The 10th St. bridge reopened. => The tenth Street bridge reopened.
Mr St John chaired the panel. => Mister Saint John chaired the panel.
ST. CATHARINES, Ont. — Rain fell. => Saint Catharines, Ontario, Rain fell.
""")
#: Sentences nothing in this module may change: initials, the words "or" and "in", years, numbers.
UNTOUCHED = cases("""
Harry S Truman was president. => Harry S Truman was president.
E. coli was found in the water. => E. coli was found in the water.
George W. Bush spoke. => George W. Bush spoke.
John W. Carpenter Fwy is busy. => John W. Carpenter Freeway is busy.
The company was founded in 2019 and moved in 2021. => The company was founded in twenty nineteen and moved in twenty twenty-one.
The fiscal year ending in 2019 was bad. => The fiscal year ending in twenty nineteen was bad.
Scores ranged 250-1000 points. => Scores ranged two hundred fifty to one thousand points.
St Helens won the match. => Saint Helens won the match.
Dr. Ortiz met Dr Lee at the lab. => Doctor Ortiz met Doctor Lee at the lab.
The Harry Potter Pt. 2 film. => The Harry Potter Pt. two film.
Version 3 came out in 12 weeks. => Version three came out in twelve weeks.
We sold 45000 copies. => We sold forty-five thousand copies.
In Texas 12000 people voted early. => In Texas twelve thousand people voted early.
""")


@pytest.mark.parametrize("written, spoken",
                         PHONES + WEB + IP_AND_CARDS + ADDRESSES + COMPASS_POINTS + SAINT_OR_STREET + UNTOUCHED)
def test_contact_and_address_readings(written, spoken):
    assert normalize_text(written) == spoken


def test_or_in_a_capitals_headline_is_not_oregon():
    assert "Oregon" not in normalize_text("GO OR STAY: VOTERS DECIDE")
    assert "Oregon" not in normalize_text("Stay, OR go home.")


def test_no_10_is_a_number_not_an_address():
    assert "ten" in normalize_text("No. 10 Downing Street is busy.")


@pytest.mark.parametrize("name, words", [
    ("baystatepower", ("bay", "state", "power")),
    ("riverlandfoodbank", ("river", "land", "food", "bank")),
    ("hopebridge", ("hope", "bridge")),
    ("okanagan", None),      # a place name, not "ok an agan"
    ("lanfield", None),      # "lan" is no common word: a made-up name stays whole
    ("meridex", None),
    ("zorvex", None),
    ("bridge", None),        # a single word is not cut
])
def test_segment(name, words):
    assert segment(name) == words


@pytest.mark.parametrize("part, top, spoken", [
    ("uk", True, "U K"), ("ca", True, "C Eh"), ("com", True, "com"), ("io", True, "I O"),
    ("gmail", False, "G mail"), ("www", False, "w w w"), ("police", False, "police"),
    ("news24", False, "news two four"), ("a*b", False, "Eh B"),
])
def test_address_name(part, top, spoken):
    assert address_name(part, top_level=top) == spoken


@pytest.mark.parametrize("number, spoken", [
    ("7", "seven"), ("210", "two hundred ten"), ("1420", "fourteen twenty"), ("1005", "ten oh five"),
    ("1200", "twelve hundred"), ("2000", "two thousand"), ("10250", "one zero two five zero"), ("0451", "zero four five one"),
])
def test_house_number(number, spoken):
    assert house_number(number) == spoken


_SPOKEN_CHARACTERS = re.compile(r"[A-Za-z '\-.,;:!?]*")


@pytest.mark.parametrize("written", [row[0] for row in PHONES + WEB + IP_AND_CARDS + ADDRESSES + COMPASS_POINTS])
def test_rule_pieces_have_no_digits_or_symbols(written):
    from pipeline.lexicon.model import Piece
    from pipeline.stages.normalize import normalize_sentence

    for piece in normalize_sentence((Piece(written),)).pieces:
        if piece.kind == "rule":
            assert _SPOKEN_CHARACTERS.fullmatch(piece.spoken), (piece.rule, piece.spoken)


@pytest.mark.parametrize("text", [
    "1.2.3." * 500, "xy." * 1500, "foo-bar-" * 500, "Queen Anne " * 400 + "St.", "12 " * 1500, "a.b" * 1500 + "@",
    "N " * 1500, "St. " * 1000, "ending in 1234 " * 300,
])
def test_long_repetitive_input_is_read_whole(text):
    # How the time grows with the length is measured by benchmarks/normalization_scaling.py, not here.
    spoken = normalize_text(text)
    assert spoken and not any(character.isdigit() for character in spoken)
