"""The labelled recall set (tests/data/recall_dev.json): its items, its seeding through
the service, and its scoring.

Shared by the end-to-end test (tests/integration/test_recall_quality.py) and the encoder
bench (bench/encoders.py), so both seed and score the set the same way.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qai_graph.memory import interactions as recording
from qai_graph.memory import observations as observing
from qai_graph.memory import players
from qai_graph.memory import sessions as working

if TYPE_CHECKING:
    from qai_graph import MemoryService

DEV_SET = Path(__file__).parents[1] / "data" / "recall_dev.json"


def load(path: Path = DEV_SET) -> dict[str, Any]:
    """The labelled set."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@dataclass
class Scores:
    """recall@k and MRR, overall and per kind of question."""

    recall: dict[str, float]
    mrr: dict[str, float]
    misses: list[tuple[str, str, list[str], list[str]]]

    def table(self) -> str:
        """One line per kind, then overall."""
        lines = [f"{'kind':<12} recall@5   MRR"]
        for kind in sorted(self.recall):
            lines.append(f"{kind:<12} {self.recall[kind]:>8.2f} {self.mrr[kind]:>6.2f}")
        return "\n".join(lines)


def score(
    questions: Sequence[dict[str, Any]], answer: Callable[[dict[str, Any]], list[str]], k: int = 5
) -> Scores:
    """Score ranked ids per question: a hit is any relevant id in the top k."""
    by_kind: dict[str, list[tuple[float, float]]] = {}
    misses = []
    for question in questions:
        ranked = answer(question)[:k]
        relevant = set(question["relevant"])
        rank = next((i for i, r in enumerate(ranked, 1) if r in relevant), None)
        hit = 1.0 if rank else 0.0
        reciprocal = 1.0 / rank if rank else 0.0
        by_kind.setdefault(question["kind"], []).append((hit, reciprocal))
        by_kind.setdefault("overall", []).append((hit, reciprocal))
        if rank != 1:
            misses.append((question["id"], question["query"], question["relevant"], ranked))
    recall = {kind: sum(h for h, _ in v) / len(v) for kind, v in by_kind.items()}
    mrr = {kind: sum(r for _, r in v) / len(v) for kind, v in by_kind.items()}
    return Scores(recall, mrr, misses)


@contextlib.contextmanager
def clock(moment: datetime) -> Iterator[None]:
    """Make every memory module's clock (its ``_now`` seam) read ``moment``."""
    modules = (observing, recording, players, working)
    saved = [m._now for m in modules]
    for module in modules:
        module._now = lambda: moment  # type: ignore[assignment]
    try:
        yield
    finally:
        for module, now in zip(modules, saved, strict=True):
            module._now = now  # type: ignore[assignment]


async def seed(memory: MemoryService, data: dict[str, Any], now: datetime) -> None:
    """Players, interactions and observations of the set, each at its own time."""
    for player in data["players"]:
        with clock(now - timedelta(days=player.get("first_seen_days_ago", 30))):
            await memory.get_or_create_player(player["name"])
        updates: dict[str, Any] = {"preferred_patterns": player.get("preferred_patterns") or []}
        if player.get("play_style"):
            updates["play_style"] = player["play_style"]
        await memory.update_player(player["name"], updates)
    for item in sorted(data["memories"], key=lambda m: -m["days_ago"]):
        with clock(now - timedelta(days=item["days_ago"])):
            if item["kind"] == "interaction":
                await memory.store_interaction(
                    item["player"], item["channel"], item["message"], item["response"]
                )
                continue
            evidence = int(item.get("evidence", 1))
            start = max(0.0, float(item["confidence"]) - 0.1 * (evidence - 1))
            obs = await memory.store_observation(
                item["subject"], item["content"], item["category"], round(start, 2)
            )
            for _ in range(evidence - 1):
                await memory.reinforce_observation(obs.subject, obs.observation_id)
            if item.get("promoted"):
                await memory.promote_observation(obs.subject, obs.observation_id)


def _label(memory: Any, names: dict[str, str]) -> str:
    if memory.kind == "profile":
        return "profile:" + names.get((memory.id or "").casefold(), memory.id or "")
    # The set's ids are content-addressed here: the store makes its own ids.
    return memory.kind + ":" + (memory.content if memory.kind == "observation" else memory.message)


def _expected(data: dict[str, Any]) -> dict[str, str]:
    """Set id -> the label ``_label`` gives the stored memory."""
    found = {}
    for item in data["memories"]:
        if item["kind"] == "observation":
            found[item["id"]] = "observation:" + item["content"]
        else:
            found[item["id"]] = "interaction:" + item["message"]
    for player in data["players"]:
        found["profile:" + player["name"].casefold()] = "profile:" + player["name"]
    return found


async def service_scores(memory: MemoryService, data: dict[str, Any]) -> Scores:
    """Every question through ``recall`` (limit 5, the asker as ``player``), scored."""
    names = {p["name"].casefold(): p["name"] for p in data["players"]}
    expected = _expected(data)
    answers: dict[str, list[str]] = {}
    for question in data["questions"]:
        result = await memory.recall(question["query"], limit=5, player=question["asker"])
        answers[question["id"]] = [_label(m, names) for m in result.memories]
    questions = [
        {**q, "relevant": [expected.get(r, expected.get(r.casefold(), r)) for r in q["relevant"]]}
        for q in data["questions"]
    ]
    return score(questions, lambda q: answers[q["id"]])
