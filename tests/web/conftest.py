"""Fixtures of the browser tests: Debian's chromium driven by Playwright, the network fenced.

Chromium is the system's (``/usr/bin/chromium``; scripts/test installs it when missing),
never a Playwright download. Every page runs in a context whose non-loopback requests,
HTTP and WebSocket alike, are aborted and recorded: a test asserts there were none.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page, Route, WebSocketRoute, async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "api"))  # api_harness

CHROMIUM = os.environ.get("QAI_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--no-first-run",
    "--no-default-browser-check",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Anything with a host that is not loopback (data: and blob: URLs have none).
OUTSIDE = re.compile(r"^(?:https?|wss?)://(?!(?:127\.0\.0\.1|localhost|\[::1\])(?:[:/]|$))")


def is_loopback(url: str) -> bool:
    """True for URLs that stay on this machine (data:, blob:, about: included)."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in LOOPBACK


PageOpener = Callable[..., Awaitable[tuple[Page, "PageWatch"]]]


@dataclass
class PageWatch:
    """What a page did that a test must check: outside requests, console errors."""

    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def assert_clean(self, *, allow_errors: tuple[str, ...] = ()) -> None:
        """No request left the host and no console error (but the allowed substrings)."""
        assert self.outside == [], f"requests left the host: {self.outside}"
        assert all(is_loopback(url) for url in self.requests), self.requests
        errors = [e for e in self.errors if not any(a in e for a in allow_errors)]
        assert errors == [], f"console errors: {errors}"


@pytest.fixture(scope="session")
def chromium() -> str:
    """The system chromium's path (never a browser Playwright downloads)."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: scripts/test installs chromium"
    return CHROMIUM


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


async def screenshot(page: Page, name: str, *, transparent: bool = False) -> Path:
    """Save a screenshot under test-artifacts/ (gitignored) and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), omit_background=transparent)
    return path
