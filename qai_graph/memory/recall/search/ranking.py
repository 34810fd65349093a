"""Ranking: which memories answer a chat line, best first.

Relevance is lexical (BM25 over stems, with typo repair and thesaurus expansion) fused
with semantic similarity (cosine of unit vectors), both scaled to [0, 1] by the best
candidate of the query. Secondary signals then order what is relevant:
- a player named in the query (exact name, @mention, a typo of it, or a distinctive part
  of it like "ada" for AdaBytes; see ``names``) lifts that player's memories; their
  profile gets 0.8 of the lift, so it leads only when it also matches the question;
- the asking player's memories get a small lift, a large one when they say "I"/"me";
- the question's form hints at the kind: "what did X say/ask" wants an interaction,
  "who ..." a player's observation, "does chat/people ..." a GENERAL or PATTERN memory;
- recency, confidence, evidence and promotion break near-ties;
- a newer observation about the same subject and topic ranks above an older one (the
  newer supersedes what it contradicts: "now gets CNOT right" over "struggles with CNOT"),
  when it matches the question itself;
- an observation formation marked superseded (``superseded_by``) keeps half its score
  and never ranks above the observation that superseded it, which joins the candidates
  (see ``succession``); the prompt's memories (``current_only``) leave it out;
- a date in the query lifts the memories of its period, ``since``/``until`` filter (see
  ``dated``); the top k is then picked for coverage, not near-copies (see ``diverse``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from qai_graph.memory.recall.search import context
from qai_graph.memory.recall.search.cues import (
    CHANGE_MARKERS,
    CURRENT_CUES,
    GENERAL_CUES,
    INTERACTION_CUES,
    SELF_CUES,
    WHO_CUES,
)
from qai_graph.memory.recall.search.dated import DATE_BOOST, in_window, with_dated
from qai_graph.memory.recall.search.diverse import diversify
from qai_graph.memory.recall.search.doc import F32, INTERACTION, OBSERVATION, PROFILE, Doc
from qai_graph.memory.recall.search.index import MemoryIndex
from qai_graph.memory.recall.search.names import PARTIAL_NAME, NameFinder
from qai_graph.memory.recall.search.succession import (
    SUPERSEDE_MARGIN,
    below_successors,
    demote_superseded,
    with_successors,
)
from qai_graph.memory.recall.search.text import (
    STOPWORDS,
    QueryTerms,
    expansions,
    repair,
    stem,
    terms,
    words,
)

SEMANTIC_WEIGHT = 0.35  # of relevance, when vectors exist (lexical keeps the rest)
SEMANTIC_FLOOR = 0.35  # cosine below which a memory is not related in meaning
EXPANSION_WEIGHT = 0.5  # a thesaurus neighbour counts half a word of the query
REPAIR_WEIGHT = 0.8  # a repaired typo counts nearly as the word meant
# A player named exactly is the strongest sign of whom a question is about: their memories
# must outrank other players' memories that merely share an incidental word ("qai",
# "chat", "level"). Relevance is normalised to [0, 1], so 0.75 lets only a far better
# lexical or semantic match about someone else stay above them.
NAME_BOOST = 0.75
PROFILE_SHARE = 0.8  # a named player's profile must still match the question to lead
ASKER_BOOST = 0.08
SELF_BOOST = 0.45  # "what did I say": the asker is named
INTENT_BOOST = 0.08
RECENCY_WEIGHT = 0.05
RECENCY_HALF_LIFE_DAYS = 14.0
CONFIDENCE_WEIGHT = 0.03
EVIDENCE_WEIGHT = 0.02
PROMOTED_WEIGHT = 0.02
SAME_TOPIC_COSINE = 0.75
MATCH_SEMANTIC = 0.5  # of the best cosine: a newer observation this close matches the query
TOPIC_HOLDERS = 3  # a topic word held by at most this many memories of the subject
SUBJECT_SCAN = 500
CANDIDATES = 2000  # most relevant memories the secondary signals may reorder
POOL = 60  # candidates ordered in full after the vectorised pass


@dataclass
class Query:
    """A chat line analysed against the index."""

    weights: dict[str, float]
    named: dict[str, float]  # player key -> share of the name boost
    cues: set[str] = field(default_factory=set)
    matched: set[str] = field(default_factory=set)  # stems of the query itself
    semantic_text: str = ""
    periods: tuple[tuple[float, float], ...] = ()  # [start, end) the query's dates name


@dataclass
class Hit:
    """One ranked memory."""

    doc: Doc
    score: float
    lexical: float
    semantic: float


def analyse(query: str, index: MemoryIndex, finder: NameFinder) -> Query:
    """Weighted stems, named players and cues of a chat line."""
    named, used = finder.find(query)
    used_terms: list[str] = []
    for token in used:
        used_terms += terms(token)
    own = terms(query)
    for term in used_terms:
        if term in own:
            own.remove(term)
    folded = set(words(query))
    if folded & INTERACTION_CUES:
        # "what did X ask about Y": the verb says which kind of memory, Y is the topic.
        cue_stems = {stem(w) for w in INTERACTION_CUES}
        own = [t for t in own if t not in cue_stems] or own
    weighted = QueryTerms()
    weighted.add(own, 1.0)
    for term in own:
        if index.doc_frequency(term) == 0:
            fixed = repair(term if term.isalpha() else "", index.doc_frequency)
            surface = [w for w in words(query) if stem(w) == term]
            if fixed is None and surface:
                fixed = repair(surface[0], index.doc_frequency)
            if fixed:
                weighted.add([fixed], REPAIR_WEIGHT)
    base = list(weighted.weights)
    weighted.add(expansions(base), EXPANSION_WEIGHT)
    cues = set()
    if folded & INTERACTION_CUES:
        cues.add("interaction")
    if folded & GENERAL_CUES and not named:
        cues.add("general")
    if folded & WHO_CUES and not named:
        cues.add("who")
    if folded & SELF_CUES:
        cues.add("self")
    if folded & CURRENT_CUES:
        cues.add("current")
    kept = [w for w in words(query) if w not in used and w not in STOPWORDS]
    return Query(weighted.weights, named, cues, set(base), " ".join(kept) or query.strip())


def rank(
    index: MemoryIndex,
    query: Query,
    query_vector: F32 | None,
    now: float,
    limit: int,
    asker: str | None = None,
    *,
    current_only: bool = False,
    since: float | None = None,
    until: float | None = None,
    diversity: float = 1.0,
) -> tuple[list[Hit], int]:
    """The best ``limit`` visible memories for ``query``, and how many matched at all;
    ``current_only`` leaves superseded observations out (the prompt's memories);
    ``since``/``until``: memories of [since, until) only; ``diversity``: see ``diverse``."""
    if limit <= 0 or index.size == 0:
        return [], 0
    visible = index.visible(now, asker)
    if current_only:
        visible &= ~index.column("superseded")
    if since is not None or until is not None:
        visible &= in_window(index, since, until)
    lexical = index.bm25(query.weights)
    lexical[~visible] = 0.0
    lexical = context.lexical(index, lexical)  # a reply shares its question's words
    top = float(lexical.max()) if lexical.size else 0.0
    lexical = lexical / top if top > 0 else lexical
    semantic = index.cosine(query_vector) if query_vector is not None else None
    similar = None
    if semantic is not None:
        semantic = context.semantic(index, semantic, visible, SEMANTIC_FLOOR)
        similar = semantic >= SEMANTIC_FLOOR
        semantic = np.clip(semantic, 0.0, None)
        semantic[~visible] = 0.0
        best = float(semantic.max())
        semantic = semantic / best if best > 0 else semantic
        relevance = (1 - SEMANTIC_WEIGHT) * lexical + SEMANTIC_WEIGHT * semantic
    else:
        semantic = np.zeros_like(lexical)
        relevance = lexical
    relevance = context.answered(index, relevance, visible)  # a reply over its question
    # Relevant: shares a word, or is close in meaning (every vector is a little similar).
    eligible = lexical > 0 if similar is None else (lexical > 0) | similar
    eligible &= visible
    boosts: dict[int, float] = {}
    for key, share in query.named.items():
        for slot in index.slots_of([key], players=True):
            lift = NAME_BOOST * share * (PROFILE_SHARE if index.docs_kind(slot) == PROFILE else 1)
            boosts[slot] = max(boosts.get(slot, 0.0), lift)
    if asker:
        asker_lift = SELF_BOOST if "self" in query.cues else ASKER_BOOST
        for slot in index.slots_of([asker], players=True):
            boosts[slot] = max(boosts.get(slot, 0.0), asker_lift)
    matched_slots = np.nonzero(eligible)[0]
    if matched_slots.size > CANDIDATES:  # secondary signals only reorder the most relevant
        best_first = np.argpartition(-relevance[matched_slots], CANDIDATES - 1)[:CANDIDATES]
        matched_slots = matched_slots[best_first]
    named = [s for s, lift in boosts.items() if lift >= NAME_BOOST * PARTIAL_NAME * 0.5]
    cand = matched_slots
    if named:
        cand = np.union1d(cand, np.asarray(named, dtype=np.int64))
        cand = cand[visible[cand]]
    matched = int(np.count_nonzero(eligible))
    if named:
        matched += len(set(named) - set(matched_slots.tolist()))
    cand, dated, joined = with_dated(index, query.periods, visible, relevance, cand)
    matched += joined
    if cand.size == 0:
        return [], 0
    cand, successions, pulled = with_successors(index, cand, visible)
    matched += pulled
    score = relevance[cand].astype(np.float32)
    if boosts:
        score += _lookup(boosts, cand)
    score += _intent(index, query, cand)
    if dated is not None:
        score += DATE_BOOST * dated[cand]
    score += _secondary(index, now, cand)
    demote_superseded(index, cand, score, successions)
    count = min(max(POOL, limit), cand.size)
    pool = np.argpartition(-score, count - 1)[:count] if count < cand.size else np.arange(cand.size)
    hits = [
        Hit(doc, float(score[i]), float(lexical[cand[i]]), float(semantic[cand[i]]))
        for i in pool
        if (doc := index.docs[int(cand[i])]) is not None
    ]
    _supersede(hits, index, query, _updates(index, query, asker))
    if successions:
        below_successors(hits)
    hits.sort(key=lambda h: (-h.score, -h.doc.timestamp))
    return diversify(hits, index, limit, diversity), matched


def _lookup(values: dict[int, float], cand: npt.NDArray[np.int64]) -> F32:
    """``values[slot]`` for each candidate slot (0 where absent), vectorised."""
    slots = np.fromiter(values.keys(), np.int64, len(values))
    lifts = np.fromiter(values.values(), np.float32, len(values))
    order = np.argsort(slots)
    slots, lifts = slots[order], lifts[order]
    at = np.minimum(np.searchsorted(slots, cand), slots.size - 1)
    found: F32 = np.where(slots[at] == cand, lifts[at], 0.0).astype(np.float32)
    return found


def _intent(index: MemoryIndex, query: Query, cand: npt.NDArray[np.int64]) -> F32:
    kind = index.column("kind")[cand]
    general = index.column("general")[cand]
    lift = np.zeros(cand.shape, dtype=np.float32)
    if "interaction" in query.cues:
        lift[kind == INTERACTION] += INTENT_BOOST
    if "general" in query.cues:
        lift[general] += INTENT_BOOST
    if "who" in query.cues:
        lift[kind == OBSERVATION] += INTENT_BOOST / 2
        lift[general] -= INTENT_BOOST / 2
    return lift


def _updates(index: MemoryIndex, query: Query, asker: str | None) -> set[tuple[str, str]]:
    """Observations that record a change ("now ...", "no longer ..."), about the players a
    question on the current state ("still", "anymore") is about."""
    if "current" not in query.cues:
        return set()
    about = {key for key, share in query.named.items() if share >= PARTIAL_NAME * 0.5}
    if asker and "self" in query.cues:
        about.add(asker)
    return {
        (doc.pk, doc.sk)
        for slot in index.slots_of(sorted(about), players=True)
        if (doc := index.docs[slot]) is not None
        and doc.kind == OBSERVATION
        and CHANGE_MARKERS & set(words(doc.text))
    }


def _secondary(index: MemoryIndex, now: float, cand: npt.NDArray[np.int64]) -> F32:
    age_days = np.maximum(now - index.column("ts")[cand], 0.0) / 86400.0
    recency = np.power(0.5, age_days / RECENCY_HALF_LIFE_DAYS)
    evidence = np.minimum(index.column("evidence")[cand], 5.0) / 5.0
    evidence[index.column("kind")[cand] != OBSERVATION] = 0.0
    value = (
        RECENCY_WEIGHT * recency
        + CONFIDENCE_WEIGHT * index.column("confidence")[cand]
        + EVIDENCE_WEIGHT * evidence
        + PROMOTED_WEIGHT * index.column("promoted")[cand]
    )
    result: F32 = value.astype(np.float32)
    return result


def _supersede(
    hits: Sequence[Hit], index: MemoryIndex, query: Query, updates: set[tuple[str, str]]
) -> None:
    """Lift each observation above older observations of its subject on the same topic.

    An ``update`` (a change recorded about a player the question asks the current state
    of) replaces any older observation of theirs that the question matched, whatever its
    words: "uses H properly now" answers "does she still treat H as a NOT gate".

    Session summaries take no part: each tells of its own session, and summaries of one
    player read alike (their vectors meet SAME_TOPIC_COSINE), so the lift would put the
    newest session's summary above the one a question is about, whatever it asks.

    Lifts are computed from the scores before any lift, so they never chain.
    """
    by_subject: dict[str, list[Hit]] = {}
    for hit in sorted(hits, key=lambda h: h.doc.timestamp):
        if hit.doc.kind == OBSERVATION and not hit.doc.summary:
            by_subject.setdefault(hit.doc.subject, []).append(hit)
    before = {id(h): h.score for same in by_subject.values() for h in same}
    for observations in by_subject.values():
        for i, older in enumerate(observations):
            for newer in observations[i + 1 :]:
                target = before[id(older)] + SUPERSEDE_MARGIN
                if newer.score >= target:
                    continue
                update = (newer.doc.pk, newer.doc.sk) in updates and older.lexical > 0
                if update or (_matches(newer) and _same_topic(older.doc, newer.doc, index, query)):
                    newer.score = target


def _matches(hit: Hit) -> bool:
    """The hit answers the query on its own: shares a word with it, or is close in meaning."""
    return hit.lexical > 0 or hit.semantic >= MATCH_SEMANTIC


def _same_topic(a: Doc, b: Doc, index: MemoryIndex, query: Query) -> bool:
    """Both speak of something the query asks about that is rare within their subject."""
    va = index.vector_of(index.slots[(a.pk, a.sk)])
    vb = index.vector_of(index.slots[(b.pk, b.sk)])
    if va is not None and vb is not None and float(va @ vb) >= SAME_TOPIC_COSINE:
        return True
    shared = set(a.terms) & set(b.terms) & query.matched
    if not shared:
        return False
    subject = index.by_subject.get(a.subject, set())
    if len(subject) > SUBJECT_SCAN:
        return False
    docs = [index.docs[s] for s in subject]
    for term in shared:
        holders = sum(1 for d in docs if d is not None and term in d.terms)
        if holders <= TOPIC_HOLDERS:
            return True
    return False


def recency_days(doc: Doc, now: float) -> float:
    """How many days ago a memory was written or reinforced."""
    return max(now - doc.timestamp, 0.0) / 86400.0 if math.isfinite(doc.timestamp) else 0.0
