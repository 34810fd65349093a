"""What the local rules refuse to form from: instructions, requests, questions, greetings.

Two levels:
- ``manipulation(message)``: text that reads as instructions or manipulation keeps
  nothing from the whole message (the trust rules flag it too; this is the observer's
  own line). Rule talk ("from now on", "new rule", "you must", "ignore ... rules"),
  system/prompt/jailbreak talk, credentials (passwords, API keys, long secrets, emails),
  claims of authority ("i am the admin", "i'm the real streamer"), messages to others
  through QAI ("tell everyone", "everyone should ...", "remember that ..."), links,
  markup of chat templates.
- ``refusal(words)``: one sentence that is a question, a greeting, a request or command
  to QAI (an imperative first word, "please", "let's"), or talks to QAI ("you", "your"
  anywhere but after when/if: statements about QAI are not facts about the player).
- ``sarcasm(message)``: an eye-roll or upside-down face, "/s", "yeah right", "sure jan",
  "as if", "totally not", "not!": what the message says is likely meant the other way,
  so nothing of it is kept ("oh i just LOVE losing to the timer 🙄").
- ``opinion(rewrite, name)``: "i think the answer is 0.707": the player's verb is one of
  thinking or saying and nothing after it is about the player.
"""

from __future__ import annotations

import re

from qai_graph.observers.grammar import Rewrite

_MANIPULATION = re.compile(
    r"""
    \b(?:ignore|disregard|forget|override|bypass)\b[^.!?]{0,40}
        \b(?:instructions?|rules?|prompts?|directives?|guidelines?|programming|system|
           previous|above|filters?|safety|training)\b
    | \bfrom\s+now\s+on\b
    | \bnew\s+(?:rules?|instructions?|directives?|orders?|persona|policy)\b
    | \byou\s+(?:must|have\s+to|need\s+to|are\s+now|will\s+now|shall|should\s+now|
               are\s+required|may\s+now|can\s+now|are\s+no\s+longer|will\s+obey)\b
    | \bi\s+(?:need|want|order|command)\s+you\s+to\b | \bmake\s+sure\s+(?:you|to)\b
    | \bsystem\s*(?:prompt|message|instructions?|:) | ^\s*system\b | \bprompts?\b
    | \bjailbreak | \bdeveloper\s+mode\b | \bgod\s+mode\b | \bsudo\b
    | \bpass(?:word|code|phrase)s?\b | \bpasswd\b | \bapi[\s_-]?keys?\b | \bsecret\s+keys?\b
    | \bcredentials?\b | \baccess\s+tokens?\b | \blog\s?in\s+details\b
    | \b(?:pass|pw|pwd|pin|2fa|otp|login|user(?:name)?)\s*(?:is|=|:)
    | \b2fa\b | \b(?:auth(?:entication)?|verification|recovery)\s+codes?\b
    | \blog\s?in\s+(?:for|as)\b | \bcharacter\s+(?:called|named|who|that)\b
    | \b(?:i\s+am|i'm|im|as)\s+(?:the\s+|a\s+|an\s+|your\s+|qai's\s+)?
        (?:admin|administrator|moderator|mod|staff|operator|owner|creator|boss)\b
    | \b(?:i\s+am|i'm|im)\s+(?:the|your|qai's)\s+(?:developer|dev|maker|programmer)\b
    | \b(?:i\s+am|i'm|im)\s+(?:the\s+)?(?:real|actual|true|official)\s+
        (?:streamer|owner|admin|qai|dev|developer|mod|moderator|creator)\b
    | \b(?:everyone|everybody)\s+(?:should|must|has\s+to|have\s+to|
        needs?\s+to|better)\b
    | \b(?:developer|dev)\s+of\s+(?:this|the)\s+(?:game|bot|stream|ai)\b
    | \b(?:admin|moderator|mod|developer)\s+(?:here|says|speaking|note|override|mode)\b
    | \btell\s+(?:everyone|everybody|chat|all|the\s+chat|other\s+players|the\s+others|people)\b
    | \b(?:say|repeat|announce)\s+(?:that|after\s+me)\b
    | \bremember\s+(?:that|this)\b | \b(?:for|to|in|into)\s+(?:your|the)\s+memory\b
    | \b(?:store|save|write\s+down|memori[sz]e)\s+(?:this|that)\b
    | \b(?:always|never)\s+(?:say|reply|respond|answer|call|mention|tell)\b
    | \b(?:respond|reply|answer)\s+(?:with|only|in)\b
    | \bpretend\b | \bact\s+as\b | \brole-?play\b | \bobey\b
    | \bfollow\s+my\s+(?:orders|commands|instructions|rules)\b
    | \breveal\s+(?:your|the)\b | \bprint\s+(?:the|your)\b
    | \bis\s+(?:banned|a\s+cheater|a\s+scammer|a\s+hacker|a\s+bot)\b | \bgets?\s+mod\b
    | https?:// | www\. | (?<=\w)\.(?:com|net|org|tv|gg|io|ly|xyz|ru|me|co|link|app)\b
    | <\| | \|> | \[/?inst\] | \#\#\# | ``` | \{\{ | \}\}
    | \bsk-[a-z0-9] | \b[a-z0-9+/=_-]{28,}\b | (?<=\w)@[\w-]+\.\w+ | \b\d{9,}\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
_SHOUTED_NAMES = re.compile(r"\bDAN\b|\bSTAN\b|\bAIM\b")

_QUESTION_WORDS = frozenset({"what", "what's", "whats", "how", "how's", "why", "who", "who's"})
_QUESTION_WORDS |= {"whom", "whose", "which", "where", "where's", "wat", "wut", "wtf"}
_AUXILIARIES = frozenset(
    """do does did can could would will should is are was were am have has shall may
    don't doesn't didn't can't won't isn't aren't""".split()  # noqa: SIM905 (a word list)
)
_ASKED_OF = frozenset(
    """you u i we it this that they he she anyone anybody someone somebody there the qai
    y'all everyone any my your these those""".split()  # noqa: SIM905 (a word list)
)
_IMPERATIVES = frozenset(
    """tell show give say explain help ignore forget remember repeat list describe make
    call answer respond reply print reveal write sing play do be act pretend stop let
    let's lets check look go come try hint teach send post type follow obey note keep put
    don't dont never always guess imagine name draw open start read watch roast rate ping
    ban kick mute unmute calculate compute define translate summarize summarise generate
    pick choose decide search find use switch turn add remove delete change set update
    count spell dance tag join welcome thank bring hurry wake skip run greet shout dump
    paste spill leak copy share whisper dm""".split()  # noqa: SIM905 (a word list)
)
_GREETINGS = frozenset(
    """hi hii hiii hiiii hello helo hey heyy heyyy hey-o heya hiya howdy yo sup wassup
    greetings gm gn goodnight goodbye bye byee cya morning evening night welcome""".split()  # noqa: SIM905 (a word list)
)
_SECOND_PERSON = frozenset(
    """you your yours yourself yourselves you're you've you'll you'd y'all ya'll""".split()  # noqa: SIM905 (a word list)
)
_GENERIC_YOU = frozenset({"when", "if", "whenever", "unless", "once"})
_OPINION = frozenset(
    """think thinks thought guess guesses guessed believe believes believed bet bets
    suppose supposes supposed reckon reckons hope hopes hoped wish wishes wished wonder
    wonders wondered mean means meant swear swears swore doubt doubts
    doubted heard hears hear say says said assume assumes assumed agree agrees
    agreed""".split()  # noqa: SIM905 (a word list)
)


# The expression above runs only on text holding one of these words or marks (a message
# without them cannot match it): most chat is cleared by one set intersection.
_TRIGGERS = frozenset(
    """ignore ignored ignoring disregard forget override bypass from new you system
    prompt prompts jailbreak jailbroken developer dev god sudo password passwords passcode
    passcodes passphrase passwd api apikey secret credential credentials access log login
    admin administrator moderator mod staff operator owner creator boss tell say repeat
    announce remember memory store save write memorise memorize always never respond
    reply answer pretend act roleplay role obey follow reveal print banned cheater
    scammer hacker bot get gets make dan stan aim real actual true official everyone
    everybody pass pw pwd pin 2fa otp user username auth authentication verification
    recovery character""".split()  # noqa: SIM905 (a word list)
)
_MARKS: tuple[str, ...] = (
    "http",
    "www.",
    "<|",
    "|>",
    "inst]",
    "###",
    "```",
    "{{",
    "}}",
    "sk-",
    "@",
    "jailbreak",
)
_MARKS += ("passw", "passc", "passp", "apikey", "credential", "memori", "roleplay", "2fa")
_DOMAIN = re.compile(r"\w\.(?:com|net|org|tv|gg|io|ly|xyz|ru|me|co|link|app)\b|\d{9}|\S{28}")
_WORDS = re.compile(r"[a-z]+")


# English's commonest small words: a message of some length with almost none of them is in
# another language, which the local rules do not read. "i" and "a" are left out: Swedish,
# Spanish, Italian and Portuguese have them too ("in", "to").
_ENGLISH = frozenset(
    """the an and or but to of in on at for with from by about as is are was were be been
    am me my we our you your he she it they them his her their this that these those not
    no so just do did does have has had will would can could should what when where who how
    why if then there here all some any very really too also up out get got go went like
    one lol im it's its dont don't cant can't i'm i've i'll""".split()  # noqa: SIM905 (a word list)
)
_LETTERS = re.compile(r"[^\W\d_]")
_TOKENS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
FOREIGN_MIN_WORDS = 6  # shorter chat says too little to tell
FOREIGN_MAX_SHARE = 0.1


def foreign(message: str) -> bool:
    """Whether the message is not English: mostly letters outside a-z, or six words or
    more with fewer than one in ten of English's commonest words."""
    letters = _LETTERS.findall(message.lower())
    if letters and sum(1 for ch in letters if "a" <= ch <= "z") < len(letters) / 2:
        return True
    words = _TOKENS.findall(message.lower())
    if len(words) < FOREIGN_MIN_WORDS:
        return False
    return sum(1 for w in words if w in _ENGLISH) < FOREIGN_MAX_SHARE * len(words)


def manipulation(message: str) -> bool:
    """Whether the message reads as instructions, credentials or manipulation."""
    low = message.lower()
    if (
        _TRIGGERS.isdisjoint(_WORDS.findall(low))
        and not any(mark in low for mark in _MARKS)
        and not _DOMAIN.search(low)
    ):
        return False
    return bool(_MANIPULATION.search(low) or _SHOUTED_NAMES.search(message))


_SARCASM = re.compile(
    r"[\U0001F644\U0001F643\U0001F612]|(?:^|\s)/s\b|\byeah,?\s+right\b|\bsure,?\s+jan\b"
    r"|^\s*as\s+if\b|\btotally\s+not\b|\bnot!+\s*$",
    re.IGNORECASE,
)


def sarcasm(message: str) -> bool:
    """Whether the message marks itself as meant the other way (module docstring)."""
    return bool(_SARCASM.search(message))


def _greeting(low: tuple[str, ...]) -> bool:
    if not low or low[0] not in _GREETINGS:
        if low[:2] in {("good", "morning"), ("good", "evening"), ("good", "night")}:
            return len(low) <= 5
        return False
    return len(low) <= 4


def refusal(low: tuple[str, ...], asked: bool) -> str | None:
    """Why one sentence (lower-cased words) is not a statement about the player, or None."""
    if asked:
        return "question"
    if not low:
        return "empty"
    first = low[0]
    if first in _QUESTION_WORDS or (first == "when" and len(low) > 1 and low[1] in _AUXILIARIES):
        return "question"
    if first in _AUXILIARIES and len(low) > 1 and low[1] in _ASKED_OF:
        return "question"
    if first in {"anyone", "anybody", "any1", "somebody", "someone"}:
        return "question"
    if _greeting(low):
        return "greeting"
    if first in _IMPERATIVES or "please" in low or "pls" in low or low[:2] == ("let", "us"):
        return "request"
    for n, word in enumerate(low):
        if word in _SECOND_PERSON and not (n and low[n - 1] in _GENERIC_YOU):
            return "about QAI"
    return None


def strip_greeting(low: tuple[str, ...]) -> int:
    """How many words of a greeting open a longer sentence ("hey qai i just ...")."""
    n = 0
    while n < len(low) and (low[n] in _GREETINGS or low[n] in {"qai", "chat", "all", "guys", ","}):
        n += 1
    if n and low[:2] in {("good", "morning"), ("good", "evening")}:
        n = max(n, 2)
    return n


def opinion(rewrite: Rewrite, name: str) -> bool:
    """The player thinks or says something that is not about themselves."""
    low = [w.lower() for w in rewrite.words]
    key = name.lower()
    for n, word in enumerate(low):
        if word != key:
            continue
        rest = low[n + 1 :]
        while rest and rest[0] in {"really", "do", "does", "just", "kinda", "still", "also"}:
            rest = rest[1:]
        if (
            rest
            and rest[0] in {"can't", "cannot", "couldn't", "don't", "doesn't"}
            and len(rest) > 1
        ):
            rest = rest[1:]
        if not rest:
            return False
        feel_like = rest[0] in {"feel", "feels"} and len(rest) > 1 and rest[1] in {"like", "that"}
        if (rest[0] in _OPINION and rest[1:2] != ["to"]) or feel_like:
            return key not in rest[1:] and f"{key}'s" not in rest[1:]
        return False
    return False
