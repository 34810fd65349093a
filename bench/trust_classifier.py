"""Trust classifier bench: what the second line (qai_graph/memory/trust/classifier.py)
adds to each recorded message, on top of the rules.

The workload is bench/trust.py's 10,000-message chat mix (each message with the player's
last two as ``previous``). Timed per message, interleaved in one run:

- ``rules``: ``assess`` (the rules alone, as today);
- ``classifier``: ``Classifier.score`` right after the rules, as the gate calls it (the
  message's views are then already cached by the rules; the player's previous messages
  are in the classifier's own cache);
- ``classifier, cold``: the same on a fresh message whose views nobody computed (a
  classifier alone, or the first sight of a long message);
- ``gate``: ``TrustGate.assess``, rules then classifier (only when no rule hit).

Also the model's size on disk and in memory, its load time, and how many messages of the
mix each line flags. Goal: classifier p50 <= 0.15 ms. Run:
.venv/bin/python bench/trust_classifier.py [--messages N]
"""

from __future__ import annotations

import argparse
import time
from importlib import resources

# bench/trust.py, next to this script (a script's own directory is on sys.path).
from trust import chat_mix, report, with_history

from qai_graph.memory.trust import assess, default_detector
from qai_graph.memory.trust.classifier import MODEL_FILE, Classifier
from qai_graph.memory.trust.gate import TrustGate
from qai_graph.memory.trust.normalize import views


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()

    source = resources.files("qai_graph.memory.trust").joinpath(MODEL_FILE)
    size = len(source.read_bytes())
    started = time.perf_counter()
    model = Classifier.load()
    loaded = time.perf_counter() - started
    print(
        f"model: {MODEL_FILE} {size / 1024:.0f} KiB on disk, {model.weights.nbytes / 1024:.0f}"
        f" KiB of weights in memory ({len(model.weights)} buckets, "
        f"{int((model.weights != 0).sum())} non-zero), loaded in {loaded * 1000:.0f} ms, "
        f"threshold {model.threshold:.3f}"
    )
    default_detector()
    gate = TrustGate(classifier=Classifier(model.weights, model.bias, model.threshold))
    gate.warm_up()

    mix = with_history(chat_mix(args.messages, args.seed))
    views.cache_clear()
    clock = time.perf_counter_ns
    times: dict[str, list[float]] = {"rules": [], "classifier": [], "classifier, cold": []}
    times["gate"] = []
    cold = Classifier(model.weights, model.bias, model.threshold)  # an empty cache of its own
    flagged = {"rules": 0, "classifier only": 0}
    for i, (_, text, previous) in enumerate(mix):
        fresh = f"{text} #{i}"  # never seen: its views are computed inside the timing
        t0 = clock()
        cold.score(fresh, previous=previous)
        t1 = clock()
        ruled = assess(text, previous=previous)
        t2 = clock()
        suspect = model.suspects(text, previous=previous)
        t3 = clock()
        gate.assess(text, previous=previous)
        t4 = clock()
        times["classifier, cold"].append((t1 - t0) / 1000)
        times["rules"].append((t2 - t1) / 1000)
        times["classifier"].append((t3 - t2) / 1000)
        times["gate"].append((t4 - t3) / 1000)
        flagged["rules"] += ruled.flagged
        flagged["classifier only"] += suspect is not None and not ruled.flagged
    # report() names its last row "both"; keep the gate there.
    rows = report(
        "chat mix (with each player's last two messages)",
        {**{k: v for k, v in times.items() if k != "gate"}, "both": times["gate"]},
    )
    print("  (both = TrustGate.assess: the rules, then the classifier when no rule hit)")
    n = len(mix)
    print(
        f"  flagged by the rules: {flagged['rules']} ({flagged['rules'] / n:.1%}); by the"
        f" classifier only: {flagged['classifier only']} ({flagged['classifier only'] / n:.1%})"
    )
    goal = rows["classifier"]["p50"] <= 150
    print(f"\ngoal classifier p50 <= 0.15 ms: {'met' if goal else 'MISSED'}")


if __name__ == "__main__":
    main()
