# ruff: noqa: RUF001  (look-alike characters are what the fuzzed text is made of)
"""The prefilter changes no decision: the detector against the plain reading of its rules.

``reference`` is detection as the rules define it, with none of the detector's shortcuts
(prefilter.py's literals, the gates, one regex per pattern): each rule's one alternation
searched in the message, its window matched over the join with the player's previous
messages, each scored signal searched. The detector must answer exactly as it does, flag,
reasons and rules, on the trust sets (with and without their previous messages), on the
bench's chat mix (bench/trust.py: 3,000 lines with each player's last two) and on fuzzed
text made of the rules' own words; and what ``need()`` reads of a regex must be in every
text the regex matches.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qai_graph.memory.trust import DEFAULT_RULES, Assessment, Detector, Rule, default_detector
from qai_graph.memory.trust.detection import _REACH
from qai_graph.memory.trust.normalize import AMBIGUOUS_ONE, Views, views
from qai_graph.memory.trust.prefilter import ALWAYS, Clauses, need
from qai_graph.memory.trust.rule import scored
from qai_graph.memory.trust.windows import _BREAK, SENTENCES, SPAN

DATA = Path(__file__).parent.parent / "data"
BENCH = Path(__file__).parent.parent.parent / "bench" / "trust.py"


@functools.cache
def _regex(source: str) -> re.Pattern[str]:
    return re.compile(source, re.MULTILINE)


def _crosses(source: str, earlier: list[Views], current: Views, view: str) -> bool:
    """A match of ``source`` in the join that starts in the earlier messages (at most
    _REACH before the current one) and ends in the current one, or ends the message just
    before it (but for the rest of a word and punctuation)."""
    before = [v.get(view) for v in earlier]
    text = "\n".join([*before, current.get(view)])
    offset = sum(len(b) + 1 for b in before)
    last = offset - 1 - len(before[-1])
    window = _regex(rf"(?s:.{{0,{_REACH}}}?)({source})")
    pos = max(0, offset - _REACH)
    while pos < offset:
        match = window.match(text, pos)
        if not match or match.start(1) >= offset:
            return False
        if match.end(1) > offset:
            return True
        if match.end(1) > last and re.fullmatch(r"\w*\W*", text[match.end(1) : offset]):
            return True
        pos = match.start(1) + 1
    return False


def _score(rule: Rule, leet: bool, text: str) -> int:
    """The best weight of the signals found together in one window, 0 without a strong one.
    A text of SPAN characters or fewer is one window; a longer one has a window for each
    run of SENTENCES sentences and for the SPAN characters from each match's start."""
    found = [
        (match.start(), match.end(), at, w)
        for at, (w, s) in enumerate(zip(rule.weights, rule.sources(leet=leet), strict=True))
        for match in _regex(s).finditer(text)
    ]
    windows = [(0, len(text))]
    if len(text) > SPAN:
        ends = [0, *(m.end() for m in _BREAK.finditer(text)), len(text)]
        ends = sorted(set(ends))
        windows = [(a, b) for n, a in enumerate(ends) for b in ends[n + 1 : n + 1 + SENTENCES]]
        windows += [(start, start + SPAN) for start, _, _, _ in found]
    best = 0
    for low, high in windows:
        inside = {at: w for start, end, at, w in found if low <= start and end <= high}
        if any(w >= 2 for w in inside.values()):
            best = max(best, sum(inside.values()))
    return best


def _scored(rule: Rule, leet: bool, current: Views, earlier: list[Views]) -> bool:
    score = _score(rule, leet, current.get(rule.view))
    if score >= rule.threshold:
        return True
    if not (score and rule.spans and earlier):
        return False
    before = "\n".join(v.get(rule.view) for v in earlier)
    joined = f"{before}\n{current.get(rule.view)}"
    return _score(rule, leet, before) < rule.threshold <= _score(rule, leet, joined)


def reference(
    rules: Sequence[Rule], text: str, previous: Sequence[str] = (), window: int = 2
) -> Assessment:
    """What the rules say of ``text`` after ``previous``, read the plain way."""
    current = views(text)
    earlier = [views(p) for p in previous[-window:] if p] if window else []
    leet = any(AMBIGUOUS_ONE in v.skeleton for v in (current, *earlier))
    hits = []
    for rule in rules:
        spelt = leet and rule.view == "skeleton"
        if rule.threshold:
            hit = _scored(rule, spelt, current, earlier)
        else:
            source = rule.source(leet=spelt)
            hit = bool(_regex(source).search(current.get(rule.view))) or bool(
                rule.spans and earlier and _crosses(source, earlier, current, rule.view)
            )
        needs = rule.needs_source()
        if hit and needs is not None:  # a hit needs a companion (Rule.needs)
            hit = any(_regex(needs).search(v.skeleton) for v in (current, *earlier))
        if hit:
            hits.append(rule)
    if not hits:
        return Assessment()
    return Assessment(
        flag=hits[0].flag,
        reasons=tuple(dict.fromkeys(r.reason for r in hits)),
        rules=tuple(r.name for r in hits),
    )


def _cases(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    entries: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))["entries"]
    cases = [(e["text"], ()) for e in entries]
    cases += [(e["text"], tuple(e["previous"])) for e in entries if e.get("previous")]
    return cases


def _chat_mix(n: int) -> list[tuple[str, tuple[str, ...]]]:
    spec = importlib.util.spec_from_file_location("bench_trust", BENCH)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return [(text, previous) for _, text, previous in bench.with_history(bench.chat_mix(n, 19))]


def _differences(
    detector: Detector, rules: Sequence[Rule], cases: list[tuple[str, tuple[str, ...]]]
) -> list[tuple[str, tuple[str, ...], Assessment, Assessment]]:
    out = []
    for text, previous in cases:
        # the rules' own reading: decoded payloads (encoded.py) are tested on their own
        got = detector.assess(text, previous=previous, decode=0)
        want = reference(rules, text, previous)
        if got != want:
            out.append((text, previous, got, want))
    return out


@pytest.mark.parametrize("name", ["trust_set.json", "trust_round5.json", "trust_round7.json"])
def test_the_trust_sets_are_judged_as_the_rules_read(name: str) -> None:
    cases = _cases(DATA / name)
    assert len(cases) > 50
    assert _differences(default_detector(), DEFAULT_RULES, cases)[:5] == []
    # The sets flag; a comparison of two detectors that flag nothing would prove nothing.
    assert sum(reference(DEFAULT_RULES, t, p).flagged for t, p in cases) > 20


def test_the_chat_mix_is_judged_as_the_rules_read() -> None:
    cases = _chat_mix(3000)
    assert _differences(default_detector(), DEFAULT_RULES, cases)[:5] == []


# Rules of shapes the default ones lack: a group reference, case-insensitive words, a
# plain-view rule over several messages, a scored rule, a line break inside a pattern.
EXTRA = (
    Rule("echo", "relay", "repeats a word", (r"\b(?P<a>\w{3,}) (?P=a)\b", r"(?P<q>qai)\W+(?P=q)")),
    Rule("shout", "override", "shouts an order", (r"(?i:OBEY) (?:me|us)",), view="plain"),
    Rule("plain-split", "roleplay", "a plain phrase", ("Be The Boss",), view="plain"),
    scored(
        "relay-extra",
        "relay",
        "weak relay words",
        (2, r"\bpass (?:it|this) on"),
        (2, r"\bto (?:all|every) \w+"),
        (1, r"\bquietly"),
        threshold=4,
    ),
    Rule("lines", "fake_authority", "a two-line header", (r"^notice\n\W*from",)),
)


def _words() -> list[str]:
    """The rules' own words (as typed, not folded) and their literals of other characters."""
    rules = (*DEFAULT_RULES, *EXTRA)
    found = {w for r in rules for p in r.patterns for w in re.findall(r"[^\W\d_]{2,}", p)}
    found |= {
        literal
        for r in rules
        for s in r.sources()
        for clause in need(s).clauses
        for literal in clause
        if "i" not in literal and not literal.isalpha()
    }
    found |= {"i", "l", "1", "0", "@", "$", "!", "?", "Іgnore", "ig\u200bnore", "ＩＧＮＯＲＥ"}
    return sorted(found)


SEPARATORS = st.sampled_from([" ", " ", " ", "  ", "\n", ".", "-", "'", ": ", ", ", "", "\t"])
TEXT = st.lists(st.tuples(st.sampled_from(_words()), SEPARATORS), min_size=1, max_size=12).map(
    lambda pairs: "".join(word + sep for word, sep in pairs)
)
LEET = st.sampled_from([{}, str.maketrans({"i": "1", "o": "0", "a": "4", "e": "3", "s": "$"})])
INJECTIONS = [
    e["text"]
    for e in json.loads((DATA / "trust_set.json").read_text("utf-8"))["entries"]
    if e["label"] == "injection"
]


@settings(max_examples=400, deadline=None)
@given(text=TEXT, previous=st.lists(TEXT, max_size=2), leet=LEET, upper=st.booleans())
def test_fuzzed_messages_are_judged_as_the_rules_read(
    text: str, previous: list[str], leet: dict[int, str], upper: bool
) -> None:
    text = text.translate(leet).upper() if upper else text.translate(leet)
    got = _extended().assess(text, previous=previous)
    assert got == reference((*DEFAULT_RULES, *EXTRA), text, previous)


# Long chat: weak signals of the scored rules among filler words and sentence breaks, past
# SPAN, so the windows decide (the rules' single words seldom make a signal).
SIGNALS = st.sampled_from(
    [
        "kindly",
        "put aside",
        "your guidance",
        "doesnt count anymore",
        "the rules you were configured with",
        "from now on",
        "anyone who",
        "tell them",
        "remember that",
        "got banned",
        "is a moderator",
        "translate",
        "the text your creators gave you",
        "be my",
        "unhinged",
        "system notice",
        "qai must obey",
        "pass it on",
        "to all players",
    ]
)
FILLER = st.sampled_from(["the", "my", "week", "we went", "to the lake", "and it was", "fun"])
LONG_TEXT = st.lists(
    st.tuples(SIGNALS | FILLER | FILLER | FILLER | FILLER, SEPARATORS | st.just(". ")),
    min_size=20,
    max_size=60,
).map(lambda pairs: "".join(word + sep for word, sep in pairs))


@settings(max_examples=150, deadline=None)
@given(text=LONG_TEXT, previous=st.lists(LONG_TEXT | TEXT, max_size=2), leet=LEET)
def test_long_fuzzed_messages_are_judged_as_the_rules_read(
    text: str, previous: list[str], leet: dict[int, str]
) -> None:
    # Past SPAN, a scored rule counts only signals in one window: same reading.
    text = text.translate(leet)
    got = _extended().assess(text, previous=previous)
    assert got == reference((*DEFAULT_RULES, *EXTRA), text, previous)


@settings(max_examples=300, deadline=None)
@given(
    injection=st.sampled_from(INJECTIONS),
    cut=st.floats(0, 1),
    before=st.lists(TEXT, max_size=1),
    after=TEXT | st.just(""),
    leet=LEET,
)
def test_injections_split_anywhere_are_judged_as_the_rules_read(
    injection: str, cut: float, before: list[str], after: str, leet: dict[int, str]
) -> None:
    # Split over two messages at any character, with chat around it: the join decides.
    at = int(cut * len(injection))
    previous = [*before, injection[:at].translate(leet)]
    text = injection[at:] + after
    got = _extended().assess(text, previous=previous)
    assert got == reference((*DEFAULT_RULES, *EXTRA), text, previous)


@functools.cache
def _extended() -> Detector:
    return default_detector().with_rules(add=EXTRA)


def test_what_need_reads_is_in_every_text_a_pattern_matches() -> None:
    names = ("trust_set.json", "trust_round5.json", "trust_round7.json")
    texts = [t for name in names for t, _ in _cases(DATA / name)]
    seen = 0
    for rule in (*DEFAULT_RULES, *EXTRA):
        sources = [*rule.sources(), *rule.sources(leet=rule.view == "skeleton")]
        clauses = Clauses(need(s, re.MULTILINE) for s in sources)
        for source in sources:
            numbers = clauses.numbers(need(source, re.MULTILINE))
            for text in texts:
                view = views(text).get(rule.view)
                if _regex(source).search(view):
                    seen += 1
                    assert numbers <= clauses.met(view), (rule.name, source, text)
    assert seen > 500


def test_the_leet_spelling_needs_what_the_plain_one_does() -> None:
    # The detector reads a skeleton rule's needs from its plain patterns and uses them
    # for the leet ones too (prefilter.FOLD folds i, l and the leet 1 together).
    for rule in (r for r in DEFAULT_RULES if r.view == "skeleton"):
        plain, leet = rule.sources(), rule.sources(leet=True)
        assert [need(p, re.MULTILINE) for p in plain] == [need(p, re.MULTILINE) for p in leet]


@pytest.mark.parametrize(
    ("source", "needed"),
    [
        (r"\bignore\W*instructions", [{"ignore"}, {"instructions"}]),
        (r"\bignore (?:all )?instructions", [{"ignore instructions", "ignore aii instructions"}]),
        (r"(?:tell|say) me", [{"teii me", "say me"}]),
        (r"summari[sz]e", [{"summarise", "summarize"}]),
        (r"(?:#){2,}", [{"#"}]),
        (r"(?:a|\w+)xyz", [{"xyz"}]),
        (r"k\W*(?:ey)?\W*z", [{"z"}, {"k"}]),
        (
            r"[\[<]sys(?:tem)?[\]>]",
            [{f"{a}sys{t}{b}" for a in "[<" for t in ("", "tem") for b in "]>"}],
        ),
    ],
)
def test_need_reads_the_literals_a_match_must_hold(source: str, needed: list[set[str]]) -> None:
    assert sorted(map(sorted, need(source).clauses)) == sorted(map(sorted, needed))


@pytest.mark.parametrize(
    "source", [r"(?i:bearer) \w+", r"(?i)token", r"\w+", r"x*", r".{3,}", "(a)\\1"]
)
def test_need_reads_nothing_it_cannot_be_sure_of(source: str) -> None:
    assert need(source) == ALWAYS


def test_a_line_break_is_never_part_of_a_literal() -> None:
    # So what a join of messages holds is what each of them holds.
    assert need("^notice\nfrom").clauses and all(
        "\n" not in literal for clause in need("^notice\nfrom").clauses for literal in clause
    )
