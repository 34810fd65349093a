"""Chat text to clean sentences, and first person to third person about the player.

- ``sentences(text)``: filler, emotes, bracketed notes ("[shares a photo]") and slang
  dropped or expanded, contractions split ("i'm" -> "i am"), a shouted message lowered,
  then split at ``. ! ? ;`` and line ends. Each sentence keeps whether it asked (``?``).
- ``third_person(words, name)``: I/me -> the name, my/mine/our -> the name's, myself ->
  themselves, we/us -> "<name> and others"; the verb after the player agrees ("i love"
  -> "Ada loves", "i am" -> "Ada is", "i've" -> "Ada has", "i don't" -> "Ada doesn't"),
  tense kept, and a verb joined by "and"/"but" agrees too when it is a known verb. A
  sentence whose subject was left out ("gonna try it tomorrow", "broke my wrist",
  "not a fan of ...", "can't stand ...") gets the player as subject. A shouted verb is
  lowered ("i LOVE" -> "loves"); after a habit adverb a verb whose past is its base is
  present ("i usually read" -> "usually reads"). ``None`` when the sentence has no
  first person in a subject's place: it is not about the player.
- ``third_singular`` / ``past``: the verb forms the rules need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from qai_graph.observers import lexicon as lx

_WORD = re.compile(r"\d+(?:[.,:]\d+)+%?|[\w$€£@#%+/-]+(?:'\w+)*|[.,!?;:]")
_BRACKETS = re.compile(r"\[[^\]]{0,300}\]|<[^>]{0,40}>")
_SENTENCE_END = frozenset(".!?;")
_CONTRACTIONS = {
    "i'm": ("i", "am"),
    "i've": ("i", "have"),
    "i'll": ("i", "will"),
    "i'd": ("i", "'d"),
    "we're": ("we", "are"),
    "we've": ("we", "have"),
    "we'll": ("we", "will"),
    "we'd": ("we", "'d"),
    "imma": ("i", "am", "going", "to"),
    "i'ma": ("i", "am", "going", "to"),
}
_CLAUSE_BREAKS = frozenset(
    """, ; : because so when if that who which while since after before until though
    although whereas cause""".split()  # noqa: SIM905 (a word list)
)
_COORDINATORS = frozenset({"and", "but", "or", "then"})
_VOWELS = frozenset("aeiou")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a message: its words (punctuation tokens kept) and whether it asked."""

    words: tuple[str, ...]
    asked: bool

    @property
    def lower(self) -> tuple[str, ...]:
        """The words lower-cased."""
        return tuple(w.lower() for w in self.words)


@dataclass(frozen=True)
class Rewrite:
    """A sentence in the third person: its words, and the verb the player governs."""

    words: tuple[str, ...]
    verb: str | None  # lower-case, as written after the player ("loves", "was", ...)
    subjectless: bool  # the player was added as the subject ("gonna try ...")


_UPPER = re.compile(r"[A-Z]")
_LETTER = re.compile(r"[A-Za-z]")


def _shouting(text: str) -> bool:
    if text == text.lower():
        return False
    letters = len(_LETTER.findall(text))
    return letters >= 6 and len(_UPPER.findall(text)) >= 0.8 * letters


def clean(text: str) -> str:
    """The message without bracketed notes, emoticons and filler phrases, one case."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = _BRACKETS.sub(" ", text)
    text = lx.EMOTICON.sub(" ", text)
    if _shouting(text):
        text = text.lower()
    return lx.FILLER_PHRASES.sub(" ", text)


def words(text: str) -> list[str]:
    """Tokens of cleaned text: filler dropped, slang and contractions expanded."""
    out: list[str] = []
    raw = _WORD.findall(text)
    for n, token in enumerate(raw):
        low = token.lower()
        if lx.FILLER.fullmatch(low):
            continue
        if low == "n" and not (0 < n < len(raw) - 1):
            continue
        for piece in lx.SLANG[low].split() if low in lx.SLANG else (token,):
            out.extend(_CONTRACTIONS.get(piece.lower(), (piece,)))
    return out


def sentences(text: str) -> list[Sentence]:
    """The message's sentences, in order (empty ones dropped)."""
    text = clean(text).replace("\n", " . ")
    found: list[Sentence] = []
    current: list[str] = []
    for token in words(text):
        if token in _SENTENCE_END or (token == ":" and not current):
            if current:
                found.append(Sentence(tuple(current), token == "?"))
            elif token == "?" and found:
                found[-1] = Sentence(found[-1].words, True)
            current = []
        else:
            current.append(token)
    if current:
        found.append(Sentence(tuple(current), False))
    return found


def third_singular(verb: str) -> str:
    """``love`` -> ``loves``, ``try`` -> ``tries``, ``watch`` -> ``watches``, ``be`` -> ``is``."""
    low = verb.lower()
    special = {"be": "is", "have": "has", "do": "does", "go": "goes", "can": "can"}
    if low in special:
        return special[low]
    if low.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if low.endswith("y") and len(low) > 1 and low[-2] not in _VOWELS:
        return verb[:-1] + "ies"
    return verb + "s"


def past(verb: str) -> str:
    """``finish`` -> ``finished``, ``see`` -> ``saw``, ``stop`` -> ``stopped``."""
    low = verb.lower()
    if low in lx.IRREGULAR:
        return lx.IRREGULAR[low][0]
    if low.endswith("e"):
        return verb + "d"
    if low.endswith("y") and len(low) > 1 and low[-2] not in _VOWELS:
        return verb[:-1] + "ied"
    if (
        len(low) <= 4
        and len(low) >= 3
        and low[0] not in _VOWELS
        and low[-1] not in _VOWELS | {"w", "x", "y"}
        and low[-2] in _VOWELS
        and low[-3] not in _VOWELS
    ):
        return verb + verb[-1] + "ed"
    return verb + "ed"


def is_past(low: str) -> bool:
    """A past tense or participle (``went``, ``adopted``), by the lexicon or ``-ed``."""
    return low in lx.PAST or (low.endswith("ed") and len(low) > 3 and low not in lx.ED_WORDS)


LONG_ENOUGH = 5  # words: a sentence this long is taken for a clause without a known verb
_AUX = frozenset(
    """is are was were be been has have had does do did 's 're can could will would shall
    should may might must isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't
    didn't can't won't""".split()  # noqa: SIM905 (a word list)
)


@cache
def _verb_forms() -> frozenset[str]:
    return frozenset(lx.VERBS | {third_singular(v) for v in lx.VERBS} | _AUX | lx.MODALS)


def has_verb(words: tuple[str, ...]) -> bool:
    """Whether a sentence reads as a clause ("Ada's sister plays too"), not just a noun
    phrase ("Plus Ada's full support"): a known verb form, or five words or more."""
    forms = _verb_forms()
    return len(words) >= LONG_ENOUGH or any(
        (low := w.lower()) in forms or is_past(low) or (low.endswith("ing") and len(low) > 4)
        for w in words
    )


def possessive(name: str) -> str:
    """``Ada`` -> ``Ada's``."""
    return f"{name}'s"


_HABIT = frozenset(
    """always usually never often sometimes normally generally typically rarely mostly
    still""".split()  # noqa: SIM905 (a word list)
)


def _agree(low: str, word: str, following: str, habit: bool = False) -> list[str] | None:
    """The verb after a singular player subject, agreed; None when ``word`` is no verb.
    ``habit``: a habit adverb came between ("i usually read"): a verb whose past is its
    base ("read", "put", "quit") is taken for the present."""
    fixed = {
        "am": "is",
        "'m": "is",
        "was": "was",
        "were": "was",
        "have": "has",
        "'ve": "has",
        "do": "does",
        "don't": "doesn't",
        "haven't": "hasn't",
        "aren't": "isn't",
        "ain't": "isn't",
        "weren't": "wasn't",
        "are": "is",
    }
    if low in fixed:
        return [fixed[low]]
    if low == "'d":
        return ["had" if is_past(following) or following == "been" else "would"]
    if low == "been":
        return ["has", word]
    if word.isupper() and len(word) > 1:
        word = low  # "i LOVE it" -> "Ada loves it", not "LOVEs"
    if habit and low in lx.VERBS and lx.IRREGULAR.get(low, ("",))[0] == low:
        return [third_singular(word)]  # "i usually read" is no past: "Ada usually reads"
    if low in lx.MODALS or is_past(low) or low.endswith(("n't", "'t")):
        return [word]
    if low in lx.VERBS or (word.isalpha() and low not in lx.STOP and low not in lx.ADVERBS):
        return [third_singular(word)]
    return None


_NO_OBJECT = frozenset(
    """it this that you u is are was were can could will would has have had does do did
    should must may might and or but""".split()  # noqa: SIM905 (a word list)
)
_FINITE = frozenset({"is", "was", "are", "were", "isn't", "wasn't", "has", "makes", "helps"})
_FINITE |= {"keeps", "gives", "feels", "means", "takes"}


def _gerund_subject(rest: list[str]) -> bool:
    for word in rest:
        if word in {",", ";", ":"}:
            return False
        if word in _FINITE:
            return True
    return False


def _subjectless(low: list[str]) -> tuple[int, tuple[str, ...], bool] | None:
    """When a sentence opens without its subject: (where the verb is, what to insert,
    whether that verb still needs agreement)."""
    n = 0
    while n < len(low) and low[n] in lx.ADVERBS:
        n += 1
    if n >= len(low):
        return None
    first, nxt = low[n], (low[n + 1] if n + 1 < len(low) else "")
    if first in lx.SUBJECTLESS_ING and (first != "going" or nxt == "to"):
        if first != "going" and _gerund_subject(low[n + 1 :]):
            return None  # "Learning something new is fun": the -ing phrase is the subject
        return n, ("is",), False
    if first == "been":
        return n, ("has",), False
    if first == "not" and nxt in {"a", "really", "the"} and "fan" in low[n : n + 4]:
        return n, ("is",), False
    if first in {"big", "huge", "massive"} and nxt == "fan":
        return n, ("is", "a"), False
    if first in lx.SUBJECTLESS_BASE and nxt.isalpha() and nxt not in _NO_OBJECT:
        return n, (), True
    if first in {"want", "have"} and nxt == "to":
        return n, (), True
    if first in {"can't", "cannot"} and nxt == "stand":
        return n, (), False  # "can't stand the new ui": a dislike, like "hate ..."
    if is_past(first) and first not in {"been", "done", "gone"} and nxt not in {"by", "it", ""}:
        return n, (), False
    return None


def _takes_object(after: str) -> bool:
    """A word after "and <verb>" that shows the verb is one ("and hate olives"), unlike a
    noun closing the phrase ("with the kids and work lately", "music and dance")."""
    return (
        bool(after)
        and after[0].isalnum()
        and not after.endswith("ly")
        and after not in _CLAUSE_BREAKS
    )


def third_person(words: tuple[str, ...], name: str) -> Rewrite | None:
    """The sentence about ``name`` in the third person (module docstring), or None."""
    low = [w.lower() for w in words]
    out: list[str] = []
    agree = habit = False
    clause_player = False
    subject = False
    verb: str | None = None
    drop = _subjectless(low)
    subjectless = False
    if drop is not None and not {"i", "we", "me", "my"} & set(low[: drop[0] + 1]):
        out.append(name)
        subject = subjectless = True
        # adverbs before the verb stay after the inserted subject: "Bram finally beat"
        out.extend(w for w in words[: drop[0]] if w.lower() not in lx.DROPPED_ADVERBS)
        out.extend(drop[1])
        agree = drop[2]
        if not agree:
            verb = drop[1][0] if drop[1] else low[drop[0]]
            clause_player = True
        words, low = words[drop[0] :], low[drop[0] :]
    for k, word in enumerate(words):
        w = low[k]
        before = out[-1].lower() if out else ""
        after = low[k + 1] if k + 1 < len(low) else ""
        if w == "i":
            out.append(name)
            coordinated = before in {"and", "or", "&"} or after in {"and", "&"}
            agree, subject = not coordinated, True
            continue
        if w == "me":
            out.append(name)
            if k == 0 and after in {"and", "&"}:
                subject = True
            continue
        if w in {"my", "mine", "our", "ours"}:
            out.append(possessive(name))
            if k <= 2 or after in {"favourite", "favorite"}:
                subject = True
            continue
        if w in {"myself", "ourselves"}:
            out.append("themselves")
            continue
        if w in {"we", "us"}:
            out.extend((name, "and", "others"))
            subject = subject or w == "we"
            continue
        if w == "just" and (is_past(after) or after in lx.VERBS):
            continue
        if agree:
            if w in lx.ADVERBS:
                if w not in lx.DROPPED_ADVERBS:
                    out.append(word)
                habit = habit or w in _HABIT
                continue
            agreed = _agree(w, word, after, habit)
            agree = False
            if agreed is not None:
                out.extend(agreed)
                verb = verb or (agreed[-1].lower() if w != "been" else "has")
                clause_player = True
                continue
        elif clause_player and before in _COORDINATORS and w in lx.VERBS and _takes_object(after):
            out.append(third_singular(word))
            continue
        if w in _CLAUSE_BREAKS or (w == "to" and after in lx.VERBS):
            clause_player = False  # "made something to catch the eye and make people smile"
        out.append(word)
    if not subject:
        return None
    return Rewrite(tuple(out), verb, subjectless)


def join(tokens: tuple[str, ...] | list[str], name: str) -> str:
    """Words back to text: punctuation attached, trailing punctuation dropped, the first
    letter raised unless the sentence opens with the name."""
    text = ""
    for token in tokens:
        if token in {",", ";", ":", ".", "!", "?"}:
            text = text.rstrip() + token + " "
        else:
            text += token + " "
    text = re.sub(r"\s+", " ", text).strip(" ,;:.!?-")
    if text and not text.startswith(name):
        text = text[0].upper() + text[1:]
    return text
