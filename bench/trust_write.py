"""What trust detection adds to recordInteraction, side by side in one run (issue 19).

Three services on the embedded store, each on a table of its own, identical but for
QAI_MEMORY_TRUST_DETECTION and QAI_MEMORY_TRUST_CLASSIFIER (off; the rules alone; the
rules and the classifier, the default); calls rotate between them (so all see the same noise)
with the same chat mix (bench/trust.py's: the dev set's lines varied, 5 % benign
look-alikes, 2 % injections). Prints p50/p95 of record_interaction for each and the
difference of the medians from detection off, and the median of each message's
difference from off. Goal: <= 1 ms p50 added by detection, rules and classifier together.
Run: .venv/bin/python bench/trust_write.py [--messages N]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from trust import chat_mix, pct  # bench/trust.py

from qai_graph.config import MemoryConfig
from qai_graph.emulator.embedded import EmbeddedDynamo
from qai_graph.memory.service import MemoryService
from qai_graph.models import Channel


async def main(messages: int) -> None:
    store = EmbeddedDynamo(data_dir=None)
    endpoint = await store.astart()
    # label -> (detection, classifier)
    setups = {
        "detection off": (False, False),
        "rules only": (True, False),
        "rules + classifier": (True, True),
    }
    services: dict[str, MemoryService] = {}
    try:
        for n, (label, (detection, classifier)) in enumerate(setups.items()):
            config = MemoryConfig(
                dynamodb_endpoint=endpoint,
                dynamodb_table_name=f"qai-bench-trust-{n}",
                trust_detection=detection,
                trust_classifier=classifier,
                embeddings="none",
            )
            services[label] = MemoryService(config)
            await services[label].initialize()
        mix = chat_mix(messages, seed=7)
        for player, text in mix[:50]:  # warm-up: detector tables, connections, players
            for service in services.values():
                await service.record_interaction(player, Channel.TWITCH, text, "ok")
        labels = list(setups)
        times: dict[str, list[float]] = {label: [] for label in labels}
        for n, (player, text) in enumerate(mix):
            for label in labels[n % 3 :] + labels[: n % 3]:
                started = time.perf_counter()
                await services[label].record_interaction(player, Channel.TWITCH, text, "ok")
                times[label].append((time.perf_counter() - started) * 1000)
        off = times["detection off"]
        for label in labels:
            values = times[label]
            line = f"{label:18}: p50 {pct(values, 0.5):.2f} ms  p95 {pct(values, 0.95):.2f} ms"
            if label != "detection off":
                # The same message recorded by each, one right after the other: the median
                # of those differences is steadier than the difference of two medians.
                paired = [on - o for on, o in zip(values, off, strict=True)]
                line += (
                    f"  added at p50 {pct(values, 0.5) - pct(off, 0.5):+.2f} ms,"
                    f" median paired {pct(paired, 0.5):+.2f} ms"
                )
            print(line)
        print(f"over {len(mix)} messages")
    finally:
        for service in services.values():
            await service.close()
        await store.astop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    asyncio.run(main(parser.parse_args().messages))
