"""The rules by which a player's profile learns (pure functions; consolidation applies them).

From the player's solutions (``total_solutions``, ``fidelity_sum``, ``time_ms_sum`` and
``pattern_counts`` on the profile, and each solved pattern's average time over every
solver):

- ``averageFidelity`` = fidelity_sum / total_solutions (4 decimals); none without solutions.
- ``preferredPatterns`` = the PREFERRED_PATTERNS (3) most-solved patterns, most first,
  ties by pattern id.
- ``playStyle`` is named only from MIN_SOLUTIONS (3) solutions on, by the first rule that
  holds:
  1. ``explorer``: distinct patterns / solutions >= EXPLORER_SHARE (0.6): most of what
     they solve they had not solved before;
  2. ``speed_focused``: their average time <= FAST_RATIO (0.8) x the time the average
     solver takes on the same patterns (each pattern weighted by how often this player
     solved it);
  3. ``accuracy_focused``: average fidelity >= ACCURATE_FIDELITY (0.9) and not fast
     (time ratio above FAST_RATIO);
  otherwise none (the data shows no style).

From their interactions: ``sentimentScore`` = the mean of the kept interactions'
sentiment (positive 1, neutral 0, negative -1); with none labelled the score stays as it
was, so expired interactions never reset it.

From the observations QAI formed of them: ``memorableMoments`` = the MAX_MOMENTS (10)
most salient moments, oldest first, where

    salience = confidence + 0.1 x min(evidence - 1, 10) + 0.5 if promoted
               + 0.25 if the category is event or preference

ties going to the more recent. A moment is a formed observation (``formed_by`` set, not
consolidation's own summaries or merges) that is not flagged, hidden, superseded or
private. Moments are kept on the profile: an observation that expired since still
competes with its salience as last seen, while one still present competes as it is now
(and leaves when it was flagged, hidden or superseded meanwhile).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from qai_graph.memory.content import normalise_content
from qai_graph.models import ObservationCategory

MIN_SOLUTIONS = 3
EXPLORER_SHARE = 0.6
FAST_RATIO = 0.8
ACCURATE_FIDELITY = 0.9
PREFERRED_PATTERNS = 3
MAX_MOMENTS = 10
CONSOLIDATION = "consolidation"  # formed_by of what consolidation itself writes

SPEED_FOCUSED = "speed_focused"
ACCURACY_FOCUSED = "accuracy_focused"
EXPLORER = "explorer"

SENTIMENT_VALUES = {"positive": 1.0, "neutral": 0.0, "negative": -1.0}
_SALIENT_CATEGORIES = {ObservationCategory.EVENT.value, ObservationCategory.PREFERENCE.value}


@dataclass(frozen=True)
class SolutionStats:
    """A player's solution counters as the profile stores them."""

    total: int
    fidelity_sum: float
    time_ms_sum: float
    pattern_counts: Mapping[str, int]

    @classmethod
    def of(cls, item: Mapping[str, object]) -> SolutionStats:
        """The counters of a profile item."""
        counts = item.get("pattern_counts") or {}
        assert isinstance(counts, Mapping)
        return cls(
            total=int(str(item.get("total_solutions", 0))),
            fidelity_sum=float(str(item.get("fidelity_sum", 0))),
            time_ms_sum=float(str(item.get("time_ms_sum", 0))),
            pattern_counts={str(p): int(n) for p, n in counts.items() if int(n) > 0},
        )


def average_fidelity(stats: SolutionStats) -> float | None:
    """Mean fidelity of every solution, in [0, 1]; None without solutions."""
    if stats.total <= 0:
        return None
    return round(min(1.0, max(0.0, stats.fidelity_sum / stats.total)), 4)


def preferred_patterns(stats: SolutionStats) -> list[str]:
    """The most-solved patterns, most first (ties by id)."""
    counts = stats.pattern_counts
    return sorted(counts, key=lambda p: (-counts[p], p))[:PREFERRED_PATTERNS]


def time_ratio(stats: SolutionStats, peer_times: Mapping[str, float]) -> float | None:
    """The player's average time over what the average solver takes on the same patterns
    (weighted by the player's counts); None when no pattern has a peer average."""
    weighted = sum(n * peer_times[p] for p, n in stats.pattern_counts.items() if p in peer_times)
    solved = sum(n for p, n in stats.pattern_counts.items() if p in peer_times)
    if stats.total <= 0 or solved <= 0 or weighted <= 0:
        return None
    return (stats.time_ms_sum / stats.total) / (weighted / solved)


def play_style(stats: SolutionStats, peer_times: Mapping[str, float]) -> str | None:
    """The play style the solutions show (module docstring), or None."""
    if stats.total < MIN_SOLUTIONS:
        return None
    if len(stats.pattern_counts) / stats.total >= EXPLORER_SHARE:
        return EXPLORER
    ratio = time_ratio(stats, peer_times)
    if ratio is None:
        return None
    if ratio <= FAST_RATIO:
        return SPEED_FOCUSED
    fidelity = average_fidelity(stats)
    if fidelity is not None and fidelity >= ACCURATE_FIDELITY:
        return ACCURACY_FOCUSED
    return None


def sentiment_score(labels: Iterable[object]) -> float | None:
    """Mean sentiment of labelled interactions in [-1, 1]; None when none is labelled."""
    values = [SENTIMENT_VALUES[label] for label in labels if label in SENTIMENT_VALUES]
    if not values:
        return None
    return round(sum(values) / len(values), 4)


def salience(confidence: float, evidence: int, promoted: bool, category: str | None) -> float:
    """How memorable an observation is (module docstring)."""
    score = min(1.0, max(0.0, confidence)) + 0.1 * min(max(evidence - 1, 0), 10)
    if promoted:
        score += 0.5
    if category in _SALIENT_CATEGORIES:
        score += 0.25
    return round(score, 4)


def item_salience(item: Mapping[str, object]) -> float:
    """``salience`` of an observation item."""
    return salience(
        float(str(item.get("confidence", 0.5))),
        int(str(item.get("evidence_count", 1))),
        bool(item.get("promoted", False)),
        str(item.get("category")) if item.get("category") else None,
    )


def is_trusted(item: Mapping[str, object]) -> bool:
    """Not flagged, hidden, superseded or private: fit to be learned from."""
    return not (
        item.get("flag") or item.get("hidden") or item.get("superseded_by") or item.get("private")
    )


def is_memorable(item: Mapping[str, object]) -> bool:
    """A formed observation (not consolidation's own) that may become a moment."""
    formed_by = item.get("formed_by")
    return bool(formed_by) and formed_by != CONSOLIDATION and is_trusted(item)


@dataclass(frozen=True)
class Moment:
    """A memorable moment as the profile keeps it."""

    observation_id: str
    content: str
    salience: float
    at: datetime


def memorable_moments(kept: Sequence[Moment], present: Mapping[str, Moment | None]) -> list[Moment]:
    """The MAX_MOMENTS most salient moments, oldest first.

    ``kept`` are the moments the profile holds; ``present`` maps the id of every
    observation still in the table to its moment now (None when it may no longer be
    one). A kept moment whose observation is gone competes as it was kept."""
    candidates = [m for m in present.values() if m is not None]
    candidates += [m for m in kept if m.observation_id not in present]
    ranked = sorted(candidates, key=lambda m: (-m.salience, -m.at.timestamp(), m.observation_id))
    chosen: list[Moment] = []
    said: set[str] = set()
    for moment in ranked:
        text = normalise_content(moment.content)
        if not text or text in said:
            continue
        said.add(text)
        chosen.append(moment)
        if len(chosen) == MAX_MOMENTS:
            break
    return sorted(chosen, key=lambda m: (m.at, m.observation_id))
