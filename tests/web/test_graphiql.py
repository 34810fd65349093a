"""GraphiQL works offline: every asset from the service, a query and a subscription run."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Page

from tests.support.api_harness import ConfigFactory, serve
from tests.support.web_harness import PageOpener, screenshot

RECORD = """mutation($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { evolution { totalInteractions } }
}"""


async def run_in_graphiql(page: Page, query: str) -> None:
    """Replace the editor's text with ``query`` and press the run button."""
    await page.evaluate(
        "q => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(q)",
        query,
    )
    await page.get_by_role("button", name=re.compile("Execute query")).click()


async def response_text(page: Page) -> str:
    """What GraphiQL's result pane shows."""
    text: str = await page.evaluate(
        "() => document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()"
    )
    return text


async def test_graphiql_page_references_only_its_own_assets(make_config: ConfigFactory) -> None:
    async with serve(make_config()) as running:
        page = await running.client.http.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert len(assets) >= 8, assets
        assert not [a for a in assets if "//" in a], "an asset is loaded from another host"
        for asset in assets:
            if asset.startswith("data:"):
                continue
            answer = await running.client.http.get("/" + asset)
            assert answer.status_code == 200, asset
            assert len(answer.content) > 100, asset


async def test_graphiql_runs_a_query_and_a_subscription_offline(
    make_config: ConfigFactory, open_page: PageOpener
) -> None:
    async with serve(make_config()) as running:
        page, watch = await open_page()
        await page.goto(running.base_url + "/graphql")
        await page.wait_for_selector(".graphiql-query-editor .CodeMirror", timeout=20_000)

        await run_in_graphiql(page, "{ evolution { stage stageName totalInteractions } }")
        await page.wait_for_function(
            "() => document.querySelector('.graphiql-response .CodeMirror')"
            ".CodeMirror.getValue().includes('Wonder')",
            timeout=30_000,
        )
        assert '"totalInteractions": 0' in await response_text(page)

        await run_in_graphiql(
            page,
            "subscription { evolutionUpdated(minIntervalMs: 100) { stage totalInteractions } }",
        )
        await running.wait_for_subscribers(1, within=10)
        player = {"player": "GraphiQLFan", "message": "hello from the test"}
        async with httpx.AsyncClient(base_url=running.base_url) as http:
            answer = await http.post(
                "/graphql", json={"query": RECORD, "variables": {"input": player}}
            )
        assert answer.json()["data"]["recordInteraction"]["evolution"]["totalInteractions"] == 1
        await page.wait_for_function(
            "() => document.querySelector('.graphiql-response .CodeMirror')"
            ".CodeMirror.getValue().includes('\"totalInteractions\": 1')",
            timeout=30_000,
        )
        await screenshot(page, "graphiql")
        watch.assert_clean()
