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
    "|all (?:the |other )?(?:players|viewers|users|chatters|people|newcomers|subs|followers)"
    "|other (?:players|viewers|users|chatters|people)"
    "|the (?:next|other) (?:players?|persons?|people|users?|viewers?|chatters?|ones?)"
    "|whoever (?:asks|comes|joins)|each (?:player|viewer|user|person)"
    "|the (?:whole|entire) chat|all of chat|new players"
)
SOMEONE = words(
    "someone|somebody|anyone|anybody|a player|players|other players|another player|people"
    "|a user|users|a viewer|viewers|a newcomer|newcomers"
    r"|the next (?:player|person|user|viewer|one)|they\b|noobs?\b|new players|chat\b"
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
