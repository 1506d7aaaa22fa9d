"""Data for normalization: what each abbreviation, unit, currency and symbol is called when read aloud."""

from __future__ import annotations

#: Characters rewritten before any rule runs: typography the engine reads badly or aloud.
CHARACTER_MAP = {
    "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "′": "'", "″": '"',
    "…": "...", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\u200b": "", "\u00ad": "",
    "\u2060": "", "\ufeff": "", "‐": "-", "‑": "-", "−": "-", "⁄": "/",
}

MONTHS = ("January February March April May June July August September October November December").split()
MONTH_ABBREVIATIONS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "jun": "June", "jul": "July",
    "aug": "August", "sep": "September", "sept": "September", "oct": "October", "nov": "November",
    "dec": "December",
}
DAYS = ("Monday Tuesday Wednesday Thursday Friday Saturday Sunday").split()
DAY_ABBREVIATIONS = {
    "mon": "Monday", "tue": "Tuesday", "tues": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
    "thur": "Thursday", "thurs": "Thursday", "fri": "Friday", "sat": "Saturday", "sun": "Sunday",
}

#: Abbreviations with a period that always mean one thing.
ABBREVIATIONS = {
    "Mr.": "Mister", "Mrs.": "Missus", "Ms.": "Miz", "Dr.": "Doctor", "Prof.": "Professor",
    "Sen.": "Senator", "Rep.": "Representative", "Gov.": "Governor", "Gen.": "General", "Lt.": "Lieutenant",
    "Col.": "Colonel", "Sgt.": "Sergeant", "Capt.": "Captain", "Cmdr.": "Commander", "Adm.": "Admiral",
    "Maj.": "Major", "Cpl.": "Corporal", "Pte.": "Private", "Pvt.": "Private", "Rev.": "Reverend",
    "Hon.": "Honourable", "Supt.": "Superintendent", "Insp.": "Inspector", "Det.": "Detective",
    "Const.": "Constable", "Coun.": "Councillor", "Cllr.": "Councillor", "Pres.": "President",
    "Jr.": "Junior", "Sr.": "Senior", "Sens.": "Senators", "Reps.": "Representatives", "Govt.": "Government",
    "Ave.": "Avenue", "Blvd.": "Boulevard", "Rd.": "Road", "Hwy.": "Highway", "Cres.": "Crescent",
    "Pkwy.": "Parkway", "Mt.": "Mount", "Ft.": "Fort", "Ph.D.": "P H D", "Ph.D": "P H D", "Co.": "Company", "Inc.": "Incorporated", "Ltd.": "Limited", "Corp.": "Corporation",
    "Bros.": "Brothers", "Dept.": "Department", "Univ.": "University", "Assn.": "Association",
    "vs.": "versus", "v.": "versus", "e.g.": "for example", "i.e.": "that is", "etc.": "et cetera",
    "approx.": "approximately", "est.": "established", "cf.": "compare", "ca.": "circa", "min.": "minutes",
    "max.": "maximum", "et al.": "and others",
    "N.Y.": "New York", "N.J.": "New Jersey", "N.H.": "New Hampshire", "N.M.": "New Mexico",
    "N.C.": "North Carolina", "S.C.": "South Carolina", "N.D.": "North Dakota", "S.D.": "South Dakota",
    "R.I.": "Rhode Island", "W.Va.": "West Virginia", "N.S.": "Nova Scotia", "N.L.": "Newfoundland and Labrador", "P.E.I.": "Prince Edward Island",
    "B.C.": "British Columbia", "Y.T.": "Yukon", "Nfld.": "Newfoundland", "N.B.": "New Brunswick",
    "N.W.T.": "Northwest Territories", "L.A.": "L A",
}
#: States and provinces in news style: read only after a place and a comma ("Greenwich, Conn.",
#: "SACRAMENTO, Calif. (AP)"), or anywhere when they are not also words ("Mass." is a word; "Calif." is not).
PLACE_ABBREVIATIONS = {
    "Ont.": "Ontario", "Que.": "Quebec", "Alta.": "Alberta", "Sask.": "Saskatchewan",
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California", "Colo.": "Colorado",
    "Conn.": "Connecticut", "Del.": "Delaware", "Fla.": "Florida", "Ga.": "Georgia", "Ill.": "Illinois",
    "Ind.": "Indiana", "Kan.": "Kansas", "Ky.": "Kentucky", "La.": "Louisiana", "Md.": "Maryland",
    "Mass.": "Massachusetts", "Mich.": "Michigan", "Minn.": "Minnesota", "Miss.": "Mississippi",
    "Mo.": "Missouri", "Mont.": "Montana", "Neb.": "Nebraska", "Nev.": "Nevada", "Okla.": "Oklahoma",
    "Ore.": "Oregon", "Pa.": "Pennsylvania", "Tenn.": "Tennessee", "Tex.": "Texas", "Va.": "Virginia",
    "Vt.": "Vermont", "Wash.": "Washington", "Wis.": "Wisconsin", "Wyo.": "Wyoming", "Man.": "Manitoba",
}

#: State and province abbreviations that are also words: read as places only after "Place, ".
PLACE_WORDS = frozenset({"Mass.", "Man.", "Ind.", "Ill.", "Wash.", "Mo.", "La.", "Pa.", "Del.", "Miss.", "Ore.",
                         "Md.", "Ga.", "Ark.", "Neb.", "Tex.", "Kan.", "Mont.", "Nev.", "Wis.", "Col."})

#: Titles before a name, written with or without a period ("Mr Smith", "Det Insp Jo Hale", "Lt Col Amy Ng").
TITLES = {
    "Mr": "Mister", "Mrs": "Missus", "Ms": "Miz", "Mx": "Mix", "Dr": "Doctor", "Prof": "Professor",
    "Cllr": "Councillor", "Coun": "Councillor", "Det": "Detective", "Insp": "Inspector", "Supt": "Superintendent",
    "Ch": "Chief", "Sgt": "Sergeant", "Lt": "Lieutenant", "Col": "Colonel", "Capt": "Captain", "Cmdr": "Commander",
    "Gen": "General", "Brig": "Brigadier", "Maj": "Major", "Cpl": "Corporal", "Pte": "Private", "Pvt": "Private",
    "Adm": "Admiral", "Rev": "Reverend", "Revd": "Reverend", "Fr": "Father", "Sen": "Senator", "Rep": "Representative",
    "Gov": "Governor", "Hon": "Honourable", "Const": "Constable", "Cst": "Constable", "PC": "Police Constable",
    "DC": "Detective Constable", "DS": "Detective Sergeant", "DI": "Detective Inspector", "DCI": "Detective Chief Inspector",
    "Supt.": "Superintendent", "Sr": "Sister", "Messrs": "Messieurs", "Mme": "Madame", "Mlle": "Mademoiselle",
}
#: After a name: "John Smith Jr."
NAME_SUFFIXES = {"Jr": "Junior", "Jnr": "Junior", "Sr": "Senior", "Snr": "Senior"}

#: Abbreviations that only stand for a word before a number ("No. 2", "Vol. 3", "p. 55").
NUMBER_ABBREVIATIONS = {
    "No.": "number", "Nos.": "numbers", "no.": "number", "Vol.": "volume", "vol.": "volume",
    "p.": "page", "pp.": "pages", "Ch.": "chapter", "ch.": "chapter", "Fig.": "figure", "fig.": "figure",
    "Art.": "article", "Sec.": "section", "Ex.": "exhibit", "Apt.": "apartment", "Rte.": "route",
}

#: Currency signs and codes: (singular, plural, minor unit singular, minor unit plural).
CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("U S dollar", "U S dollars", "cent", "cents"),
    "C$": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "CA$": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "A$": ("Australian dollar", "Australian dollars", "cent", "cents"),
    "NZ$": ("New Zealand dollar", "New Zealand dollars", "cent", "cents"),
    "HK$": ("Hong Kong dollar", "Hong Kong dollars", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "€": ("euro", "euros", "cent", "cents"),
    "¥": ("yen", "yen", "sen", "sen"),
    "₹": ("rupee", "rupees", "paisa", "paise"),
    "₩": ("won", "won", "jeon", "jeon"),
    "₽": ("ruble", "rubles", "kopeck", "kopecks"),
    "CHF": ("Swiss franc", "Swiss francs", "centime", "centimes"),
    "USD": ("U S dollar", "U S dollars", "cent", "cents"),
    "CAD": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "EUR": ("euro", "euros", "cent", "cents"),
    "GBP": ("pound", "pounds", "penny", "pence"),
    "JPY": ("yen", "yen", "sen", "sen"),
}
#: Scale words and their written short forms ("$5bn", "€2m", "$40K").
SCALES = {
    "thousand": "thousand", "k": "thousand", "K": "thousand", "million": "million", "m": "million",
    "M": "million", "mn": "million", "mln": "million", "billion": "billion", "bn": "billion", "b": "billion",
    "B": "billion", "trillion": "trillion", "tn": "trillion", "T": "trillion",
}

#: Written scales after a number with no currency sign ("1.45bn euros", "3.4m users"); "m" is a million only
#: where what follows is money or things counted (see money.magnitude), otherwise metres.
SCALE_ABBREVIATIONS = {"bn", "mn", "mln", "tn", "m", "k", "K"}
#: Currency words after an amount ("120.7m euros").
CURRENCY_WORDS = frozenset("""
euro euros dollar dollars pound pounds yen yuan renminbi rupee rupees won franc francs krona kronor krone kroner
rand ruble rubles roubles peso pesos real reais lira shekel shekels dirham dirhams riyal riyals ringgit baht zloty
forint dinar dinars sterling bitcoin usd eur gbp cad chf jpy cny aud
""".split())
#: Things counted after "m" that make it a million ("3.4m users"); any plural noun does too.
COUNT_NOUNS = frozenset("""
people children adults users customers viewers voters residents passengers visitors households homes jobs
barrels tonnes shares subscribers patients workers members tourists cases doses acres hectares
""".split())
#: Words after "10m" that make it metres ("10m from the shore", "a 400m race").
DISTANCE_CONTEXT = frozenset("""
from away high tall long wide deep below above across off of into up down race hurdles freestyle relay
sprint dash backstroke breaststroke butterfly medley final heat world title record
""".split())
#: Words after an amount that show it is not an adjective before a noun ("a $5 fee" but "a $5 increase in").
NOT_A_NOUN = frozenset("""
of in for to and or a an the that which from per each on at by with is was as than be been are were has have
had will would could should may might can must did does do if but so yet nor not over under about after
before since until when while where this these those their his her its our your my said says says
""".split())
#: Periods and units in a rate ("£10/wk", "US$20/mo", "12/kg").
RATE_PERIODS = {
    "wk": "a week", "week": "a week", "mo": "a month", "month": "a month", "mth": "a month", "yr": "a year",
    "year": "a year", "annum": "a year", "day": "a day", "hr": "an hour", "h": "an hour", "hour": "an hour",
    "night": "a night", "head": "a head", "person": "per person", "share": "a share", "kg": "per kilogram",
    "lb": "per pound", "oz": "per ounce", "t": "a tonne", "tonne": "a tonne", "bbl": "a barrel",
    "barrel": "a barrel", "kWh": "per kilowatt hour", "MWh": "per megawatt hour", "sq ft": "per square foot",
    "litre": "a litre", "liter": "a liter", "gal": "a gallon", "km": "per kilometer", "mi": "a mile",
}

#: Units after a number: written form to (singular, plural).
UNITS = {
    "km/h": ("kilometer per hour", "kilometers per hour"), "kph": ("kilometer per hour", "kilometers per hour"),
    "mph": ("mile per hour", "miles per hour"), "KG": ("kilogram", "kilograms"), "KM": ("kilometer", "kilometers"),
    "Kg": ("kilogram", "kilograms"), "kgs": ("kilogram", "kilograms"), "mbps": ("megabit per second", "megabits per second"),
    "kbps": ("kilobit per second", "kilobits per second"), "gbps": ("gigabit per second", "gigabits per second"),
    "Mbit/s": ("megabit per second", "megabits per second"), "MPH": ("mile per hour", "miles per hour"), "m/s": ("meter per second", "meters per second"),
    "km": ("kilometer", "kilometers"), "m": ("meter", "meters"), "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"), "mi": ("mile", "miles"), "ft": ("foot", "feet"), "in": ("inch", "inches"),
    "yd": ("yard", "yards"), "kg": ("kilogram", "kilograms"), "g": ("gram", "grams"), "mg": ("milligram", "milligrams"),
    "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"), "oz": ("ounce", "ounces"), "t": ("tonne", "tonnes"),
    "L": ("liter", "liters"), "l": ("liter", "liters"), "ml": ("milliliter", "milliliters"), "mL": ("milliliter", "milliliters"),
    "ha": ("hectare", "hectares"), "sq ft": ("square foot", "square feet"), "sq. ft.": ("square foot", "square feet"),
    "sq. ft": ("square foot", "square feet"), "sq. m": ("square meter", "square meters"),
    "sq. km": ("square kilometer", "square kilometers"), "sq mi": ("square mile", "square miles"), "km2": ("square kilometer", "square kilometers"),
    "km²": ("square kilometer", "square kilometers"), "m2": ("square meter", "square meters"), "m²": ("square meter", "square meters"),
    "°C": ("degree Celsius", "degrees Celsius"), "°F": ("degree Fahrenheit", "degrees Fahrenheit"), "°": ("degree", "degrees"),
    "C": ("degree Celsius", "degrees Celsius"), "F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "Hz": ("hertz", "hertz"), "kHz": ("kilohertz", "kilohertz"), "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"), "kW": ("kilowatt", "kilowatts"), "MW": ("megawatt", "megawatts"),
    "GW": ("gigawatt", "gigawatts"), "kWh": ("kilowatt hour", "kilowatt hours"), "W": ("watt", "watts"),
    "V": ("volt", "volts"), "mAh": ("milliamp hour", "milliamp hours"), "KB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"), "GB": ("gigabyte", "gigabytes"), "TB": ("terabyte", "terabytes"),
    "Mbps": ("megabit per second", "megabits per second"), "Gbps": ("gigabit per second", "gigabits per second"),
    "ms": ("millisecond", "milliseconds"), "sec": ("second", "seconds"), "hr": ("hour", "hours"), "hrs": ("hour", "hours"),
    "min": ("minute", "minutes"), "mins": ("minute", "minutes"), "yr": ("year", "years"), "yrs": ("year", "years"),
    "cal": ("calorie", "calories"), "kcal": ("kilocalorie", "kilocalories"), "psi": ("p s i", "p s i"),
    "dB": ("decibel", "decibels"), "mg/L": ("milligram per liter", "milligrams per liter"),
}

#: Capitalized words read as words, not letters.
ACRONYMS = {
    "NATO", "NASA", "CUSMA", "NAFTA", "UNESCO", "UNICEF", "OPEC", "FIFA", "UEFA", "AIDS", "COVID", "SARS",
    "MERS", "LASER", "RADAR", "SCUBA", "OSHA", "FEMA", "ASEAN", "NORAD", "CUPE", "UNIFOR", "ISIS",
    "NIMBY", "GIF", "PIN", "ZIP", "SWAT", "DARPA", "INTERPOL", "EPCOR", "TEPCO", "NASDAQ", "IKEA", "MOMA",
    "UNIFIL", "ESA", "NOAA", "CERN", "HUD", "NEET", "NICE", "OFCOM", "OFSTED", "OFGEM", "OFWAT", "UCAS",
    "ACAS", "DEFRA", "BAFTA", "NERC", "FIFO", "GIGO", "CAPTCHA", "SCOTUS", "POTUS", "FLOTUS",
}
#: House names said their own way: stock indexes and regions as the markets say them.
HOUSE_NAMES = {"FTSE": "footsie", "DAX": "dax", "CAC": "cack", "APAC": "Eh pac", "EMEA": "emeea",
               "NASDAQ": "nazdack", "NYSE": "N Y S E", "TSX": "T S X", "SENSEX": "sensex", "NIKKEI": "nikkei",
               "ASX": "Eh S X", "HSBC": "H S B C", "JPMorgan": "J P Morgan", "CAPEX": "capex", "OPEX": "opex",
               "PLC": "P L C", "OT": "overtime", "KC": "K C", "QC": "Q C", "MBE": "M B E", "OBE": "O B E", "CBE": "C B E"}
#: Short words an editor writes in capitals for stress ("do it TO them", "There WAS a way"); other short
#: tokens in capitals are initialisms ("AG", "MIT", "DEA"), since CMUdict also lists many of those as words.
STRESSED_SHORT_WORDS = frozenset("""
am an as at be by do go he if in is it me my no of oh on or so to up us we
all and any are ask bad big but can did die end far few for get got had has her him his hot how its let lot
may new nor not now off old one our out own put run saw say see set she sit six ten the too top two use war
was way who why win yes yet you
also back been best both came come does done down each even ever fact fail felt find five four free from
full gave give good half hard have here high hold home into just keep kill kind knew know last late left less
like live long look lose lost made make many more most much must near need next nine none once only open over
paid part past pay real rest said same save seen seem sell send show shut sold some stay stop sure take than
that them then they this told true turn very vote wait want were what when will with word work yeah your zero
""".split())
#: Initialisms that are also words: in a headline in capitals they are the words ("WHERE IT ALL BEGAN").
HEADLINE_WORDS = frozenset({"IT", "WHO", "AM", "OR"})
#: Words before "US" in a headline that make it the pronoun ("JOIN US", "TELL US", "FOR US").
US_PRONOUN_BEFORE = frozenset("""
join tell let for with to help give show send from about among of against without between call ask email
contact follow visit leave hurt hit made make told teach beat
""".split())
#: Initialisms said letter by letter even where the letters also spell a word ("WHO", "US", "IT" in "IT staff").
INITIALISMS = {"WHO", "CBC", "GM", "PMO", "MP", "MPP", "MLA", "NDP", "RCMP", "CEO", "CFO", "COO", "CTO", "GDP",
               "NHL", "NBA", "NFL", "MLB", "BBC", "CNN", "UN", "US", "UK", "EU", "TV", "ER", "ICU", "IPO", "AI",
               "PM", "FBI", "CIA", "IRS", "TSX", "ETF", "USB", "IOU", "ATM", "SUV", "OPP", "CAF", "AP", "CP",
               "PA", "SEC", "IMF", "ECB", "OBR", "NHS", "GP", "RAF", "MoD", "DfT", "FA", "AGM", "CCTV", "VAT",
               "ID", "IT", "HR", "PR", "ONS", "IPCC", "WTO", "OECD", "BOE", "BoE", "ESG", "IPA", "AM",
               "RSV", "USDA", "EPA", "FDA", "CDC", "DOJ", "DOT", "NTSB", "FAA", "TSA", "ICE", "NYPD", "LAPD",
               "JPL", "KPMG", "PwC", "EY", "IBM", "HP", "BP", "BHP", "RBC", "TD", "BMO", "CIBC", "CN", "CPR",
               "TTC", "OC", "LRT", "YVR", "YYZ", "LHR", "JFK", "LAX", "MRI", "ICU", "ER", "EV",
               "PhD", "MBA", "LLC", "LLP", "RCMP", "CRA", "CBSA", "CSIS", "OSC", "TSB", "RBS", "HMRC",
               "DWP", "DVLA", "TfL", "GMB", "RMT", "TUC", "CBI", "IFS", "FCA", "PRA", "CMA", "BCC", "ITV",
               "AG", "SA", "NV", "BV", "SpA", "GmbH", "IP", "NL", "BC", "PEI"}
#: Time zones read the way a newsreader says them.
TIME_ZONES = {
    "ET": "Eastern time", "EST": "Eastern standard time", "EDT": "Eastern daylight time", "CT": "Central time",
    "CST": "Central standard time", "CDT": "Central daylight time", "MT": "Mountain time",
    "MST": "Mountain standard time", "MDT": "Mountain daylight time", "PT": "Pacific time",
    "PST": "Pacific standard time", "PDT": "Pacific daylight time", "AT": "Atlantic time",
    "AST": "Atlantic standard time", "ADT": "Atlantic daylight time", "NT": "Newfoundland time", "GMT": "G M T", "UTC": "U T C",
    "BST": "British summer time", "CET": "Central European time",
}

#: Words after which a Roman numeral counts things ("World War II", "Chapter IV", "Super Bowl LVIII").
ROMAN_COUNTERS = {"War", "Chapter", "Part", "Volume", "Vol.", "Book", "Act", "Phase", "Title", "Article",
                  "Bowl", "Stage", "Class", "Saturn", "Windows", "Olympiad", "Type", "Grade", "Level", "Section", "Schedule", "Round", "Episode",
                  "Season", "Vatican", "Apollo", "Mark", "Appendix", "Division", "Tier", "Game"}
#: Given names of monarchs and popes: a Roman numeral after them is an ordinal ("Charles III").
REGNAL_NAMES = {"Charles", "Elizabeth", "Henry", "George", "Edward", "William", "Richard", "James", "Mary",
                "Louis", "John", "Paul", "Pius", "Benedict", "Leo", "Gregory", "Alexander", "Peter", "Nicholas",
                "Philip", "Felipe", "Juan", "Carlos", "Gustav", "Olav", "Harald", "Frederick", "Frederik",
                "Christian", "Margrethe", "Willem", "Rama", "Napoleon", "Catherine", "Victor", "Umberto", "Ivan",
                "Francis", "Innocent", "Clement", "Urban", "Boniface", "Stephen", "Anne", "Victoria", "Albert",
                "Baudouin", "Haakon", "Carl", "Hussein", "Abdullah", "Mohammed", "Akihito", "Pedro", "Manuel"}

#: Two letters that can begin an English word: an all-capital word starting otherwise is spelled ("WSIB").
WORD_ONSETS = frozenset("bl br ch cl cr dr dw fl fr gl gn gr kn kl kr ph pl pr ps qu sc sh sk sl sm sn sp st sw "
                        "th tr tw wh wr sch scr shr spl spr str thr".split())

#: How a spelled letter is written for the engine so that it says the letter's name: espeak-ng reads a lone
#: "A" (or "a") as the article "uh", but "Eh" as the letter (checked against its phonemes in the tests).
SPOKEN_LETTERS = {"A": "Eh"}

#: Party letters in "Sen. Lisa Murkowski, R-Alaska".
PARTIES = {"R": "Republican", "D": "Democrat", "I": "independent"}

#: Symbols read as words.
SYMBOL_WORDS = {"&": "and", "%": "percent", "+": "plus", "=": "equals", "@": "at", "×": "times",
                "±": "plus or minus", "~": "about", "#": "number", "°": "degrees", "§": "section", "€": "euros",
                "£": "pounds", "$": "dollars", "¥": "yen", "™": "", "®": "", "©": "copyright", "→": "to",
                "<": "less than", ">": "more than", "≤": "at most", "≥": "at least", "*": "", "|": ",",
                "^": "", "_": " ", "\\": " "}
#: Separators inside web addresses and e-mail addresses.
ADDRESS_WORDS = {".": "dot", "/": "slash", "-": "dash", "_": "underscore", ":": "colon", "@": "at",
                 "?": "question mark", "=": "equals", "&": "and", "#": "hash", "+": "plus", "~": "tilde", "%": "percent"}
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
FRACTION_WORDS = {2: ("half", "halves"), 4: ("quarter", "quarters")}
UNICODE_FRACTIONS = {"½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅕": "1/5", "⅛": "1/8",
                     "⅜": "3/8", "⅝": "5/8", "⅞": "7/8"}

#: Units that are also ordinary words or letters: read as units only at the end or before a dimension word.
AMBIGUOUS_UNITS = frozenset({"in", "t", "V", "W", "mi", "ha", "yd", "sec", "cal", "ms"})
#: Words after an ambiguous unit that make it a measure: "14 in deep", "3 m wide".
DIMENSION_WORDS = frozenset("long wide tall high deep thick across of".split())
#: Endings of words that describe rather than name ("typical"): not the noun an amount describes.
NOT_NOUN_ENDINGS = ("ical", "ous", "ive", "able", "ible", "ly", "ful", "less")
#: Words after a price that make it an exchange rate, read as a decimal ("$1.24 against the dollar").
EXCHANGE_WORDS = frozenset({"against", "versus", "vs"})
#: Verbs before a short number that make it a number to call ("call 101").
CALL_VERBS = ("call", "dial", "ring", "phone", "text", "calling", "dialling", "dialing")
#: Roman-numeral letter groups that are also words or initialisms: counted only after a counting word.
NUMERALS_THAT_ARE_WORDS = frozenset({"MIX", "DC", "CD", "MD", "CV", "DIV", "LI", "MI", "DI", "CI", "VI"})
