"""Helpers of the browser tests: the system chromium, a fence around the network, screenshots.

Chromium is the system's (``QAI_TEST_CHROMIUM``, else ``chromium`` on PATH: see
tests.support.tools), never a Playwright download. Every page runs in a context whose
non-loopback requests, HTTP and WebSocket alike, are aborted and recorded: a test
asserts there were none.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import Page

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


async def screenshot(page: Page, name: str, *, transparent: bool = False) -> Path:
    """Save a screenshot under test-artifacts/ (gitignored) and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), omit_background=transparent)
    return path
