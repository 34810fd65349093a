"""The table: created once, with its indexes, TTL and stream; a missing TTL API only warns."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from qai_graph import MemoryService
from qai_graph.store.table import create_table_if_not_exists


async def test_initialize_creates_the_designed_table_idempotently(make_service) -> None:  # type: ignore[no-untyped-def]
    service: MemoryService = await make_service()
    await service.initialize()  # a second time: no error
    assert await create_table_if_not_exists(service.store) is False
    client = service.store.client
    table = (await client.describe_table(TableName=service.store.table_name))["Table"]
    indexes = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"entity-type-index", "memory-tier-index"}
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    ttl = await client.describe_time_to_live(TableName=service.store.table_name)
    assert ttl["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}
    assert await service.ready()


async def test_endpoint_without_ttl_api_gets_a_warning(
    make_config,
    caplog: pytest.LogCaptureFixture,  # type: ignore[no-untyped-def]
) -> None:
    service = MemoryService(make_config())
    await service.store.open()

    from botocore.exceptions import ClientError

    def refuse(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "UnknownOperationException", "Message": "no TTL"}},
            "DescribeTimeToLive",
        )

    service.store.client.meta.events.register("before-call.dynamodb.DescribeTimeToLive", refuse)
    try:
        with caplog.at_level(logging.WARNING):
            await service.initialize()
        assert "could not enable TTL" in caplog.text
        assert await service.ready()
    finally:
        await service.close()
