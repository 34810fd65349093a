"""Item operations answer with plain ``json.dumps`` (patch 3).

moto's shape-driven serialiser took most of a small Query's time; the answers of the
item operations are plain JSON already, and every other operation still goes through it.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from moto.dynamodb.responses import DynamoResult

_ITEM_OPERATIONS = {
    "GetItem",
    "BatchGetItem",
    "Query",
    "Scan",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
    "TransactGetItems",
}
_execute_result = DynamoResult.execute_result


def _wire(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"cannot write a {type(value).__name__}")


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def execute_result(self: Any, context: Any) -> Any:
    """An item operation's answer as plain JSON; anything else through moto's serialiser."""
    if context.operation_model.name not in _ITEM_OPERATIONS or not isinstance(self.result, dict):
        return _execute_result(self, context)
    body = json.dumps(_without_none(self.result), default=_wire, separators=(",", ":"))
    return 200, {"Content-Type": "application/x-amz-json-1.0"}, body
