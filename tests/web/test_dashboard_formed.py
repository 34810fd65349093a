"""/dashboard and formed memories (issue 20): each formed observation shows who formed it
and its sources (interaction ids, line ids, times); a superseded one is marked."""

from __future__ import annotations

from tests.support.api_harness import ConfigFactory, serve
from tests.support.formed import put_formed, source, supersede
from tests.support.web_harness import PageOpener, screenshot

RECORD = """mutation($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { interaction { id } }
}"""


async def test_formed_observations_show_their_sources_and_superseded_ones_are_marked(
    make_config: ConfigFactory, open_page: PageOpener
) -> None:
    async with serve(make_config()) as running:
        await running.client.data(RECORD, {"input": {"player": "Ada", "message": "hi qai"}})
        service = running.service
        old = await put_formed(
            service,
            "Ada",
            "Ada loves burgers",
            sources=[source("i-burger-1", "line-7", days=9), source("i-burger-2", days=8)],
            days=8,
        )
        new = await put_formed(service, "Ada", "Ada is vegan now", formed_by="bedrock")
        await supersede(service, old, new)

        page, watch = await open_page(1920, 1080)
        await page.goto(running.base_url + "/dashboard?player=Ada")
        detail = page.locator("#player")
        await detail.get_by_role("heading", name="Ada").wait_for(timeout=30_000)
        was = detail.locator(f".observation[data-id='{old.observation_id}']")
        now = detail.locator(f".observation[data-id='{new.observation_id}']")
        await was.wait_for(timeout=30_000)
        assert "superseded" in (await was.get_attribute("class") or "")
        chip = was.locator(".superseded-chip")
        assert await chip.inner_text() == "superseded"
        assert new.observation_id in (await chip.get_attribute("title") or "")
        assert await was.locator(".formed-by").inner_text() == "formed by local"
        sources = await was.get_by_label("Sources").locator(".source").all_inner_texts()
        assert len(sources) == 2
        assert "interaction i-burger-1" in sources[0] and "line line-7" in sources[0]
        assert "interaction i-burger-2" in sources[1] and "line" not in sources[1]
        assert await was.locator(".source time").count() == 2

        assert "superseded" not in (await now.get_attribute("class") or "")
        assert await now.locator(".superseded-chip").count() == 0
        assert await now.locator(".formed-by").inner_text() == "formed by bedrock"

        await page.get_by_label("Search QAI's memories").fill("burgers")
        await page.get_by_role("button", name="Search", exact=True).click()
        recalled = page.locator("#memory-list .memory", has_text="Ada loves burgers")
        await recalled.wait_for(timeout=30_000)
        assert await recalled.locator(".superseded-chip").count() == 1
        assert "i-burger-1" in await recalled.get_by_label("Sources").inner_text()
        await screenshot(page, "dashboard-formed")
        watch.assert_clean()
