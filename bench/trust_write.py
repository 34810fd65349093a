"""What trust detection adds to recordInteraction, side by side in one run (issue 19).

Two services on the embedded store, each on a table of its own, identical but for
QAI_MEMORY_TRUST_DETECTION; calls alternate between them (so both see the same noise)
with the same chat mix (bench/trust.py's: the dev set's lines varied, 5 % benign
look-alikes, 2 % injections). Prints p50/p95 of record_interaction for each and the
difference of the medians, and the median of each message's on - off difference. Goal:
<= 1 ms p50 added.
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
    services: dict[bool, MemoryService] = {}
    try:
        for detection in (True, False):
            config = MemoryConfig(
                dynamodb_endpoint=endpoint,
                dynamodb_table_name=f"qai-bench-trust-{int(detection)}",
                trust_detection=detection,
                embeddings="none",
            )
            services[detection] = MemoryService(config)
            await services[detection].initialize()
        mix = chat_mix(messages, seed=7)
        for player, text in mix[:50]:  # warm-up: detector tables, connections, players
            for service in services.values():
                await service.record_interaction(player, Channel.TWITCH, text, "ok")
        times: dict[bool, list[float]] = {True: [], False: []}
        for n, (player, text) in enumerate(mix):
            order = (True, False) if n % 2 == 0 else (False, True)
            for detection in order:
                started = time.perf_counter()
                await services[detection].record_interaction(player, Channel.TWITCH, text, "ok")
                times[detection].append((time.perf_counter() - started) * 1000)
        for detection, label in ((False, "detection off"), (True, "detection on ")):
            values = times[detection]
            print(f"{label}: p50 {pct(values, 0.5):.2f} ms  p95 {pct(values, 0.95):.2f} ms")
        added = pct(times[True], 0.5) - pct(times[False], 0.5)
        print(f"added by detection at p50: {added:+.2f} ms over {len(mix)} messages")
        # The same message recorded by both, one right after the other: the median of
        # those differences is steadier than the difference of two medians on a busy host.
        paired = [on - off for on, off in zip(times[True], times[False], strict=True)]
        print(f"median of paired differences (on - off): {pct(paired, 0.5):+.2f} ms")
    finally:
        for service in services.values():
            await service.close()
        await store.astop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    asyncio.run(main(parser.parse_args().messages))
