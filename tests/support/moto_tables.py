"""CreateTable parameters the in-process emulator tests share."""

from __future__ import annotations

from typing import Any


def pk_sk_table(name: str) -> dict[str, Any]:
    """An on-demand table keyed by string ``pk`` (hash) and ``sk`` (range)."""
    return {
        "TableName": name,
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }
