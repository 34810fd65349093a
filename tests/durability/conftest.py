"""Fixtures of the durability tests: ``qai-graph serve`` as a real process of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.server import ServeProcess


@pytest.fixture
def served() -> Iterator[list[ServeProcess]]:
    """Processes a test starts; killed at teardown if still running."""
    started: list[ServeProcess] = []
    yield started
    for process in started:
        process.kill()
