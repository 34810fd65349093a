"""A short reply to QAI's question, read with the question: "yes, last week!" after "did
you finish the bell puzzle?" says "Ada finished the bell puzzle, last week".

Rules:
- The question is the last sentence ending in "?" of QAI's last turn, when the player has
  not spoken since; the reply has at most MAX_REPLY_WORDS words.
- A yes/no question about the player becomes a statement: did you V X -> <name> V-ed X
  (no: did not V X); do you V X -> V-s X (does not V); are/were you X -> is/was (not) X;
  have you (ever) V-en X -> has (not) V-en X; will/can you X -> will/can (not) X; is/does/
  did your X ... -> <name>'s X ... . "you"/"your" in the rest become the name; adverbs
  before the verb stay before it ("do you still play X" -> still plays X); the player's
  name said to them ("Ada, ...", "..., Ada?") is dropped first. What
  follows yes/no in the reply ("last week", "it was amazing") is appended after a comma,
  in the third person when it speaks of the player.
- A question asking for a detail, answered by a short phrase: what's your favourite X ->
  <name>'s favourite X is <reply>; where are you from -> <name> is from <reply>; where do
  you live -> <name> lives in <reply>; how old are you -> <name> is <reply> years old.
- Offers and small talk (do you want / need / know, would you like, are you ready / ok /
  there / sure, want me to, shall I) and every other question keep nothing.
"""

from __future__ import annotations

import re

from qai_graph.observers import grammar
from qai_graph.observers.base import Turn
from qai_graph.observers.lexicon import ADVERBS, STOP, VACUOUS

MAX_REPLY_WORDS = 12
MAX_BARE_ANSWER_WORDS = 6  # a yes/no reply this short to a question we cannot read: nothing
_YES = frozenset(
    """yes yeah yep yup ya yea ye yess yesss sure definitely totally absolutely indeed
    correct right mhm uh-huh ofc course obviously certainly""".split()  # noqa: SIM905 (a word list)
)
_NO = frozenset({"no", "nope", "nah", "nay", "never", "negative", "naw", "noo", "nooo"})
_OFFERS = re.compile(
    r"""^(?:do\s+you\s+(?:want|need|know|remember|think|mind|see|get\s+it|understand)|
    would\s+you\s+(?:like|want|mind)|are\s+you\s+(?:ready|ok|okay|there|sure|still\s+there|
    alright|serious|kidding)|want\s+me|shall\s+i|should\s+i|can\s+i|may\s+i|did\s+you\s+know|
    have\s+you\s+heard|could\s+you|can\s+you\s+(?:tell|show|help|explain))\b""",
    re.VERBOSE,
)
_ECHO = frozenset({"i", "did", "do", "am", "have", "will", "was", "does", "it", "is", "i'm"})
_NON_ANSWERS = frozenset({"idk", "dunno", "maybe", "perhaps", "hmm", "not", "sure", "lol", "what"})


def last_question(earlier: tuple[Turn, ...], player: str) -> str | None:
    """QAI's latest question, unless the player has spoken since it."""
    for turn in reversed(earlier):
        if turn.speaker.lower() == player.lower():
            return None
        if turn.speaker == "QAI":
            asked = [s for s in re.split(r"(?<=[.!?])\s+", turn.text.strip()) if s.endswith("?")]
            return asked[-1] if asked else None
    return None


def _answer(low: list[str]) -> tuple[int, int] | None:
    """(+1 yes / -1 no, words the answer took) from the reply's opening words."""
    if low[:2] == ["not", "yet"]:
        return -1, 2
    if low[:2] in (["not", "really"], ["i", "didn't"], ["i", "don't"], ["i", "haven't"]):
        return -1, 2
    if low[:2] == ["of", "course"]:
        return 1, 2
    if low and low[0] in _YES:
        return 1, 1
    if low and low[0] in _NO:
        return -1, 1
    return None


def _you_to(name: str, words: list[str]) -> list[str]:
    swap = {"you": name, "your": f"{name}'s", "yours": f"{name}'s", "yourself": "themselves"}
    return [swap.get(w.lower(), w) for w in words]


def _unnamed(question: str, name: str) -> str:
    """The question without the player's name said to them ("Ada, ...", "..., Ada?")."""
    return re.sub(
        rf"^\s*{re.escape(name)}\s*,\s*|,\s*{re.escape(name)}\s*(?=[?!.]*$)",
        "",
        question.strip(),
        flags=re.I,
    )


def _statement(question: str, name: str, sign: int) -> str | None:
    """The yes/no question as a statement about ``name`` (module docstring)."""
    words = [
        w
        for w in grammar.words(grammar.clean(_unnamed(question, name)))
        if w not in {"?", "!", "."}
    ]
    low = [w.lower() for w in words]
    if len(low) < 3 or _OFFERS.match(" ".join(low)):
        return None
    aux, who, rest = low[0], low[1], words[2:]
    rest = [
        w for w in rest if w.lower() not in {"ever", "any"} and (sign < 0 or w.lower() != "yet")
    ]
    if not rest:
        return None
    if who == "you":
        subject = [name]
    elif who == "your" and len(rest) > 1:
        subject, rest = [f"{name}'s", rest[0]], rest[1:]
    else:
        return None
    rest = _you_to(name, rest)
    # adverbs before the verb stay before it: "do you still play ..." -> "still plays"
    lead = 0
    while lead < len(rest) - 1 and rest[lead].lower() in ADVERBS:
        lead += 1
    adverbs, verb, tail = rest[:lead], rest[lead], rest[lead + 1 :]
    if aux == "did":
        body = ["did", "not", *adverbs, verb] if sign < 0 else [*adverbs, grammar.past(verb)]
    elif aux in {"do", "does"}:
        if sign < 0:
            body = ["does", "not", *adverbs, verb]
        else:
            body = [*adverbs, grammar.third_singular(verb)]
    elif aux in {"are", "is", "were", "was", "have", "has", "will", "can", "would"}:
        forms = {"are": "is", "were": "was", "have": "has"}
        if who == "your" and aux in {"are", "were"}:
            forms = {}
        body = [forms.get(aux, aux)] + (["not"] if sign < 0 else []) + [*adverbs, verb]
    else:
        return None
    return " ".join(subject + body + tail)


def _detail(question: str, name: str, reply: list[str]) -> str | None:
    q = " ".join(
        w.lower()
        for w in grammar.words(grammar.clean(_unnamed(question, name)))
        if w.isalnum() or "'" in w
    )
    if not reply or reply[0].lower() in _NON_ANSWERS or reply[0].lower() in _YES | _NO:
        return None
    answer = " ".join(reply)
    favourite = re.match(r"^(?:what|which)(?:'s| is) your (?:\w+ )?(favou?rite \w+(?: \w+)?)$", q)
    if favourite:
        return f"{name}'s {favourite.group(1)} is {answer}"
    if re.match(r"^where (?:are you|you) from$", q):
        return f"{name} is from {answer}"
    if re.match(r"^where do you live$", q):
        return f"{name} lives in {answer}"
    if re.match(r"^how old are you$", q) and reply[0].isdigit():
        return f"{name} is {reply[0]} years old"
    return None


def from_reply(reply_text: str, earlier: tuple[Turn, ...], name: str) -> str | None:
    """The statement a short reply makes with QAI's question; "" for a short yes/no reply
    to a question that cannot become a statement (keep nothing); None when the message is
    no such reply (the ordinary rules read it)."""
    question = last_question(earlier, name)
    if question is None:
        return None
    words = [w for w in grammar.words(grammar.clean(reply_text)) if w not in {",", ".", "!", "?"}]
    if not words or len(words) > MAX_REPLY_WORDS or "?" in reply_text:
        return None
    low = [w.lower() for w in words]
    answer = _answer(low)
    if answer is None:
        if {"i", "my", "me", "we"} & set(low):
            return None  # a statement of its own: the ordinary rules read it
        return _detail(question, name, words)
    sign, used = answer
    statement = _statement(question, name, sign)
    if statement is None:
        # an answer to a question that says nothing on its own: "no, my brother does"
        return "" if len(words) <= MAX_BARE_ANSWER_WORDS else None
    tail = words[used:]
    while tail and tail[0].lower() in _YES | _NO:
        tail = tail[1:]
    if len(tail) <= 2 and all(w.lower() in _ECHO for w in tail):
        tail = []  # "yes i did", "yeah it is"
    if tail and {"i", "my", "me", "we"} & {w.lower() for w in tail}:
        rewrite = grammar.third_person(tuple(tail), name)
        tail = list(rewrite.words) if rewrite is not None else []
    if tail and (any(w.lower() not in STOP | VACUOUS for w in tail) or tail == ["yet"]):
        statement = f"{statement}, {' '.join(tail)}"
    return statement
