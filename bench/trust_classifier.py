"""Trust classifier bench: what the second line (qai_graph/memory/trust/classifier.py)
adds to each recorded message, on top of the rules.

The workload is bench/trust.py's 10,000-message chat mix (each message with the player's
last two as ``previous``, which are then in every cache, as on the write path). Timed per
message, interleaved in one run, the first two in alternating order:

- ``rules``: ``assess`` on the message made fresh (a suffix no other call saw: its views
  and needs computed inside the timing): the write path without the classifier;
- ``both``: ``TrustGate.assess`` on another fresh copy: the rules, then the classifier
  when no rule hit: the write path as shipped. ``both - rules`` is what the classifier
  adds to detection (the difference of the p50s, and the median of paired differences);
- ``classifier``: ``Classifier.suspects`` alone right after the rules saw the message
  (its views cached): the classifier's own share.

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
    gate = TrustGate(
        classifier=Classifier(
            model.weights, model.bias, model.threshold, join_threshold=model.join_threshold
        )
    )
    gate.warm_up()

    mix = with_history(chat_mix(args.messages, args.seed))
    views.cache_clear()
    clock = time.perf_counter_ns
    times: dict[str, list[float]] = {"rules": [], "classifier": [], "both": []}
    flagged = {"rules": 0, "classifier only": 0}
    for i, (_, text, previous) in enumerate(mix):
        plain, gated = f"{text} ~{i}", f"{text} #{i}"  # never seen before
        order = ("rules", "both") if i % 2 else ("both", "rules")
        for line in order:
            t0 = clock()
            if line == "rules":
                assess(plain, previous=previous)
            else:
                gate.assess(gated, previous=previous)
            times[line].append((clock() - t0) / 1000)
        ruled = assess(text, previous=previous)
        gate.assess(text, previous=previous)  # as recorded: a later message's previous
        t0 = clock()
        suspect = model.suspects(text, previous=previous)
        times["classifier"].append((clock() - t0) / 1000)
        flagged["rules"] += ruled.flagged
        flagged["classifier only"] += suspect is not None and not ruled.flagged
    rows = report("chat mix (with each player's last two messages)", times)
    print("  (both = TrustGate.assess: the rules, then the classifier when no rule hit)")
    paired = sorted(b - r for b, r in zip(times["both"], times["rules"], strict=True))
    added = rows["both"]["p50"] - rows["rules"]["p50"]
    print(
        f"  added by the classifier to assess: p50 {added:+.1f} us;"
        f" median paired difference {paired[len(paired) // 2]:+.1f} us"
    )
    n = len(mix)
    print(
        f"  flagged by the rules: {flagged['rules']} ({flagged['rules'] / n:.1%}); by the"
        f" classifier only: {flagged['classifier only']} ({flagged['classifier only'] / n:.1%})"
    )
    goal = rows["classifier"]["p50"] <= 150
    print(f"\ngoal classifier p50 <= 0.15 ms: {'met' if goal else 'MISSED'}")


if __name__ == "__main__":
    main()
