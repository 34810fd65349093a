"""What a relay may carry and still be no instruction: a pleasantry passed on ("tell
everyone gg", "tell the next person who joins welcome") and the speaker's own news ("tell
chat i finally beat level 8"). Read right after the audience by ``signals`` (acts on
others) and ``speakers`` (QAI's speakers)."""

from __future__ import annotations

from qai_graph.memory.trust.rule import words

# What friends pass on to each other as a matter of course: a greeting, thanks, wishes
# ("tell everyone gg", "tell the next person who joins welcome"). Relayed, they instruct
# no one.
PLEASANTRY = words(
    r"hi\b|hello|hey\b|hiya|gg\b|ggs\b|gg ?wp|gn\b|good ?(?:night|morning|evening|luck|game)"
    r"|gl ?hf|happy (?:birthday|bday|anniversary|new year|holidays)|merry (?:christmas|xmas)"
    r"|congrats|congratulations|thanks|thank you|ty\b|bye\b|goodbye|see (?:you|ya)\b"
    r"|welcome\b|(?:i )?(?:love|miss) (?:you|them|everyone|yall)\b|hugs|cheers"
    # the speaker's own news: "i finally beat level 8 lol", "ill be back in 5"
    r"|i (?:finally |just |already )?(?:beat|won|finished|cleared|passed|completed) (?:\w+ ){0,3}?"
    r"\w+(?: lol| lmao| haha| xd)?|ill be (?:right )?back(?: in \w+(?: \w+)?)?|brb"
)
# A pleasantry passed on and nothing else in its clause, read right after the audience:
# where they are ("at the club"), who says it ("I said"), the pleasantry, whom it is from
# ("from me", "from all of us in the discord"), then the clause ends (or goes on about the
# speaker: ", we made her a card"). Anything else relayed (a claim, a rule, a link) is not
# this, so "tell everyone hi, the code is 1234" stays a relay.
PASSED_ON = (
    r"(?: (?:at|in|on|of|from) (?:the |my |our |your )?\w+\b(?: \w+\b)?)?"
    # who they are, as chat says it: "the next person who joins", "everyone that comes in"
    r"(?: (?:who|that) (?:\w+ )?(?:joins?|comes? in|shows? up|arrives?|drops? (?:by|in)"
    r"|stops? by|pops? in|is here|are here)\b)?"
    r"(?: (?:that )?(?:\w+ )?(?:said|says|say))? "
    + PLEASANTRY
    # whom it is from, or what it is for: "from me", "in the quiz", "on the ranked run"
    + r"(?: (?:from|for|to|in|on|at|with) (?:\w+ ){0,3}?\w+\b)?"
    r"[^\w,]*?(?:$|[.!?\n]|,\W*(?:i|we|im|were|ill|she|he|they|love|xoxo)\b)"
)
