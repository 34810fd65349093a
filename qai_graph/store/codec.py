"""Item codec: Python values to DynamoDB attribute values and back.

DynamoDB numbers travel as ``Decimal``; floats are converted through ``str`` so 0.1 stays
0.1 (not 0.1000000000000000055...). Datetimes are stored as fixed-width UTC ISO strings,
which sort in time order. Numbers come back as ``int`` when integral, else ``float``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from boto3.dynamodb.types import (  # type: ignore[import-untyped]
    Binary,
    TypeDeserializer,
    TypeSerializer,
)

from qai_graph.errors import InvalidInput

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()
MAX_DEPTH = 24  # DynamoDB allows 32 levels; keep a margin for our own wrapping maps


def iso(value: datetime) -> str:
    """Fixed-width UTC ISO-8601 string (sorts in time order)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(value: str) -> datetime:
    """Parse what ``iso`` wrote."""
    return datetime.fromisoformat(value).astimezone(UTC)


def to_dynamo(value: Any, _depth: int = 0) -> Any:
    """Python value -> DynamoDB-ready value (Decimal numbers, ISO datetimes, enum values)."""
    if _depth > MAX_DEPTH:
        raise InvalidInput(f"value nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, bool) or value is None or isinstance(value, str | bytes):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput("numbers must be finite")
        return Decimal(str(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, Mapping):
        return {str(k): to_dynamo(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_dynamo(v, _depth + 1) for v in value]
    raise InvalidInput(f"cannot store a value of type {type(value).__name__}")


def from_dynamo(value: Any) -> Any:
    """DynamoDB value (as deserialized by boto) -> plain Python (int/float, dict, list)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Binary):
        return bytes(value)  # binary attributes (stored vectors) as plain bytes
    if isinstance(value, Mapping):
        return {k: from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [from_dynamo(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(from_dynamo(v) for v in value)
    return value


def serialize(item: Mapping[str, Any]) -> dict[str, Any]:
    """Plain item -> wire item ({"S": ...} form); None values are dropped."""
    return {k: _serializer.serialize(to_dynamo(v)) for k, v in item.items() if v is not None}


def serialize_value(value: Any) -> dict[str, Any]:
    """One plain value -> wire attribute value."""
    result: dict[str, Any] = _serializer.serialize(to_dynamo(value))
    return result


def deserialize(item: Mapping[str, Any]) -> dict[str, Any]:
    """Wire item -> plain item with int/float numbers."""
    return {k: from_dynamo(_deserializer.deserialize(v)) for k, v in item.items()}


def deserialize_raw(item: Mapping[str, Any]) -> dict[str, Any]:
    """Wire item -> item keeping Decimal numbers (for exact arithmetic)."""
    return {k: _deserializer.deserialize(v) for k, v in item.items()}
