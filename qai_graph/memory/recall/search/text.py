"""Text analysis for recall: chat lines and memories -> stemmed terms.

Chat is lowercase, misspelled and full of emotes and @mentions. Both sides go through the
same steps: NFKC and casefold; @mentions kept as names; URLs, known emotes and elongations
("soooo") dealt with; chat slang mapped to words ("ppl" -> "people"); stopwords dropped;
Snowball (PyStemmer) stems, so "celebrated" meets "celebrate". Queries alone get typo
repair against the index's vocabulary and thesaurus expansion (``thesaurus.GROUPS``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type hints

from qai_graph.memory.recall.search.thesaurus import GROUPS

_STOPWORD_TEXT = """
    a about above after again all am an and any are as at be because been before being
    but by can could did do does doing for from had has have having he her here hers him
    his how i if in into is it its me more most my no nor not of off on once only or other
    our out over own same she should so some such than that the their them then there
    these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours
    remember know tell think said say
    qai hey hi hello yo pls please plz lol lmao lmfao rofl omg btw tho though just really
    still again right now rn anyone anybody someone somebody who whos everyone here thing
    stuff like get got gonna wanna ok okay yeah yes nah ever also guy guys dude bro
    s t d ll re ve m
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())

# Common Twitch, BTTV and FFZ emotes: chat decoration, never the topic of a question.
EMOTES: frozenset[str] = frozenset(
    [
        "kappa",
        "keepo",
        "pogchamp",
        "pog",
        "poggers",
        "pogu",
        "kekw",
        "lul",
        "lulw",
        "omegalul",
        "monkas",
        "monkaw",
        "pepehands",
        "pepega",
        "sadge",
        "feelsbadman",
        "feelsgoodman",
        "biblethump",
        "residentsleeper",
        "notlikethis",
        "wutface",
        "4head",
        "elegiggle",
        "seemsgood",
        "heyguys",
        "vohiyo",
        "coolstorybob",
        "trihard",
        "jebaited",
        "kreygasm",
        "pjsalt",
        "dansgame",
        "babyrage",
        "failfish",
        "smorc",
        "swiftrage",
        "copium",
        "hopium",
        "clap",
        "ez",
        "catjam",
        "pepelaugh",
        "widepeepohappy",
        "peepoclap",
        "ayaya",
        "lulw",
        "kek",
        "xd",
        "xdd",
    ]
)
# Chat spellings of ordinary words.
SLANG: dict[str, str] = {
    "ppl": "people",
    "peeps": "people",
    "u": "you",
    "ur": "your",
    "r": "are",
    "y": "why",
    "thx": "thanks",
    "ty": "thanks",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "w": "with",
    "wat": "what",
    "wut": "what",
    "msg": "message",
    "lvl": "level",
    "lvls": "levels",
    "q": "question",
    "qs": "questions",
    "fav": "favourite",
    "fave": "favourite",
    "favorite": "favourite",
    "fridge": "fridge",
    "rec": "record",
    "wr": "record",
    "info": "information",
    "alg": "algorithm",
    "algo": "algorithm",
    "algos": "algorithms",
    "teleporty": "teleport",
    "gj": "good",
    "gg": "gg",
}

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@([\w.\-]+)")
_WORD = re.compile(r"[^\W_]+(?:[_'][^\W_]+)*")
_NAMEISH = re.compile(r"[\w.\-]+")
_ELONGATED = re.compile(r"(\w)\1{2,}")
_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of one casefolded word."""
    return str(_STEMMER.stemWord(word))


def fold(text: str) -> str:
    """NFKC, casefolded, URLs removed, elongations ("soooo") cut to two letters."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _ELONGATED.sub(r"\1\1", _URL.sub(" ", folded))


def words(text: str) -> list[str]:
    """The words of ``text`` after folding, emotes dropped and slang mapped."""
    found = []
    for raw in _WORD.findall(fold(text).replace("_", " ")):
        word = raw.replace("'", "")
        if word in EMOTES:
            continue
        found.append(SLANG.get(word, word))
    return found


def terms(text: str) -> list[str]:
    """Stemmed non-stopword terms of a memory or query, in order (repeats kept)."""
    return [stem(w) for w in words(text) if (w not in STOPWORDS and len(w) > 1) or w.isdigit()]


def name_tokens(text: str) -> list[str]:
    """Tokens that could be player names: @mentions first, then every name-like token."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    mentions = [m.strip(".-") for m in _MENTION.findall(folded)]
    rest = [t.strip(".-") for t in _NAMEISH.findall(_MENTION.sub(" ", folded))]
    return [t for t in mentions + rest if t]


def mentions(text: str) -> list[str]:
    """The @mentioned names of ``text``, casefolded."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return [m.strip(".-") for m in _MENTION.findall(folded) if m.strip(".-")]


# --- the query side: typo repair and expansion -------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def edits1(word: str) -> set[str]:
    """Every string one edit (delete, swap, replace, insert) away from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    return set(deletes + swaps + replaces + inserts)


def repair(word: str, known: Callable[[str], int]) -> str | None:
    """The most frequent known stem one edit from ``word``, or None.

    ``known`` gives a stem's document frequency (0 when unknown). Short words are left
    alone: one edit turns a three-letter word into too many others.
    """
    if len(word) < 5 or not word.isalpha():
        return None
    best, best_df = None, 0
    for candidate in edits1(word):
        df = known(stem(candidate))
        if df > best_df:
            best, best_df = stem(candidate), df
    return best


@dataclass(frozen=True)
class Phrase:
    """One thesaurus phrase as stems, and the group it belongs to."""

    stems: tuple[str, ...]
    group: int


@lru_cache(maxsize=1)
def _phrases() -> tuple[Phrase, ...]:
    found = []
    for index, group in enumerate(GROUPS):
        for phrase in group:
            stems = tuple(
                stem(w) for w in words(phrase) if w not in STOPWORDS or len(words(phrase)) > 1
            )
            if stems:
                found.append(Phrase(stems, index))
    return tuple(found)


def _contains(seq: list[str], part: tuple[str, ...]) -> bool:
    n = len(part)
    return any(tuple(seq[i : i + n]) == part for i in range(len(seq) - n + 1))


@lru_cache(maxsize=1)
def _by_first_stem() -> dict[str, tuple[Phrase, ...]]:
    found: dict[str, list[Phrase]] = {}
    for phrase in _phrases():
        found.setdefault(phrase.stems[0], []).append(phrase)
    return {k: tuple(v) for k, v in found.items()}


@lru_cache(maxsize=1)
def _by_group() -> dict[int, tuple[Phrase, ...]]:
    found: dict[int, list[Phrase]] = {}
    for phrase in _phrases():
        found.setdefault(phrase.group, []).append(phrase)
    return {k: tuple(v) for k, v in found.items()}


def expansions(query_stems: list[str]) -> set[str]:
    """Stems of thesaurus phrases related to ``query_stems`` that it does not contain."""
    starts = _by_first_stem()
    groups = {
        p.group
        for first in set(query_stems)
        for p in starts.get(first, ())
        if _contains(query_stems, p.stems)
    }
    extra: set[str] = set()
    for group in groups:
        for phrase in _by_group()[group]:
            extra.update(phrase.stems)
    return extra - set(query_stems)


@dataclass
class QueryTerms:
    """Weighted stems of a query: its own (1.0), repaired typos, and expansions."""

    weights: dict[str, float] = field(default_factory=dict)

    def add(self, stems: Iterable[str], weight: float) -> None:
        """Add stems, keeping the highest weight seen for each."""
        for s in stems:
            self.weights[s] = max(self.weights.get(s, 0.0), weight)


# A sentence this long says something; a shorter one ("Wow, that's great!", "Hey there!")
# is a greeting or an exclamation around a question. LoCoMo dev found@5: 5 to 8 measured
# alike (0.765-0.766), 3 less (0.759), any line ending '?' lost temporal questions.
TELLING_WORDS = 6
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


def asks(text: str) -> bool:
    """A line that asks and tells nothing: it ends with a question mark and each of its
    sentences of ``TELLING_WORDS`` words or more is a question ("Oh wow! How did the
    interview go?", not "I finally got the job I wanted! Can you believe it?")."""
    if not text.rstrip().endswith("?"):
        return False
    said = (part.strip() for part in _SENTENCE.findall(text))
    return all(part.endswith("?") for part in said if len(part.split()) >= TELLING_WORDS)
