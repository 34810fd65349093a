"""Fixtures of the browser tests: one headless chromium, pages in fenced contexts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, Route, WebSocketRoute, async_playwright

from tests.support.tools import require
from tests.support.web_harness import (
    CHROMIUM_ARGS,
    OUTSIDE,
    PageOpener,
    PageWatch,
)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The system chromium's path (never a browser Playwright downloads); missing, the
    browser tests skip with what to install (fail with CI=true: tests.support.tools)."""
    [path] = require("chromium", needed_by="the browser tests (tests/web)")
    return path


@pytest.fixture(scope="session")
async def browser(chromium: str) -> AsyncIterator[Browser]:
    """One headless chromium for the session."""
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def open_page(browser: Browser) -> AsyncIterator[PageOpener]:
    """Opens pages in fenced contexts: ``page, watch = await open_page(width, height)``."""
    contexts = []

    async def opener(width: int = 1920, height: int = 1080) -> tuple[Page, PageWatch]:
        context = await browser.new_context(
            viewport={"width": width, "height": height}, service_workers="block"
        )
        contexts.append(context)
        watch = PageWatch()

        async def refuse(route: Route) -> None:
            watch.outside.append(route.request.url)
            await route.abort("blockedbyclient")

        async def refuse_socket(ws: WebSocketRoute) -> None:
            watch.outside.append(ws.url)
            await ws.close()

        await context.route(OUTSIDE, refuse)
        await context.route_web_socket(OUTSIDE, refuse_socket)
        page = await context.new_page()
        page.on("request", lambda request: watch.requests.append(request.url))
        page.on("websocket", lambda ws: watch.requests.append(ws.url))
        page.on(
            "console",
            lambda message: (
                watch.errors.append(f"{message.text} ({message.location})")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: watch.errors.append(f"uncaught: {error}"))
        return page, watch

    try:
        yield opener
    finally:
        for context in contexts:
            await context.close()
