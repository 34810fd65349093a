"""The labelled recall set (tests/data/recall_dev.json): its items and its scoring.

Shared by the pure ranking check and the end-to-end test through the service.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
