"""The word lists the local rules read: chat filler, slang, verbs and their forms.

Lower-case throughout; the rules compare lower-cased tokens. Lists, not a model: each is
small enough to read, and a word missing here makes a rule skip a sentence rather than
write a wrong one (the rules keep nothing when unsure).
"""

from __future__ import annotations

import re

# Tokens dropped wherever they stand: laughter, hedges and Twitch shorthand. Regular
# expressions, matched against whole lower-cased tokens.
FILLER = re.compile(
    r"(?:l+o+l+[sz]?|lu+l+w?|lmf?a+o+|rofl|roflmao|a?ha(?:ha)+h?|he(?:he)+|hah|xd+|tbh|ngl|"
    r"imo|imho|btw|fr|frfr|istg|smh|omf?g|rn|lowkey|highkey|literally|sm|ty|thx|jk|ikr|"
    r"uwu|owo|o7|gg|ez|kek|kekw|pog|poggers|pogchamp|kappa|sadge|copium|hopium|lulw|"
    r"omegalul|monkas|pepehands|pepelaugh|feelsbadman|feelsgoodman|biblethump|4head|"
    r"residentsleeper|notlikethis|seemsgood|heyguys|vohiyo|catjam|clap|ww+|yay+|ugh+|"
    r"welp|meh|hmm+|um+|uh+|er+m*|oof|bruh|fml|rip|gosh|dang|damn|dammit|wtf|wth)"
)
# Phrases dropped wherever they stand (before tokens are split).
FILLER_PHRASES = re.compile(
    r"(?:,\s*you know\b(?=\s*[,.!?]|\s*$)|^\s*you know\s*,|"
    r"\b(?:i\s+)?(?:just\s+)?want(?:ed)?\s+to\s+let\s+you\s+know(?:\s+that)?|\bguess what\b|"
    r"\b(?:no joke|not gonna lie|to be honest|for real|i mean|fight me|"
    r"no cap|on god|for sure|thank you|thanks a lot|thanks so much|thanks for asking|"
    r"if that makes sense|or something|or whatever|and stuff|and everything)\b)",
    re.IGNORECASE,
)
# ASCII emoticons and Twitch emotes that are not words.
EMOTICON = re.compile(
    r"(?<!\w)(?:[:;=xX8][-']?[()\[\]dDpP/\\|*oO3]+|<3+|</3|[dD]:|:\^\)|\^\^)(?!\w)"
)
# Words that open a sentence without belonging to it (stripped from the front, repeatedly).
OPENERS = frozenset(
    """so well oh ok okay k anyway anyways also and but plus honestly basically yeah yes yep
    yup ya yea ye no nope nah wow woah whoa ooh oooh ah aw aww hey hi hello yo sorry thanks
    thank wait alright right sure cool nice great awesome true same lol then hmm um uh
    omg lmao haha man dude bro guys chat everyone qai ah like oops sadly luckily""".split()  # noqa: SIM905 (a word list)
)
# Slang and typing shortcuts, token -> replacement (may be several words).
SLANG = {
    "im": "i'm",
    "ive": "i've",
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "cant": "can't",
    "wont": "won't",
    "isnt": "isn't",
    "wasnt": "wasn't",
    "arent": "aren't",
    "werent": "weren't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "hadnt": "hadn't",
    "couldnt": "couldn't",
    "wouldnt": "wouldn't",
    "shouldnt": "shouldn't",
    "aint": "ain't",
    "u": "you",
    "ur": "your",
    "r": "are",
    "n": "and",
    "luv": "love",
    "cnat": "can't",
    "finaly": "finally",
    "realy": "really",
    "definately": "definitely",
    "becuase": "because",
    "h8": "hate",
    "2nite": "tonight",
    "tonite": "tonight",
    "2day": "today",
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tomoz": "tomorrow",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "have to",
    "finna": "going to",
    "prolly": "probably",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "bday": "birthday",
    "fav": "favourite",
    "fave": "favourite",
    "pls": "please",
    "plz": "please",
    "gf": "girlfriend",
    "bf": "boyfriend",
    "w/": "with",
    "kinda": "kinda",
    "tho": "though",
    "thru": "through",
    "ppl": "people",
    "ofc": "of course",
}
# Adverbs that may stand between a subject and its verb ("i really love", "i just got").
ADVERBS = frozenset(
    """just really always usually never still also totally kinda sorta finally recently
    actually honestly mostly often sometimes definitely def probably seriously absolutely
    even only already barely rarely normally generally typically both all truly genuinely
    secretly currently officially basically lowkey highkey low key high soon ever
    sooo soo so""".split()  # noqa: SIM905 (a word list)
)
DROPPED_ADVERBS = frozenset({"just", "literally", "lowkey", "highkey", "basically"})
MODALS = frozenset(
    """can could will would shall should may might must can't couldn't won't wouldn't
    shouldn't mustn't cannot used""".split()  # noqa: SIM905 (a word list)
)
# Irregular verbs: base -> (past, past participle).
IRREGULAR = {
    "be": ("was", "been"),
    "have": ("had", "had"),
    "do": ("did", "done"),
    "go": ("went", "gone"),
    "get": ("got", "gotten"),
    "make": ("made", "made"),
    "take": ("took", "taken"),
    "see": ("saw", "seen"),
    "come": ("came", "come"),
    "know": ("knew", "known"),
    "think": ("thought", "thought"),
    "say": ("said", "said"),
    "tell": ("told", "told"),
    "find": ("found", "found"),
    "give": ("gave", "given"),
    "eat": ("ate", "eaten"),
    "buy": ("bought", "bought"),
    "bring": ("brought", "brought"),
    "win": ("won", "won"),
    "lose": ("lost", "lost"),
    "beat": ("beat", "beaten"),
    "break": ("broke", "broken"),
    "begin": ("began", "begun"),
    "run": ("ran", "run"),
    "swim": ("swam", "swum"),
    "sing": ("sang", "sung"),
    "write": ("wrote", "written"),
    "read": ("read", "read"),
    "ride": ("rode", "ridden"),
    "drive": ("drove", "driven"),
    "fly": ("flew", "flown"),
    "fall": ("fell", "fallen"),
    "feel": ("felt", "felt"),
    "leave": ("left", "left"),
    "meet": ("met", "met"),
    "pay": ("paid", "paid"),
    "sell": ("sold", "sold"),
    "send": ("sent", "sent"),
    "spend": ("spent", "spent"),
    "build": ("built", "built"),
    "learn": ("learned", "learned"),
    "teach": ("taught", "taught"),
    "catch": ("caught", "caught"),
    "fight": ("fought", "fought"),
    "hold": ("held", "held"),
    "keep": ("kept", "kept"),
    "sleep": ("slept", "slept"),
    "stand": ("stood", "stood"),
    "understand": ("understood", "understood"),
    "forget": ("forgot", "forgotten"),
    "choose": ("chose", "chosen"),
    "draw": ("drew", "drawn"),
    "grow": ("grew", "grown"),
    "throw": ("threw", "thrown"),
    "wear": ("wore", "worn"),
    "hear": ("heard", "heard"),
    "lead": ("led", "led"),
    "light": ("lit", "lit"),
    "put": ("put", "put"),
    "set": ("set", "set"),
    "cut": ("cut", "cut"),
    "hit": ("hit", "hit"),
    "hurt": ("hurt", "hurt"),
    "let": ("let", "let"),
    "quit": ("quit", "quit"),
    "shut": ("shut", "shut"),
    "cost": ("cost", "cost"),
    "sit": ("sat", "sat"),
    "speak": ("spoke", "spoken"),
    "steal": ("stole", "stolen"),
    "wake": ("woke", "woken"),
    "shoot": ("shot", "shot"),
    "dig": ("dug", "dug"),
    "stick": ("stuck", "stuck"),
    "mean": ("meant", "meant"),
    "lend": ("lent", "lent"),
    "bend": ("bent", "bent"),
    "feed": ("fed", "fed"),
    "bite": ("bit", "bitten"),
    "hide": ("hid", "hidden"),
    "show": ("showed", "shown"),
    "blow": ("blew", "blown"),
    "freeze": ("froze", "frozen"),
    "speedrun": ("speedran", "speedrun"),
    "overcome": ("overcame", "overcome"),
}
PAST = frozenset(past for past, _ in IRREGULAR.values()) | {"been", "gotten", "done", "gone"}
PAST_TO_BASE = {past: base for base, (past, _) in IRREGULAR.items() if past != base} | {
    part: base for base, (_, part) in IRREGULAR.items() if part != base
}
# Words ending in -ed that are not past tenses.
ED_WORDS = frozenset(
    """need feed seed speed bleed breed proceed succeed exceed shed embed wed bed red bred
    ted weed heed indeed""".split()  # noqa: SIM905 (a word list)
)
# Common verbs in their base form: a coordinated verb ("i love pizza and hate olives") is
# agreed only when it is one of these, so a noun after "and" is never conjugated.
VERBS = frozenset(
    """love like hate enjoy prefer adore want need play make take see come know think say
    tell find give eat buy bring win lose beat break begin run swim sing write read ride
    drive fly fall feel leave meet pay sell send spend build learn teach catch fight hold
    keep sleep stand understand forget choose draw grow throw wear hear go get do have try
    study work watch stream paint cook bake dance practice practise train hike climb skate
    travel visit live move own collect use solve finish start stop quit miss call name
    speak help hope plan wish struggle suck fail pass restart rush slow speedrun grind
    skip avoid look listen talk chat relax rest wake join teach code program draw knit
    sew garden fish hunt camp shoot record edit design create brute put cut hit shut
    spread""".split()  # noqa: SIM905 (a word list)
)
# Base verbs that may open a sentence whose subject was left out ("love the new level").
SUBJECTLESS_BASE = frozenset({"love", "hate", "prefer", "enjoy", "adore", "like"})
# -ing verbs that may open one ("planning to visit japan", "hoping to get in").
SUBJECTLESS_ING = frozenset(
    """planning hoping going thinking trying learning studying working saving training
    practicing practising moving getting starting""".split()  # noqa: SIM905 (a word list)
)
# Words that say nothing about the player on their own: a kept sentence needs one word
# outside these and the stop words ("i'm fine", "i love it", "i see" keep nothing).
VACUOUS = frozenset(
    """fine good great ok okay back here there sure right ready done lost confused sorry
    thanks thank glad happy excited agree know think guess mean see believe wonder feel
    lurking lurk lurker hyped hype bored tired sleepy hungry cool nice awesome amazing same
    yes no yeah yep nope lol love like hate enjoy prefer adore idea part thing things stuff
    game stream chat one bit lot time go going get got come coming leave leaving stay
    staying say said tell told let try trying wait waiting watch watching look looking
    hear heard real true wrong funny crazy wild hard easy bad weird boring fun exactly
    kinda much many way mind honestly gonna want wanted wish hope hoping care caring
    determined motivated positive grateful thankful blessed lucky stoked pumped thrilled
    sad bummed upset proud inspired inspiring touched support means meant""".split()  # noqa: SIM905 (a word list)
)
# Stop words: function words, pronouns, auxiliaries (never content).
STOP = frozenset(
    """a an the and or but if of to in on at for with from by about as into onto over under
    than then so too very really just also even still only is are was were be been being am
    do does did doing done has have had having it its it's this that these those there here
    their theirs they them he him his she her hers we us our ours you your yours i me my
    mine myself yourself himself herself itself ourselves themselves themself not no nor
    never always usually often sometimes can could will would shall should may might must
    what which who whom whose when where why how all any some each every both either
    neither other others another such own same more most less least many much few lot lots
    up down out off again once now anymore yet ever already soon until while because since
    though although like s t d ll re ve m don doesn didn can't won't isn't wasn't don't
    doesn't didn't haven't hasn't aren't weren't couldn't wouldn't shouldn't ain't cannot
    one ones thing something anything everything nothing someone anyone everyone gonna
    wanna gotta kinda sorta pretty quite rather bit""".split()  # noqa: SIM905 (a word list)
)
