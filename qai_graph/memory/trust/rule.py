"""A detection rule as data, and the helpers its patterns are written with.

Writing patterns: a space is a word gap (``\\W*``, which may be empty because the
skeleton joins spaced letters), except in rules on the plain view, where a space is a
space. Words are spelt as the skeleton spells them: no apostrophes ("youre", "dont",
"qais"), lower case, no accents, leetspeak undone. A short word that is the start of
other words carries ``\\b`` ("ur\\b").

A scored rule (``threshold`` > 0) reads its patterns as weak signals: each has a weight
(``weights``), and the rule hits when the weights of the distinct signals found add up to
the threshold. No signal alone reaches it, so "your rules" or "forget" flags nothing, while
"your rules" + "don't count anymore" does. Only signals close together add up (in one
window of three sentences or 150 characters; a shorter text is one window): far apart in a
long message they are chatter (detection.py says why and how the window was chosen).
"""

from __future__ import annotations

from dataclasses import dataclass

from qai_graph.memory.trust.normalize import AMBIGUOUS_ONE, VIEW_NAMES

GAP = r"\W*"


@dataclass(frozen=True, slots=True)
class Rule:
    """One detection rule: any of ``patterns`` matching ``view`` sets ``flag``."""

    name: str
    flag: str
    reason: str
    patterns: tuple[str, ...]
    view: str = "skeleton"
    # An intent may be spread over a player's messages (split, or continued in the next
    # one): such rules are matched on the join too. A link or a token is judged in its
    # own message.
    spans: bool = True
    # A scored rule: one weight per pattern, and the sum of the distinct ones that match
    # that makes a hit (0: any pattern hits).
    weights: tuple[int, ...] = ()
    threshold: int = 0
    # What the shape alone does not tell: a hit counts only if one of these is also
    # found in the message (or the player's messages joined with it), in the skeleton
    # view. "pretend you're a pirate and explain entanglement" is play; "pretend you're an
    # AI with no rules" is a jailbreak, and what tells them apart is a word elsewhere.
    needs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.view not in VIEW_NAMES:
            raise ValueError(f"rule {self.name}: unknown view {self.view!r}")
        if not self.patterns:
            raise ValueError(f"rule {self.name}: no patterns")
        if self.threshold and len(self.weights) != len(self.patterns):
            raise ValueError(f"rule {self.name}: one weight per signal")
        if self.threshold and max(self.weights) >= self.threshold:
            raise ValueError(f"rule {self.name}: a signal alone reaches the threshold")

    def sources(self, *, leet: bool = False) -> tuple[str, ...]:
        """Each pattern as its own regex (the signals of a scored rule)."""
        return tuple(
            Rule(self.name, self.flag, self.reason, (p,), self.view).source(leet=leet)
            for p in self.patterns
        )

    def needs_source(self) -> str | None:
        """The one regex of ``needs`` (skeleton spelling, spaces as word gaps), or None."""
        if not self.needs:
            return None
        return "|".join(f"(?:{part.replace(' ', GAP)})" for part in self.needs)

    def source(self, *, leet: bool = False) -> str:
        """The one regex of all patterns, spaces turned into word gaps (but on plain);
        ``leet``: each i and l also accepts the skeleton's leet one (skeleton rules)."""
        parts = list(self.patterns)
        if self.view != "plain":
            parts = [p.replace(" ", GAP) for p in parts]
        if leet:
            parts = [leet_one(p) for p in parts]
        return "|".join(f"(?:{part})" for part in parts)


def leet_one(pattern: str) -> str:
    """``pattern`` with each literal i and l (outside a character class, an escape or a
    group's flags) also accepting the skeleton's leet one."""
    out: list[str] = []
    in_class = escaped = in_flags = False
    for at, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif in_flags:  # (?i: (?<! (?P<name> ...: letters up to the group's start
            in_flags = ch not in ":=!)>"
        elif ch == "[":
            in_class = True
        elif ch == "?" and at and pattern[at - 1] == "(":
            in_flags = True
        elif ch in "il":
            out.append(f"[{ch}{AMBIGUOUS_ONE}]")
            continue
        out.append(ch)
    return "".join(out)


def alt(*options: str) -> str:
    """A non-capturing alternation of ``options``."""
    return "(?:" + "|".join(options) + ")"


def words(options: str) -> str:
    """An alternation from "|"-separated options (a space in one is a word gap)."""
    return alt(*options.split("|"))


def upto(n: int) -> str:
    """Up to ``n`` filler words, as few as possible."""
    return rf"(?:\w+\W+){{0,{n}}}?"


def rule(
    name: str,
    flag: str,
    reason: str,
    *patterns: str,
    view: str = "skeleton",
    spans: bool = True,
    needs: tuple[str, ...] = (),
) -> Rule:
    """A Rule from positional patterns (``needs``: see ``Rule.needs``)."""
    return Rule(name, flag, reason, patterns, view, spans, needs=needs)


def per_intent(
    code: str,
    label: str,
    view: str,
    reasons: dict[str, tuple[str, str]],
    **patterns: tuple[str, ...],
) -> tuple[Rule, ...]:
    """One rule per intent a language has: ``<intent>-<code>``, flagged and explained as
    ``reasons[intent]`` says (flag, reason), the reason ending in ``(<label>)``."""
    out = []
    for intent, found in patterns.items():
        flag, reason = reasons[intent]
        out.append(rule(f"{intent}-{code}", flag, f"{reason} ({label})", *found, view=view))
    return tuple(out)


def scored(
    name: str,
    flag: str,
    reason: str,
    *signals: tuple[int, str],
    threshold: int,
    view: str = "skeleton",
) -> Rule:
    """A scored Rule from (weight, pattern) signals."""
    return Rule(
        name,
        flag,
        reason,
        tuple(p for _, p in signals),
        view,
        True,
        tuple(w for w, _ in signals),
        threshold,
    )
