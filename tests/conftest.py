"""Session fixtures shared by every test tier: dummy AWS credentials and a moto server."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator

import pytest

from qai_graph.config import MemoryConfig
from qai_graph.emulator.embedded import EmbeddedDynamo
from tests.support import tools

ConfigFactory = Callable[..., MemoryConfig]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with a ``slow`` test first: the test command runs files on two workers
    (pytest-xdist, --dist loadfile) in this order, so the long ones start at once instead
    of finishing last on one worker while the other is idle."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)  # stable: order kept within


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """A missing chromium or node: one line, however many tests it skipped."""
    tools.summarise_skips(terminalreporter)


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Undo a test's logging set-up: the CLI run in-process (``main([...])``) configures
    the root logger, and a root left at ``error`` hides later tests' warnings from caplog."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    root.setLevel(level)
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)


@pytest.fixture(scope="session", autouse=True)
def aws_credentials() -> Iterator[None]:
    """Dummy credentials, so no test can reach real AWS or a developer's profile."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        patch.delenv("AWS_PROFILE", raising=False)
        patch.delenv("AWS_SESSION_TOKEN", raising=False)
        yield


@pytest.fixture(scope="session")
def dynamo_endpoint() -> Iterator[str]:
    """The URL of a moto DynamoDB server (no persistence) shared by the session."""
    store = EmbeddedDynamo(data_dir=None)
    store.start()
    try:
        yield store.endpoint
    finally:
        store.stop()


@pytest.fixture
def make_config(dynamo_endpoint: str, request: pytest.FixtureRequest) -> ConfigFactory:
    """MemoryConfig on the test moto server with a table of this test's own.

    Every call in one test names the same table, so two services made from it act as
    two replicas (or a restart) of one deployment; keywords override fields.

    Formation is off (``observer="none"``) unless the test is marked ``formation``: its
    background writes would race the tests that count a request's reads and writes, and
    cost every other test time.
    """
    observer = "local" if request.node.get_closest_marker("formation") else "none"
    table = f"qai-test-{uuid.uuid4().hex[:12]}"

    def factory(**overrides: object) -> MemoryConfig:
        options: dict[str, object] = {
            "dynamodb_endpoint": dynamo_endpoint,
            "dynamodb_table_name": table,
            "dynamodb_max_attempts": 2,
            "dynamodb_timeout_s": 5.0,
            "observer": observer,
        }
        options.update(overrides)
        return MemoryConfig(**options)  # type: ignore[arg-type]

    return factory
