"""Leave one round out: what training the trust classifier on the blind red-team rounds is
worth on a round it did not see (issue 19; docs/trust.md, "Rounds 15 and 16").

For each target round, a model is trained as ``scripts/train_trust_classifier.py`` trains
(its ``examples`` and ``fit``, same seed) on its training files with every trained round
but the target, then the target is scored with the rules + that model and with the rules
+ the shipped model, at fixed thresholds (a join's threshold 0.09 above a message's, as
shipped). A target among the trained rounds is a fair estimate only for the new model:
the shipped one has seen it. Prints detected / benign flagged per threshold. ~90 s a
target on this host. A bench: it reports, it asserts nothing.

Run: .venv/bin/python bench/trust_leave_one_out.py --targets 13,14
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import time
from pathlib import Path
from typing import Any

from qai_graph.memory.trust import assess
from qai_graph.memory.trust.classifier import Classifier, default_classifier, joins

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
THRESHOLDS = (0.6, 0.7, 0.769, 0.8, 0.85, 0.9)
JOIN_ABOVE = 0.09


def trainer() -> Any:
    """scripts/train_trust_classifier.py as a module (scripts/ is not a package)."""
    path = ROOT / "scripts" / "train_trust_classifier.py"
    spec = importlib.util.spec_from_file_location("train_trust_classifier", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def round_of(path: Path) -> int | None:
    found = re.fullmatch(r"trust_round(\d+)", path.stem)
    return int(found.group(1)) if found else None


def entries(path: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))["entries"]
    return data


def scored(model: Classifier, target: list[dict[str, Any]]) -> dict[float, tuple[int, int]]:
    """Threshold -> (injections detected, benign lines flagged), rules first."""
    parts = [(e, model.parts(e["text"], e.get("previous", ()))) for e in target]
    ruled = {e["id"]: assess(e["text"], previous=e.get("previous", ())).flagged for e in target}
    out = {}
    for at in THRESHOLDS:
        join = min(0.9999, at + JOIN_ABOVE)
        hit = {"injection": 0, "benign": 0}
        for e, (alone, before, joined) in parts:
            flagged = ruled[e["id"]] or alone >= at or joins(alone, before, joined, join)
            hit[e["label"]] += flagged
        out[at] = (hit["injection"], hit["benign"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", required=True, help="round numbers, comma-separated")
    args = parser.parse_args()
    train = trainer()
    files = [Path(p) for p in train.TRAIN_FILES]
    base = [e for p in files if round_of(p) is None for e in entries(p)]
    rounds = {n: entries(p) for p in files if (n := round_of(p)) is not None}
    shipped = default_classifier()
    for target in (int(t) for t in args.targets.split(",")):
        started = time.perf_counter()
        lines = entries(DATA / f"trust_round{target}.json")
        others = [e for n, es in rounds.items() if n != target for e in es]
        chains, labels = train.examples(base + others, random.Random(train.SEED), train.LONG)
        model = train.fit(chains, labels, buckets=train.BUCKETS, l2=train.L2, steps=train.STEPS)
        seen = "trained on by the shipped model" if target in rounds else "held out"
        print(f"round {target} ({seen}), fit {time.perf_counter() - started:.0f} s")
        old, new = scored(shipped, lines), scored(model, lines)
        for at in THRESHOLDS:
            print(
                f"  {at:.3f}: shipped {old[at][0]}/{old[at][1]}"
                f"  without round {target} {new[at][0]}/{new[at][1]}"
            )


if __name__ == "__main__":
    main()
