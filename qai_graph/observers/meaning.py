"""Does a newly formed sentence say the same as an older one about the player, or change it?

Pure text functions; formation (memory/formation/matching.py) combines them with vectors.

- ``content_words(text, name=None)``: lower-cased, stemmed (``topics.stem``: suffixes,
  irregular pasts, synonyms such as love/enjoy/prefer -> like), without stop words,
  negations, change words and the player's name (given, or else the sentence's first
  word when capitalised: formed sentences open with the name).
- ``similarity(a, b)``: the mean of the overlap coefficient (shared / smaller set) and
  the Jaccard index (shared / union) of the content words, in [0, 1]; 0 when the two
  disagree in negation or polarity or are about different people (``subject``), so no
  blend with a vector score ever merges a statement with its negation, or Ada's with
  her brother's.
- ``same_meaning(a, b)``: similarity >= SAME_MEANING and at least two shared words (one
  when the smaller sentence has one: "Ada is a nurse" / "Ada works as a nurse"), and the
  same subject: a sentence about one of the player's people ("Ada's brother plays chess")
  never says the same as, or contradicts, one about the player or another of their
  people ("Ada plays chess"); ``subject(text)`` names it ("brother", or "" for the player).
  A new sentence about one of the player's people contradicts only one about the same
  person; one about the player may end one about their people ("Ada broke up with ...").
- ``polarity(text)``: +1 for likes/loves/enjoys/prefers/favourite/fan of; -1 for hates/
  dislikes/can't stand, a negated like ("doesn't like", "not a fan", "no longer
  enjoys"), stopped/quit/gave up; 0 otherwise (a negated dislike is 0 too).
- ``marks_change(text)``: now, anymore, no longer, these days, nowadays, switched,
  changed, quit, stopped, gave up, became, since last, used to, moved, broke up,
  divorced, started, began, a new job/school/place/partner.
- ``topics(text)``: coarse topics and fine keys from the lexicon (``topics.TOPICS``,
  ``topics.PHRASES``), "game:<name>" for the game's levels and gates, "level:<n>" /
  "chapter:<n>", and "likes:<object>" for what a like/hate/stop statement is about
  (up to two stemmed words after the verb, general nouns such as "gate" left out:
  "Ada loves the hadamard gate" -> "likes:hadamard"; "Ada's favourite gate is hadamard"
  -> "likes:hadamard").
- ``contradicts(new, old)``: never when they say the same or share no topic. Otherwise
  when (1) they share a "likes:" key with opposite polarity, or (2) one is negated and
  the other not while their words overlap at least FLIP_OVERLAP ("Ada doesn't speak
  Korean" / "Ada speaks Korean at home"), or (3) the new one marks a change and they
  share an exclusive topic without naming the same value in it (``topics.EXCLUSIVE``:
  "Ada is vegan now" / "Ada loves burgers": diet; but "Ada started a job at the bakery"
  / "Ada works at the bakery" is no change), or a fine key of another topic ("Ada
  stopped playing chess" / "Ada plays chess every weekend": hobby:chess), or the new one
  ends the very thing the old one names ("Ada broke up with Ada's girlfriend").
"""

from __future__ import annotations

import re
from functools import lru_cache

from qai_graph.observers.categories import RELATIONS
from qai_graph.observers.lexicon import STOP
from qai_graph.observers.topics import (
    EXCLUSIVE,
    GENERAL_KEYS,
    PHRASES,
    generic,
    stem,
    topic_of,
)

SAME_MEANING = 0.6
FLIP_OVERLAP = 0.6

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NORMALISE = (
    (re.compile(r"\bcan(?:'t|not| not)\s+stand\b"), "hate"),
    (re.compile(r"\b(?:is|am|are)\s+not\s+(?:a\s+)?(?:\w+\s+)?fan\s+of\b"), "not like"),
    (re.compile(r"\b(?:is|am|are)\s+(?:a\s+)?(?:\w+\s+)?fan\s+of\b"), "like"),
    (
        re.compile(
            r"\b(?:is|am|are)\s+(?:really\s+|so\s+)?(?:into|obsessed\s+with|crazy\s+about)\b"
        ),
        "like",
    ),
    (re.compile(r"\bwould\s+rather\b|'d\s+rather\b"), "prefer"),
    (re.compile(r"\bno\s+longer\b|\bnot\s+any\s*more\b"), "not"),
    (re.compile(r"\b(?:gave|give|giving|given)\s+up\b"), "quit"),
    (re.compile(r"\b(?:broke|break|breaking|split|splitting)\s+up\b|\bdumped\b"), "quit"),
    (re.compile(r"\bsick\s+of\b|\btired\s+of\b"), "hate"),
)
_NEGATIONS = frozenset({"not", "never", "no", "nobody", "nothing", "none", "neither", "nor"})
_QUITS = frozenset({"stop", "quit", "divorc"})  # stemmed
_LIKE = frozenset({"like"})  # stemmed forms after synonyms
_HATE = frozenset({"hate"})
# "it feels like cheating", "a trip like that": "like" after these is no verb.
_LIKE_AS_PREPOSITION = frozenset(
    """feel feels felt look looks looked sound sounds seem seems just more less things
    stuff anything something is was be are were trip place people someone""".split()  # noqa: SIM905 (a word list)
)
_MEANING_STOP = frozenset(
    """really very now anymore these days lately nowadays again ever yet originally
    actually mostly currently still also too lot bit last this next others themselves
    themself kinda so just""".split()  # noqa: SIM905 (a word list)
)
_CHANGE = re.compile(
    r"""\b(?:now|anymore|any\s+more|no\s+longer|these\s+days|nowadays|switched|switching|
    switch\s+to|changed|quit|quitting|stopped|stopping|gave\s+up|given\s+up|giving\s+up|
    became|become|becoming|since\s+last|used\s+to|moved|moving|broke\s+up|breaking\s+up|
    divorced|started|starting|began|new\s+(?:job|school|place|apartment|house|home|city|
    team|partner|girlfriend|boyfriend)|not\s+\w+\s+any\s*more)\b""",
    re.VERBOSE,
)
_OBJECT_STOPS = frozenset(
    """at in on with for from over than better more because when but and or so since now
    anymore these too much lately every even if while though until about after before
    during , . ; : ! ?""".split()  # noqa: SIM905 (a word list)
)
_OBJECT_SKIP = frozenset(
    """the a an my his her their our your this that these those some any all to playing
    play doing do really""".split()  # noqa: SIM905 (a word list)
)
_DEICTIC = frozenset({"it", "this", "that", "them", "those", "these", "him", "her"})
_FAVOURITE = re.compile(r"\bfavou?rite\s+(?:[a-z]+\s+){0,2}?(?:is|are|was)\s+(.+)$")
_FAVOURITE_BEFORE = re.compile(r"^(.+?)\s+(?:is|are|was)\s+\S+'s\s+favou?rite\b")
_NUMBERED = re.compile(r"\b(level|lvl|chapter|stage|world)\s+(\d+)\b")


@lru_cache(maxsize=4096)
def _normalised(text: str) -> str:
    low = text.lower().replace("\u2019", "'")
    for pattern, replacement in _NORMALISE:
        low = pattern.sub(replacement, low)
    return low


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for token in _TOKEN.findall(_normalised(text)):
        if token.endswith("n't"):
            out.extend((token[:-3], "not"))
        else:
            out.append(token)
    return out


def _name_of(text: str, name: str | None) -> str | None:
    if name:
        return name.lower()
    first = text.strip().split(" ", 1)[0]
    return first.removesuffix("'s").lower() if first[:1].isupper() else None


@lru_cache(maxsize=4096)
def _content(text: str, name: str | None) -> frozenset[str]:
    who = _name_of(text, name)
    out = set()
    for token in _tokens(text):
        bare = token.removesuffix("'s")
        if bare == who or token in STOP or bare in STOP or token in _MEANING_STOP:
            continue
        if token in _NEGATIONS:
            continue
        word = stem(bare)
        if word and word not in _QUITS:
            out.add(word)
    return frozenset(out)


_SUBJECT = re.compile(r"^\s*\S+'s\s+(?:(?:little|big|older|younger|best|baby|twin|new)\s+)?(\w+)")


@lru_cache(maxsize=4096)
def subject(text: str) -> str:
    """Whom the sentence is about: one of the player's people ("Ada's little brother ..."
    -> "brother"), or "" for the player themselves ("Ada's cat is called Pixel" is Ada's)."""
    found = _SUBJECT.match(text.lower())
    if found is None or not RELATIONS.fullmatch(found.group(1)):
        return ""
    return stem(found.group(1))  # grandmother -> grandma, sisters -> sister


def content_words(text: str, name: str | None = None) -> frozenset[str]:
    """The sentence's content words (module docstring)."""
    return _content(text, name)


def negated(text: str) -> bool:
    """Whether the sentence denies or ends something ("doesn't", "never", "stopped")."""
    return any(t in _NEGATIONS or stem(t) in _QUITS for t in _tokens(text))


def polarity(text: str) -> int:
    """+1 likes, -1 dislikes, 0 neither (module docstring)."""
    tokens = _tokens(text)
    for n, token in enumerate(tokens):
        word = stem(token)
        if word in _LIKE and token == "like" and n and tokens[n - 1] in _LIKE_AS_PREPOSITION:
            continue
        if word in _LIKE or word in _HATE:
            denied = any(t in _NEGATIONS for t in tokens[max(0, n - 3) : n])
            if word in _LIKE:
                return -1 if denied else 1
            return 0 if denied else -1
    return -1 if any(stem(t) in _QUITS for t in tokens) else 0


def marks_change(text: str) -> bool:
    """Whether the sentence says something changed (module docstring)."""
    return bool(_CHANGE.search(_normalised(text)))


def _object_key(words: list[str]) -> str | None:
    key: list[str] = []
    for token in words:
        if token in _OBJECT_STOPS or len(key) == 2:
            break
        if token in _OBJECT_SKIP or token.endswith("'s"):
            continue
        if token in _DEICTIC and not key:
            return None
        if token in STOP:
            break
        word = stem(token)
        if word not in generic():
            key.append(word)
    return "likes:" + " ".join(key) if key else None


def _likes_key(low: str) -> str | None:
    found = _FAVOURITE.search(low) or _FAVOURITE_BEFORE.search(low)
    if found:
        return _object_key(re.findall(r"[a-z0-9']+|[,.;:!?]", found.group(1)))
    tokens = re.findall(r"[a-z0-9']+|[,.;:!?]", low)
    for n, token in enumerate(tokens):
        word = stem(token)
        if word in _LIKE or word in _HATE or word in _QUITS:
            return _object_key(tokens[n + 1 :])
    return None


@lru_cache(maxsize=4096)
def _topics(text: str) -> frozenset[str]:
    low = _normalised(text)
    found: set[str] = set()
    lexicon = topic_of()
    after_name = False
    for token in re.findall(r"[a-z0-9']+", low):
        word = stem(token)
        topic = lexicon.get(word)
        if topic is not None and not after_name:
            found.add(f"{topic}:{word}")
            if topic != "game":
                found.add(topic)
        after_name = token in {"named", "called"}
    for topic, pattern in PHRASES:
        if pattern.search(low):
            found.add(topic)
    for kind, number in _NUMBERED.findall(low):
        found.add(f"{'level' if kind == 'lvl' else kind}:{number}")
    key = _likes_key(low)
    if key is not None:
        found.add(key)
    return frozenset(found)


def topics(text: str) -> frozenset[str]:
    """Coarse topics, fine keys and the liked object of a sentence (module docstring)."""
    return _topics(text)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return (shared / min(len(a), len(b)) + shared / len(a | b)) / 2


def _agree(a: str, b: str) -> bool:
    return negated(a) == negated(b) and polarity(a) == polarity(b)


def similarity(a: str, b: str, name: str | None = None) -> float:
    """How much two sentences say the same, by their words, in [0, 1] (module docstring)."""
    if not _agree(a, b) or subject(a) != subject(b):
        return 0.0
    return _overlap(_content(a, name), _content(b, name))


def same_meaning(a: str, b: str, name: str | None = None) -> bool:
    """Whether two sentences about the player say the same (module docstring)."""
    left, right = _content(a, name), _content(b, name)
    if not left or not right or not _agree(a, b) or subject(a) != subject(b):
        return False
    shared = len(left & right)
    return shared >= min(2, len(left), len(right)) and _overlap(left, right) >= SAME_MEANING


def contradicts(new: str, old: str, name: str | None = None) -> bool:
    """Whether ``new`` reverses or replaces ``old`` (module docstring)."""
    if same_meaning(new, old, name) or subject(new) not in {"", subject(old)}:
        return False  # what Ada's brother did changes nothing Ada does
    shared = _topics(new) & _topics(old)
    if not shared:
        return False
    if any(k.startswith("likes:") for k in shared) and polarity(new) * polarity(old) == -1:
        return True
    flipped = negated(new) != negated(old)
    if flipped and _overlap(_content(new, name), _content(old, name)) >= FLIP_OVERLAP:
        return True
    if marks_change(new):
        fine = {k for k in shared if ":" in k and not k.startswith("likes:")}
        named = {k.split(":", 1)[0] for k in fine if k.split(":", 1)[1] not in GENERAL_KEYS}
        if named and negated(new) and not negated(old):
            return True  # the same thing ended: broke up with / girlfriend got Ada into
        if (shared & EXCLUSIVE) - named:
            return True  # a new value of an exclusive topic: vegan now / loves burgers
        return bool(named - EXCLUSIVE)  # the same thing named: stopped chess / plays chess
    return False
