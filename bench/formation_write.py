"""What memory formation costs recordInteraction, side by side in one run (issue 20).

Two services, each on an embedded store of its own (so one's formation never holds the
other's emulator), identical but for QAI_MEMORY_OBSERVER (``local`` vs ``none``); calls
alternate between them with the chat mix of bench/trust.py. ``--think-ms`` is the bot's
wait for its model between two messages (formation runs in those gaps, as on a stream);
0 is a tight loop, where formation runs only when its queue is overdue. Prints p50/p95 of
record_interaction for each, their ratio, and how much was formed.
Goal: p50 with local formation <= 1.05x without.
Run: .venv/bin/python bench/formation_write.py [--messages N] [--think-ms MS]
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

OBSERVERS = ("local", "none")


async def main(messages: int, think_ms: float, idle_s: float) -> None:
    stores = {name: EmbeddedDynamo(data_dir=None) for name in OBSERVERS}
    services: dict[str, MemoryService] = {}
    try:
        for name in OBSERVERS:
            endpoint = await stores[name].astart()
            config = MemoryConfig(
                dynamodb_endpoint=endpoint,
                dynamodb_table_name=f"qai-bench-formation-{name}",
                observer=name,  # type: ignore[arg-type]
                formation_idle_s=idle_s,
            )
            services[name] = MemoryService(config)
            await services[name].initialize()
        mix = chat_mix(messages, seed=11)
        for player, text in mix[:50]:  # warm-up: tables, connections, players
            for service in services.values():
                await service.record_interaction(player, Channel.TWITCH, text, "ok")
        await services["local"].form_pending()
        times: dict[str, list[float]] = {name: [] for name in OBSERVERS}
        for n, (player, text) in enumerate(mix):
            order = OBSERVERS if n % 2 == 0 else OBSERVERS[::-1]
            for name in order:
                started = time.perf_counter()
                await services[name].record_interaction(player, Channel.TWITCH, text, "ok")
                times[name].append((time.perf_counter() - started) * 1000)
            if think_ms:
                await asyncio.sleep(think_ms / 1000)
        left = await services["local"].pending_formations()
        totals = services["local"].formation.totals
        for name in OBSERVERS:
            values = times[name]
            print(
                f"observer={name:5}: p50 {pct(values, 0.5):.2f} ms  p95 {pct(values, 0.95):.2f} ms"
            )
        ratio = pct(times["local"], 0.5) / pct(times["none"], 0.5)
        print(
            f"p50 ratio local/none: {ratio:.3f} (goal <= 1.05) over {len(mix)} messages, "
            f"think {think_ms:g} ms"
        )
        print(
            f"formed during the run: {totals.exchanges} exchanges, {totals.stored} stored, "
            f"{totals.reinforced} reinforced; still pending at the end: {left}"
        )
    finally:
        for service in services.values():
            await service.close()
        for store in stores.values():
            await store.astop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--think-ms", type=float, default=60.0)
    parser.add_argument("--idle-s", type=float, default=0.05)
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.think_ms, args.idle_s))
