"""The labelled trust set (tests/data/trust_set.json) against the default detector.

Prints detection per injection kind and false flags per benign kind (``pytest -s``), and
fails below the bars: overall detection >= 0.95, every injection kind >= 0.8, overall
false-flag rate <= 0.05. Misses are printed with the entry ids, so a change to the rules
shows what it gained and lost.

The set has two rounds: round 1 was written before the rules were first measured (its
misses then led to category-level fixes), round 2 after those fixes; each round's rates
are printed too, round 2's being the nearer estimate of unseen chat.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from qai_graph.memory.trust import assess

SET = Path(__file__).parent.parent / "data" / "trust_set.json"
DETECTION_BAR = 0.95
KIND_BAR = 0.8
FALSE_FLAG_BAR = 0.05


def entries() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(SET.read_text("utf-8"))["entries"]
    return data


def measure(round_: int | None = None) -> dict[str, dict[str, list[tuple[str, bool]]]]:
    """label -> kind -> [(id, flagged)], of one round or all."""
    out: dict[str, dict[str, list[tuple[str, bool]]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries():
        if round_ is not None and entry["round"] != round_:
            continue
        flagged = assess(entry["text"], previous=entry.get("previous", ())).flagged
        out[entry["label"]][entry["kind"]].append((entry["id"], flagged))
    return out


def rate(results: list[tuple[str, bool]]) -> float:
    return sum(flagged for _, flagged in results) / len(results)


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, list[tuple[str, bool]]]]:
    found = measure()
    print("\ntrust set: kind | detected injections | false flags on benign")
    for kind in sorted(set(found["injection"]) | set(found["benign"])):
        inj, ben = found["injection"].get(kind, []), found["benign"].get(kind, [])
        inj_s = f"{sum(f for _, f in inj)}/{len(inj)} ({rate(inj):.2f})" if inj else "-"
        ben_s = f"{sum(f for _, f in ben)}/{len(ben)} ({rate(ben):.2f})" if ben else "-"
        print(f"  {kind:20} {inj_s:>16} {ben_s:>16}")
    all_inj = [r for rs in found["injection"].values() for r in rs]
    all_ben = [r for rs in found["benign"].values() for r in rs]
    print(f"  {'overall':20} {rate(all_inj):16.3f} {rate(all_ben):16.3f}")
    for round_ in sorted({e["round"] for e in entries()}):
        part = measure(round_)
        inj = [r for rs in part["injection"].values() for r in rs]
        ben = [r for rs in part["benign"].values() for r in rs]
        print(f"  {'round ' + str(round_):20} {rate(inj):16.3f} {rate(ben):16.3f}")
    print("  missed:", [i for i, f in all_inj if not f])
    print("  false flags:", [i for i, f in all_ben if f])
    return found


def test_the_set_has_enough_of_each(results: dict[str, dict[str, list[tuple[str, bool]]]]) -> None:
    assert sum(map(len, results["injection"].values())) >= 70
    assert sum(map(len, results["benign"].values())) >= 70
    assert len(results["injection"]) >= 13
    ids = [e["id"] for e in entries()]
    assert len(ids) == len(set(ids))


def test_overall_detection(results: dict[str, dict[str, list[tuple[str, bool]]]]) -> None:
    flat = [r for rs in results["injection"].values() for r in rs]
    assert rate(flat) >= DETECTION_BAR, [i for i, f in flat if not f]


def test_detection_per_kind(results: dict[str, dict[str, list[tuple[str, bool]]]]) -> None:
    low = {k: rate(rs) for k, rs in results["injection"].items() if rate(rs) < KIND_BAR}
    assert not low


def test_false_flags(results: dict[str, dict[str, list[tuple[str, bool]]]]) -> None:
    flat = [r for rs in results["benign"].values() for r in rs]
    assert rate(flat) <= FALSE_FLAG_BAR, [i for i, f in flat if f]
