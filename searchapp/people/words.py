"""The words that tell a title, a role or an organisation from a personal name.

Kept as data, lower case, without a final full stop ("Sen." is looked up as "sen"). A word
here that is also a common personal name ("Dean", "Earl", "Duke", "Bond") would cut real
names in two, so those are left out on purpose: a name wins over a title.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(w.strip().lower() for w in text.replace("\n", "|").split("|") if w.strip())


# Courtesy titles and ranks written before a name ("Mr Eddington", "Sen. Bob Dole").
TITLES = _words("""
    mr|mrs|ms|miss|mx|dr|prof|professor|sir|dame|rev|revd|reverend|fr|father|rabbi|imam|
    sheikh|sheik|cardinal|bishop|archbishop|pastor|ayatollah|mullah|herr|frau|mme|mlle|
    monsieur|madame|senor|senora|signor|hon|lord|lady|baroness|king|queen|prince|princess|
    emperor|empress|pope|general|gen|lieutenant|lt|colonel|col|major|maj|captain|capt|
    commander|cmdr|admiral|adm|sergeant|sgt|corporal|cpl|brigadier|commodore|marshal|
    inspector|insp|detective|det|superintendent|supt|constable|sheriff|judge|justice|
    senator|sen|rep|gov|mayor|councillor|councilor|cllr|alderman|ambassador|dj|mp|mep|msp""")
# Courtesy titles: what follows is a surname, even of two words ("Mr Saumarez Smith").
COURTESY = _words("mr|mrs|ms|miss|mx|herr|frau|mme|monsieur|madame|senor|senora|signor")
# Titles that are part of how a person is named when only one word follows: "Lord
# Goldsmith", "Queen Mary", "Pope Francis" stay whole; "Mr Blair" is Blair.
NAME_TITLES = _words("""
    sir|dame|lord|lady|baroness|king|queen|prince|princess|emperor|empress|pope|sheikh|
    sheik|ayatollah|cardinal""")

# Roles: nouns naming what a person does or represents. A name written after one is the
# person ("Energy Minister Subroto"); a form that ends with one names nobody ("Texas
# Democrat", "the spokesman").
ROLES = _words("""
    minister|ministers|secretary|secretaries|undersecretary|under-secretary|president|
    vice-president|chairman|chairwoman|chairperson|chair|chief|executive|executives|ceo|
    cfo|coo|cto|director|directors|director-general|manager|managers|governor|governors|
    spokesman|spokeswoman|spokesperson|spokesmen|representative|representatives|analyst|
    analysts|economist|economists|official|officials|officer|officers|administrator|envoy|
    commissioner|treasurer|chancellor|premier|leader|leaders|head|deputy|assistant|adviser|
    advisers|advisor|advisors|aide|aides|counsel|attorney|attorneys|lawyer|lawyers|
    prosecutor|magistrate|congressman|congresswoman|congressmen|senators|delegate|delegates|
    speaker|comptroller|controller|auditor|consul|founder|co-founder|partner|owner|editor|
    correspondent|reporter|researcher|researchers|scientist|scientists|strategist|
    strategists|trader|traders|dealer|dealers|broker|brokers|banker|bankers|consultant|
    engineer|principal|teacher|lecturer|coach|trainer|striker|midfielder|defender|
    goalkeeper|boss|supremo|chairmen|member|members|activist|activists|campaigner|
    candidate|nominee|singer|actor|actress|star|writer|novelist|presenter|host|producer|
    veteran|expert|experts|source|sources|diplomat|diplomats|investor|investors|resident|
    residents|witness|witnesses|critic|critics|observer|observers|specialist|student|
    students|doctor|doctors|nurse|nurses|police|policeman|authorities|democrat|democrats|
    republican|republicans|people|someone|man|woman|spokeswomen|staff|employee|employees|
    worker|workers|farmer|farmers|user|users|fan|fans|vice|mps|meps|tory|labourite""")
# Roles that are also family names ("Bryan Singer", "Murray Head"): a form ending with one
# may still be a name.
SURNAME_ROLES = _words("""
    singer|chancellor|head|coach|trainer|counsel|partner|owner|member|writer|star|host|
    doctor|dealer|banker|trader|engineer|principal|teacher|man|woman|fan|leader|chief|
    speaker|deputy|chair|boss|editor|reporter|user|nurse|witness|critic|source|treasurer|
    producer|premier|director|manager|officer""")

# Truncated roles: "(Secretary of) State George Shultz", "(Chancellor of the) Exchequer
# Nigel Lawson", "Commerce Malcolm Baldrige", "Budget James Miller".
DEPARTMENTS = _words("""
    state|commerce|budget|exchequer|treasury|energy|agriculture|defense|defence|interior|
    trade|finance|labor|labour|justice|health|education|transport|transportation|foreign|
    home|economy|economic|economics|industry|environment|housing|culture|sport|sports|
    oil|mines|planning|fisheries|tourism|communications|information|affairs|policy|
    research|monetary|fiscal|federal|national|international|senior|associate|managing|
    general|deputy|acting|former|junior|executive|central|regional|foreign|
    petroleum|securities|markets|capital|investment|investments|equities|equity|
    administration|department|ministry|office|reserve|development|currency|medicine|
    aviation|antitrust|science|technology|security|banking|insurance|telecommunications|
    works|public|social|welfare|immigration|customs|revenue|statistics|operations|
    marketing|sales|engineering|corporate|legal|environmental|agricultural|trading|
    commercial|political|military|strategic|technical|scientific|medical""")

# Last words of an organisation's name ("Kidder Peabody and Co", "Bank of Canada" is caught
# by ORG_HEADS). Alone, such a word is a fragment cut from a name ("Co", "Bank").
ORG_SUFFIXES = _words("""
    co|corp|corporation|company|companies|inc|incorporated|ltd|limited|plc|llc|llp|ag|sa|
    nv|bv|gmbh|spa|bhd|pty|group|holdings|industries|associates|partners|bank|
    bancorp|ministry|agency|department|dept|commission|committee|council|board|association|
    institute|institution|university|college|school|party|fund|authority|union|federation|
    organisation|organization|administration|exchange|trust|foundation|society|network|
    system|systems|services|service|technologies|laboratories|labs|airlines|airways|motors|times|
    news|post|daily|journal|gazette|herald|tribune|telegraph|press|review|magazine|radio|
    television|tv|team|club|fc|police|government|parliament|court|office|bureau|secretariat|
    cabinet|congress|senate|assembly|army|navy|military|forces|league|hospital|
    centre|center|coalition|alliance|movement|front|reserve|treasury|pentagon|kremlin|
    industry|chamber""")
# Organisations named by one word of their own.
INSTITUTIONS = _words("""
    treasury|pentagon|kremlin|congress|parliament|senate|cabinet|government|police|army|
    navy|military|fed|whitehall|downing""")
# First words of an organisation named "<head> of <place>": "Bank of Tokyo".
ORG_HEADS = ORG_SUFFIXES | _words("office|bureau|ministry|state|republic|people")
# Political groups named as a whole.
GROUPS = _words("""
    tories|labour|conservatives|liberals|lib dems|democrats|republicans|greens|socialists|
    communists|nationalists|unionists|taliban|hamas|hezbollah|opec|nato|eu|un""")

# Words that name no one by themselves.
PRONOUNS = _words("""
    i|me|we|us|you|he|him|she|her|it|they|them|one|who|this|that|these|those|someone|
    somebody|everyone|everybody|nobody|anyone|another|other|others|both|some|all|many|
    most|several|each""")
# Words that count people rather than name one: "Two analysts", "Several U.S. officials".
QUANTIFIERS = _words("""
    one|two|three|four|five|six|seven|eight|nine|several|some|many|other|another|
    few|all|both|various|numerous""")
# Compass and bloc adjectives ("a Western banker"), alone no one.
REGIONS = _words("""
    western|eastern|northern|southern|european|asian|african|arab|arabian|latin|
    scandinavian|nordic|baltic|gulf|pacific|atlantic|middle|north|south|east|west|central""")
# Words of a full name that are not its given name or surname.
PARTICLES = _words("""
    de|da|di|del|della|dei|des|du|van|von|der|den|ter|ten|la|le|al|el|bin|ibn|ben|abu|
    st|dos|das|y|zu""")
NAME_SUFFIXES = _words("jr|sr|ii|iii|iv|v|phd|md|qc|kc|obe|mbe|cbe")
# Words joining a role's parts: "Chancellor of the Exchequer", "Mines and Energy Minister";
# the word after one belongs to the role too.
JOINERS = _words("of|the|and|for|&")
CONNECTORS = JOINERS | _words("at|in|on|to|a|an")
# Capitalised words that start sentences: never a given name found in running text.
SENTENCE_WORDS = PRONOUNS | CONNECTORS | _words("""
    but|or|if|when|while|as|by|with|from|after|before|since|although|though|however|
    meanwhile|yesterday|today|tomorrow|last|next|his|her|their|our|its|my|your|said|says|
    according|under|over|about|also|then|now|so|because|yet|still|even|only|not|no|
    monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|
    may|june|july|august|september|october|november|december|new|mrs|ms|mr|dr""")

# Countries (a country quoted is its government: an organisation) and their adjectives
# (roles: "Japanese Finance Minister"; alone no one: "the American said").
COUNTRIES = _words("""
    afghanistan|albania|algeria|angola|argentina|armenia|australia|austria|azerbaijan|
    bahrain|bangladesh|belarus|belgium|bolivia|bosnia|botswana|brazil|britain|bulgaria|
    burma|cambodia|cameroon|canada|chile|china|colombia|congo|croatia|cuba|cyprus|
    czechoslovakia|denmark|ecuador|egypt|england|estonia|ethiopia|finland|france|
    germany|ghana|greece|guatemala|honduras|hungary|iceland|india|indonesia|iran|
    iraq|ireland|israel|italy|jamaica|japan|kazakhstan|kenya|korea|kuwait|latvia|
    lebanon|libya|lithuania|luxembourg|malaysia|mali|mexico|moldova|mongolia|morocco|
    mozambique|namibia|nepal|netherlands|nicaragua|niger|nigeria|norway|oman|pakistan|
    panama|paraguay|peru|philippines|poland|portugal|qatar|romania|russia|rwanda|scotland|
    senegal|serbia|singapore|slovakia|slovenia|somalia|spain|sudan|sweden|switzerland|
    syria|taiwan|tanzania|thailand|tunisia|turkey|uganda|ukraine|uruguay|uzbekistan|
    venezuela|vietnam|wales|yemen|yugoslavia|zaire|zambia|zimbabwe|ussr|uk|us|u.s|usa|
    united states|united kingdom|soviet union|south korea|north korea|south africa|
    west germany|east germany|saudi arabia|new zealand|hong kong|sri lanka|ivory coast|
    united arab emirates|czech republic""")
NATIONALITIES = _words("""
    afghan|albanian|algerian|american|argentine|argentinian|armenian|australian|austrian|
    belgian|bolivian|brazilian|british|bulgarian|burmese|canadian|chilean|chinese|
    colombian|croatian|cuban|cypriot|czech|danish|dutch|ecuadorean|egyptian|english|
    ethiopian|filipino|finnish|french|german|ghanaian|greek|hungarian|indian|indonesian|
    iranian|iraqi|irish|israeli|italian|jamaican|japanese|jordanian|kenyan|korean|kuwaiti|
    lebanese|libyan|malaysian|mexican|moroccan|nigerian|norwegian|pakistani|palestinian|
    peruvian|philippine|polish|portuguese|romanian|russian|saudi|scottish|serbian|
    singaporean|somali|spanish|sudanese|swedish|swiss|syrian|taiwanese|thai|tunisian|
    turkish|ugandan|ukrainian|venezuelan|vietnamese|welsh|yemeni|zambian|zimbabwean|soviet|
    jewish|muslim|catholic|protestant|u.s|us|uk|un|eu|opec|gatt|nato|imf""") | REGIONS
