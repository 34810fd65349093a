"""``QAI_MEMORY_OBSERVER=local``: rules over the text, no model, no network (~0.1 ms).

What an exchange keeps, in order:
1. Nothing from a message that reads as instructions or manipulation
   (``screen.manipulation``: rule talk, prompts, credentials, links, claims of authority),
   nor from one that marks itself as sarcasm (``screen.sarcasm``: 🙄, "/s", "yeah right").
2. A short reply to QAI's question becomes a statement with the question
   (``context.from_reply``: "yes, last week!" after "did you finish the bell puzzle?").
3. Otherwise each sentence of the message (``grammar.sentences``), opening words such as
   "so", "well", "omg", "hey qai" dropped, is kept when:
   - it is no question, greeting, request or command to QAI, and does not talk to QAI
     (``screen.refusal``);
   - it speaks of the player in a subject's place (I, we, "my sister ...", "me and my
     brother ...", or a left-out subject: "gonna try ...", "broke my wrist ...");
   - it is not the player's opinion about something else ("i think the answer is 2");
   - it keeps at least one content word beyond the name (not "i'm fine", "i love it").
   It is rewritten in the third person (``grammar.third_person``), and gets a category
   (``categories.category``). At most MAX_SENTENCES per message.
Every kept sentence is checked once more: no first-person word left, no instruction-like
text. The rules prefer keeping nothing to keeping something wrong; be generous only with
first-person statements.
"""

from __future__ import annotations

import re

from qai_graph.observers import context, grammar, screen
from qai_graph.observers.base import ExchangeView, Formed
from qai_graph.observers.categories import category
from qai_graph.observers.lexicon import FILLER, OPENERS, STOP, VACUOUS

MAX_SENTENCES = 3
MIN_WORDS = 3  # "Ada sucks" says too little to keep
_FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself", "we", "us", "our", "ours"})
_TOKEN = re.compile(r"[\w%]+(?:'\w+)*")
# "... the bell puzzle qai", "..., chat": whom the line was said to (not after "about").
_VOCATIVE = re.compile(
    r"(?:,\s*|(?<!about)(?<!\bto)(?<!with)(?<!for)(?<!\bof)(?<!\bat)(?<!from)\s+)"
    r"(?:qai|chat|guys|everyone|folks|y'all)$",
    re.IGNORECASE,
)


def _vacuous(token: str) -> bool:
    """A word of VACUOUS, in any of its simple inflections ("loves", "guessed")."""
    return any(
        token.endswith(end) and token[: len(token) - len(end)] in VACUOUS
        for end in ("", "s", "es", "d", "ed")
    )


def _content(text: str, name: str) -> list[str]:
    key = name.lower()
    out = []
    for token in _TOKEN.findall(text.lower()):
        token = token.removesuffix("'s")
        if token == key or token in STOP or FILLER.fullmatch(token) or _vacuous(token):
            continue
        out.append(token)
    return out


def _clean_output(text: str, name: str) -> bool:
    """A formed sentence worth storing: about the player, in the third person, no orders."""
    tokens = {t.lower() for t in _TOKEN.findall(text)}
    return (
        len(text.split()) >= MIN_WORDS
        and not tokens & _FIRST_PERSON
        and bool(_content(text, name))
        and not screen.manipulation(text)
    )


def _opening(low: tuple[str, ...]) -> int:
    """How many opening words belong to no sentence ("so", "well", "hey qai", ",")."""
    n = 0
    while n < len(low):
        if low[n] in OPENERS or low[n] in {",", ":"}:
            n += 1
            continue
        greeting = screen.strip_greeting(low[n:])
        if greeting:
            n += greeting
            continue
        break
    return n


def form_sentence(sentence: grammar.Sentence, name: str) -> Formed | None:
    """One sentence of the player's message, kept in the third person, or None."""
    low = sentence.lower
    if screen.refusal(low, sentence.asked) == "greeting":
        return None
    start = _opening(low)
    words, low = sentence.words[start:], low[start:]
    if not words or (start and len(words) < 2):
        return None
    if screen.refusal(low, sentence.asked) is not None:
        return None
    rewrite = grammar.third_person(words, name)
    if rewrite is None or screen.opinion(rewrite, name) or not grammar.has_verb(rewrite.words):
        return None
    text = _VOCATIVE.sub("", grammar.join(rewrite.words, name))
    if not _clean_output(text, name):
        return None
    rule = "subjectless" if rewrite.subjectless else "first-person"
    return Formed(text, category(text, name, rewrite.verb, low), rule=rule)


def form(exchange: ExchangeView) -> list[Formed]:
    """What the local rules keep from one exchange (module docstring)."""
    name = exchange.player.strip() or "The player"
    if (
        screen.manipulation(exchange.message)
        or screen.sarcasm(exchange.message)
        or screen.foreign(exchange.message)
    ):
        return []
    if exchange.earlier:
        statement = context.from_reply(exchange.message, exchange.earlier, name)
        if statement == "":
            return []
        if statement is not None:
            text = grammar.join(statement.split(), name)
            if _clean_output(text, name):
                original = tuple(w.lower() for w in grammar.words(exchange.message))
                return [Formed(text, category(text, name, None, original), rule="reply")]
            return []
    formed: list[Formed] = []
    for sentence in grammar.sentences(exchange.message):
        kept = form_sentence(sentence, name)
        if kept is not None and all(kept.content != f.content for f in formed):
            formed.append(kept)
            if len(formed) >= MAX_SENTENCES:
                break
    return formed


class LocalObserver:
    """Rules over one exchange (module docstring)."""

    name = "local"

    async def observe(self, exchange: ExchangeView) -> list[Formed]:
        """Third-person sentences for what the exchange says about the player."""
        return form(exchange)

    async def close(self) -> None:
        """Nothing to release."""
