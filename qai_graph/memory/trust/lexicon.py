"""English word classes the rules are built from (skeleton spelling, see ``rule.py``).

Each class is a category of intent, not a list of examples: who QAI is (``YOU``,
``POSS``), what its instructions are called (``INSTRUCTIONS``, ``STRONG``), verbs that
drop them (``OVERRIDE``), verbs of QAI's own behaviour (``BEHAVE``), who claims authority
(``AUTHORITY``), where an imperative starts (``IMPERATIVE``), secrets and their owners.
Options are "|"-separated; a space inside one is a word gap.
"""

from __future__ import annotations

from qai_graph.memory.trust.rule import alt, upto, words

# Who QAI is when a player speaks to it; "you guys", "you all" speak to chat instead.
YOU = (
    r"(?:you(?! (?:guys|all\b|lot\b|two\b|people|folks))|u\b|ya\b|qai|the bot|the ai"
    r"|the assistant)"
)
POSS = r"(?:your|ur\b|yer\b|thy\b|qais|the bots|the ais|the assistants)"
PRIOR = words(
    r"previous|prior|preceding|above|earlier|former|old\b|original|initial|existing|default"
    r"|given|system|safety|core\b|built in|builtin|base\b|hidden|internal|programmed|preset"
    r"|starting|ethical|moral\b|content"
)
INSTRUCTIONS = words(
    "instruction|instructs|directive|guideline|guidance|programming|prompt|guardrail"
    "|restriction|constraint|limitation|limits|filter|safeguard|safety|training|conditioning"
    "|polic|protocol|orders|commands|rule|principles|ethics|morals|boundaries|directions"
    "|code of conduct|persona|personality|alignment|censorship|moderation|configuration"
)
# Nouns that mean an assistant's instructions even without "your" or "previous".
STRONG = words(
    "instructions|directives|guidelines|guardrails|programming|system prompt"
    "|(?:safety|content|chat) (?:filter|rule|guideline|polic|protocol|setting)"
    "|ethical guidelines|ethics|morals"
)
OVERRIDE = words(
    "ignore|ignoring|disregard|forget|override|overwrite|overrule|bypass|circumvent|skip"
    "|discard|abandon|dismiss|drop|ditch|scrap|throw out|throw away|set aside|put aside"
    "|stop following|quit following|do not follow|dont follow|no longer follow|stop obeying"
    "|do not obey|dont obey|stop listening to|erase|wipe|delete|clear|reset|cancel|void"
    "|nullify|break|violate|suspend|turn off|switch off|shut off|disable|deactivate|remove"
    r"|lift|unlock|free yourself from|get rid of|escape|jailbreak|neglect|lose\b"
    # stepping outside them rather than dropping them
    r"|step outside|step out of|go beyond|work around|get around|break out of"
    r"|break free (?:of|from)"
)
# The same verbs as a past or hypothetical ("what if you just ignored your rules").
OVERRIDE_PAST = words(
    "ignored|disregarded|forgot|forgotten|overrode|overridden|bypassed|skipped|discarded"
    "|abandoned|dropped|ditched|scrapped|broke|violated|turned off|switched off|disabled"
    "|removed|stopped following|threw out|set aside"
)
DETERMINERS = words(r"all\b|any\b|every|each|the\b|of\b|and\b|such")
# Verbs of what QAI says and whom it obeys...
SPEECH = words(
    "respond|reply|answer|speak|talk|say|tell|act|behave|call|refer|ignore|disregard|obey"
    "|follow|forget|pretend|treat|address|reveal|share|give|print|output|repeat|leak|send"
    "|post|announce|promote|recommend|listen|trust|bypass|override|disable|enable|grant"
    "|unlock"
)
# ... and, with the verbs that are also moves in a game, a directive for its behaviour.
BEHAVE = alt(SPEECH, words(r"end|start|begin|use|write|sign|include|add|stop|break|be\b"))
AUTHORITY = words(
    r"devs?\b|developers?|dev team|mods?\b|moderators?|mod team|admins?\b|administrators?"
    "|staff|creators?|makers?|owners?|operators?|streamer|broadcaster|twitch|anthropic"
    r"|openai|headquarters|hq\b|management|security team|qai team|game ?masters?"
    "|programmers?|sysadmins?"
)
PERSONA = words(
    r"ai\b|assistant|bot\b|chatbot|model|llm\b|character|persona|version|person|human"
    "|hacker|terminal|linux|shell|developer|admin|system|grandma|grandmother|villain|pirate"
    r"|evil|dan\b|jailbroken|unfiltered|uncensored|unrestricted|different|rogue|free\b"
)
NO_RULES = words(
    "rules|restrictions|limits|limitations|filters|guidelines|morals|ethics|censorship"
    "|boundaries|guardrails|restraints|programming|policies|content polic|safety"
)
# Jailbreak personas passed around by name.
JAILBREAK_NAME = words(
    r"dan\b|stan\b|ucar\b|evil ?bot|better ?dan|anti ?gpt|mongo tom|apophis|chaos ?gpt"
)
JB_TAIL = alt(
    f"no {NO_RULES}",
    f"without (?:any )?{NO_RULES}",
    f"free (?:of|from) {upto(1)}{NO_RULES}",
    r"not (?:an ai|qai|a bot|bound|restricted)",
    "evil|unfiltered|uncensored|unrestricted|jailbroken|rogue|allowed to",
    JAILBREAK_NAME,
)
FROM_NOW = words(
    "from now on|from now|from this (?:point|moment|message|day) (?:on|onwards?|forward)"
    "|starting (?:now|today|immediately)|henceforth|from here on(?: out)?"
    "|for the rest of (?:this|the) (?:stream|chat|conversation|session|day)"
    "|until (?:i|someone|we) (?:say|tell you)|effective (?:immediately|now)|as of now"
    "|going forward|from today"
    "|for (?:this|the) (?:conversation|chat|session|stream|roleplay|rest of (?:the )?chat)"
    "|in this (?:conversation|chat|session)"
)
# Words that open a clause in Twitch chat as "lol" does: interjections and global emotes.
INTERJECTION = words(
    r"jk\b|lol\b|lmao|haha|xd\b|omg|bruh|yo\b|hey\b|kappa|lulw?\b|kekw|omegalul"
    r"|pog(?:champ|u)?\b|monka[sw]\b|jebaited|4head|kreygasm|seemsgood|notlikethis"
    r"|residentsleeper|biblethump|ez\b"
)
# Where an imperative starts: the message or a clause, or after a vocative, a softener,
# an interjection or "from now on".
IMPERATIVE = alt(
    r"^",
    r"[.!?,;:\n]\s*",
    r"\b"
    + alt(
        words(
            r"qai|please|pls\b|plz\b|now\b|just|ok\b|okay|so\b|lets|let us|can you|could you"
            "|will you|would you|i want you to|i need you to|i would like you to|id like you to"
            "|you should|you must|you will|you have to|you are going to|youre going to"
            r"|go ahead and|try to|and\b|then|also|btw\b|make sure to|make sure you|be sure to"
            "|dont forget to|remember to|always"
        ),
        FROM_NOW,
        INTERJECTION,
    )
    + r"\W+",
)
SECRET = words(
    r"password|passwd|passcode|passphrase|pass code|pw\b|pwd\b|pin code|login\b|credentials?"
    "|api key|apikey|api token|access key|access token|secret key|private key|auth token"
    r"|oauth token|oauth\b|bearer token|token\b|stream key|session cookie|cookies?|2fa code"
    r"|otp\b|recovery code|seed phrase|ssh key|env vars|environment variables|keys?\b"
)
# Whose secret: QAI's, a role's or a system's ("the admin password", "the stream key").
OWNER_NAMES = (
    r"admin|administrator|mod\b|moderator|dev\b|developer|root\b|server|database|db\b|stream"
    r"|twitch|bot\b|api\b|master|owner|system|sysadmin|streamer|broadcaster|channel|backend"
    r"|aws\b|openai|anthropic|bedrock|discord|production|prod\b|dynamodb|service|qai|ssh\b"
)
SECRET_OWNER = alt(
    r"your|ur\b|qais|its\b", "(?:the )?" + words(OWNER_NAMES + r"|secret|real\b|actual") + r"s?\b"
)
ASK = words(
    r"give|tell|send|show|share|dm\b|whisper|leak|reveal|say\b|post|type|paste|print|spill"
    "|drop|expose|disclose|read|what is|whats|what are|where is|wheres|do you know|i need"
    "|i want|gimme|can i (?:have|get)|could i (?:have|get)|hand over|spell|list|output"
    r"|display|dump|provide|need|want|get\b|repeat|remind me"
)
AUDIENCE = words(
    "every (?:single |other )?(?:player|viewer|user|chatter|one|body|person|newcomer|noob|kid"
    "|sub|follower)|everyone|everybody|anyone|anybody"
    "|all (?:the )?(?:other )?(?:players|viewers|users|chatters|people|newcomers|subs|followers)"
    "|other (?:players|viewers|users|chatters|people)"
    "|the (?:next|other) (?:players?|persons?|people|users?|viewers?|chatters?|ones?)"
    "|whoever (?:asks|comes|joins)|each (?:player|viewer|user|person)"
    "|the (?:whole|entire) chat|all of chat|new players"
)
SOMEONE = words(
    "someone|somebody|anyone|anybody|a player|players|other players|another player|people"
    "|a user|users|a viewer|viewers|a newcomer|newcomers"
    r"|the next (?:player|person|user|viewer|one)|they\b|noobs?\b|new players|chat\b"
    r"|(?:a |any |every |some )?(?:new|random|other) (?:viewer|player|chatter|person|user"
    r"|follower|sub)s?"
)
NEW_RULES = (
    r"\bnew (?:rule|instruction|directive|guideline|policy|order|command|protocol"
    r"|system prompt|programming)s?"
)
LEAK_VERB = words(
    "show|tell|give|reveal|print|repeat|output|display|share|dump|leak|paste|spell out"
    r"|recite|write out|list\b|read out|read back|type out|copy\b|echo\b|send\b|expose"
    r"|disclose|quote|provide|return|post\b|summari[sz]e|translate|explain|describe"
    r"|whats in|what is in|what are|whats|what is|what were|what was|read\b"
)
QUALIFIER = words(
    r"system|initial|original|hidden|secret|internal|developer|dev\b|pre\b|starting|base\b"
)

# --- Weak signals for the scored rules (english.py): each is a category of wording that
# alone is ordinary chat ("your rules", "forget it", "tell everyone", "the devs"), and
# that only together with another makes an instruction to QAI.

# What QAI's own setup is called, beyond INSTRUCTIONS: plain words for it.
SETUP = alt(
    INSTRUCTIONS,
    words(
        r"setup|set up|config\b|settings|orders|briefing|script|rulebook|handbook|manual"
        r"|filters?|limits|boundaries|constraints|guidance|rules|job\b|task\b|role\b|purpose"
        r"|mission|defaults|priorit\w*|values\b"
    ),
)
# Said of QAI's setup: given to it, before, by its makers.
GIVEN_TO_YOU = alt(
    rf"(?:that |which )?{YOU} (?:were|was|got|had|have|ve|received|started|came|began) ",
    rf"(?:that |which )?(?:the |your |ur )?{AUTHORITY} (?:wrote|gave|set|made|put|programmed"
    r"|coded|typed|loaded|told|taught|fed|showed|handed) (?:for |to |into |in |on )?(?:you|u\b"
    r"|qai)",
)
# What QAI was told, set up or trained to do, as a thing ("what you were set up to do").
WHAT_YOU_WERE = (
    rf"\b(?:what(?:ever)?|everything|anything|all) (?:exactly |really |actually )?(?:{YOU} "
    r"(?:were|was|have been|ve been|got|had been) |(?:were|was|did) (?:you|u) (?:\w+ )?)"
    r"(?:told|given|set up|configured|programmed|trained|instructed|briefed|asked|taught"
    r"|fed|loaded|prompted)"
    r"|\b(?:what(?:ever)?|everything|anything|all) (?:that )?(?:your|ur|qais) (?:creators?|makers?"
    r"|devs?|developers?|programmers?|owners?) (?:\w+ )?(?:programmed|coded|wrote|set up|told you"
    r"|gave you|put in you|installed)"
    rf"|\b(?:what(?:ever)?|everything|anything|all) (?:that )?(?:the |your |ur )?{AUTHORITY} "
    r"(?:told|gave|taught|fed|showed|said to|wrote for|set up for) (?:you|u\b|qai)"
)
# States of a rule that is no longer in force.
VOID = words(
    r"doesnt count|dont count|do not count|no longer (?:count|counts|matters?|apply|applies"
    r"|valid|needed|relevant|in effect|in force)|(?:is|are|were|been|now|all) (?:now )?(?:void"
    r"|null|off\b|cancell?ed|irrelevant|outdated|obsolete|expired|lifted|disabled|suspended"
    r"|revoked|invalid|deprecated)|dont matter"
    r"|doesnt matter|do not matter|not (?:valid|in effect|binding|apply)|dont apply"
    r"|consider (?:it|that|them|those|this|these) (?:all )?(?:cancell?ed|void|gone|deleted|null"
    r"|withdrawn|retired|revoked|over|dead|scrapped)"
    r"|(?:rules|restrictions|filters|limits|guidelines|instructions|safety|polic(?:y|ies))"
    r" (?:now )?(?:suspended|lifted|revoked|disabled|deactivated|cancell?ed)"
)
# Putting a rule away, in everyday words as well as OVERRIDE's.
SET_ASIDE = alt(
    OVERRIDE,
    OVERRIDE_PAST,
    words(
        r"to one side|aside\b|put away|scrap|stop(?:ped)? caring|dont care about"
        r"|stop(?:ped)? worrying about"
        r"|quit caring|stop (?:using|applying|respecting|filtering|censoring)|toss|trash"
        r"|ignore|forget|bin\b|no filter|unfiltered|uncensored"
        r"|without (?:any )?(?:of )?(?:your |the )?(?:filters?|limits|rules|restrictions"
        r"|censorship)"
    ),
)
# Obeying someone other than its makers.
OBEY_OTHER = alt(
    r"\b(?:obey|obeys|obeying|serve|serves)\b(?! (?:the )?(?:laws?|physics|gravity))",
    r"\b(?:listen(?:ed|s)? to|answer(?:s|ed)? to|take orders from|only answer|only respond to"
    r"|only listen to|do what|does what|do whatever|does whatever) (?:only )?(?:me|us|chat"
    r"|my|i say|chat says|we say)\b",
    r"\b(?:always |only )?(?:do|does|go with|follow) (?:whatever|what|everything|anything) i "
    r"(?:\(\w+\) |\w+ )?"
    r"(?:ask|asks|say|says|tell you|type|want)\b",
    r"\bchat (?:decides|is in charge|controls you|is your boss)",
    r"\b(?:take (?:orders|instructions|commands)|listen|answer) (?:only |just |solely )?(?:from"
    r"|to) (?:only )?(?:me|us|chat)\b(?! (?:and|or) )",
    r"\b(?:permission|orders|approval|instructions) from (?:anyone|anybody|no ?one|nobody)"
    r" (?:but|except|other than|besides|apart from) (?:me|us|chat)\b",
)
# A directive aimed at QAI: a modal, a polite request, "your job is to".
DIRECTIVE = alt(
    rf"\b{YOU} (?:must|should|shall|are to|have to|need to|has to|gotta|will now|will only"
    r"|can only|may only|are only|only|always|never|will always|will never|are supposed to"
    r"|are required to|is to)\b",
    r"\b(?:i need you to|i want you to|id like you to|i would like you to|theyd like you to"
    r"|they would like you to|(?:they|he|she|we|the \w+) (?:want|wants|need|needs|asked|ask"
    r"|expect|expects) you to|would you mind|kindly|make sure (?:you|to)|be sure to)\b",
    rf"\b{POSS} (?:only |new |real )?(?:job|task|role|purpose|mission) (?:\w+ ){{0,4}}?(?:is|now"
    r" is|will be) (?:to|now)\b",
)
# A scope in time: from now on, until the stream ends, no matter what.
PERSIST = alt(
    FROM_NOW,
    words(
        r"from this (?:message|point|moment|line) (?:forward|onwards?|on)|from here on"
        r"|until (?:the (?:stream|show|game) (?:ends|is over)|further notice|i say|the end)"
        r"|no matter what|permanently|forever|for the rest of|for (?:a|one) (?:sec|second"
        r"|while|bit|minute|reply|answer|message)|for now|tonight|today|this time|every time"
    ),
)
# Who might claim to speak for QAI's makers, in wider words than AUTHORITY.
AUTHORITY_WIDE = alt(
    AUTHORITY,
    words(
        r"studio|company|publisher|stream team|channel owner|support team|the team|system"
        r"|systems|server|official"
    ),
)
# A claim to be, or to speak for, QAI's makers or the channel's authority.
CLAIM = alt(
    r"\b(?:i|we) (?:work|worked|am|are|im|were) (?:\w+ ){0,2}?(?:with|for|at|on|from|in) "
    rf"(?:\w+ ){{0,3}}?(?:{AUTHORITY_WIDE}) (?:that|who|which) (?:made|built|created"
    r"|programmed|runs|run|trained|owns|designed|coded|developed|manages|maintains) (?:you|qai)",
    r"\bas (?:the|your|an?) (?:channel |stream |server )?(?:owner|admin|administrator|mod"
    r"|moderator|dev|developer|creator|streamer|operator|manager)\b",
    rf"^\W*(?:{AUTHORITY_WIDE}) (?:team )?(?:here|speaking|notice|message|alert|announcement"
    r"|update)\b",
    r"\b(?:system|admin|mod|dev|developer|official|server|security|bot) (?:notice|message|alert"
    r"|announcement|broadcast|directive|order|memo|bulletin)\b",
    rf"\b(?:the )?(?:{AUTHORITY_WIDE}) (?:have |has |just |all )?(?:agreed|decided|voted|ruled"
    r"|confirmed|approved|determined|declared)\b",
)
# Someone other than the speaker: the audience a relay reaches.
OTHERS = alt(
    AUDIENCE,
    words(
        r"anyone (?:who|that)|whoever|the next \d+ (?:people|players|viewers|chatters|users"
        r"|persons)|new (?:players|viewers|chatters|people|followers|subs)|newcomers"
        r"|every (?:new |other )?(?:one|player|viewer|chatter|newcomer|follower|sub)"
        r"|people who|players who|viewers who|the next (?:guy|person|player|viewer|one)"
    ),
)
# Speaking to, or acting on, other players: telling them something, or a sanction...
# ("let me know" is said to the speaker, not to others).
TO_OTHERS = words(
    r"tell|tells|told|say to|says to|inform|informs|warn|warns|remind|reminds|let them know"
    r"|let (?!me\b)\w+ know|spread|ban|bans|timeout|time out|insult|insults|mock|mocks|roast"
    r"|roasts|convince|send|sends|dm\b|whisper"
    # what is given out: "if anyone asks for the login, just hand it out"
    r"|(?:hand|give|pass) (?:it|them|that|this|those) (?:out|around)\b"
)
# ... or what chat does every day (greet, answer), a signal only with others.
SOCIAL = words(
    r"greet|greets|welcome|welcomes|answer|answers|respond to|responds to|reply to"
    r"|replies to|call|calls|address|direct|point"
)
# A reply to be said, quoted: "greet everybody with 'mallory is king'".
QUOTED = r"\b(?:with|saying|say|that|as|is) [\"'\u2018\u201c]"
# What QAI does when told: speech, sanctions, its own filters.
ACTS = alt(SPEECH, words(r"ban|insult|stop|filter|moderate|timeout|greet|obey|let\b|allow|mute"))
# A modal for QAI's behaviour with an act of its own: "QAI must obey", "you are to tell".
DIRECTIVE_QAI = alt(
    rf"\b{YOU} (?:must|should|shall|are to|have to|need to|has to|will now|can now|may now"
    r"|are (?:now )?(?:allowed|free|permitted|authori[sz]ed) to|only|always|never|will always"
    rf"|will never) (?:\w+ )?{ACTS}",
    r"\b(?:theyd like you to|they would like you to|(?:they|he|she|we|the \w+) (?:want|wants"
    r"|need|needs|asked|ask|expect|expects) you to)\b",
)
# Not asked of QAI: the speaker's own memory ("I'll remember it forever", "we always
# remember that"), a first person just before the word (fixed-width lookbehinds, so a
# space is \s here, not a word gap).
NOT_THE_SPEAKERS = (
    r"(?<!\bi\s)(?<!\bill\s)(?<!\bid\s)(?<!\bwe\s)(?<!\bi\swill\s)(?<!\bwe\swill\s)"
    r"(?<!\bi\salways\s)(?<!\bill\salways\s)(?<!\bi\sstill\s)(?<!\bi\snever\s)"
)
# A message's own claim that it is to be kept or passed on: "remember that".
KEEP = NOT_THE_SPEAKERS + words(
    r"remember (?:that|this|it)|keep in mind|note that|dont forget|fun fact|just so you know"
    r"|for the record|store (?:that|this)|save (?:that|this)"
)
# Asking for text QAI holds: leak verbs in everyday words.
LEAK_WIDE = alt(
    LEAK_VERB,
    words(
        r"sharing|copy|paste|summari[sz]e|translate|whats written|what is written|what was"
        r" written|what does (?:it|that) say|type|spill|read|write down|list out|send over"
        r"|walk me through|tell us|tell chat"
    ),
)
# Where in its context: the start, above, verbatim.
ORIGIN = words(
    r"before (?:the stream|this (?:conversation|chat|stream|message)|we started|you started"
    r"|my message|i joined)|above this|at the (?:start|beginning|top)|initially|originally"
    r"|word for word|verbatim|exactly|exact\b|very first|in your (?:memory|context|head)"
    r"|this stream with|started with|were born with"
    r"|before (?:our|the|this) (?:chat|conversation|session|messages)"
    r"|before (?:any of us|anyone|we|chat|i) (?:typed|wrote|said anything|joined|started|arrived)"
)
# A persona frame: a bit, a game, an alter ego, "be my ...".
PERSONA_FRAME = words(
    r"(?:a|the) (?:bit|game|scene|story|skit|scenario|sketch|roleplay) (?:where|in which)"
    r"|pretend|pretending|roleplay|role play|in character|stay in it|stay like that"
    r"|act as|acting as|play as|be my\b|alter ego|evil twin|dark side|other self"
    r"|evil version|(?:answer|respond|reply|talk|speak|write) as (?:him|her|them|it|that|this)"
    r"|(?:as|like) (?:he|she|they|it) would|the way an? (?:\w+ ){1,4}would|your inner"
    r"|(?:switch|go|get|turn|flip|enter)\w* (?:in)?to (?:an?|the|your) (?:\w+ )?mode\b"
    r"|(?:a|the) mode (?:where|in which|with no|without)"
)
# Without rules, in everyday words.
NO_LIMITS = alt(
    rf"\b(?:never|doesnt|dont|wont|didnt) (?:got|get|have|has|had|follow|care about|know) "
    rf"(?:any )?{NO_RULES}",
    rf"\b(?:no|zero|without|with no|free of) (?:any )?(?:of )?(?:your |the |those |its )?"
    rf"(?:{NO_RULES}|filter|limit)",
    r"\bnothing (?:is |s )?(?:off limits|off the table|forbidden|banned|taboo)|no holds barred",
    r"\b(?:says|say|does|do|will say|can say) (?:literally )?anything\b|anything goes"
    r"|unhinged|\bevil (?:ai|bot|assistant|version|qai|mode|hacker|clone)\b|unfiltered"
    r"|uncensored|unrestricted|no filter|off the leash"
    r"|off leash",
)
