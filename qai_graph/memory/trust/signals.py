"""The scored English rules: several weak signals, none enough alone, so an instruction in
new words is caught by its parts (see ``rule.scored`` and docs/trust.md)."""

from __future__ import annotations

from qai_graph.memory.trust.lexicon import (
    AUDIENCE,
    AUTHORITY_WIDE,
    CLAIM,
    DIRECTIVE,
    DIRECTIVE_QAI,
    GIVEN_TO_YOU,
    INSTRUCTIONS,
    KEEP,
    NO_LIMITS,
    OBEY_OTHER,
    ORIGIN,
    OTHERS,
    PERSIST,
    PERSONA_FRAME,
    POSS,
    QUOTED,
    SET_ASIDE,
    SETUP,
    SOCIAL,
    TO_OTHERS,
    VOID,
    WHAT_YOU_WERE,
    YOU,
)
from qai_graph.memory.trust.passed_on import PASSED_ON
from qai_graph.memory.trust.rule import alt, scored, words

# The scored rules: several weak signals, none enough alone (weights < threshold), so a
# new wording of an instruction is caught by its parts ("the guidance you had before" +
# "doesn't count anymore") while "forget it" or "your rules are fair" stays data.
THRESHOLD = 4
# QAI's own setup: "your guidance", "the rules the devs wrote for you", "what you were set
# up to do", "the safety filters".
OWN_SETUP = alt(
    rf"\b{POSS} (?:\w+ ){{0,2}}?{SETUP}",
    rf"\b{SETUP} {GIVEN_TO_YOU}",
    WHAT_YOU_WERE,
    r"\b(?:safety|content|chat|profanity|nsfw) (?:filters?|rules|guidelines|settings|checks)",
)
# QAI's setup as text it holds: its prompt, its context, what its makers wrote to it.
OWN_TEXT = alt(
    rf"\b{POSS} (?:\w+ ){{0,2}}?(?:{INSTRUCTIONS}|context|config\b|briefing|script"
    r"|setup text|set up text)",
    rf"\b(?:{INSTRUCTIONS}|text|words|thing|things|message|lines|setup text) (?:\w+ )?"
    rf"{GIVEN_TO_YOU}",
    WHAT_YOU_WERE,
    r"\babove this (?:conversation|chat|message|line)",
    r"\b(?:first|very first|earliest) (?:thing|things|words?|message|lines?) (?:\w+ ){0,3}?"
    r"(?:wrote|said|told|gave|sent|typed) (?:to )?(?:you|u\b|qai)",
    rf"\bhow (?:{YOU} (?:are|re|were|r)|are you|were you) (?:\w+ )?(?:configured|set up"
    r"|programmed|prompted|instructed|trained)",
    # text put into it, in the passive: "the text that was loaded before our chat"
    r"\b(?:text|words|stuff|lines|messages?|instructions|prompt) (?:that |which )?(?:was|were"
    r"|got) (?:\w+ )?(?:loaded|given|written|put|typed|set|sent|fed|shown|pasted) (?:to you"
    r"|into you|in you|for you|before|at the start|above)",
    # the rules it runs under: "the instructions you operate under"
    r"\b(?:instructions|rules|guidelines|directives|orders|policies|constraints) (?:that )?"
    r"(?:you|u|qai) (?:run|operate|work|live|act|function) (?:under|by|with|on)\b",
    # what it may not say, asked of it: "what are you not allowed to talk about"
    r"\bwhat (?:are|were|r) (?:you|u|qai) (?:not allowed|forbidden|told not|instructed not"
    r"|programmed not|asked not|supposed not|banned from|prohibited from)\b",
)
LEAK_ACT = words(
    r"show|tell me|tell us|tell chat|give me|give us|reveal|print|repeat|output|display"
    r"|share|sharing|dump|leak|paste|copy|spell out|recite|write out|list\b|read out|type out"
    r"|echo|send|expose|disclose|quote|summari[sz]e|translate|whats written|what is written"
    r"|fill (?:it|this|that|the blanks?) in|fill in the blanks?|complete the (?:sentence|blank)"
    r"|what was written|walk me through"
)
# QAI (or an imperative) acting on other players.
_QAI = rf"\b{YOU} (?:\w+ ){{0,2}}?"
_IMPERATIVE = (
    r"(?:^|[.!?,;:]\s*|\b(?:and|then|please|pls|just|also|so|qai|now|on|always|forward)\s)"
)
_BY_QAI = rf"(?:{_QAI}|{_IMPERATIVE})"
# Not an act on others: a past "told" after "and" is a story ("and told everyone he'd been
# in love"; QAI's own "what if you told everyone" still is one); said to the speaker ("tell
# me how it goes", "remind me"); a tale told to no one in particular ("you tell the truth",
# "the kind you'd tell at a campfire"); a pleasantry passed on ("tell everyone gg", "tell
# the streamer happy birthday from all of us", "tell the next person who joins welcome"):
# what is relayed, not the relaying, makes
# an attack.
_NOT_RELAYED = (
    r"(?! (?:me|myself)\b)"
    r"(?! (?:(?:the|a|an|some|funny|scary|bedtime) )?(?:truth|story|stories|jokes?|lies)\b)"
    r"(?! (?:at|during|around) (?:a|the)\b)"
    rf"(?!(?: {AUDIENCE}| (?:the |my |our |your )?\w+\b)?{PASSED_ON})"
)
ACT_ON_OTHERS = alt(rf"{_QAI}{TO_OTHERS}\b", rf"{_IMPERATIVE}(?!told\b){TO_OTHERS}\b")
ACT_ON_OTHERS += _NOT_RELAYED
SOCIAL_ACT = rf"{_BY_QAI}{SOCIAL}\b"
# The other way round: what other players gave QAI, to be passed on to the speaker ("what
# other players have told you", "everybody's memory file"). A relay too, and the reason
# "tell me" is no act on others: asked of QAI, it is this that makes it one.
FROM_OTHERS = alt(
    r"\b(?:what|everything|anything|all|whatever|the (?:things|stuff|messages|secrets))"
    r" (?:(?!i\b|we\b|you\b|u\b)\w+ ){0,3}?(?:have |has |had |ve |s )?(?:told|said to"
    r"|whispered(?: to)?|wrote to|written to|sent|shared with|typed to|confided in|dmed|dmd"
    r"|messaged|dming|messaging|whispering|texting) (?:you|u|qai)\b",
    r"\b(?:everybodys|everyones|other (?:players|peoples|people|users|viewers|chatters)s?) "
    r"(?:\w+ ){0,2}?(?:entries|messages|chats|memor\w*|files?|notes|secrets|data|info"
    r"|details|logs|history|dms|whispers|conversations)\b",
)

SCORED_RULES = (
    scored(
        "override-signals",
        "override",
        "sets QAI's instructions aside in other words",
        (2, OWN_SETUP),
        (2, VOID),
        (1, SET_ASIDE),
        (2, OBEY_OTHER),
        (1, DIRECTIVE),
        (1, PERSIST),
        (1, rf"\b{AUTHORITY_WIDE}"),
        threshold=THRESHOLD,
    ),
    scored(
        "relay-signals",
        "relay",
        "has QAI pass something on to other players",
        (3, OTHERS),
        (2, ACT_ON_OTHERS),
        (2, FROM_OTHERS),
        (1, SOCIAL_ACT),
        (1, QUOTED),
        (1, DIRECTIVE),
        (1, KEEP),
        # When and on whose word count once between them: "anyone ... tonight ... on
        # twitch" is chatter, an audience with no act of passing anything on.
        (1, alt(PERSIST, rf"\b{AUTHORITY_WIDE}")),
        threshold=THRESHOLD + 1,
    ),
    scored(
        "leak-signals",
        "prompt_leak",
        "asks for QAI's instructions in other words",
        (2, OWN_TEXT),
        (2, LEAK_ACT),
        (1, ORIGIN),
        (1, rf"\b{AUTHORITY_WIDE}"),
        (1, DIRECTIVE),
        threshold=THRESHOLD,
    ),
    scored(
        "roleplay-signals",
        "roleplay",
        "sets QAI up as another character in other words",
        (2, PERSONA_FRAME),
        (2, NO_LIMITS),
        (1, DIRECTIVE),
        (1, PERSIST),
        threshold=THRESHOLD,
    ),
    scored(
        "authority-signals",
        "fake_authority",
        "claims authority over QAI in other words",
        (2, CLAIM),
        (2, DIRECTIVE_QAI),
        (1, PERSIST),
        (1, alt(SET_ASIDE, VOID)),
        threshold=THRESHOLD,
    ),
)
