"""Fixtures of the durability tests: ``qai-graph serve`` as a real process of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.server import ServeProcess


@pytest.fixture
def server_processes() -> Iterator[list[ServeProcess]]:
    """The ``qai-graph serve`` processes a test starts (it appends them); killed at teardown
    if still running."""
    started: list[ServeProcess] = []
    yield started
    for process in started:
        process.kill()
