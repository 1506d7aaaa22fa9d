"""Data for the contact and address rules: street suffixes, compass points, states and provinces, web names."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Abbreviated street types and what they are called. Each is read only where the context shows a street.
STREET_SUFFIXES = {
    "St": "Street", "Ave": "Avenue", "Blvd": "Boulevard", "Rd": "Road", "Dr": "Drive", "Hwy": "Highway",
    "Expy": "Expressway", "Expwy": "Expressway", "Fwy": "Freeway", "Pkwy": "Parkway", "Tpke": "Turnpike",
    "Ct": "Court", "Ln": "Lane", "Pl": "Place", "Cres": "Crescent", "Cir": "Circle", "Ter": "Terrace",
    "Terr": "Terrace", "Sq": "Square", "Trl": "Trail", "Hts": "Heights",
}
#: Street types also read in capitals ("MAIN ST", "FIFTH AVE"); "DR", "CT", "PL" are not (a doctor, a time zone).
CAPITAL_SUFFIXES = frozenset({"ST", "AVE", "BLVD", "HWY", "PKWY", "EXPY", "RD"})
#: Street types that are also other words or titles ("Dr. Smith", "St. Anne", "Pt. 2"): never read as a street
#: when a capitalized name follows them.
AMBIGUOUS_SUFFIXES = frozenset({"St", "Dr", "Ct", "Pl", "Sq", "Ter", "Cir", "ST"})
#: Street types that may stand before a route number ("Hwy 401").
ROUTE_SUFFIXES = frozenset({"Hwy", "Fwy", "Expy", "Tpke"})
#: Street types written out: a compass point after one of them is a direction ("Main Street SE").
STREET_WORDS = frozenset({
    "Street", "Avenue", "Boulevard", "Road", "Drive", "Highway", "Expressway", "Freeway", "Parkway", "Turnpike",
    "Court", "Lane", "Place", "Crescent", "Circle", "Terrace", "Square", "Trail", "Heights", "Way", "Row",
    "Close", "Mall", "Cove", "Point",
})

#: Compass abbreviations and the direction they stand for.
COMPASS = {
    "N": "North", "S": "South", "E": "East", "W": "West",
    "NE": "Northeast", "NW": "Northwest", "SE": "Southeast", "SW": "Southwest",
}
#: Compass words written out: after a street abbreviation they are not a saint's name ("King St. East").
COMPASS_WORDS = frozenset({"North", "South", "East", "West", "Northeast", "Northwest", "Southeast", "Southwest"})
#: Places a compass letter may stand before in headline style ("S Korea", "N Ireland", "SE Asia").
COMPASS_PLACES = frozenset({
    "Korea", "Africa", "America", "Asia", "Europe", "Ireland", "Sudan", "Ossetia", "Carolina", "Dakota",
    "Virginia", "Yorkshire", "Wales", "England", "Scotland", "London", "Timor", "Macedonia", "Cyprus",
    "Germany", "Kivu", "Kordofan", "Darfur", "Ontario", "Pacific", "Atlantic", "China", "India", "Australia",
})
#: Places whose compass letter stands for an adjective: "N Ireland" is Northern Ireland, "E Europe" Eastern Europe.
COMPASS_PLACE_WORDS = {
    ("N", "Ireland"): "Northern", ("N", "Europe"): "Northern", ("S", "Europe"): "Southern",
    ("E", "Europe"): "Eastern", ("W", "Europe"): "Western", ("W", "Australia"): "Western",
    ("N", "Cyprus"): "Northern", ("N", "Macedonia"): "North",
}
#: Capitalized words that may stand before a compass letter of a street ("The N. Main St. bridge").
LEAD_WORDS = frozenset({"The", "On", "In", "At", "Along", "Near", "From", "To", "And", "Off", "Onto", "Via",
                        "Past", "Across", "Down", "Up", "By"})

#: US postal codes of states and territories, and Canadian provinces and territories.
POSTAL_CODES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho",
    "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
    "WI": "Wisconsin", "WY": "Wyoming", "DC": "D C", "PR": "Puerto Rico", "GU": "Guam", "VI": "Virgin Islands",
    "ON": "Ontario", "QC": "Quebec", "BC": "British Columbia", "AB": "Alberta", "MB": "Manitoba",
    "SK": "Saskatchewan", "NS": "Nova Scotia", "NB": "New Brunswick", "NL": "Newfoundland and Labrador",
    "PE": "Prince Edward Island", "YT": "Yukon", "NT": "Northwest Territories", "NU": "Nunavut",
}
#: Province and state abbreviations with periods that tables.ABBREVIATIONS does not have; read after "City, ".
DOTTED_REGIONS = {
    "N.L.": "Newfoundland and Labrador", "B.C.": "British Columbia", "P.E.I.": "Prince Edward Island",
    "D.C.": "D C", "Nfld.": "Newfoundland",
}
#: Full state names (and period abbreviations) a ZIP code may follow ("Marlow, Texas 79512").
STATE_NAMES = frozenset(POSTAL_CODES.values()) - {"D C"} | {
    "Ala.", "Ariz.", "Ark.", "Calif.", "Colo.", "Conn.", "Del.", "Fla.", "Ga.", "Ill.", "Ind.", "Kan.", "Ky.",
    "La.", "Md.", "Mass.", "Mich.", "Minn.", "Miss.", "Mo.", "Mont.", "Neb.", "Nev.", "Okla.", "Ore.", "Pa.",
    "Tenn.", "Tex.", "Va.", "Vt.", "Wash.", "Wis.", "Wyo.", "N.Y.", "N.J.", "N.H.", "N.M.", "N.C.", "S.C.",
    "N.D.", "S.D.", "R.I.", "W.Va.", "D.C.",
}

#: Toll-free and premium area codes said as round numbers ("1-800" is "one eight hundred").
ROUND_AREA_CODES = {"800": "eight hundred", "900": "nine hundred"}

#: Top-level domains read as words; any other two-letter one is a country code and is spelled.
WORD_TLDS = {
    "com": "com", "org": "org", "net": "net", "gov": "gov", "edu": "edu", "info": "info", "news": "news",
    "biz": "biz", "mil": "mil", "int": "int", "online": "online", "shop": "shop", "site": "site",
    "store": "store", "tech": "tech", "app": "app", "dev": "dev", "media": "media", "museum": "museum",
    "blog": "blog", "club": "club", "live": "live", "earth": "earth", "world": "world", "global": "global",
    "today": "today", "space": "space", "coop": "co-op", "aero": "aero", "travel": "travel", "health": "health",
    "io": "I O", "ai": "Eh I", "tv": "T V", "fm": "F M", "co": "co",
}
#: Country-code top-level domains (spelled: "uk" is "U K").
COUNTRY_TLDS = _words(
    "ac ad ae af ag al am ao ar at au az ba bb bd be bg bh bm bn bo br bs bt bw by bz ca ch ci cl cm cn co cr cu "
    "cy cz de dk do dz ec ee eg es et eu fi fj fo fr ge gg gh gi gl gr gt gy hk hn hr ht hu id ie il im in iq ir "
    "is it je jm jo jp ke kg kh kr kw ky kz la lb li lk lt lu lv ly ma mc md me mk mn mo mt mu mv mx my mz na ng "
    "ni nl no np nz om pa pe ph pk pl pr ps pt py qa ro rs ru rw sa sc se sg si sk sn so sr sv sy th tn tr tt tw "
    "tz ua ug uk us uy uz va ve vn ws za zm zw"
)
#: Names inside addresses that are not read as they are spelled.
ADDRESS_NAMES = {"www": "w w w", "gmail": "G mail", "ymail": "Y mail", "icloud": "I cloud", "msn": "M S N",
                 "aol": "Eh O L", "http": "H T T P", "https": "H T T P S", "ftp": "F T P"}
#: Short words an address name may be cut into: CMUdict's other two- and three-letter entries are mostly names
#: and abbreviations ("lan", "kel"), which would cut made-up names wrongly ("lanfield" is not "lan field").
SHORT_WORDS = _words(
    "my me we us go do up on in at to of it is be by an or no so new old big top one two six ten day way sun sky "
    "bay sea red art car job web net app hub pro box bar bus eat fun get buy pay hot law tax kid man men air oil "
    "gas fox owl cat dog bee ice key map pet pie tea cup toy war win won all any are our out own you see can "
    "not now the and for her his its let low fit fix mix max bit lab tag log pod ask sip tip hop run set yes "
    "far mid end age aid arm eye ear leg cab van ink pen pop hat bag fan gym spa inn zoo"
)
#: Words before a number that make it a card or account ending, read digit by digit.
ENDING_NOUNS = ("card", "account", "acct", "number", "visa", "mastercard", "amex", "cheque", "check", "phone")
