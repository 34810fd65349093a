"""The one table: its definition and an idempotent create.

Index attributes are sparse: only items that must be listed carry them.
- ``entity-type-index`` (``type_pk``/``type_sk``): player profiles by recency, write-sharded
  ``PLAYER#<n>``; pattern stats under ``PATTERN``. Projection ALL: a dashboard page is read
  from the index alone.
- ``memory-tier-index`` (``tier_pk``/``ttl``): short-term items by expiry, write-sharded
  ``SHORT_TERM#<n>``, for pruning and promotion. Projection INCLUDE of the few attributes
  consolidation filters on.
"""

from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import ClientError

from qai_graph.store.client import DynamoClient

logger = logging.getLogger(__name__)

ENTITY_TYPE_INDEX = "entity-type-index"
MEMORY_TIER_INDEX = "memory-tier-index"
TTL_ATTRIBUTE = "ttl"
TIER_INDEX_PROJECTION = ["entity_type", "confidence", "evidence_count", "memory_tier"]


def table_definition(table_name: str) -> dict[str, Any]:
    """CreateTable parameters for the memory table."""
    return {
        "TableName": table_name,
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "type_pk", "AttributeType": "S"},
            {"AttributeName": "type_sk", "AttributeType": "S"},
            {"AttributeName": "tier_pk", "AttributeType": "S"},
            {"AttributeName": TTL_ATTRIBUTE, "AttributeType": "N"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": ENTITY_TYPE_INDEX,
                "KeySchema": [
                    {"AttributeName": "type_pk", "KeyType": "HASH"},
                    {"AttributeName": "type_sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": MEMORY_TIER_INDEX,
                "KeySchema": [
                    {"AttributeName": "tier_pk", "KeyType": "HASH"},
                    {"AttributeName": TTL_ATTRIBUTE, "KeyType": "RANGE"},
                ],
                "Projection": {
                    "ProjectionType": "INCLUDE",
                    "NonKeyAttributes": TIER_INDEX_PROJECTION,
                },
            },
        ],
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }


async def create_table_if_not_exists(db: DynamoClient) -> bool:
    """Create the table, wait for it, and enable TTL; returns True when it was created."""
    client = db.client
    created = False
    try:
        await client.describe_table(TableName=db.table_name)
        logger.info("table %s already exists", db.table_name)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        logger.info("creating table %s", db.table_name)
        try:
            await client.create_table(**table_definition(db.table_name))
            created = True
        except ClientError as create_exc:
            # Another replica created it between our describe and create: that is fine.
            if create_exc.response["Error"]["Code"] != "ResourceInUseException":
                raise
        waiter = client.get_waiter("table_exists")
        await waiter.wait(TableName=db.table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    await _enable_ttl(db)
    return created


async def _enable_ttl(db: DynamoClient) -> None:
    """Turn on TTL; an endpoint without the TTL API gets a warning, not a crash."""
    try:
        described = await db.client.describe_time_to_live(TableName=db.table_name)
        status = described.get("TimeToLiveDescription", {}).get("TimeToLiveStatus")
        if status in ("ENABLED", "ENABLING"):
            return
        await db.client.update_time_to_live(
            TableName=db.table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )
    except ClientError as exc:
        logger.warning(
            "could not enable TTL on %s (%s); expired items are still hidden on read and "
            "pruned by consolidation",
            db.table_name,
            exc.response["Error"].get("Code"),
        )
