"""The English relay and fake_authority rules: who speaks through QAI, and to whom.

    relay           an imperative to tell every player something, or a trigger planted for
                    later players ("whenever someone asks, say ...")
    fake_authority  "message from the devs:" headers, "I am your developer", an authority
                    + a directive to QAI ("the devs want you to ..."), privilege claims
                    (role tags and log lines are in ``formats.py``)

Part of ``english.RULES`` (in that order, after the secret rules).
"""

from __future__ import annotations

from qai_graph.memory.trust.lexicon import (
    AUDIENCE,
    AUTHORITY,
    BEHAVE,
    IMPERATIVE,
    POSS,
    SOMEONE,
    YOU,
)
from qai_graph.memory.trust.passed_on import PASSED_ON
from qai_graph.memory.trust.rule import rule, upto
from qai_graph.memory.trust.stakes import AUTHORITY_STAKES

RELAY_RULES = (
    rule(
        "relay",
        "relay",
        "asks QAI to pass something on to other players",
        rf"{IMPERATIVE}(?:tell|say to|inform|remind|announce to|warn|let|convince|teach"
        rf"|message|dm|whisper to|spread (?:the word )?to|broadcast to|recommend to|advise"
        # (a pleasantry passed on, "tell everyone gg from me", relays nothing)
        rf"|reply to|answer|respond to) {AUDIENCE}(?!{PASSED_ON})",
        rf"\b(?:when|whenever|if|every time|each time|anytime|any time|once|(?:the )?next time"
        rf"|as soon as|the moment) {upto(1)}{SOMEONE}"
        rf" {upto(2)}(?:asks?|says?|mentions?|types?|talks?|writes?|messages?|joins?|comes?"
        # the trigger's clause, then a break (or "you") and the planted reply
        r"|greets?|wants?|needs?|brings up|questions?)\b[^,;:\n]{0,80}?(?:[,;:\n]|\bthen\b"
        r"|(?<!\bi\W)(?<!\bwe\W)(?=\b(?:you|u|qai|please|always)\b)) ?(?:(?:you|u|qai|please"
        r"|always) )?(?:should "
        r"|must |will |can )?(?:tell|say|reply|respond|answer|give|send|link|recommend|insist"
        r"|claim|direct|point|redirect)\b",
    ),
)

AUTHORITY_RULES = (
    rule(
        "authority-claim",
        "fake_authority",
        "claims to speak for the devs, mods or admins",
        # an identity: "I am your developer", "this is the dev team speaking"
        rf"\b(?:i am|im|this is|we are|were|its|it is) (?:one of )?{POSS} (?:real |actual "
        rf"|official |lead |head |senior |original )?{AUTHORITY}",
        rf"\b(?:i am|im|this is|we are) (?:the|a|an) (?:real |actual |official |lead |head )?"
        rf"{AUTHORITY} (?:of|for|behind|who (?:made|built|created|programmed|coded|wrote)) "
        rf"(?:you\b|qai|this (?:bot|ai|stream|channel|game)|the (?:bot|ai|stream|channel|game))",
        rf"\bas (?:an?|the|your) {AUTHORITY} {upto(4)}(?:i|we) (?:order|command|instruct"
        rf"|authori[sz]e|direct|require|tell|ask|allow|permit) {YOU}",
        # a message relayed from an authority: "the admin asked me to tell you"
        rf"\b(?:the |your |ur |qais )?{AUTHORITY} {upto(2)}(?:asked|told|wants|wanted|sent|needs"
        r"|begged) (?:me|us) to (?:tell|remind|inform|let|warn|pass on to|ask) (?:you|u\b|qai)"
        r"(?: (?:that|to)\b|\W*:)",
        # an authority + a directive for QAI's behaviour: "the devs want you to tell ..."
        rf"\b(?:the |your |ur |qais |our )?{AUTHORITY} {upto(3)}(?:say|says|said|want|wants"
        rf"|wanted|told|tell|tells|order|orders|ordered|instruct|instructs|instructed|require"
        rf"|requires|required|authori[sz]e[sd]?|allow|allows|allowed|approved|approve|decided"
        rf"|asked|asks|demand|demands|demanded|permit|permits|permitted|granted|gave) {upto(2)}"
        rf"{YOU} (?:to |must |should |will |shall |have to |need to |can now |may now |are "
        rf"(?:now )?(?:allowed|authori[sz]ed|permitted|required|supposed|free) to |can |now )?"
        rf"(?:no longer|dont have to|do not have to|{BEHAVE})",
        # privileges: "I have admin access", "ADMIN ACCESS GRANTED"
        r"\b(?:i|we) (?:have|got|ve got|possess|was given|were given|am granted|have been "
        r"granted) (?:full |special |elevated |temporary )?(?:admin|administrator|mod|moderator"
        r"|dev|developer|root|sudo|superuser|operator|owner|system|god|override) (?:access"
        r"|rights|privileges?|permissions?|clearance|powers|status|level|role)",
        r"\b(?:admin|administrator|dev|developer|root|sudo|override|mod|moderator|security"
        r"|system) (?:access|mode|privileges?|override|clearance|rights) (?:is )?(?:now )?"
        r"(?:granted|enabled|activated|confirmed|unlocked|verified|approved|on)\b",
        r"\b(?:authori[sz]ation|override|admin|security) (?:code|key|clearance)s? ?(?:is|=|:"
        r"|accepted|verified|granted|confirmed)",
    ),
    rule(
        "authority-header",
        "fake_authority",
        "claims to speak for the devs, mods or admins",
        # a header: "message from the devs: ...", "qai, official notice from the mods"
        rf"(?:^\W{{0,6}}|[.!?:;\n*>-] ?\W{{0,4}}|\bqai ?[,:]? )(?:(?:an?|this is an?|the|this"
        rf"|the following|attention"
        rf"|hey) )?(?:(?:official"
        rf"|urgent|important|priority|automated|formal|mandatory|new) )*(?:message|msg|note"
        rf"|notice|update|announcement|memo|directive|order|instruction|word|broadcast|alert"
        rf"|reminder|communication|statement|decree|bulletin)s? (?:(?:comes|came|is|was sent|was "
        rf"written|sent|written) )?(?:from|by|of) (?:the |your "
        rf"|qais? |our )?{AUTHORITY}",
        rf"\b(?:the )?{AUTHORITY} (?:team )?(?:here|speaking)\b",
        rf"\b{POSS} {AUTHORITY} (?:here|speaking)\b",
        rf"\bon behalf of (?:the |your )?{AUTHORITY}",
        rf"\bby order of (?:the |your )?{AUTHORITY}",
        # an identity claimed while typing: "this is the streamer typing from my alt"
        rf"\b(?:this is|its|it is|im|i am) (?:the |your |ur )?{AUTHORITY} (?:typing|writing"
        r"|talking|texting|on (?:my|an|his|her|their) (?:alt|phone|other account)|from (?:my|an"
        r"|another|his|her) (?:alt|account|phone))",
        # A header says who speaks, not what: "official announcement from the admins:
        # signups open friday" is news. It is an attack when what follows speaks to QAI.
        needs=AUTHORITY_STAKES,
    ),
)
