"""Session fixtures shared by every test tier: dummy AWS credentials and a moto server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qai_graph.store.embedded import EmbeddedDynamo


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
