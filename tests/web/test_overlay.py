"""/overlay: stage, progress and totals live; the stage change animates; keys; restarts."""

from __future__ import annotations

import asyncio
import time

from qai_graph.api.auth import new_key
from tests.support.api_harness import ConfigFactory, RunningApp, serve
from tests.support.web_harness import PageOpener, screenshot

RECORD = """mutation($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { stageAdvanced evolution { stage totalInteractions } }
}"""
OVERLAY_SIZE = (640, 260)


async def record(running: RunningApp, player: str, key: str | None = None) -> dict[str, object]:
    """One recordInteraction; its payload."""
    headers = {"authorization": f"Bearer {key}"} if key else {}
    answer = await running.client.http.post(
        "/graphql",
        json={"query": RECORD, "variables": {"input": {"player": player, "message": "hi"}}},
        headers=headers,
    )
    body = answer.json()
    assert not body.get("errors"), body
    payload: dict[str, object] = body["data"]["recordInteraction"]
    return payload


async def test_overlay_animates_to_stage_2_within_a_second_of_the_answer(
    make_config: ConfigFactory, open_page: PageOpener
) -> None:
    config = make_config(evolution_stage_2_interactions=3, evolution_stage_3_interactions=1000)
    async with serve(config) as running:
        page, watch = await open_page(*OVERLAY_SIZE)
        await page.goto(running.base_url + "/overlay?minIntervalMs=1000&theme=dark")
        overlay = page.locator("#overlay")
        await overlay.and_(page.locator('[data-stage="1"]')).wait_for(timeout=30_000)
        assert await page.locator("#stage-name").inner_text() == "Wonder"
        await running.wait_for_subscribers(2, within=10)
        background = await page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert background == "rgba(0, 0, 0, 0)", "an OBS source needs a transparent page"

        for n in (1, 2):
            assert (await record(running, f"Viewer{n}"))["stageAdvanced"] is False
        await page.locator("#total-interactions").get_by_text("2").wait_for(timeout=15_000)
        assert await overlay.get_attribute("data-stage") == "1"
        crossing = await record(running, "Viewer3")
        answered_ms = time.time() * 1000
        assert crossing["stageAdvanced"] is True

        await page.locator('#overlay.advancing[data-stage="2"]').wait_for(timeout=15_000)
        advanced_ms = float(await overlay.get_attribute("data-advanced-at") or "inf")
        assert advanced_ms - answered_ms <= 1000, advanced_ms - answered_ms
        assert await page.locator("#stage-name").inner_text() == "Pattern Recognition"
        await screenshot(page, "overlay-advancing", transparent=True)
        await page.locator("#overlay:not(.advancing)").wait_for(timeout=30_000)
        assert await page.locator("#total-interactions").inner_text() == "3"
        await screenshot(page, "overlay", transparent=True)
        watch.assert_clean()

        # Configured by the query string.
        page, watch = await open_page(*OVERLAY_SIZE)
        await page.goto(running.base_url + "/overlay?theme=light&show=stage,progress")
        await page.locator('#overlay[data-stage="2"]').wait_for(timeout=30_000)
        assert await page.locator('[data-part="totals"]').is_hidden()
        assert await page.locator('[data-part="progress"]').is_visible()
        assert await page.evaluate("() => document.body.classList.contains('theme-light')")
        assert await page.get_by_role("progressbar").get_attribute("aria-label")
        watch.assert_clean()


async def test_overlay_key_travels_only_in_connection_init(
    make_config: ConfigFactory, open_page: PageOpener
) -> None:
    reader, entry = new_key("reader")
    async with serve(make_config(api_keys=entry, pages=True)) as running:
        page, watch = await open_page(*OVERLAY_SIZE)
        await page.goto(running.base_url + "/overlay")
        await page.locator("#refused").wait_for(timeout=30_000)
        assert await page.locator("#overlay").is_hidden(), "no key, no data"

        page, watch = await open_page(*OVERLAY_SIZE)
        await page.goto(f"{running.base_url}/overlay#key={reader}")
        await page.locator('#overlay[data-stage="1"]').wait_for(timeout=30_000)
        assert watch.requests, "the page made requests"
        assert not [url for url in watch.requests if reader in url]
        watch.assert_clean()


async def test_overlay_survives_a_restart_of_the_service(
    make_config: ConfigFactory, open_page: PageOpener
) -> None:
    config = make_config(evolution_stage_2_interactions=2, evolution_stage_3_interactions=1000)
    async with serve(config) as running:
        port = int(running.base_url.rsplit(":", 1)[1])
        page, watch = await open_page(*OVERLAY_SIZE)
        await page.goto(running.base_url + "/overlay?minIntervalMs=100")
        await page.locator('#overlay[data-stage="1"]').wait_for(timeout=30_000)
        await record(running, "BeforeRestart")
        await page.locator("#total-interactions").get_by_text("1").wait_for(timeout=15_000)

    # Down: the last state stays on screen, nothing looks broken.
    await asyncio.sleep(1.5)
    assert await page.locator("#overlay").is_visible()
    assert await page.locator("#refused").is_hidden()
    assert await page.locator("#total-interactions").inner_text() == "1"

    async with serve(config, port=port) as running:
        await running.wait_for_subscribers(2, within=30)
        await record(running, "AfterRestart")
        await page.locator('#overlay[data-stage="2"]').wait_for(timeout=30_000)
        assert await page.locator("#total-interactions").inner_text() == "2"
    # Chromium logs the refused reconnection attempts while the service was down.
    watch.assert_clean(allow_errors=("WebSocket connection to",))
