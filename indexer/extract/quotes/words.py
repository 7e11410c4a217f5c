"""Words that attribute speech and words that make up (or never make up) names: the
data the speaker rules read, kept apart from the rules so they can be read and extended.
"""

# Verbs (and "according to") that attribute speech; nouns that look like verbs
# ("states", "notes", "claims") are left out because they break names like "United States".
SPEECH_VERBS = (
    "said says say saying told tells telling added adds adding explained explains stated "
    "insisted insists warned warns argued argues noted claimed asked asks replied wrote "
    "writes declared declares announced commented remarked continued continues observed "
    "suggested suggests admitted admits acknowledged conceded stressed emphasised "
    "emphasized cautioned predicted recalled recalls urged maintained concluded confirmed "
    "responded tweeted shouted joked complained described describing describes testified"
).split()
# Words allowed between a speaker and the verb: "Mr Smith later said", "she has said".
ADVERBS = (
    "also later then once previously recently further simply reportedly has had have is was "
    "quoted reported as"
).split()
# Capitalised words that start sentences but never names: dropped from the front of a run.
NOT_NAME_START = frozenset(
    "The A An But And Or So Yet On In At Last This That These Those However Meanwhile Also "
    "Then Now When While If As After Before Earlier Later Speaking Asked Writing Today Both "
    "Neither Either "
    "Yesterday It He She They We I You There Here His Her Their Its Our My Your For To "
    "With From By Of Although Though Because Since Until Unless Where What Why How Who "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "June July August September October November December "
    # job acronyms read as descriptions, like "chief executive" in lower case
    "CEO CFO COO CTO".split()
)
# Titles and offices: part of a speaker's name when capitalised, but never a name alone.
TITLE_WORDS = frozenset(
    "Mr Mrs Ms Miss Dr Prof Sir Dame Lord Lady President Prime Minister Secretary General "
    "Major Colonel Captain Lieutenant Chief Executive Chancellor Senator Governor Judge King "
    "Queen Prince Princess Pope Sheikh Rev MP Deputy Director Chairman Chairwoman "
    "Commissioner Ambassador Mayor Officer Spokesman Spokeswoman Spokesperson Crown Rt Bishop "
    "Attorney Rep Secretary".split()
)
# Last words of organisations and places: what "he" and "she" never point back to.
NOT_PERSON = frozenset(
    "Office Department Ministry Agency Council Committee Commission Court Party Union Bank "
    "Group Association Society University Institute College School Service Services Police "
    "Government Company Corporation Corp Inc Ltd Plc News Times Post Journal Magazine Express "
    "Telegraph Guardian Herald Mail Press Radio TV Online Website Club United City County "
    "Kingdom States Republic Nations Board Authority Organisation Organization "
    "Foundation Trust Fund League Cup Championship Games Olympics Awards Festival Museum "
    "Gallery Street Square Road Airport Station Hospital Centre Center Church Hall House "
    "Europe America Africa Asia Australia York London Ireland Wales Scotland England Britain "
    "Summit End".split()
)
HONORIFICS = frozenset("Mr Mrs Ms Miss Dr Prof Sir Dame Lord Lady Rev Rt".split())
# The pronouns a speaker can be, and their gender; ANAPHOR stands for a description that
# points back to a person named before ("the 30-year-old", "the two-time winner").
ANAPHOR = "they"
PRONOUNS = {"he": "m", "she": "f", ANAPHOR: None}
# Nouns that, after "the", describe a person already named rather than a new one. Offices
# ("the minister") are left out: they often name someone else than the last person.
PERSON_NOUNS = (
    r"\d+-year-old|year-old|winner|star|actor|actress|singer|musician|rapper|boss|veteran|"
    r"champion|striker|midfielder|defender|goalkeeper|keeper|forward|player|athlete|"
    r"sprinter|runner|coach|batsman|bowler|golfer|driver|rider|boxer|director|novelist|"
    r"author|writer|comedian|presenter|frontman|frontwoman|businessman|businesswoman"
)
# Lowercase particles inside names: "Charles de Gaulle", "Ludwig van Beethoven".
PARTICLES = frozenset("de da di du del della der den van von la le al el bin ibn y".split())
# Who speaks for someone else without a name: "a spokesman for Acme", "a source close to".
UNNAMED_NOUNS = (
    r"spokes\w+|sources?|officials?|representatives?|aides?|lawyers?|attorneys?|members?|"
    r"statement|report|letter"
)
PREPOSITIONS = frozenset("in of at on from for with by to into over under near".split())
