"""The pages' bars, measured in Debian's chromium (Playwright), against `qai-graph serve`.

    .venv/bin/python bench/pages.py paint              # dashboard first paint, 50 players
    .venv/bin/python bench/pages.py soak --minutes 10  # 10 overlays; the API's RSS

`qai-graph serve` runs as it does for a user: the embedded store (a fresh data directory),
development mode, pages on. **paint** seeds 50 players (an interaction each, and an
observation for every fifth), then loads /dashboard `--loads` times in fresh browser
contexts and reports the time from navigation start until the 50 player rows are in the
DOM (a MutationObserver installed before the page's scripts). **soak** opens `--overlays`
overlays (`minIntervalMs=1000`), records `--rate` interactions per second for
`--minutes`, crossing the stage-2 threshold (`--stage2`) halfway, samples the API
process's RSS every 10 s, and reports the growth after the first tenth of the run (the
write path is warmed first with `--warm-up` interactions, so the growth is what the
overlays cost, not the write caches filling), how long after the crossing mutation's
answer each overlay started its stage animation, and whether every overlay ends on the
final count. Not a test: the figures go to
bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
from playwright.async_api import Browser, async_playwright

CHROMIUM = os.environ.get("QAI_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RECORD = """mutation($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { stageAdvanced evolution { stage totalInteractions } }
}"""
OBSERVE = """mutation($input: StoreObservationInput!) { storeObservation(input: $input) { id } }"""
# Installed before the page's own scripts: the moment the 50th row appears.
PAINT_PROBE = """
new MutationObserver((_, observer) => {
  if (document.querySelectorAll('.player-row').length >= 50) {
    window.__rowsPaintedAt = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""

QUERY_TIME = """() => performance.getEntriesByType('resource')
  .filter(e => e.name.endsWith('/graphql') && e.initiatorType === 'fetch')[0].duration"""


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Service:
    """`qai-graph serve` on the embedded store in a temporary data directory."""

    def __init__(self, data_dir: str, **settings: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "QAI_MEMORY_DATA_DIR": data_dir}
        env.pop("QAI_MEMORY_API_KEYS", None)
        # A shared, busy machine: the bench measures memory, not latency, so let a slow
        # emulator answer rather than fail the run.
        env["QAI_MEMORY_DYNAMODB_TIMEOUT_S"] = "30"
        env.update({f"QAI_MEMORY_{k.upper()}": v for k, v in settings.items()})
        qai_graph = Path(sys.executable).with_name("qai-graph")
        self.process = subprocess.Popen(
            [str(qai_graph), "--log-level", "warning", "serve", "--port", str(self.port)],
            env=env,
        )
        self.ps = psutil.Process(self.process.pid)

    async def ready(self) -> None:
        """Wait for /readyz (bounded)."""
        async with httpx.AsyncClient() as http:
            for _ in range(600):
                if self.process.poll() is not None:
                    raise RuntimeError(f"qai-graph serve exited with {self.process.returncode}")
                try:
                    if (await http.get(self.url + "/readyz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError("qai-graph serve did not become ready")

    def rss_mb(self) -> float:
        """The API process's resident set (the emulator is a child of its own)."""
        return float(self.ps.memory_info().rss) / 2**20

    def stop(self) -> None:
        """SIGINT, as Ctrl-C; bounded."""
        if self.process.poll() is None:
            self.process.send_signal(2)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


async def record(http: httpx.AsyncClient, player: str, message: str) -> dict[str, Any]:
    """One recordInteraction; its payload."""
    answer = await http.post(
        "/graphql",
        json={"query": RECORD, "variables": {"input": {"player": player, "message": message}}},
    )
    body = answer.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    payload: dict[str, Any] = body["data"]["recordInteraction"]
    return payload


async def launch(pw: Any) -> Browser:
    """Headless Debian chromium."""
    browser: Browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    return browser


async def paint(args: argparse.Namespace) -> dict[str, Any]:
    """Dashboard first paint with 50 players, over ``args.loads`` fresh loads."""
    with tempfile.TemporaryDirectory() as data_dir:
        service = Service(data_dir)
        try:
            await service.ready()
            async with httpx.AsyncClient(base_url=service.url, timeout=30) as http:
                for n in range(50):
                    await record(http, f"Viewer{n:02d}", f"hello number {n}")
                    if n % 5 == 0:
                        observation = {
                            "subject": f"PLAYER#Viewer{n:02d}",
                            "content": f"Likes puzzle {n}",
                            "category": "PREFERENCE",
                        }
                        await http.post(
                            "/graphql", json={"query": OBSERVE, "variables": {"input": observation}}
                        )
            async with async_playwright() as pw:
                browser = await launch(pw)
                times: list[float] = []
                queries: list[float] = []
                for _ in range(args.loads):
                    context = await browser.new_context(viewport={"width": 1920, "height": 1080})
                    await context.add_init_script(PAINT_PROBE)
                    page = await context.new_page()
                    await page.goto(service.url + "/dashboard")
                    await page.wait_for_function("() => window.__rowsPaintedAt !== undefined")
                    times.append(await page.evaluate("() => window.__rowsPaintedAt"))
                    # The Dashboard query's own share: its POST's duration in the page.
                    queries.append(await page.evaluate(QUERY_TIME))
                    await context.close()
                await browser.close()
        finally:
            service.stop()
    ordered = sorted(times)
    return {
        "loads": len(times),
        "first_load_ms": round(times[0], 1),
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(ordered[-1], 1),
        "all_ms": [round(t, 1) for t in times],
        "dashboard_query_median_ms": round(statistics.median(queries), 1),
        "page_without_query_median_ms": round(
            statistics.median(t - q for t, q in zip(times, queries, strict=True)), 1
        ),
    }


async def soak(args: argparse.Namespace) -> dict[str, Any]:
    """``args.overlays`` overlays for ``args.minutes``; RSS, stage latency, final counts."""
    duration = args.minutes * 60
    total = int(duration * args.rate)
    stage2 = args.warm_up + (args.stage2 or max(2, total // 2))
    samples: list[tuple[float, float]] = []
    rss_after_write_warm_up = float("nan")
    with tempfile.TemporaryDirectory() as data_dir:
        service = Service(
            data_dir,
            evolution_stage_2_interactions=str(stage2),
            evolution_stage_3_interactions=str(max(stage2 * 10, total * 10)),
        )
        try:
            await service.ready()
            async with (
                async_playwright() as pw,
                httpx.AsyncClient(base_url=service.url, timeout=30) as http,
            ):
                # Warm the write path first (its caches and allocator arenas grow over the
                # first thousands of writes), so the soak measures what overlays cost.
                for batch in range(0, args.warm_up, 8):
                    names = range(batch, min(batch + 8, args.warm_up))
                    await asyncio.gather(*(record(http, f"Warm{n % 200:03d}", "w") for n in names))
                rss_after_write_warm_up = round(service.rss_mb(), 2)
                browser = await launch(pw)
                context = await browser.new_context(viewport={"width": 640, "height": 260})
                pages = []
                for _ in range(args.overlays):
                    page = await context.new_page()
                    await page.goto(service.url + "/overlay?minIntervalMs=1000")
                    await page.locator('#overlay[data-stage="1"]').wait_for()
                    pages.append(page)
                started = time.monotonic()
                next_sample = started
                crossing_answer_ms = None
                for n in range(total):
                    due = started + n / args.rate
                    now = time.monotonic()
                    if due > now:
                        await asyncio.sleep(due - now)
                    if now >= next_sample:
                        samples.append((round(now - started, 1), round(service.rss_mb(), 2)))
                        print(f"t={now - started:6.0f}s RSS {samples[-1][1]:.1f} MB", flush=True)
                        next_sample += 10
                    payload = await record(http, f"Viewer{n % 200:03d}", f"soak {n}")
                    if payload["stageAdvanced"]:
                        crossing_answer_ms = time.time() * 1000
                samples.append((round(time.monotonic() - started, 1), round(service.rss_mb(), 2)))
                await asyncio.sleep(2.5)  # the last throttled update
                delays, finals = [], []
                for page in pages:
                    advanced = await page.locator("#overlay").get_attribute("data-advanced-at")
                    if advanced and crossing_answer_ms:
                        delays.append(round(float(advanced) - crossing_answer_ms, 1))
                    finals.append(await page.locator("#total-interactions").inner_text())
                await browser.close()
        finally:
            service.stop()
    warm = [rss for t, rss in samples if t >= duration / 10]
    base = warm[0] if warm else samples[0][1]
    end = samples[-1][1]
    return {
        "overlays": args.overlays,
        "minutes": args.minutes,
        "interactions": total,
        "rate_per_s": args.rate,
        "write_warm_up": args.warm_up,
        "rss_after_write_warm_up_mb": rss_after_write_warm_up,
        "rss_start_mb": samples[0][1],
        "rss_after_warm_up_mb": base,
        "rss_end_mb": end,
        "rss_max_mb": max(rss for _, rss in samples),
        "growth_pct": round((end - base) / base * 100, 2),
        "stage_change_delay_ms": delays,
        "final_totals_shown": sorted(set(finals)),
        "samples": samples,
    }


def main() -> int:
    """Run one measurement and print its JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("paint", help="dashboard first paint with 50 players")
    p.add_argument("--loads", type=int, default=10)
    s = commands.add_parser("soak", help="overlays open for minutes; the API's RSS")
    s.add_argument("--minutes", type=float, default=10)
    s.add_argument("--overlays", type=int, default=10)
    s.add_argument("--rate", type=float, default=5.0, help="interactions recorded per second")
    s.add_argument("--stage2", type=int, default=0, help="stage-2 threshold (default: halfway)")
    s.add_argument("--warm-up", type=int, default=3000, help="interactions written first")
    args = parser.parse_args()
    result = asyncio.run(paint(args) if args.command == "paint" else soak(args))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
