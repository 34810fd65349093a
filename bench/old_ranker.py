"""The first recall ranker (issue 3), kept as bench/recall.py's baseline; not the service's.

Pure ranking for recall: which stored observations answer a free-text query, best first.

No I/O here: the service fetches candidates (observations about players named in the
query, plus general ones) and this module scores, filters and orders them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime

from qai_graph.models import Memory, Observation

# Overlap dominates: a memory about something else is noise however fresh or certain.
# Recency then separates matches (what happened this week beats last month), and
# confidence nudges reinforced observations above one-off guesses. At equal confidence a
# fully matching month-old observation (about 0.66) still beats a fresh one matching a
# third of the query (about 0.42).
OVERLAP_WEIGHT = 0.65
RECENCY_WEIGHT = 0.20
CONFIDENCE_WEIGHT = 0.15
# Naming a player is the strongest signal of what the asker means, so observations about
# them rank above unrelated matches even without shared words.
NAMED_SUBJECT_BOOST = 0.30
RECENCY_HALF_LIFE_DAYS = 7.0

MIN_NAME_LENGTH = 2
MAX_NAME_LENGTH = 64
MAX_CANDIDATE_NAMES = 20

_STOPWORD_TEXT = """
    a about above after again all am an and any are as at be because been before being
    but by can could did do does doing for from had has have having he her here hers him
    his how i if in into is it its me more most my no nor not of off on once only or other
    our out over own same she should so some such than that the their them then there
    these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours
    remember know tell think said say
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())

_WORD = re.compile(r"\w+")


def tokenize(text: str) -> list[str]:
    """Casefolded words (letters, digits, underscore) of ``text`` after NFKC normalisation."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def candidate_names(query: str) -> list[str]:
    """Tokens of ``query`` that could be player names, in order of appearance, deduplicated.

    Case is ignored (chat rarely capitalises names); stopwords are skipped because each
    candidate costs the caller a lookup and "what" or "about" are almost never players.
    """
    names: list[str] = []
    for token in tokenize(query):
        if not MIN_NAME_LENGTH <= len(token) <= MAX_NAME_LENGTH:
            continue
        if token in STOPWORDS or token in names:
            continue
        names.append(token)
        if len(names) == MAX_CANDIDATE_NAMES:
            break
    return names


def query_terms(query: str) -> set[str]:
    """The terms of ``query`` that count for overlap: its words without stopwords."""
    tokens = set(tokenize(query))
    # A query made only of stopwords still means something; match on all of it.
    return (tokens - STOPWORDS) or tokens


def score_observation(
    query_terms: set[str], obs: Observation, now: datetime, *, named_subject: bool
) -> float:
    """Relevance of ``obs`` to a query: overlap, recency and confidence, plus a name boost."""
    return _score(_overlap(query_terms, obs.content), obs, now, named_subject)


def rank(
    query: str,
    observations: Iterable[tuple[Observation, bool]],
    now: datetime,
    limit: int,
) -> list[Memory]:
    """The best ``limit`` observations for ``query``; pairs are (observation, named_subject).

    Observations sharing no word with the query are dropped unless their subject was named.
    """
    if limit <= 0:
        return []
    terms = query_terms(query)
    scored: list[tuple[float, float, Observation]] = []
    for obs, named in observations:
        overlap = _overlap(terms, obs.content)
        if overlap == 0.0 and not named:
            continue
        scored.append((_score(overlap, obs, now, named), _utc(obs.timestamp).timestamp(), obs))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    return [
        Memory(
            type="observation",
            subject=obs.subject,
            content=obs.content,
            score=score,
            data=obs.model_dump(mode="json"),
        )
        for score, _, obs in scored[:limit]
    ]


def _overlap(terms: set[str], content: str) -> float:
    if not terms:
        return 0.0
    return len(terms.intersection(tokenize(content))) / len(terms)


def _score(overlap: float, obs: Observation, now: datetime, named_subject: bool) -> float:
    seen = _utc(obs.last_reinforced or obs.timestamp)
    age_days = max((_utc(now) - seen).total_seconds() / 86400.0, 0.0)
    recency = math.pow(0.5, age_days / RECENCY_HALF_LIFE_DAYS)
    score = OVERLAP_WEIGHT * overlap + RECENCY_WEIGHT * recency + CONFIDENCE_WEIGHT * obs.confidence
    return score + (NAMED_SUBJECT_BOOST if named_subject else 0.0)


def _utc(moment: datetime) -> datetime:
    # The models promise aware UTC datetimes; a naive one is read as UTC, not local time.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
